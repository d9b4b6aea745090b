"""Every active health reason links to where it is fixed, and a fix moves health at once.

The "at once" tests commit for real (``transactional_db``): the debounced recompute
runs when the fix's transaction commits, eagerly in this process as in the embedded
set-up, and a test's wrapping transaction would never commit.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from accounts.models import CustomerYearFigures
from buying_center.models import Stakeholder
from planning.health.services import health_recompute
from planning.models import AccountHealth, Action, Opportunity, PlanText, StakeholderNeed
from tests.factories import WorkspaceWorld
from tests.planning.health.conftest import Account

TODAY = timezone.localdate()
LONG_AGO = TODAY - datetime.timedelta(days=200)


def kam_client(world: WorkspaceWorld) -> Client:
    client = Client()
    client.force_login(world.a.user("kam"))
    return client


def _everything_wrong(account: Account) -> dict[str, Any]:
    """One thing wrong for each signal that points at an object."""
    customer = account.customer
    overdue = Action.objects.create(
        customer=customer, title="Send the quote", due_date=TODAY - datetime.timedelta(days=9)
    )
    text = PlanText.objects.create(
        customer=customer, topic="market", text="Steel demand is flat.", confirmed_on=LONG_AGO
    )
    Stakeholder.objects.filter(pk=account.decider.pk).update(
        owner=None, assessed_at=timezone.now() - datetime.timedelta(days=400)
    )
    StakeholderNeed.objects.create(
        opportunity=account.opportunity,
        stakeholder=account.decider,
        kind="concern",
        nature="solution",
        severity="high",
        description="Downtime during the switch",
    )
    big = Opportunity.objects.create(
        customer=customer, title="Plant two retrofit", value=Decimal(400000)
    )
    CustomerYearFigures.objects.filter(customer=customer, year=TODAY.year - 1).update(
        contribution_margin=Decimal(200000)
    )
    return {"action": overdue, "text": text, "big": big}


def test_each_evidence_line_links_to_the_place_that_fixes_it(
    world: WorkspaceWorld, account: Account
) -> None:
    made = _everything_wrong(account)
    health_recompute(workspace=account.workspace)
    pk = account.customer.pk
    decider = account.decider.pk
    html = kam_client(world).get(f"/accounts/{pk}/plan/").content.decode()
    action = made["action"].pk
    # Overdue action: its edit page and a one-click "Done".
    assert f'href="/accounts/{pk}/plan/actions/{action}/edit/"' in html
    assert f'action="/accounts/{pk}/plan/actions/{action}/done/"' in html
    # Stale section: the text on the plan and its one-click "Confirm unchanged".
    assert f'href="/accounts/{pk}/plan/#text-market"' in html
    assert f'action="/accounts/{pk}/plan/texts/confirm/"' in html
    # Uncovered decider: their edit page; stale assessment: their page and "mark assessed".
    assert f'href="/accounts/{pk}/stakeholders/{decider}/edit/"' in html
    assert f'href="/accounts/{pk}/stakeholders/{decider}/"' in html
    assert f'action="/accounts/{pk}/stakeholders/{decider}/reassess/"' in html
    # Severe concern: the opportunity's needs; large unqualified deal: its CABS.
    assert f'href="/accounts/{pk}/opportunities/{account.opportunity.pk}/needs/"' in html
    assert f'href="/accounts/{pk}/opportunities/{made["big"].pk}/cabs/"' in html
    # Declining margin: the Open Space and portfolio.
    assert f'href="/accounts/{pk}/open-space/"' in html


def test_a_viewer_gets_the_links_but_no_one_click_fixes(
    world: WorkspaceWorld, account: Account
) -> None:
    made = _everything_wrong(account)
    health_recompute(workspace=account.workspace)
    client = Client()
    client.force_login(world.a.user("viewer"))
    pk = account.customer.pk
    html = client.get(f"/accounts/{pk}/health/").content.decode()
    assert f'href="/accounts/{pk}/plan/actions/{made["action"].pk}/edit/"' in html
    assert f'/plan/actions/{made["action"].pk}/done/"' not in html


def test_the_health_section_query_count_does_not_grow_with_reasons(
    world: WorkspaceWorld, account: Account, django_assert_max_num_queries: Any
) -> None:
    from planning.plan.sections.health import section

    health_recompute(workspace=account.workspace)
    kam = world.a.user("kam")

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            shown = section(
                workspace=account.workspace, customer=account.customer, user=kam, today=TODAY
            )
            assert shown["why"] is not None
        return len(captured.captured_queries)

    calm = count()
    _everything_wrong(account)
    for n in range(8):
        Action.objects.create(
            customer=account.customer,
            title=f"Late call {n}",
            due_date=TODAY - datetime.timedelta(days=3),
        )
    health_recompute(workspace=account.workspace)
    assert count() == calm


def test_done_from_the_health_box_changes_health_at_once(
    # Eager first: the account's own set-up asks for health runs, which a real broker
    # (CI's) would queue for a worker that never comes, and a queued run absorbs the rest.
    eager_tasks: None,
    transactional_db: None,
    world: WorkspaceWorld,
    account: Account,
) -> None:
    late = Action.objects.create(
        customer=account.customer,
        title="Send the quote",
        due_date=TODAY - datetime.timedelta(days=9),
    )
    health_recompute(workspace=account.workspace)
    before = AccountHealth.objects.get(customer=account.customer)
    assert "overdue_actions" in [r["code"] for r in before.reasons if r["active"]]
    pk = account.customer.pk
    client = kam_client(world)
    answer = client.post(
        f"/accounts/{pk}/plan/actions/{late.pk}/done/",
        {"version": late.version, "next": f"/accounts/{pk}/plan/#health"},
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"/accounts/{pk}/plan/#health"
    after = AccountHealth.objects.get(customer=account.customer)
    assert "overdue_actions" not in [r["code"] for r in after.reasons if r["active"]]
    assert after.computed_score is not None and before.computed_score is not None
    assert after.computed_score < before.computed_score
    html = client.get(f"/accounts/{pk}/plan/").content.decode()
    assert "Send the quote: due" not in html


def test_confirm_unchanged_from_the_health_box_clears_the_stale_section(
    # Eager first: the account's own set-up asks for health runs, which a real broker
    # (CI's) would queue for a worker that never comes, and a queued run absorbs the rest.
    eager_tasks: None,
    transactional_db: None,
    world: WorkspaceWorld,
    account: Account,
) -> None:
    text = PlanText.objects.create(
        customer=account.customer, topic="market", text="Flat demand.", confirmed_on=LONG_AGO
    )
    health_recompute(workspace=account.workspace)
    pk = account.customer.pk
    client = kam_client(world)
    assert "Market: last confirmed" in client.get(f"/accounts/{pk}/plan/").content.decode()
    client.post(f"/accounts/{pk}/plan/texts/confirm/", {"topic": "market", "version": text.version})
    html = client.get(f"/accounts/{pk}/plan/").content.decode()
    assert "Market: last confirmed" not in html
    assert AccountHealth.objects.get(customer=account.customer).computed_rating == "green"
