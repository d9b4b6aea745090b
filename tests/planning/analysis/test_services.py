"""Services of the analyses: what is refused, with which message, and what is written."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kam.concurrency import VersionConflict
from planning.analysis import services
from planning.analysis.standard_questions import STANDARD_QUESTIONS
from planning.models import ChallengeQuestion
from tests.factories import WorkspaceWorld, make_user
from tests.planning.analysis.conftest import Deal

pytestmark = pytest.mark.usefixtures("in_workspace")


def _concern(deal: Deal, **fields: object) -> object:
    values: dict[str, object] = {
        "stakeholder": deal.decider,
        "kind": "concern",
        "nature": "solution",
        "description": "Downtime during the relining",
        "severity": "high",
    }
    values.update(fields)
    return services.stakeholder_need_create(
        workspace=deal.workspace, opportunity=deal.opportunity, **values
    )


# -- expectations and concerns ------------------------------------------------------


def test_a_concern_is_recorded_with_its_signs_in_checklist_order(deal: Deal) -> None:
    need = _concern(
        deal,
        high_anxiety=["credibility_questioned", "many_requests", "many_requests"],
        verified_on=timezone.localdate(),
    )
    assert need.status == "open"
    assert need.high_anxiety == ["many_requests", "credibility_questioned"]
    assert need.version == 1


def test_stakeholder_of_another_account_is_refused_by_name(deal: Deal) -> None:
    with pytest.raises(ValidationError) as error:
        _concern(deal, stakeholder=deal.stranger)
    assert error.value.message_dict["stakeholder"] == [
        "That stakeholder (Carl Dahl) belongs to another account (Acme Mining), not to"
        " Borealis Steel. Choose someone from Borealis Steel's buying center."
    ]


def test_a_concern_needs_a_severity_an_expectation_does_not(deal: Deal) -> None:
    with pytest.raises(ValidationError) as error:
        _concern(deal, severity="")
    assert "A concern needs a severity" in error.value.message_dict["severity"][0]
    expectation = _concern(deal, kind="expectation", severity="")
    assert expectation.severity == ""


def test_unknown_warning_signs_are_refused(deal: Deal) -> None:
    with pytest.raises(ValidationError) as error:
        _concern(deal, lack_of_receptivity=["fewer_contacts", "grumpy"])
    message = error.value.message_dict["lack_of_receptivity"][0]
    assert "'grumpy'" in message
    assert "needs_implied" in message


def test_verified_on_cannot_be_in_the_future(deal: Deal) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        _concern(deal, verified_on=tomorrow)
    assert "in the future" in error.value.message_dict["verified_on"][0]


def test_owner_must_be_a_member_of_the_workspace(world: WorkspaceWorld, deal: Deal) -> None:
    assert _concern(deal, owner=world.a.user("member")).owner == world.a.user("member")
    with pytest.raises(ValidationError) as error:
        _concern(deal, owner=world.b.user("kam"))
    assert "member of this workspace" in error.value.message_dict["owner"][0]


def test_stale_update_is_refused_and_nothing_is_overwritten(deal: Deal) -> None:
    need = _concern(deal)
    services.stakeholder_need_update(
        workspace=deal.workspace, need=need, expected_version=1, status="addressed"
    )
    with pytest.raises(VersionConflict):
        services.stakeholder_need_update(
            workspace=deal.workspace, need=need, expected_version=1, description="Mine"
        )
    need.refresh_from_db()
    assert (need.status, need.description, need.version) == (
        "addressed",
        "Downtime during the relining",
        2,
    )


def test_update_checks_the_merged_row(deal: Deal) -> None:
    need = _concern(deal, kind="expectation", severity="")
    with pytest.raises(ValidationError) as error:
        services.stakeholder_need_update(
            workspace=deal.workspace, need=need, expected_version=1, kind="concern"
        )
    assert "severity" in error.value.message_dict


def test_stale_delete_is_refused(deal: Deal) -> None:
    need = _concern(deal)
    services.stakeholder_need_update(
        workspace=deal.workspace, need=need, expected_version=1, status="addressed"
    )
    with pytest.raises(VersionConflict):
        services.stakeholder_need_delete(workspace=deal.workspace, need=need, expected_version=1)
    services.stakeholder_need_delete(workspace=deal.workspace, need=need, expected_version=2)


# -- decision criteria --------------------------------------------------------------


def _criterion(deal: Deal, **fields: object) -> object:
    values: dict[str, object] = {
        "role": "decider",
        "group": "service",
        "name": "Response time",
        "importance": 6,
        "difference": 2,
    }
    values.update(fields)
    return services.decision_criterion_create(
        workspace=deal.workspace, opportunity=deal.opportunity, **values
    )


def test_relevance_is_computed_by_the_database(deal: Deal) -> None:
    criterion = _criterion(deal)
    assert criterion.relevance == 12
    updated = services.decision_criterion_update(
        workspace=deal.workspace, criterion=criterion, expected_version=1, difference=7
    )
    assert updated.relevance == 42


@pytest.mark.parametrize(("field", "value"), [("importance", 0), ("difference", 8)])
def test_scales_outside_1_to_7_are_refused(deal: Deal, field: str, value: int) -> None:
    with pytest.raises(ValidationError) as error:
        _criterion(deal, **{field: value})
    assert "between 1 and 7" in error.value.message_dict[field][0]


def test_criterion_stakeholder_must_be_of_the_same_account(deal: Deal) -> None:
    assert _criterion(deal, stakeholder=deal.decider).stakeholder == deal.decider
    with pytest.raises(ValidationError) as error:
        _criterion(deal, stakeholder=deal.stranger)
    assert "another account (Acme Mining)" in error.value.message_dict["stakeholder"][0]


def test_unknown_role_and_group_are_refused(deal: Deal) -> None:
    with pytest.raises(ValidationError) as error:
        _criterion(deal, role="boss")
    assert "'boss' is not a buying role" in error.value.message_dict["role"][0]
    with pytest.raises(ValidationError):
        _criterion(deal, group="vibes")


def test_stale_criterion_edit_is_refused(deal: Deal) -> None:
    criterion = _criterion(deal)
    services.decision_criterion_update(
        workspace=deal.workspace, criterion=criterion, expected_version=1, importance=7
    )
    with pytest.raises(VersionConflict):
        services.decision_criterion_update(
            workspace=deal.workspace, criterion=criterion, expected_version=1, importance=3
        )


# -- challenge questions ---------------------------------------------------------------


def test_standard_questions_are_added_once(deal: Deal) -> None:
    added = services.challenge_questions_add_standard(
        workspace=deal.workspace, opportunity=deal.opportunity
    )
    assert len(added) == len(STANDARD_QUESTIONS) >= 10
    assert [q.position for q in added] == list(range(len(added)))
    again = services.challenge_questions_add_standard(
        workspace=deal.workspace, opportunity=deal.opportunity
    )
    assert again == []
    assert ChallengeQuestion.objects.filter(opportunity=deal.opportunity).count() == len(added)


def test_questions_are_scored_1_to_5(deal: Deal) -> None:
    question = services.challenge_question_create(
        workspace=deal.workspace,
        opportunity=deal.opportunity,
        category="customer_issues",
        question="Why now?",
        team_confidence=4,
    )
    assert question.position == 0
    with pytest.raises(ValidationError) as error:
        services.challenge_question_update(
            workspace=deal.workspace,
            challenge_question=question,
            expected_version=1,
            reviewer_actions=6,
        )
    assert error.value.message_dict["reviewer_actions"] == [
        "Reviewer actions must be a whole number between 1 and 5; 6 is not."
    ]
    with pytest.raises(ValidationError):
        services.challenge_question_update(
            workspace=deal.workspace,
            challenge_question=question,
            expected_version=1,
            team_actions=0,
        )
    question = services.challenge_question_update(
        workspace=deal.workspace, challenge_question=question, expected_version=1, team_actions=None
    )
    assert question.team_confidence == 4


def test_reviewer_must_be_a_workspace_member(world: WorkspaceWorld, deal: Deal) -> None:
    with pytest.raises(ValidationError) as error:
        services.challenge_question_create(
            workspace=deal.workspace,
            opportunity=deal.opportunity,
            category="competition",
            question="Who else bids?",
            reviewer=make_user("nobody-here"),
        )
    assert "member of this workspace" in error.value.message_dict["reviewer"][0]


def test_an_empty_question_is_refused(deal: Deal) -> None:
    with pytest.raises(ValidationError) as error:
        services.challenge_question_create(
            workspace=deal.workspace,
            opportunity=deal.opportunity,
            category="competition",
            question="   ",
        )
    assert "question" in error.value.message_dict
