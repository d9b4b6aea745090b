"""Storing health: the computation, its history, the override and the workspace's settings."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Customer, CustomerStatus
from buying_center.models import Stakeholder
from buying_center.services import stakeholder_update
from kam.changelog.models import ChangeLogEntry
from kam.concurrency import VersionConflict
from kam.jobs.models import Job
from kam.workspaces.models import Workspace
from planning.health.selectors import account_health, effective_rating, health_badges
from planning.health.services import (
    health_due_ids,
    health_override_clear,
    health_override_set,
    health_recompute,
    health_settings_get,
    health_settings_update,
)
from planning.models import AccountHealth, HealthRecord
from tests.factories import WorkspaceWorld
from tests.planning.health.conftest import Account, build_account

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def health_of(customer: Customer) -> AccountHealth:
    return AccountHealth.objects.get(customer=customer)


def uncover(account: Account) -> None:
    Stakeholder.objects.filter(pk=account.decider.pk).update(owner=None)


def test_recompute_stores_rating_reasons_and_a_first_record(account: Account) -> None:
    assert health_recompute(workspace=account.workspace) == 1
    health = health_of(account.customer)
    assert health.computed_rating == "green"
    assert health.computed_score == 0
    assert health.computed_at is not None
    unknown = {r["code"] for r in health.reasons if r["unknown"]}
    # Nothing recorded yet for these: listed as unknown, never counted as fine.
    assert unknown == {"no_recent_contact", "stale_plan_sections"}
    assert HealthRecord.objects.filter(customer=account.customer).count() == 1


def test_non_key_accounts_get_no_health(account: Account, in_workspace: Workspace) -> None:
    Customer.objects.filter(pk=account.customer.pk).update(status=CustomerStatus.CANDIDATE)
    assert health_recompute(workspace=in_workspace) == 0
    assert not AccountHealth.objects.exists()


def test_history_grows_only_when_health_changes_or_a_new_day_starts(account: Account) -> None:
    now = timezone.localtime().replace(hour=12, minute=0)  # minutes later is the same day
    health_recompute(workspace=account.workspace, now=now)
    health_recompute(workspace=account.workspace, now=now + datetime.timedelta(minutes=5))
    assert HealthRecord.objects.filter(customer=account.customer).count() == 1
    uncover(account)
    health_recompute(workspace=account.workspace, now=now + datetime.timedelta(minutes=10))
    records = list(HealthRecord.objects.filter(customer=account.customer).order_by("at"))
    assert [(r.rating, r.score) for r in records] == [("green", 0), ("amber", 3)]
    health_recompute(workspace=account.workspace, now=now + datetime.timedelta(days=1))
    assert HealthRecord.objects.filter(customer=account.customer).count() == 3


def test_the_computation_never_touches_the_override(account: Account) -> None:
    health_recompute(workspace=account.workspace)
    health = health_of(account.customer)
    health_override_set(
        workspace=account.workspace,
        customer=account.customer,
        rating="red",
        reason="The CEO told us they are tendering everything next spring.",
        until=TOMORROW,
        expected_version=health.version,
    )
    uncover(account)
    health_recompute(workspace=account.workspace, now=timezone.now() + datetime.timedelta(hours=1))
    health = health_of(account.customer)
    assert health.computed_rating == "amber"
    assert (health.override_rating, health.override_until) == ("red", TOMORROW)
    assert health.override_reason.startswith("The CEO")
    # The computation did not move the version: a form opened before it still saves.
    assert health.version == 2
    assert effective_rating(health) == "red"


def test_an_override_holds_until_its_day_and_then_the_computed_rating_shows(
    account: Account,
) -> None:
    health_recompute(workspace=account.workspace)
    health = health_override_set(
        workspace=account.workspace,
        customer=account.customer,
        rating="amber",
        reason="New purchasing director starts next month.",
        until=TOMORROW,
        expected_version=1,
    )
    assert effective_rating(health, TOMORROW) == "amber"
    assert effective_rating(health, TOMORROW + datetime.timedelta(days=1)) == "green"
    badge = health_badges(workspace=account.workspace, customer_ids=[account.customer.pk])
    assert badge[account.customer.pk].overridden
    assert "New purchasing director" in badge[account.customer.pk].reason


def test_an_override_needs_a_rating_a_reason_and_a_future_day(account: Account) -> None:
    with pytest.raises(ValidationError) as caught:
        health_override_set(
            workspace=account.workspace,
            customer=account.customer,
            rating="unknown",
            reason="  ",
            until=timezone.localdate(),
            expected_version=1,
        )
    errors = caught.value.message_dict
    assert set(errors) == {"rating", "reason", "until"}
    assert "a day after today" in errors["until"][0]
    with pytest.raises(ValidationError) as caught:
        health_override_set(
            workspace=account.workspace,
            customer=account.customer,
            rating="red",
            reason="x",
            until=None,
            expected_version=1,
        )
    assert "until when" in caught.value.message_dict["until"][0]
    with pytest.raises(ValidationError) as caught:
        health_override_set(
            workspace=account.workspace,
            customer=account.customer,
            rating="red",
            reason="x",
            until=timezone.localdate() + datetime.timedelta(days=400),
            expected_version=1,
        )
    assert "a year at most" in caught.value.message_dict["until"][0]


def test_a_stale_override_is_refused(account: Account) -> None:
    health_override_set(
        workspace=account.workspace,
        customer=account.customer,
        rating="red",
        reason="First",
        until=TOMORROW,
        expected_version=1,
    )
    with pytest.raises(VersionConflict):
        health_override_clear(
            workspace=account.workspace, customer=account.customer, expected_version=1
        )
    health = health_override_clear(
        workspace=account.workspace, customer=account.customer, expected_version=2
    )
    assert (health.override_rating, health.override_until, health.override_reason) == ("", None, "")
    sentences = list(
        ChangeLogEntry.objects.filter(account_id=account.customer.pk)
        .order_by("pk")
        .values_list("sentence", flat=True)
    )
    assert any("set the health of Borealis Steel to red until" in s for s in sentences)
    assert any("removed the manual health of Borealis Steel" in s for s in sentences)


def test_settings_change_weights_and_thresholds(account: Account) -> None:
    uncover(account)
    health_recompute(workspace=account.workspace)
    assert health_of(account.customer).computed_rating == "amber"
    settings = health_settings_get(workspace=account.workspace)
    health_settings_update(
        workspace=account.workspace,
        expected_version=settings.version,
        weights={"uncovered_key_players": "6.5", "overdue_actions": "2"},
        amber_at="3",
        red_at="6",
    )
    settings.refresh_from_db()
    # Only what differs from the default is stored.
    assert settings.weights == {"uncovered_key_players": "6.5"}
    health_recompute(workspace=account.workspace)
    health = health_of(account.customer)
    assert (health.computed_rating, health.computed_score) == ("red", Decimal("6.5"))


def test_settings_refuse_nonsense_with_every_mistake_at_once(in_workspace: Workspace) -> None:
    with pytest.raises(ValidationError) as caught:
        health_settings_update(
            workspace=in_workspace,
            expected_version=1,
            weights={"severe_concerns": "-1", "overdue_actions": "lots"},
            amber_at="5",
            red_at="4",
        )
    errors = caught.value.message_dict
    assert set(errors) == {"weight_severe_concerns", "weight_overdue_actions", "red_at"}
    assert "between 0" in errors["weight_severe_concerns"][0]
    assert "must be a number" in errors["weight_overdue_actions"][0]
    assert "above amber from (5)" in errors["red_at"][0]


def test_recompute_query_count_does_not_grow_with_accounts(
    world: WorkspaceWorld, in_workspace: Workspace
) -> None:
    kam = world.a.user("kam")
    for number in range(5):
        build_account(in_workspace, name=f"Small {number}", kam=kam, number=number)
    health_recompute(workspace=in_workspace)  # creates the rows: later runs update them
    with CaptureQueriesContext(connection) as small:
        health_recompute(workspace=in_workspace)
    for number in range(5, 30):
        build_account(in_workspace, name=f"Large {number}", kam=kam, number=number)
    health_recompute(workspace=in_workspace)
    with CaptureQueriesContext(connection) as large:
        health_recompute(workspace=in_workspace)
    assert AccountHealth.objects.count() == 30
    assert len(large) == len(small)


def test_due_accounts_are_those_changed_since_their_computation(
    account: Account, world: WorkspaceWorld
) -> None:
    other = build_account(account.workspace, name="Acme Mining", kam=world.a.user("kam"), number=2)
    # Computed at 11:00, looked at an hour later: only fresh changes make an account due.
    computed = timezone.localtime().replace(hour=11, minute=0)
    later = computed + datetime.timedelta(hours=1)
    health_recompute(workspace=account.workspace, now=computed)
    assert health_due_ids(workspace=account.workspace, now=later) == []
    ChangeLogEntry.objects.create(
        at=computed + datetime.timedelta(minutes=30),
        content_type_id=1,
        object_id=other.decider.pk,
        object_label="x",
        account_id=other.customer.pk,
        action="changed",
        sentence="Someone changed x",
    )
    assert health_due_ids(workspace=account.workspace, now=later) == [other.customer.pk]


def test_a_stakeholder_edit_recomputes_health_after_commit(
    account: Account,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Building the test world logged entries whose runs wait for a commit that never
    # comes inside a test's transaction; drop them so this test sees its own request.
    connection.run_on_commit.clear()
    health_recompute(workspace=account.workspace)
    assert health_of(account.customer).computed_rating == "green"
    decider = Stakeholder.objects.get(pk=account.decider.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        stakeholder_update(
            workspace=account.workspace,
            stakeholder=decider,
            expected_version=decider.version,
            relationship_score=-1,
        )
        stakeholder_update(
            workspace=account.workspace,
            stakeholder=decider,
            expected_version=decider.version + 1,
            relationship_score=-2,
        )
    # Two edits in one transaction ask once.
    assert len([c for c in callbacks if "request_run" in repr(c)]) == 1
    health = health_of(account.customer)
    assert health.computed_rating == "amber"
    assert any(
        "relationship is --" in line
        for reason in health.reasons
        if reason["active"]
        for line in reason["evidence"]
    )
    assert Job.objects.filter(kind="health", status="succeeded").exists()


def test_the_plan_view_lists_reasons_unknowns_and_the_trend(account: Account) -> None:
    now = timezone.now()
    health_recompute(workspace=account.workspace, now=now - datetime.timedelta(days=1))
    uncover(account)
    health_recompute(workspace=account.workspace, now=now)
    view = account_health(workspace=account.workspace, customer=account.customer)
    assert (view.rating, view.label) == ("amber", "Needs attention")
    assert [r.code for r in view.active] == ["uncovered_key_players"]
    assert view.active[0].evidence == ["Ingrid Ortega 1 (decider) has no owner on our side"]
    assert {r.code for r in view.unknown} >= {"no_recent_contact"}
    assert view.trend is not None and view.trend.count == 2


def test_the_plan_section_reads_in_three_queries_whatever_the_history(
    account: Account, world: WorkspaceWorld, django_assert_num_queries: Any
) -> None:
    from planning.plan.sections.health import section

    start = timezone.now() - datetime.timedelta(days=90)
    for day in range(90):
        if day % 10 == 0:
            Stakeholder.objects.filter(pk=account.decider.pk).update(
                owner=None if day % 20 else account.owner
            )
        health_recompute(workspace=account.workspace, now=start + datetime.timedelta(days=day))
    with django_assert_num_queries(3):
        shown = section(
            workspace=account.workspace,
            customer=account.customer,
            user=world.a.user("kam"),
            today=timezone.localdate(),
        )
    assert shown["can_override"] is True
    assert shown["health"].trend.count == 60


def test_accounts_with_newer_scores_are_due(account: Account) -> None:
    """The scores run stores figures and the purchase model without a change-log entry."""
    from accounts.models import CustomerScore

    computed = timezone.localtime().replace(hour=11, minute=0)
    health_recompute(workspace=account.workspace, now=computed)
    later = computed + datetime.timedelta(hours=1)
    assert health_due_ids(workspace=account.workspace, now=later) == []
    CustomerScore.objects.filter(customer=account.customer).update(
        computed_at=computed + datetime.timedelta(minutes=40), probability_alive=0.2
    )
    assert health_due_ids(workspace=account.workspace, now=later) == [account.customer.pk]


def test_a_scores_run_brings_its_new_figures_into_health_at_once(
    account: Account,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Health reads the yearly margins the scores run stores; it must not lag a run behind."""
    from accounts.models import CustomerYearFigures
    from accounts.scores import scores_recompute
    from tests.model_factories.accounts import SalesLineFactory

    connection.run_on_commit.clear()
    today = timezone.localdate()
    # Sales lines whose margin falls each year: 40 %, then 30 %, then 20 %.
    for years_back, cost in ((2, 600), (1, 700), (0, 800)):
        day = datetime.date(today.year - years_back, 1, 15)
        SalesLineFactory.create(
            customer=account.customer, date=day, net_sales=1000, cost_of_goods=cost
        )
    CustomerYearFigures.objects.filter(customer=account.customer).delete()
    health_recompute(workspace=account.workspace)
    before = {r["code"]: r for r in health_of(account.customer).reasons}
    assert not before["declining_margin"]["active"]
    with django_capture_on_commit_callbacks(execute=True):
        scores_recompute(workspace_id=account.workspace.pk)
    after = {r["code"]: r for r in health_of(account.customer).reasons}
    assert after["declining_margin"]["active"], after["declining_margin"]
