"""The health rules on plain data: each signal fires, stays quiet, or says it cannot tell."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from planning.health.rules import (
    SIGNALS,
    AccountInputs,
    HandText,
    Need,
    OpenAction,
    OpenOpportunity,
    Person,
    Reason,
    Thresholds,
    YearFigures,
    assess,
)

TODAY = datetime.date(2026, 12, 7)
RECENT = TODAY - datetime.timedelta(days=10)
LONG_AGO = TODAY - datetime.timedelta(days=400)
DEFAULT = Thresholds(amber_at=Decimal(3), red_at=Decimal(6))


def person(name: str = "Ingrid Ortega", **changes: Any) -> Person:
    base = Person(
        name=name,
        roles=("decider",),
        has_owner=True,
        relationship_score=1,
        assessed_on=RECENT,
        updated_on=RECENT,
    )
    return replace(base, **changes)


def need(**changes: Any) -> Need:
    base = Need(
        kind="concern",
        severity="low",
        status="open",
        description="Worried about response times",
        stakeholder="Ingrid Ortega",
        opportunity="Pump fleet upgrade",
        updated_on=RECENT,
    )
    return replace(base, **changes)


def healthy(**changes: Any) -> AccountInputs:
    """An account where every signal is known and nothing is wrong."""
    base = AccountInputs(
        customer_id=1,
        today=TODAY,
        people=(person(), person("Bo Berg", roles=("facilitator",))),
        needs=(need(),),
        open_actions=(
            OpenAction("Site visit", TODAY + datetime.timedelta(days=5), "open", RECENT),
        ),
        has_actions=True,
        years=(
            YearFigures(2024, Decimal(1000000), Decimal(300000), RECENT),
            YearFigures(2025, Decimal(1100000), Decimal(320000), RECENT),
        ),
        open_opportunities=(OpenOpportunity("Retrofit", Decimal(50000), (), RECENT),),
        has_opportunities=True,
        texts=(HandText("Market", RECENT, RECENT),),
        probability_alive=0.93,
        scores_computed_on=RECENT,
    )
    return replace(base, **changes)


def reason(inputs: AccountInputs, code: str, thresholds: Thresholds = DEFAULT) -> Reason:
    return next(r for r in assess(inputs, thresholds).reasons if r.code == code)


def test_a_healthy_account_is_green_and_names_what_it_could_not_check() -> None:
    result = assess(healthy(), DEFAULT)
    assert result.rating == "green"
    assert result.score == 0
    assert not result.active
    # Reviews and contacts are not recorded by the app yet: unknown, not "fine".
    assert {r.code for r in result.unknown} == {"no_recent_review", "no_recent_contact"}


def test_nothing_known_is_unknown_not_green() -> None:
    result = assess(AccountInputs(customer_id=1, today=TODAY), DEFAULT)
    assert result.rating == "unknown"
    assert result.score is None
    assert len(result.unknown) == len(SIGNALS)
    assert all(r.weight >= 0 and not r.active and r.as_of is None for r in result.reasons)


def test_unknown_inputs_add_nothing_even_with_a_weight() -> None:
    # Only the margin is known (and falling): the score is its weight, nothing more.
    inputs = AccountInputs(
        customer_id=1,
        today=TODAY,
        years=(
            YearFigures(2024, Decimal(1000), Decimal(400), RECENT),
            YearFigures(2025, Decimal(900), Decimal(200), RECENT),
        ),
    )
    result = assess(inputs, DEFAULT)
    assert [r.code for r in result.active] == ["declining_margin"]
    assert result.score == SIGNALS["declining_margin"].default_weight
    assert len(result.unknown) == len(SIGNALS) - 1


@pytest.mark.parametrize(
    ("changes", "active"),
    [
        ({"severity": "high"}, True),
        ({"severity": "high", "status": "addressed"}, False),
        ({"severity": "medium"}, False),
        ({"kind": "expectation", "severity": "high"}, False),
    ],
)
def test_severe_concerns(changes: dict[str, Any], active: bool) -> None:
    verdict = reason(healthy(needs=(need(**changes),)), "severe_concerns")
    assert verdict.active is active
    if active:
        assert verdict.evidence == (
            "Ingrid Ortega on Pump fleet upgrade: Worried about response times",
        )
        assert verdict.as_of == RECENT


def test_concerns_and_expectations_are_unknown_until_some_are_recorded() -> None:
    inputs = healthy(needs=())
    assert reason(inputs, "severe_concerns").unknown
    assert reason(inputs, "unmet_expectations").unknown


def test_unmet_expectations() -> None:
    unmet = need(kind="expectation", status="not_met", description="Monthly reporting")
    assert reason(healthy(needs=(unmet,)), "unmet_expectations").active
    still_open = need(kind="expectation", status="open")
    assert not reason(healthy(needs=(still_open,)), "unmet_expectations").active


def test_stale_assessments_name_who_and_how_old() -> None:
    inputs = healthy(
        people=(
            person(assessed_on=LONG_AGO),
            person("Bo Berg", roles=("facilitator",), assessed_on=None),
            person("Una User", roles=("user",), assessed_on=None),  # not a key player
        )
    )
    verdict = reason(inputs, "stale_assessments")
    assert verdict.active
    assert verdict.evidence == (
        "Ingrid Ortega (decider) was last assessed 400 days ago",
        "Bo Berg (facilitator) was never assessed",
    )
    fresh = healthy(people=(person(assessed_on=TODAY - datetime.timedelta(days=100)),))
    assert not reason(fresh, "stale_assessments").active


def test_decider_without_owner_or_at_neutral_is_uncovered() -> None:
    inputs = healthy(
        people=(
            person(has_owner=False),
            person("Bo Berg", roles=("facilitator",), relationship_score=0),
            person("Una User", roles=("user",), has_owner=False),
        )
    )
    verdict = reason(inputs, "uncovered_key_players")
    assert verdict.evidence == (
        "Ingrid Ortega (decider) has no owner on our side",
        "Bo Berg (facilitator): our relationship is 0, at or below neutral",
    )
    covered = healthy(people=(person(relationship_score=2),))
    assert not reason(covered, "uncovered_key_players").active


@pytest.mark.parametrize(
    ("changes", "active"),
    [
        ({"opponent_influencer": True}, True),  # a decider
        ({"opponent_influencer": True, "roles": ("advisor",), "dominant_advisor": True}, True),
        ({"opponent_influencer": True, "roles": ("influencer",), "strongest_influence": 3}, True),
        ({"opponent_influencer": True, "roles": ("influencer",), "in_power_zone": True}, True),
        ({"opponent_influencer": True, "roles": ("user",), "strongest_influence": 1}, False),
        ({"opponent_influencer": False}, False),
    ],
)
def test_powerful_opponent(changes: dict[str, Any], active: bool) -> None:
    verdict = reason(healthy(people=(person(**changes),)), "powerful_opponent")
    assert verdict.active is active


def test_overdue_actions() -> None:
    late = OpenAction(
        "Send the proposal", TODAY - datetime.timedelta(days=3), "in_progress", RECENT
    )
    verdict = reason(healthy(open_actions=(late,)), "overdue_actions")
    assert verdict.active
    assert verdict.evidence == ("Send the proposal: due 2026-12-04, 3 days ago",)
    due_today = OpenAction("Call", TODAY, "open", RECENT)
    assert not reason(healthy(open_actions=(due_today,)), "overdue_actions").active
    assert reason(healthy(open_actions=(), has_actions=False), "overdue_actions").unknown


def test_declining_margin_needs_a_real_drop_over_complete_years() -> None:
    falling = (
        YearFigures(2024, Decimal(1000), Decimal(400), RECENT),
        YearFigures(2025, Decimal(1000), Decimal(300), RECENT),
        # The current year is not complete: never compared.
        YearFigures(2026, Decimal(10), Decimal(1), RECENT),
    )
    verdict = reason(healthy(years=falling), "declining_margin")
    assert verdict.active
    assert "fell from 400 in 2024 to 300 in 2025 (25% down)" in verdict.evidence[0]
    wobble = (
        YearFigures(2024, Decimal(1000), Decimal(400), RECENT),
        YearFigures(2025, Decimal(1000), Decimal(390), RECENT),
    )
    assert not reason(healthy(years=wobble), "declining_margin").active
    one_year = (YearFigures(2025, Decimal(1000), Decimal(390), RECENT),)
    assert reason(healthy(years=one_year), "declining_margin").unknown


def test_unqualified_large_opportunity() -> None:
    large = OpenOpportunity("Plant automation", Decimal(200000), ("budget availability",), RECENT)
    small = OpenOpportunity("Spare parts", Decimal(5000), ("compelling reason",), RECENT)
    verdict = reason(healthy(open_opportunities=(large, small)), "unqualified_large_opportunities")
    assert verdict.evidence == ("Plant automation (200,000): budget availability not established",)
    qualified = replace(large, missing_cabs=())
    assert not reason(
        healthy(open_opportunities=(qualified,)), "unqualified_large_opportunities"
    ).active
    none = healthy(open_opportunities=(), has_opportunities=False)
    assert reason(none, "unqualified_large_opportunities").unknown


def test_no_review_is_unknown_until_reviews_are_recorded() -> None:
    assert reason(healthy(), "no_recent_review").unknown
    recorded = healthy(reviews_recorded=True, last_review_on=TODAY - datetime.timedelta(days=120))
    assert reason(recorded, "no_recent_review").active
    recent = healthy(reviews_recorded=True, last_review_on=RECENT)
    assert not reason(recent, "no_recent_review").active


def test_stale_plan_sections() -> None:
    stale = (
        HandText("Market", TODAY - datetime.timedelta(days=91), RECENT),
        HandText("Trends", None, RECENT),
    )
    verdict = reason(healthy(texts=stale), "stale_plan_sections")
    assert verdict.evidence == ("Market: last confirmed 91 days ago", "Trends: never confirmed")
    assert reason(healthy(texts=()), "stale_plan_sections").unknown


def test_probability_alive() -> None:
    assert reason(healthy(probability_alive=0.3), "low_probability_alive").active
    assert not reason(healthy(probability_alive=0.7), "low_probability_alive").active
    assert reason(healthy(probability_alive=None), "low_probability_alive").unknown


def test_contact_with_key_players_where_recorded() -> None:
    out_of_touch = healthy(people=(person(last_contact_on=TODAY - datetime.timedelta(days=120)),))
    assert reason(out_of_touch, "no_recent_contact").active
    in_touch = healthy(people=(person(last_contact_on=RECENT),))
    assert not reason(in_touch, "no_recent_contact").active


def test_thresholds_and_weights_come_from_the_settings() -> None:
    inputs = healthy(people=(person(has_owner=False),))  # uncovered decider: weight 3
    assert assess(inputs, DEFAULT).rating == "amber"
    assert assess(inputs, Thresholds(amber_at=Decimal(4), red_at=Decimal(6))).rating == "green"
    heavier = Thresholds(
        amber_at=Decimal(3), red_at=Decimal(6), weights={"uncovered_key_players": Decimal(7)}
    )
    result = assess(inputs, heavier)
    assert (result.rating, result.score) == ("red", Decimal(7))
    ignored = Thresholds(
        amber_at=Decimal(3), red_at=Decimal(6), weights={"uncovered_key_players": Decimal(0)}
    )
    assert assess(inputs, ignored).rating == "green"


def test_active_reasons_come_first_and_carry_what_the_page_needs() -> None:
    inputs = healthy(people=(person(has_owner=False),), probability_alive=0.2)
    result = assess(inputs, DEFAULT)
    assert [r.code for r in result.reasons[:2]] == [
        "uncovered_key_players",
        "low_probability_alive",
    ]
    stored = result.reasons[0].as_dict()
    assert stored == {
        "code": "uncovered_key_players",
        "label": "Deciders or facilitators not covered",
        "weight": "3",
        "active": True,
        "unknown": False,
        "evidence": ["Ingrid Ortega (decider) has no owner on our side"],
        "as_of": RECENT.isoformat(),
        # The hand-built person has no id: nothing to link to.
        "refs": [None],
    }


def test_the_defaults_tell_the_three_stories() -> None:
    """Stale sections and overdue actions: amber; an uncovered decider and a severe concern: red."""
    late = OpenAction("Send the proposal", TODAY - datetime.timedelta(days=3), "open", RECENT)
    stale = (HandText("Market", LONG_AGO, LONG_AGO),)
    assert assess(healthy(), DEFAULT).rating == "green"
    assert assess(healthy(open_actions=(late,), texts=stale), DEFAULT).rating == "amber"
    red = healthy(people=(person(has_owner=False),), needs=(need(severity="high"),))
    assert assess(red, DEFAULT).rating == "red"
