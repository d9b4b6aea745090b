"""The account's actions on the pages: add (prefilled from a link), done in one click, edit."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kam.tenancy.context import workspace_context
from kam.workspaces.models import Membership
from planning.models import Action, ActionStatus
from planning.plan.sections import actions as actions_section
from tests.factories import WorkspaceWorld
from tests.model_factories.plan import ActionFactory, ObjectiveFactory, SwotItemFactory
from tests.planning.opportunities import conftest as opportunity_world
from tests.planning.opportunities.conftest import Account

pytestmark = pytest.mark.django_db

# The opportunity tests' world: Borealis Steel with an opportunity, Acme Mining to refuse.
account = opportunity_world.account
client_for = opportunity_world.client_for

TODAY = timezone.localdate()


def _url(name: str, account: Account, **kwargs: int) -> str:
    return reverse(name, kwargs={"customer_id": account.customer.pk, **kwargs})


def _plan(account: Account) -> str:
    return f"/accounts/{account.customer.pk}/plan/#actions"


@pytest.fixture
def kam(world: WorkspaceWorld) -> Client:
    return client_for(world)


def test_the_add_form_is_prefilled_from_the_link(kam: Client, account: Account) -> None:
    with workspace_context(account.workspace):
        swot = SwotItemFactory.create(customer=account.customer, text="No sponsor in finance")
        objective = ObjectiveFactory.create(customer=account.customer, title="Win the north")
    page = kam.get(
        _url("account-plan-action-add", account)
        + f"?swot_item={swot.pk}&objective={objective.pk}&opportunity={account.opportunity.pk}"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{swot.pk}" selected>Strength: No sponsor in finance</option>' in html
    assert f'<option value="{objective.pk}" selected>Win the north</option>' in html
    assert f'<option value="{account.opportunity.pk}" selected>Furnace relining</option>' in html
    # Only this account's rows are offered.
    assert "Acme" not in html.split('id="id_opportunity"')[1].split("</select>")[0]


def test_adding_returns_to_the_plan_actions(
    kam: Client, account: Account, world: WorkspaceWorld
) -> None:
    response = kam.post(
        _url("account-plan-action-add", account),
        {
            "title": "Send references",
            "owner": world.a.user("kam").pk,
            "milestone": "Before the tender",
            "due_date": "2030-01-31",
            "status": "open",
            "opportunity": account.opportunity.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _plan(account)
    with workspace_context(account.workspace):
        action = Action.objects.get(customer=account.customer, title="Send references")
    assert action.opportunity_id == account.opportunity.pk
    assert action.due_date == datetime.date(2030, 1, 31)


def test_a_refused_form_comes_back_filled_with_errors_by_the_fields(
    kam: Client, account: Account
) -> None:
    response = kam.post(
        _url("account-plan-action-add", account),
        {"title": "", "milestone": "Tender", "due_date": "soon", "status": "open"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_title_error"' in html and 'id="id_due_date_error"' in html
    assert 'value="Tender"' in html and 'value="soon"' in html
    only_the_date = kam.post(
        _url("account-plan-action-add", account),
        {"title": "Call", "due_date": "31/31/2030", "status": "open"},
    ).content.decode()
    date_input = only_the_date.split('id="id_due_date"', 1)[0].rsplit("<input", 1)[1]
    assert "autofocus" in date_input
    title_input = only_the_date.split('id="id_title"', 1)[0].rsplit("<input", 1)[1]
    assert "autofocus" not in title_input


def test_editing_keeps_an_owner_who_left(
    kam: Client, account: Account, world: WorkspaceWorld
) -> None:
    member = world.a.user("member")
    with workspace_context(account.workspace):
        action = ActionFactory.create(customer=account.customer, title="Call Ines", owner=member)
    Membership.objects.filter(workspace=account.workspace, user=member).delete()
    edit = _url("account-plan-action-edit", account, action_id=action.pk)
    page = kam.get(edit).content.decode()
    assert "(no longer in this workspace)</option>" in page
    saved = kam.post(
        edit,
        {"title": "Call Ines soon", "owner": member.pk, "status": "open", "version": 1},
    )
    assert saved.status_code == 302
    with workspace_context(account.workspace):
        assert Action.objects.get(pk=action.pk).owner_id == member.pk


def test_done_in_one_click_and_a_stale_click_is_refused(kam: Client, account: Account) -> None:
    with workspace_context(account.workspace):
        action = ActionFactory.create(customer=account.customer, title="Call Ines")
    url = _url("account-plan-action-complete", account, action_id=action.pk)
    stale = kam.post(url, {"version": 7}, follow=False)
    assert stale.status_code == 302
    with workspace_context(account.workspace):
        assert Action.objects.get(pk=action.pk).status == ActionStatus.OPEN
    done = kam.post(url, {"version": 1})
    assert done["Location"] == _plan(account)
    with workspace_context(account.workspace):
        saved = Action.objects.get(pk=action.pk)
    assert saved.status == ActionStatus.DONE and saved.done_on == TODAY


def test_next_is_followed_only_within_the_account(kam: Client, account: Account) -> None:
    with workspace_context(account.workspace):
        first = ActionFactory.create(customer=account.customer)
        second = ActionFactory.create(customer=account.customer)
    mine = _url("account-plan-actions", account)
    kept = kam.post(
        _url("account-plan-action-complete", account, action_id=first.pk),
        {"version": 1, "next": mine},
    )
    assert kept["Location"] == mine
    elsewhere = kam.post(
        _url("account-plan-action-complete", account, action_id=second.pk),
        {"version": 1, "next": "https://example.com/"},
    )
    assert elsewhere["Location"] == _plan(account)


def test_edit_and_delete(kam: Client, account: Account) -> None:
    with workspace_context(account.workspace):
        action = ActionFactory.create(customer=account.customer, title="Call Ines")
    edit = _url("account-plan-action-edit", account, action_id=action.pk)
    page = kam.get(edit)
    assert page.status_code == 200 and 'value="Call Ines"' in page.content.decode()
    saved = kam.post(edit, {"title": "Call Ines twice", "status": "in_progress", "version": 1})
    assert saved["Location"] == _plan(account)
    stale = kam.post(edit, {"title": "Older", "status": "open", "version": 1})
    assert stale.status_code == 409
    assert "Call Ines twice" in stale.content.decode()
    delete = _url("account-plan-action-delete", account, action_id=action.pk)
    assert kam.post(delete, {"version": 1}).status_code == 302
    with workspace_context(account.workspace):
        assert Action.objects.filter(pk=action.pk).exists()
    kam.post(delete, {"version": 2})
    with workspace_context(account.workspace):
        assert not Action.objects.filter(pk=action.pk).exists()


def test_another_accounts_action_answers_404(kam: Client, account: Account) -> None:
    with workspace_context(account.workspace):
        theirs = ActionFactory.create(customer=account.other)
    for name in ("account-plan-action-edit", "account-plan-action-complete"):
        url = _url(name, account, action_id=theirs.pk)
        assert kam.post(url, {"version": 1, "title": "x"}).status_code == 404


def test_the_list_marks_overdue_owners_who_left_and_links(
    kam: Client, account: Account, world: WorkspaceWorld
) -> None:
    member = world.a.user("member")
    with workspace_context(account.workspace):
        ActionFactory.create(
            customer=account.customer,
            title="Late one",
            due_date=TODAY - datetime.timedelta(days=3),
            owner=member,
            opportunity=account.opportunity,
        )
        ActionFactory.create(
            customer=account.customer, title="Soon one", due_date=TODAY + datetime.timedelta(1)
        )
        ActionFactory.create(
            customer=account.customer,
            title="Finished one",
            due_date=TODAY - datetime.timedelta(days=30),
            status=ActionStatus.DONE,
            done_on=TODAY,
        )
    Membership.objects.filter(workspace=account.workspace, user=member).delete()
    html = kam.get(_url("account-plan-actions", account)).content.decode()
    late, rest = html.split("Late one", 1)
    assert "Overdue" in late.rsplit("<tr", 1)[1]
    assert "no longer in this workspace" in rest.split("</tr>", 1)[0]
    assert "Furnace relining" in rest.split("</tr>", 1)[0]
    assert rest.index("Soon one") < rest.index("Finished one")
    assert "Overdue" not in rest.split("Finished one", 1)[1].split("</tr>", 1)[0]
    assert "Recently done or dropped (1)" in html


def test_overdue_come_first_then_by_due_date(account: Account) -> None:
    with workspace_context(account.workspace):
        for title, days in (("later", 9), ("undated", None), ("late", -2), ("sooner", 1)):
            due = TODAY + datetime.timedelta(days=days) if days is not None else None
            ActionFactory.create(customer=account.customer, title=title, due_date=due)
        section = actions_section.section(
            workspace=account.workspace, customer=account.customer, user=None, today=TODAY
        )
    titles = [row.action.title for row in section["actions"].open]
    assert titles == ["late", "sooner", "later", "undated"]


def _render_queries(kam: Client, account: Account) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert kam.get(_url("account-plan-actions", account)).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_actions(
    kam: Client, account: Account, world: WorkspaceWorld
) -> None:
    def add(n: int) -> None:
        with workspace_context(account.workspace):
            objective = ObjectiveFactory.create(customer=account.customer)
            swot = SwotItemFactory.create(customer=account.customer)
            for i in range(n):
                ActionFactory.create(
                    customer=account.customer,
                    owner=world.a.user("kam"),
                    objective=objective,
                    swot_item=swot,
                    opportunity=account.opportunity,
                    stakeholder=account.decider,
                    due_date=TODAY - datetime.timedelta(days=i),
                    status=ActionStatus.DONE if i % 3 == 0 else ActionStatus.OPEN,
                )

    add(2)
    _render_queries(kam, account)  # the first request of a session does some more
    few = _render_queries(kam, account)
    add(25)
    assert _render_queries(kam, account) == few


def test_a_viewer_reads_the_list_without_buttons(account: Account, world: WorkspaceWorld) -> None:
    with workspace_context(account.workspace):
        action = ActionFactory.create(customer=account.customer, title="Call Ines")
    viewer = client_for(world, "viewer")
    html = viewer.get(_url("account-plan-actions", account)).content.decode()
    assert "Call Ines" in html and "Add an action" not in html
    assert ">Done<" not in html
    done = viewer.post(_url("account-plan-action-complete", account, action_id=action.pk))
    assert done.status_code == 403


def test_the_section_says_who_last_changed_an_action(kam: Client, account: Account) -> None:
    kam.post(
        _url("account-plan-action-add", account), {"title": "Send references", "status": "open"}
    )
    html = kam.get(_url("account-plan-actions", account)).content.decode()
    assert f"Last changed {TODAY:%-d %b %Y} by" in html
    assert "added the action “Send references”" in html


def test_the_plan_lists_twenty_actions_to_do_and_links_to_all_of_them(
    kam: Client, account: Account
) -> None:
    with workspace_context(account.workspace):
        account.customer.status = "key_account"
        account.customer.save(update_fields=["status"])
        for number in range(25):
            ActionFactory.create(
                customer=account.customer,
                title=f"Step {number:02d}",
                due_date=TODAY + datetime.timedelta(days=number - 3),
            )
    plan = kam.get(_plan(account).split("#")[0]).content.decode()
    # Overdue first: the three late ones are among the twenty shown; the last five are not.
    assert "Step 00" in plan and "Step 19" in plan and "Step 20" not in plan
    assert "5 more actions to do, due later" in plan
    assert _url("account-plan-actions", account) in plan
    every = kam.get(_url("account-plan-actions", account)).content.decode()
    assert all(f"Step {number:02d}" in every for number in range(25))
    assert "more actions to do" not in every
