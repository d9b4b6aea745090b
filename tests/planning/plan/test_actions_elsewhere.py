"""Actions where else they appear: the opportunity's tasks and the pipeline's next task."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.tenancy.context import workspace_context
from kam.workspaces.models import Membership
from planning.models import ActionStatus
from planning.pipeline import selectors as pipeline
from planning.plan.services import actions
from tests.factories import WorkspaceWorld
from tests.planning.opportunities import conftest as opportunity_world
from tests.planning.opportunities.conftest import Account

pytestmark = pytest.mark.django_db

account = opportunity_world.account
client_for = opportunity_world.client_for
TODAY = timezone.localdate()


def _plan_action(account: Account, title: str, **fields: object) -> None:
    with workspace_context(account.workspace):
        actions.action_create(
            workspace=account.workspace, customer=account.customer, title=title, **fields
        )


def test_an_action_of_the_opportunity_is_one_of_its_tasks(
    account: Account, world: WorkspaceWorld
) -> None:
    member = world.a.user("member")
    _plan_action(
        account,
        "Workshop on the specification",
        opportunity=account.opportunity,
        status=ActionStatus.IN_PROGRESS,
        owner=member,
        due_date=TODAY - datetime.timedelta(days=2),
    )
    _plan_action(account, "Not about this deal")
    Membership.objects.filter(workspace=account.workspace, user=member).delete()
    url = reverse(
        "account-opportunity",
        kwargs={"customer_id": account.customer.pk, "opportunity_id": account.opportunity.pk},
    )
    html = client_for(world).get(url).content.decode()
    tasks = html.split('id="tasks"', 1)[1].split("</section>", 1)[0]
    assert "Workshop on the specification" in tasks
    assert "Not about this deal" not in tasks
    assert "overdue" in tasks and "in progress" in tasks
    assert "no longer in this workspace" in tasks


def test_the_pipeline_next_task_reads_the_actions(account: Account) -> None:
    _plan_action(
        account,
        "Dropped idea",
        opportunity=account.opportunity,
        status=ActionStatus.DROPPED,
        due_date=TODAY - datetime.timedelta(days=9),
    )
    _plan_action(
        account,
        "Call the CFO",
        opportunity=account.opportunity,
        status=ActionStatus.IN_PROGRESS,
        due_date=TODAY - datetime.timedelta(days=1),
    )
    _plan_action(account, "Account-wide", due_date=TODAY - datetime.timedelta(days=20))
    with workspace_context(account.workspace):
        opportunities = list(
            pipeline.matrix_opportunities(workspace=account.workspace, customer=account.customer)
        )
    matrix = pipeline.prioritization_matrix(opportunities, today=TODAY)
    marks = [mark for quadrant in matrix.quadrants for mark in quadrant.rows]
    (mark,) = [m for m in marks if m.opportunity.pk == account.opportunity.pk]
    assert mark.next_task is not None and mark.next_task.title == "Call the CFO"
    assert mark.next_task_overdue


def test_a_task_with_more_fields_opens_the_action_form_and_comes_back(
    account: Account, world: WorkspaceWorld
) -> None:
    client = client_for(world)
    detail = reverse(
        "account-opportunity",
        kwargs={"customer_id": account.customer.pk, "opportunity_id": account.opportunity.pk},
    )
    html = client.get(detail).content.decode()
    add = reverse("account-plan-action-add", kwargs={"customer_id": account.customer.pk})
    link = html.split(f'href="{add}?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    form = client.get(f"{add}?{link}").content.decode()
    assert f'<option value="{account.opportunity.pk}" selected>' in form
    saved = client.post(
        f"{add}?{link}",
        {
            "title": "Reference visit",
            "milestone": "Before the tender",
            "status": "open",
            "opportunity": account.opportunity.pk,
            "next": f"{detail}#tasks",
        },
    )
    assert saved["Location"] == f"{detail}#tasks"
    assert "Reference visit" in client.get(detail).content.decode()
