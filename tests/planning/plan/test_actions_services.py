"""The action services: one list per account, links checked against the account, done dated."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kam.changelog.models import ChangeLogEntry
from kam.concurrency import VersionConflict
from kam.workspaces.models import Membership
from planning.models import Action, ActionStatus
from planning.plan.services import actions
from tests.factories import WorkspaceWorld
from tests.model_factories.plan import ObjectiveFactory, SwotItemFactory
from tests.model_factories.planning import OpportunityFactory, StakeholderNeedFactory
from tests.planning.opportunities import conftest as opportunity_world
from tests.planning.opportunities.conftest import Account

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_workspace")]

# The opportunity tests' world: Borealis Steel with an opportunity, Acme Mining to refuse.
account = opportunity_world.account
in_workspace = opportunity_world.in_workspace


def _errors(**kwargs: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        actions.action_create(**kwargs)  # type: ignore[arg-type]
    return caught.value.message_dict


def test_an_action_links_to_rows_of_its_own_account(
    account: Account, world: WorkspaceWorld
) -> None:
    objective = ObjectiveFactory.create(customer=account.customer, title="Win the north plant")
    swot = SwotItemFactory.create(customer=account.customer, text="No sponsor in finance")
    concern = StakeholderNeedFactory.create(
        opportunity=account.opportunity, stakeholder=account.decider
    )
    action = actions.action_create(
        workspace=account.workspace,
        customer=account.customer,
        title="  Send references  ",
        owner=world.a.user("kam"),
        milestone="Before the tender",
        due_date=datetime.date(2030, 3, 31),
        objective=objective,
        swot_item=swot,
        opportunity=account.opportunity,
        stakeholder=account.decider,
        concern=concern,
    )
    assert action.title == "Send references"
    assert action.status == ActionStatus.OPEN and action.done_on is None
    assert Action.objects.get(pk=action.pk).concern == concern
    entry = ChangeLogEntry.objects.get(object_id=action.pk, action="created")
    assert entry.account_id == account.customer.pk
    assert "added the action “Send references”" in entry.sentence


def test_every_problem_is_reported_at_once_naming_the_field(
    account: Account, world: WorkspaceWorld
) -> None:
    other_objective = ObjectiveFactory.create(customer=account.other, title="Acme's goal")
    other_swot = SwotItemFactory.create(customer=account.other, text="Acme's weakness")
    other_opportunity = OpportunityFactory.create(customer=account.other, title="Acme pumps")
    other_concern = StakeholderNeedFactory.create(
        opportunity=other_opportunity, stakeholder=account.stranger
    )
    errors = _errors(
        workspace=account.workspace,
        customer=account.customer,
        title=" ",
        milestone="m" * 201,
        due_date="next Tuesday",
        status="someday",
        owner=world.b.user("kam"),
        objective=other_objective,
        swot_item=other_swot,
        opportunity=other_opportunity,
        stakeholder=account.stranger,
        concern=other_concern,
    )
    assert errors["title"] == ["Say what needs doing, e.g. “Send the relining references”."]
    assert errors["milestone"] == ["Keep the milestone to 200 characters; it has 201."]
    assert errors["due_date"] == ["Give the due date as a date, e.g. 2026-03-31."]
    assert errors["status"][0].startswith("'someday' is not an action status.")
    assert "must be a member of this workspace" in errors["owner"][0]
    assert errors["objective"] == [
        "That objective (Acme's goal) belongs to another account, not to Borealis Steel."
        " Choose one of its objectives, or leave it empty."
    ]
    assert "That SWOT item (Acme's weakness) belongs to another account" in errors["swot_item"][0]
    assert "That opportunity (Acme pumps) belongs to another account" in errors["opportunity"][0]
    assert "That stakeholder (Carl Dahl) belongs to another account" in errors["stakeholder"][0]
    assert "That concern" in errors["concern"][0]
    assert not Action.objects.filter(customer=account.customer).exists()


def test_done_is_dated_today_and_reopening_clears_it(account: Account) -> None:
    action = actions.action_create(
        workspace=account.workspace, customer=account.customer, title="Send references"
    )
    done = actions.action_complete(
        workspace=account.workspace, action=action, expected_version=action.version
    )
    assert done.status == ActionStatus.DONE and done.done_on == timezone.localdate()
    entry = ChangeLogEntry.objects.filter(object_id=action.pk).order_by("-pk").first()
    assert entry is not None and "completed the action “Send references”" in entry.sentence
    # Editing something else keeps the done date.
    actions.action_update(
        workspace=account.workspace,
        action=done,
        expected_version=done.version,
        milestone="Tender",
    )
    assert Action.objects.get(pk=action.pk).done_on == timezone.localdate()
    reopened = actions.action_reopen(
        workspace=account.workspace, action=done, expected_version=done.version
    )
    assert reopened.status == ActionStatus.OPEN and reopened.done_on is None
    assert Action.objects.get(pk=action.pk).done_on is None


def test_a_change_is_told_in_one_sentence(account: Account, world: WorkspaceWorld) -> None:
    kam = world.a.user("kam")
    kam.first_name, kam.last_name = "Karin", "Dahl"
    kam.save()
    action = actions.action_create(
        workspace=account.workspace, customer=account.customer, title="Send references"
    )
    actions.action_update(
        workspace=account.workspace,
        action=action,
        expected_version=1,
        milestone="Before the tender",
        owner=kam,
    )
    entry = ChangeLogEntry.objects.filter(object_id=action.pk).order_by("-pk").first()
    assert entry is not None
    assert "changed the action “Send references”: " in entry.sentence
    assert "milestone to Before the tender" in entry.sentence
    assert "owner to Karin Dahl" in entry.sentence


def test_a_stale_save_is_refused(account: Account) -> None:
    action = actions.action_create(
        workspace=account.workspace, customer=account.customer, title="Send references"
    )
    actions.action_update(
        workspace=account.workspace, action=action, expected_version=1, title="Send two"
    )
    stale = Action.objects.get(pk=action.pk)
    stale.version = 1
    with pytest.raises(VersionConflict):
        actions.action_complete(workspace=account.workspace, action=stale, expected_version=1)
    with pytest.raises(VersionConflict):
        actions.action_delete(workspace=account.workspace, action=stale, expected_version=1)
    assert Action.objects.get(pk=action.pk).status == ActionStatus.OPEN


def test_an_owner_who_left_is_kept_not_lost(account: Account, world: WorkspaceWorld) -> None:
    member = world.a.user("member")
    action = actions.action_create(
        workspace=account.workspace, customer=account.customer, title="Call Ines", owner=member
    )
    Membership.objects.filter(workspace=account.workspace, user=member).delete()
    saved = actions.action_update(
        workspace=account.workspace, action=action, expected_version=1, title="Call Ines again"
    )
    assert saved.owner == member
    assert Action.objects.get(pk=action.pk).owner_id == member.pk


def test_an_owner_who_left_cannot_be_chosen_again(account: Account, world: WorkspaceWorld) -> None:
    member = world.a.user("member")
    action = actions.action_create(
        workspace=account.workspace,
        customer=account.customer,
        title="Call Ines",
        owner=world.a.user("kam"),
    )
    Membership.objects.filter(workspace=account.workspace, user=member).delete()
    with pytest.raises(ValidationError) as caught:
        actions.action_update(
            workspace=account.workspace, action=action, expected_version=1, owner=member
        )
    assert "must be a member of this workspace" in caught.value.message_dict["owner"][0]
