"""The section pages and their forms: what a KAM sees, adds, edits, and what is refused."""

from __future__ import annotations

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from planning.analysis import services
from planning.models import ChallengeQuestion, DecisionCriterion, Opportunity, StakeholderNeed
from tests.factories import WorkspaceWorld
from tests.planning.analysis.conftest import Deal, client_for, fill_analyses

pytestmark = pytest.mark.django_db


def _url(name: str, deal: Deal, **extra: int) -> str:
    return reverse(
        name,
        kwargs={"customer_id": deal.customer.pk, "opportunity_id": deal.opportunity.pk, **extra},
    )


@pytest.mark.parametrize(
    ("name", "empty_text"),
    [
        ("account-opportunity-needs", "No expectations or concerns yet"),
        ("account-opportunity-criteria", "No decision criteria yet"),
        ("account-opportunity-challenge", "No challenge questions yet"),
    ],
)
def test_empty_sections_say_what_to_do_next(
    world: WorkspaceWorld, deal: Deal, name: str, empty_text: str
) -> None:
    page = client_for(world).get(_url(name, deal))
    assert page.status_code == 200
    html = page.content.decode()
    assert empty_text in html
    assert "Borealis Steel" in html and "Furnace relining" in html


def test_viewer_sees_no_edit_controls_and_cannot_post(world: WorkspaceWorld, deal: Deal) -> None:
    viewer = client_for(world, "viewer")
    page = viewer.get(_url("account-opportunity-challenge", deal))
    assert page.status_code == 200
    assert _url("opportunity-questions-standard", deal) not in page.content.decode()
    refused = viewer.post(_url("opportunity-questions-standard", deal))
    assert refused.status_code == 403
    with workspace_context(deal.workspace):
        assert (
            not ChallengeQuestion.objects.exists()
            or not ChallengeQuestion.objects.filter(opportunity=deal.opportunity).exists()
        )


def test_add_a_concern_and_see_it_grouped_with_its_warning(
    world: WorkspaceWorld, deal: Deal
) -> None:
    client = client_for(world)
    form = client.get(_url("opportunity-need-create", deal) + f"?stakeholder={deal.decider.pk}")
    assert form.status_code == 200
    assert f'value="{deal.decider.pk}" selected' in form.content.decode()
    saved = client.post(
        _url("opportunity-need-create", deal),
        {
            "stakeholder": deal.decider.pk,
            "kind": "concern",
            "nature": "solution",
            "description": "Downtime during the relining",
            "severity": "high",
            "status": "open",
            "owner": world.a.user("kam").pk,
            "high_anxiety": ["many_requests", "old_objections", "poor_receptiveness"],
        },
    )
    assert saved.status_code == 302
    assert saved["Location"].endswith("/needs/#needs")
    page = client.get(_url("account-opportunity-needs", deal)).content.decode()
    assert "Downtime during the relining" in page
    assert "shows high anxiety: 3 of 5 signs" in page
    assert "check again" in page
    assert "1 severe open concern" in page


def test_cross_account_stakeholder_is_refused_by_name(world: WorkspaceWorld, deal: Deal) -> None:
    """Only the account's people are offered; a forged id of another account gets the reason."""
    client = client_for(world)
    form = client.get(_url("opportunity-need-create", deal)).content.decode()
    assert "Bo Berg" in form and "Carl Dahl" not in form
    answer = client.post(
        _url("opportunity-need-create", deal),
        {
            "stakeholder": deal.stranger.pk,
            "kind": "concern",
            "nature": "solution",
            "description": "Kept text",
            "severity": "low",
            "status": "open",
        },
    )
    assert answer.status_code == 200
    html = unescape(answer.content.decode())
    assert "That stakeholder (Carl Dahl) belongs to another account (Acme Mining)" in html
    assert "Kept text" in html
    missing = client.post(
        _url("opportunity-criterion-create", deal),
        {
            "role": "buyer",
            "group": "service",
            "name": "Spare parts",
            "importance": 5,
            "difference": 2,
            "stakeholder": 987654,
        },
    )
    assert "Stakeholder 987654 does not exist." in missing.content.decode()
    with workspace_context(world.b.workspace):
        theirs = Stakeholder.objects.filter(workspace=world.b.workspace).first()
    foreign = client.post(
        _url("opportunity-criterion-create", deal),
        {
            "role": "buyer",
            "group": "service",
            "name": "Spare parts",
            "importance": 5,
            "difference": 2,
            "stakeholder": theirs.pk,
        },
    )
    # Another workspace's person is answered like an id that does not exist.
    assert f"Stakeholder {theirs.pk} does not exist." in foreign.content.decode()


def test_missing_severity_keeps_what_was_typed(world: WorkspaceWorld, deal: Deal) -> None:
    answer = client_for(world).post(
        _url("opportunity-need-create", deal),
        {
            "stakeholder": deal.decider.pk,
            "kind": "concern",
            "nature": "relational",
            "description": "They feel ignored",
            "status": "open",
        },
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "A concern needs a severity: low, medium or high." in html
    assert "They feel ignored" in html


def test_out_of_range_importance_is_refused_with_between_1_and_7(
    world: WorkspaceWorld, deal: Deal
) -> None:
    answer = client_for(world).post(
        _url("opportunity-criterion-create", deal),
        {
            "role": "buyer",
            "group": "service",
            "name": "Spare parts",
            "importance": 8,
            "difference": 2,
        },
    )
    assert answer.status_code == 200
    assert "between 1 and 7" in answer.content.decode()
    with workspace_context(deal.workspace):
        assert not DecisionCriterion.objects.filter(opportunity=deal.opportunity).exists()


def test_weak_criterion_without_strategy_is_highlighted(world: WorkspaceWorld, deal: Deal) -> None:
    client = client_for(world)
    client.post(
        _url("opportunity-criterion-create", deal),
        {
            "role": "buyer",
            "group": "core_transactional",
            "name": "Price",
            "importance": 7,
            "difference": 2,
        },
    )
    html = client.get(_url("account-opportunity-criteria", deal)).content.decode()
    assert "1 weak criterion has no vulnerability strategy" in html
    assert "choose a strategy" in html
    assert "analysis-dot-weak" in html


def test_stale_edit_shows_the_other_persons_values_and_keeps_mine(
    world: WorkspaceWorld, deal: Deal
) -> None:
    with workspace_context(deal.workspace):
        criterion = services.decision_criterion_create(
            workspace=deal.workspace,
            opportunity=deal.opportunity,
            role="buyer",
            group="service",
            name="Response time",
            importance=5,
            difference=5,
        )
        services.decision_criterion_update(
            workspace=deal.workspace, criterion=criterion, expected_version=1, importance=7
        )
    answer = client_for(world).post(
        _url("opportunity-criterion-edit", deal, decision_criterion_id=criterion.pk),
        {
            "role": "buyer",
            "group": "service",
            "name": "Response time",
            "importance": 3,
            "difference": 5,
            "version": 1,
        },
    )
    assert answer.status_code == 409
    html = answer.content.decode()
    assert "Someone else changed this decision criterion" in html
    assert "<td>7</td><td>3</td>" in html.replace("\n", "")
    assert 'name="version" value="2"' in html
    with workspace_context(deal.workspace):
        criterion.refresh_from_db()
    assert criterion.importance == 7


def test_standard_questions_in_one_click_then_scored(world: WorkspaceWorld, deal: Deal) -> None:
    client = client_for(world)
    back = _url("account-opportunity-challenge", deal)
    answer = client.post(_url("opportunity-questions-standard", deal), {"next": back})
    assert answer.status_code == 302
    with workspace_context(deal.workspace):
        question = ChallengeQuestion.objects.filter(opportunity=deal.opportunity).first()
    refused = client.post(
        _url("opportunity-question-edit", deal, challenge_question_id=question.pk),
        {
            "category": question.category,
            "question": question.question,
            "team_confidence": 9,
            "version": question.version,
        },
    )
    assert "Team confidence must be a whole number between 1 and 5; 9 is not." in (
        refused.content.decode()
    )
    client.post(
        _url("opportunity-question-edit", deal, challenge_question_id=question.pk),
        {
            "category": question.category,
            "question": question.question,
            "team_confidence": 5,
            "team_implications": 5,
            "team_actions": 4,
            "version": question.version,
        },
    )
    html = client.get(back).content.decode()
    assert '4.7 <span class="rag-word">green</span>' in html
    assert "Averages below 2.5 are red" in html


def test_reviewer_on_the_account_team_is_warned(world: WorkspaceWorld, deal: Deal) -> None:
    from selling_center.models import SellingCenterMember

    with workspace_context(deal.workspace):
        SellingCenterMember.objects.create(
            customer=deal.customer, user=world.a.user("member"), role="contributor"
        )
    client = client_for(world)
    answer = client.post(
        _url("opportunity-question-create", deal),
        {
            "category": "competition",
            "question": "Who else bids?",
            "reviewer": world.a.user("member").pk,
            "reviewer_confidence": 2,
        },
        follow=True,
    )
    html = answer.content.decode()
    assert "their review is not independent" in html
    assert "not independent" in html


def _monthly_review(deal: Deal) -> StakeholderNeed:
    with workspace_context(deal.workspace):
        return services.stakeholder_need_create(
            workspace=deal.workspace,
            opportunity=deal.opportunity,
            stakeholder=deal.buyer,
            kind="expectation",
            nature="relational",
            description="Monthly review",
        )


def test_delete_with_the_version_read(world: WorkspaceWorld, deal: Deal) -> None:
    need = _monthly_review(deal)
    client = client_for(world)
    url = _url("opportunity-need-delete", deal, stakeholder_need_id=need.pk)
    client.post(url, {"version": 7})
    with workspace_context(deal.workspace):
        assert StakeholderNeed.objects.filter(pk=need.pk).exists()
    client.post(url, {"version": 1})
    with workspace_context(deal.workspace):
        assert not StakeholderNeed.objects.filter(pk=need.pk).exists()


def test_confirmed_today_moves_the_verified_date(world: WorkspaceWorld, deal: Deal) -> None:
    need = _monthly_review(deal)
    client_for(world).post(
        _url("opportunity-need-verified", deal, stakeholder_need_id=need.pk), {"version": 1}
    )
    with workspace_context(deal.workspace):
        need.refresh_from_db()
    assert need.verified_on is not None


def test_next_only_goes_to_this_site(world: WorkspaceWorld, deal: Deal) -> None:
    answer = client_for(world).post(
        _url("opportunity-questions-standard", deal), {"next": "https://evil.example/"}
    )
    assert answer["Location"].startswith(_url("account-opportunity-challenge", deal))


def test_another_accounts_opportunity_answers_404(world: WorkspaceWorld, deal: Deal) -> None:
    with workspace_context(deal.workspace):
        elsewhere = Opportunity.objects.create(customer=deal.other_customer, title="Elsewhere")
    need = _monthly_review(deal)
    client = client_for(world)
    wrong_pair = reverse(
        "account-opportunity-needs",
        kwargs={"customer_id": deal.customer.pk, "opportunity_id": elsewhere.pk},
    )
    assert client.get(wrong_pair).status_code == 404
    # The need exists, but not under this other opportunity of the same workspace.
    foreign = reverse(
        "opportunity-need-edit",
        kwargs={
            "customer_id": deal.other_customer.pk,
            "opportunity_id": elsewhere.pk,
            "stakeholder_need_id": need.pk,
        },
    )
    assert client.get(foreign).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["account-opportunity-needs", "account-opportunity-criteria", "account-opportunity-challenge"],
)
def test_page_queries_do_not_grow_with_rows(world: WorkspaceWorld, deal: Deal, name: str) -> None:
    """The same number of queries with 3 and with 30 rows of each analysis."""
    client = client_for(world)
    client.get(_url(name, deal))  # warm the session
    counts = []
    for added in (3, 27):
        with workspace_context(deal.workspace):
            fill_analyses(deal, world, added)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(name, deal)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def _scored_question(deal: Deal) -> ChallengeQuestion:
    with workspace_context(deal.workspace):
        return services.challenge_question_create(
            workspace=deal.workspace,
            opportunity=deal.opportunity,
            category="customer_issues",
            question="Why now?",
            team_confidence=2,
        )


def test_scores_typed_in_the_table_answer_the_whole_section(
    world: WorkspaceWorld, deal: Deal
) -> None:
    question = _scored_question(deal)
    url = _url("opportunity-question-scores", deal, challenge_question_id=question.pk)
    answer = client_for(world).post(
        url,
        {"team_confidence": "5", "team_implications": "4", "team_actions": "", "version": 1},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.count('id="challenge"') == 1
    assert '4.5 <span class="rag-word">green</span>' in html
    assert f'id="score-{question.pk}-team_confidence"' in html
    with workspace_context(deal.workspace):
        question.refresh_from_db()
    assert (question.team_confidence, question.team_implications, question.version) == (5, 4, 2)


@pytest.mark.parametrize(
    ("typed", "message"),
    [("6", "between 1 and 5; 6 is not"), ("high", "'high' is not a whole number from 1 to 5")],
)
def test_a_refused_score_stays_in_its_box_with_the_reason(
    world: WorkspaceWorld, deal: Deal, typed: str, message: str
) -> None:
    question = _scored_question(deal)
    url = _url("opportunity-question-scores", deal, challenge_question_id=question.pk)
    answer = client_for(world).post(
        url,
        {"team_confidence": "2", "team_implications": typed, "version": 1},
        headers={"HX-Request": "true"},
    )
    html = unescape(answer.content.decode())
    assert message in html
    assert f'name="team_implications" value="{typed}"' in html
    with workspace_context(deal.workspace):
        question.refresh_from_db()
    assert (question.team_implications, question.version) == (None, 1)


def test_a_stale_score_shows_the_other_persons_scores(world: WorkspaceWorld, deal: Deal) -> None:
    question = _scored_question(deal)
    with workspace_context(deal.workspace):
        services.challenge_question_update(
            workspace=deal.workspace,
            challenge_question=question,
            expected_version=1,
            team_confidence=4,
        )
    url = _url("opportunity-question-scores", deal, challenge_question_id=question.pk)
    answer = client_for(world).post(
        url, {"team_confidence": "1", "version": 1}, headers={"HX-Request": "true"}
    )
    html = answer.content.decode()
    assert "Someone else changed the scores of this question meanwhile" in html
    assert 'name="team_confidence" value="4"' in html
    with workspace_context(deal.workspace):
        question.refresh_from_db()
    assert question.team_confidence == 4


def test_scores_without_htmx_come_back_to_the_page(world: WorkspaceWorld, deal: Deal) -> None:
    question = _scored_question(deal)
    url = _url("opportunity-question-scores", deal, challenge_question_id=question.pk)
    answer = client_for(world).post(url, {"team_actions": "3", "version": 1})
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"#question-{question.pk}")


def test_viewer_sees_scores_as_text_not_boxes(world: WorkspaceWorld, deal: Deal) -> None:
    question = _scored_question(deal)
    html = client_for(world, "viewer").get(_url("account-opportunity-challenge", deal))
    assert f'id="score-{question.pk}-team_confidence"' not in html.content.decode()
    assert ">2</td>" in html.content.decode()


def _weak_criterion(deal: Deal) -> DecisionCriterion:
    with workspace_context(deal.workspace):
        return services.decision_criterion_create(
            workspace=deal.workspace,
            opportunity=deal.opportunity,
            role="buyer",
            group="core_transactional",
            name="Price",
            importance=7,
            difference=2,
        )


def test_strategy_chosen_in_the_table_clears_the_warning(world: WorkspaceWorld, deal: Deal) -> None:
    criterion = _weak_criterion(deal)
    url = _url("opportunity-criterion-strategy", deal, decision_criterion_id=criterion.pk)
    answer = client_for(world).post(
        url,
        {"vulnerability_strategy": "facilitator", "version": 1},
        headers={"HX-Request": "true"},
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert html.count('id="criteria"') == 1
    assert "has no vulnerability strategy" not in html
    assert '<option value="facilitator" selected>' in html
    with workspace_context(deal.workspace):
        criterion.refresh_from_db()
    assert criterion.vulnerability_strategy == "facilitator"


def test_strategy_refusals_are_said_in_the_row(world: WorkspaceWorld, deal: Deal) -> None:
    criterion = _weak_criterion(deal)
    url = _url("opportunity-criterion-strategy", deal, decision_criterion_id=criterion.pk)
    client = client_for(world)
    unknown = client.post(
        url, {"vulnerability_strategy": "bribe", "version": 1}, headers={"HX-Request": "true"}
    )
    assert "is not a strategy" in unescape(unknown.content.decode())
    stale = client.post(
        url,
        {"vulnerability_strategy": "facilitator", "version": 9},
        headers={"HX-Request": "true"},
    )
    assert "Someone else changed this criterion meanwhile" in stale.content.decode()
    plain = client.post(url, {"vulnerability_strategy": "facilitator", "version": 1})
    assert plain.status_code == 302
    assert plain["Location"].endswith(f"#criterion-{criterion.pk}")
