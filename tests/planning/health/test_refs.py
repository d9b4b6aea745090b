"""The rules name what each evidence line is about (pure data), in the lines' order."""

from __future__ import annotations

import datetime

from planning.health.rules import OpenAction, Ref, assess
from planning.health.rules.facts import EVIDENCE_ITEMS, HandText
from tests.planning.health.test_rules import DEFAULT, LONG_AGO, TODAY, healthy, person


def test_each_active_line_names_its_object_and_the_version_read() -> None:
    inputs = healthy(
        people=(person(has_owner=False, id=7, version=3),),
        texts=(
            HandText("Market", confirmed_on=LONG_AGO, updated_on=LONG_AGO, topic="market", id=4),
        ),
    )
    result = assess(inputs, DEFAULT)
    by_code = {r.code: r for r in result.reasons}
    assert by_code["uncovered_key_players"].refs == (Ref("stakeholder", 7, "edit", 3),)
    assert by_code["stale_plan_sections"].refs == (Ref("plan_text", 4, "market", 0),)
    assert by_code["uncovered_key_players"].as_dict()["refs"] == [
        {"kind": "stakeholder", "id": 7, "key": "edit", "version": 3}
    ]
    # A sign that is fine links nowhere.
    assert by_code["overdue_actions"].refs == ()


def test_the_and_n_more_line_links_nowhere() -> None:
    late = TODAY - datetime.timedelta(days=5)
    actions = tuple(
        OpenAction(f"Call {n}", late, "open", late, id=n + 1, version=1)
        for n in range(EVIDENCE_ITEMS + 2)
    )
    result = assess(healthy(open_actions=actions, has_actions=True), DEFAULT)
    overdue = next(r for r in result.reasons if r.code == "overdue_actions")
    assert len(overdue.evidence) == len(overdue.refs) == EVIDENCE_ITEMS + 1
    assert overdue.evidence[-1] == "and 2 more"
    assert overdue.refs[-1] is None
    assert all(ref is not None and ref.kind == "action" for ref in overdue.refs[:-1])
