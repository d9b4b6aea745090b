"""What the three sections show: grouping, warnings, ranks, grid, averages and colours."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from buying_center.models import Stakeholder
from planning.analysis import services
from planning.analysis.selectors import (
    account_analysis_summary,
    opportunity_analysis_context,
)
from planning.models import ChallengeQuestion, Opportunity, StakeholderNeed
from planning.opportunities.selectors import opportunity_for_page
from selling_center.models import SellingCenterMember
from tests.factories import WorkspaceWorld
from tests.planning.analysis.conftest import Deal, fill_analyses

pytestmark = pytest.mark.usefixtures("in_workspace")


def _analysis(deal: Deal) -> object:
    opportunity = opportunity_for_page(
        workspace=deal.workspace, customer=deal.customer, opportunity_id=deal.opportunity.pk
    )
    assert opportunity is not None
    return opportunity_analysis_context(opportunity)["analysis"]


def _need(deal: Deal, stakeholder: Stakeholder, **fields: object) -> StakeholderNeed:
    values: dict[str, object] = {
        "kind": "concern",
        "nature": "relational",
        "description": "Worried",
        "severity": "low",
    }
    values.update(fields)
    return services.stakeholder_need_create(
        workspace=deal.workspace, opportunity=deal.opportunity, stakeholder=stakeholder, **values
    )


def test_needs_grouped_by_stakeholder_severe_open_concerns_first(deal: Deal) -> None:
    _need(deal, deal.decider, kind="expectation", severity="", description="Fast restart")
    _need(deal, deal.buyer, severity="high", description="Price rise")
    _need(deal, deal.buyer, severity="low", description="Paperwork")
    section = _analysis(deal).needs
    assert [g.stakeholder.name for g in section.groups] == ["Bo Berg", "Ines Aalto"]
    assert [r.need.description for r in section.groups[0].rows] == ["Price rise", "Paperwork"]
    assert section.groups[1].roles == ["Decider"]
    assert section.groups[1].score == "+"
    assert (section.total, section.open_concerns, section.severe_open) == (3, 2, 1)


def test_three_warning_signs_of_one_kind_raise_a_visible_warning(deal: Deal) -> None:
    _need(deal, deal.decider, high_anxiety=["many_requests", "old_objections"])
    _need(deal, deal.decider, high_anxiety=["old_objections", "poor_receptiveness"])
    _need(deal, deal.buyer, lack_of_receptivity=["fewer_contacts", "needs_implied"])
    groups = {g.stakeholder.name: g for g in _analysis(deal).needs.groups}
    assert [a.text for a in groups["Ines Aalto"].alerts] == ["shows high anxiety: 3 of 5 signs"]
    assert groups["Bo Berg"].alerts == []


def test_needs_not_verified_for_90_days_ask_to_be_checked_again(deal: Deal) -> None:
    today = timezone.localdate()
    _need(deal, deal.decider, verified_on=today - datetime.timedelta(days=90), description="ok")
    _need(deal, deal.decider, verified_on=today - datetime.timedelta(days=91), description="old")
    _need(deal, deal.decider, description="never")
    rows = {r.need.description: r.check_again for r in _analysis(deal).needs.groups[0].rows}
    assert rows == {"ok": False, "old": True, "never": True}


def test_criteria_ranked_per_role_weak_ones_marked_and_gridded(deal: Deal) -> None:
    for name, role, importance, difference, strategy in [
        ("Price", "buyer", 7, 2, ""),
        ("Delivery", "buyer", 5, 6, ""),
        ("Safety record", "decider", 6, 3, "accentuate_difference"),
        ("Local support", "buyer", 3, 3, ""),
    ]:
        services.decision_criterion_create(
            workspace=deal.workspace,
            opportunity=deal.opportunity,
            role=role,
            group="core_transactional",
            name=name,
            importance=importance,
            difference=difference,
            vulnerability_strategy=strategy,
        )
    section = _analysis(deal).criteria
    assert [r.label for r in section.by_role] == ["Buyer", "Decider"]
    buyer = section.by_role[0].rows
    assert [(r.rank, r.criterion.name, r.criterion.relevance) for r in buyer] == [
        (1, "Delivery", 30),
        (2, "Price", 14),
        (3, "Local support", 9),
    ]
    assert [r.is_weak for r in buyer] == [False, True, False]
    assert (section.weak, section.weak_without_strategy) == (2, 1)
    # Row 0 is importance 7, column 1 is difference 2: where "Price" sits.
    assert [c.name for c in section.grid[0][1].criteria] == ["Price"]
    assert section.grid[0][1].weak_zone and not section.grid[6][0].weak_zone
    assert section.group_counts[0] == ("Core transactional", 4)


def _question(
    deal: Deal, category: str, team: tuple, review: tuple = (None,) * 3, **kw: object
) -> ChallengeQuestion:
    return services.challenge_question_create(
        workspace=deal.workspace,
        opportunity=deal.opportunity,
        category=category,
        question=f"Q{ChallengeQuestion.objects.count()}",
        team_confidence=team[0],
        team_implications=team[1],
        team_actions=team[2],
        reviewer_confidence=review[0],
        reviewer_implications=review[1],
        reviewer_actions=review[2],
        **kw,
    )


def test_challenge_averages_colours_and_gap_per_question_and_category(deal: Deal) -> None:
    # The worked example: confidence 5, 4, 2 averages 3.7 for the category.
    _question(deal, "customer_issues", (5, 4, 2), (2, 2, 2))
    _question(deal, "customer_issues", (4, 2, 3))
    _question(deal, "customer_issues", (2, 2, 4))
    section = _analysis(deal).challenge
    block = section.categories[0]
    assert block.label == "Customer issues and objectives"
    assert block.team.confidence == pytest.approx(3.67)
    assert block.team.implications == pytest.approx(2.67)
    assert block.team.actions == 3.0
    first = block.rows[0]
    assert (first.team_average, first.team_rag, first.reviewer_rag) == (
        pytest.approx(3.67),
        "green",
        "red",
    )
    assert first.gap == pytest.approx(1.67) and first.gap_flagged
    assert section.flagged_gaps == 1
    assert not section.all_green_first_pass


def test_all_green_on_the_first_pass_gets_a_note(deal: Deal) -> None:
    _question(deal, "competition", (4, 4, 5))
    _question(deal, "our_position", (5, 4, 4))
    assert _analysis(deal).challenge.all_green_first_pass
    _question(deal, "our_position", (5, 5, 5), (3, 3, 3))
    assert not _analysis(deal).challenge.all_green_first_pass


def test_reviewer_on_the_selling_center_is_not_independent(
    world: WorkspaceWorld, deal: Deal
) -> None:
    SellingCenterMember.objects.create(
        customer=deal.customer, user=world.a.user("member"), role="contributor"
    )
    _question(deal, "competition", (3, 3, 3), reviewer=world.a.user("member"))
    _question(deal, "competition", (3, 3, 3), reviewer=world.a.user("executive"))
    section = _analysis(deal).challenge
    assert [r.reviewer_on_team for r in section.categories[0].rows] == [True, False]
    assert section.reviewers_on_team == ["a-member"]


@pytest.mark.parametrize("rows", [3, 30])
def test_context_takes_four_queries_whatever_the_number_of_rows(
    world: WorkspaceWorld, deal: Deal, rows: int
) -> None:
    fill_analyses(deal, world, rows)
    opportunity = opportunity_for_page(
        workspace=deal.workspace, customer=deal.customer, opportunity_id=deal.opportunity.pk
    )
    with CaptureQueriesContext(connection) as queries:
        analysis = opportunity_analysis_context(opportunity)["analysis"]
        # Touch what the fragments read, so lazy loads would show up here.
        for group in analysis.needs.groups:
            for row in group.rows:
                _ = (row.need.owner, row.need.stakeholder.name)
        for role in analysis.criteria.by_role:
            for row in role.rows:
                _ = row.criterion.stakeholder
        for block in analysis.challenge.categories:
            for row in block.rows:
                _ = row.question.reviewer
    assert len(queries) == 4
    assert analysis.needs.total == rows


def test_account_summary_counts_warnings_of_open_deals_only(deal: Deal) -> None:
    _need(deal, deal.decider, severity="high")
    _need(deal, deal.buyer, kind="expectation", severity="", status="not_met")
    services.decision_criterion_create(
        workspace=deal.workspace,
        opportunity=deal.opportunity,
        role="buyer",
        group="service",
        name="Price",
        importance=6,
        difference=1,
    )
    won = Opportunity.objects.create(customer=deal.customer, title="Old deal", state="won")
    services.stakeholder_need_create(
        workspace=deal.workspace,
        opportunity=won,
        stakeholder=deal.buyer,
        kind="concern",
        nature="solution",
        description="Old worry",
        severity="high",
    )
    with CaptureQueriesContext(connection) as queries:
        summary = account_analysis_summary(workspace=deal.workspace, customer=deal.customer)
    assert len(queries) == 2
    assert (
        summary.severe_open_concerns,
        summary.unmet_expectations,
        summary.weak_criteria_without_strategy,
    ) == (1, 1, 1)
