"""Hand-typed texts: autosave, a stale save with Keep mine / Take theirs, confirm, freshness."""

from __future__ import annotations

import datetime
from html import unescape

import pytest
from django.core.exceptions import ValidationError

from kam.changelog.models import ChangeAction, ChangeLogEntry
from kam.concurrency import VersionConflict
from kam.tenancy.context import workspace_context
from planning.models import PlanText
from planning.plan.selectors import is_stale, plan_texts
from planning.plan.services.texts import MAX_TEXT_LENGTH, plan_text_confirm, plan_text_save
from tests.planning.plan.conftest import Plan

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _save(plan: Plan, topic: str, text: str, version: int, *, htmx: bool = True, client=None):  # type: ignore[no-untyped-def]
    client = client or plan.client()
    return client.post(
        f"{plan.url()}texts/",
        {"topic": topic, "text": text, "version": version},
        **(HTMX if htmx else {}),
    )


def _row(plan: Plan, topic: str) -> PlanText:
    with workspace_context(plan.workspace):
        return PlanText.objects.get(customer=plan.customer, topic=topic)


def test_autosave_creates_then_updates_and_answers_the_new_version(plan: Plan) -> None:
    response = _save(plan, "strategy", "Grow in Africa through acquisitions.", 0)
    assert response.status_code == 200
    html = response.content.decode()
    row = _row(plan, "strategy")
    assert row.text == "Grow in Africa through acquisitions."
    assert row.confirmed_on == datetime.date.today()
    assert row.confirmed_by_id == plan.world.a.user("kam").pk
    # The answer is the status line plus the new version for the text's two forms.
    assert 'id="status-strategy"' in html and "Saved" in html
    assert f'value="{row.version}" id="version-strategy" hx-swap-oob="true"' in html
    response = _save(plan, "strategy", "Grow in Africa and Chile.", row.version)
    assert response.status_code == 200
    assert _row(plan, "strategy").text == "Grow in Africa and Chile."
    with workspace_context(plan.workspace):
        sentences = list(
            ChangeLogEntry.objects.filter(object_id=row.pk).values_list("sentence", flat=True)
        )
    assert any("rewrote the plan's “Strategy”" in s for s in sentences)


def test_saving_the_same_text_again_writes_nothing(plan: Plan) -> None:
    row = _row(plan, "market")
    _save(plan, "market", row.text, row.version)
    assert _row(plan, "market").version == row.version


def test_a_stale_save_shows_their_text_and_keep_mine_saves_mine(plan: Plan) -> None:
    row = _row(plan, "market")
    # Somebody else saved first (from another page, on the same version).
    other = plan.client("admin")
    assert (
        _save(plan, "market", "Theirs: copper falls.", row.version, client=other).status_code == 200
    )
    response = _save(plan, "market", "Mine: copper rises.", row.version)
    assert response.status_code == 409
    html = unescape(response.content.decode())
    assert "Keep mine" in html and "Take theirs" in html
    assert "Theirs: copper falls." in html and "Mine: copper rises." in html
    assert ">Topic<" not in html  # bookkeeping is not shown as a difference
    assert response["HX-Retarget"] == "#text-market"
    current = _row(plan, "market")
    assert current.text == "Theirs: copper falls."
    # Keep mine resubmits my text on their version.
    assert f'value="{current.version}" id="version-market"' in html
    assert _save(plan, "market", "Mine: copper rises.", current.version).status_code == 200
    assert _row(plan, "market").text == "Mine: copper rises."


def test_take_theirs_reloads_the_card(plan: Plan) -> None:
    response = plan.client().get(f"{plan.url()}texts/?topic=market", **HTMX)
    assert response.status_code == 200
    assert "Copper prices are up" in response.content.decode()
    assert plan.client().get(f"{plan.url()}texts/?topic=nonsense", **HTMX).status_code == 404


def test_without_javascript_a_save_returns_to_the_plan(plan: Plan) -> None:
    response = _save(plan, "history", "Customer since 2009.", 0, htmx=False)
    assert response.status_code == 302
    assert response["Location"].endswith("#text-history")
    row = _row(plan, "history")
    response = _save(plan, "history", "Old page.", 0, htmx=False)
    assert response.status_code == 409
    html = unescape(response.content.decode())
    assert "Customer since 2009." in html and "Old page." in html and "Keep mine" in html
    assert _row(plan, "history").version == row.version


def test_a_too_long_text_is_refused_and_kept(plan: Plan) -> None:
    text = "x" * (MAX_TEXT_LENGTH + 1)
    response = _save(plan, "trends", text, 0)
    assert response.status_code == 422
    assert f"Keep it under {MAX_TEXT_LENGTH} characters" in unescape(response.content.decode())
    assert text in response.content.decode()


def test_confirm_unchanged_stamps_today_and_logs_it(plan: Plan) -> None:
    row = _row(plan, "market")
    response = plan.client().post(
        f"{plan.url()}texts/confirm/", {"topic": "market", "version": row.version}, **HTMX
    )
    assert response.status_code == 200
    assert "Confirmed unchanged on" in response.content.decode()
    confirmed = _row(plan, "market")
    assert confirmed.confirmed_on == datetime.date.today()
    assert confirmed.text == row.text
    with workspace_context(plan.workspace):
        entry = ChangeLogEntry.objects.filter(object_id=row.pk).first()
    assert entry is not None and entry.action == ChangeAction.CONFIRMED
    # A confirm on an old version confirms nothing and says why.
    response = plan.client().post(
        f"{plan.url()}texts/confirm/", {"topic": "market", "version": row.version}, **HTMX
    )
    assert "nothing was confirmed" in unescape(response.content.decode())


def test_nothing_to_confirm_before_anything_is_written(plan: Plan) -> None:
    with workspace_context(plan.workspace), pytest.raises(ValidationError) as error:
        plan_text_confirm(
            workspace=plan.workspace, customer=plan.customer, topic="buying", expected_version=0
        )
    assert "write the text first" in str(error.value)


@pytest.mark.parametrize(("days", "stale"), [(89, False), (90, False), (91, True)])
def test_a_text_turns_stale_after_90_days(plan: Plan, days: int, stale: bool) -> None:
    today = datetime.date(2026, 12, 7)
    assert is_stale(today - datetime.timedelta(days=days), today=today) is stale
    with workspace_context(plan.workspace):
        PlanText.objects.filter(customer=plan.customer, topic="market").update(
            confirmed_on=datetime.date.today() - datetime.timedelta(days=days)
        )
        views = plan_texts(plan.customer, today=datetime.date.today())
    assert views["market"].stale is stale
    html = unescape(plan.client().get(plan.url()).content.decode())
    card = html[html.index('id="text-market"') :][:1500]
    assert ('class="badge badge-warn"' in card and "Stale" in card) is stale


def test_an_empty_text_is_not_written_rather_than_stale(plan: Plan) -> None:
    with workspace_context(plan.workspace):
        views = plan_texts(plan.customer, today=datetime.date.today())
    assert views["competitors"].stale is False
    assert views["competitors"].row is None


def test_the_service_refuses_an_unknown_topic_and_a_lost_row(plan: Plan) -> None:
    with workspace_context(plan.workspace):
        with pytest.raises(ValidationError) as error:
            plan_text_save(
                workspace=plan.workspace,
                customer=plan.customer,
                topic="x",
                text="",
                expected_version=None,
            )
        assert "is not a section of the plan" in str(error.value)
        with pytest.raises(VersionConflict):
            plan_text_save(
                workspace=plan.workspace,
                customer=plan.customer,
                topic="financial",
                text="Net debt 2x EBITDA",
                expected_version=3,
            )
