"""Reads for the analysis sections of an opportunity, in a fixed number of queries.

:func:`opportunity_analysis_context` feeds the three fragments
``templates/planning/analysis/_needs.html``, ``_criteria.html`` and
``_challenge.html``. It runs four queries whatever the number of rows (needs,
criteria, questions, and the account's selling-center users), so the
opportunity page and the account plan that include these sections stay flat.
Give it an opportunity loaded with ``select_related("customer")``.

:func:`account_analysis_summary` counts the warnings over all open
opportunities of an account (severe open concerns, unmet expectations, weak
criteria without a strategy) for account health and the account plan.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Customer
from buying_center.models import BuyingRole, Stakeholder
from buying_center.selectors import role_labels, score_symbol
from kam.workspaces.models import Workspace
from planning.analysis import scoring
from planning.models import (
    OPEN_STATES,
    ChallengeCategory,
    ChallengeQuestion,
    CriterionGroup,
    DecisionCriterion,
    HighAnxiety,
    LackOfReceptivity,
    NeedStatus,
    Opportunity,
    Severity,
    StakeholderNeed,
    StakeholderNeedKind,
    VulnerabilityStrategy,
)
from selling_center.models import SellingCenterMember

#: A need not confirmed with the stakeholder for this long should be checked again.
CHECK_AGAIN_AFTER_DAYS = 90

#: This many ticked signs of one checklist make a visible warning on the stakeholder.
WARNING_SIGNS_ALERT_AT = 3

_SEVERITY_RANK: dict[str, int] = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2, "": 3}
_STATUS_RANK: dict[str, int] = {NeedStatus.OPEN: 0, NeedStatus.NOT_MET: 1, NeedStatus.ADDRESSED: 2}


def member_choices(*, workspace: Workspace) -> list[Any]:
    """Workspace members who can own a need or review the challenge, by name."""
    return list(
        get_user_model()
        ._default_manager.filter(memberships__workspace=workspace, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


def person_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# -- expectations and concerns ----------------------------------------------------


@dataclass
class NeedRow:
    need: StakeholderNeed
    check_again: bool
    is_severe_open: bool


@dataclass
class SignAlert:
    """A stakeholder showing several warning signs of one kind."""

    text: str
    ticked: int
    of: int


@dataclass
class StakeholderNeeds:
    stakeholder: Stakeholder
    roles: list[str]
    score: str
    rows: list[NeedRow] = field(default_factory=list)
    alerts: list[SignAlert] = field(default_factory=list)

    @property
    def severe_open(self) -> int:
        return sum(1 for row in self.rows if row.is_severe_open)

    @property
    def open_concerns(self) -> int:
        return sum(
            1
            for row in self.rows
            if row.need.kind == StakeholderNeedKind.CONCERN and row.need.status == NeedStatus.OPEN
        )


@dataclass
class NeedsSection:
    groups: list[StakeholderNeeds]
    total: int
    open_concerns: int
    severe_open: int
    check_again: int
    check_again_after_days: int = CHECK_AGAIN_AFTER_DAYS


def needs_check_again(verified_on: datetime.date | None, today: datetime.date) -> bool:
    return verified_on is None or (today - verified_on).days > CHECK_AGAIN_AFTER_DAYS


def _sign_alerts(needs: list[StakeholderNeed]) -> list[SignAlert]:
    """Signs ticked on any of the stakeholder's needs, counted once per sign."""
    receptivity = {sign for need in needs for sign in need.lack_of_receptivity or []}
    anxiety = {sign for need in needs for sign in need.high_anxiety or []}
    alerts = []
    for ticked, choices, wording in (
        (receptivity, LackOfReceptivity, "shows a lack of receptivity"),
        (anxiety, HighAnxiety, "shows high anxiety"),
    ):
        known = len(ticked & set(choices.values))
        if known >= WARNING_SIGNS_ALERT_AT:
            total = len(choices.values)
            alerts.append(SignAlert(f"{wording}: {known} of {total} signs", known, total))
    return alerts


def needs_section(needs: list[StakeholderNeed], today: datetime.date) -> NeedsSection:
    by_stakeholder: dict[int, list[StakeholderNeed]] = defaultdict(list)
    for need in needs:
        by_stakeholder[need.stakeholder_id].append(need)
    groups = []
    for items in by_stakeholder.values():
        stakeholder = items[0].stakeholder
        rows = [
            NeedRow(
                need=need,
                check_again=needs_check_again(need.verified_on, today),
                is_severe_open=(
                    need.kind == StakeholderNeedKind.CONCERN
                    and need.status == NeedStatus.OPEN
                    and need.severity == Severity.HIGH
                ),
            )
            for need in items
        ]
        # Open concerns first, the most severe on top; then expectations; settled ones last.
        rows.sort(
            key=lambda row: (
                _STATUS_RANK.get(row.need.status, 3),
                row.need.kind != StakeholderNeedKind.CONCERN,
                _SEVERITY_RANK.get(row.need.severity, 3),
                row.need.pk,
            )
        )
        groups.append(
            StakeholderNeeds(
                stakeholder=stakeholder,
                roles=role_labels(stakeholder.roles or []),
                score=score_symbol(stakeholder.relationship_score),
                rows=rows,
                alerts=_sign_alerts(items),
            )
        )
    groups.sort(key=lambda g: (-g.severe_open, -g.open_concerns, g.stakeholder.name.lower()))
    return NeedsSection(
        groups=groups,
        total=len(needs),
        open_concerns=sum(g.open_concerns for g in groups),
        severe_open=sum(g.severe_open for g in groups),
        check_again=sum(1 for g in groups for row in g.rows if row.check_again),
    )


# -- decision criteria --------------------------------------------------------------


@dataclass
class CriterionRow:
    criterion: DecisionCriterion
    rank: int
    is_weak: bool
    #: Why a strategy chosen in the table was not saved (set by the view that answers).
    notice: str = ""

    @property
    def needs_strategy(self) -> bool:
        return self.is_weak and not self.criterion.vulnerability_strategy


@dataclass
class RoleCriteria:
    role: str
    label: str
    rows: list[CriterionRow]


@dataclass
class GridCell:
    importance: int
    difference: int
    weak_zone: bool
    criteria: list[DecisionCriterion]


@dataclass
class CriteriaSection:
    by_role: list[RoleCriteria]
    grid: list[list[GridCell]]
    total: int
    weak: int
    weak_without_strategy: int
    group_counts: list[tuple[str, int]]
    weak_min_importance: int = scoring.WEAK_MIN_IMPORTANCE
    weak_max_difference: int = scoring.WEAK_MAX_DIFFERENCE
    differences: list[int] = field(default_factory=lambda: list(scoring.CRITERION_SCALE))
    strategies: list[tuple[str, str]] = field(
        default_factory=lambda: list(VulnerabilityStrategy.choices)
    )


def criteria_section(criteria: list[DecisionCriterion]) -> CriteriaSection:
    ranked = sorted(
        criteria,
        key=lambda c: (-scoring.relevance(c.importance, c.difference), -c.importance, c.pk),
    )
    rows_by_role: dict[str, list[CriterionRow]] = defaultdict(list)
    for criterion in ranked:
        rows = rows_by_role[criterion.role]
        rows.append(
            CriterionRow(
                criterion=criterion,
                rank=len(rows) + 1,
                is_weak=scoring.is_weak(criterion.importance, criterion.difference),
            )
        )
    labels = dict(BuyingRole.choices)
    by_role = [
        RoleCriteria(role=role, label=labels[role], rows=rows_by_role[role])
        for role in BuyingRole.values
        if rows_by_role.get(role)
    ]
    # Importance 7 on top, difference 1 on the left: the weak corner is top-left.
    cells: dict[tuple[int, int], list[DecisionCriterion]] = defaultdict(list)
    for criterion in ranked:
        cells[(criterion.importance, criterion.difference)].append(criterion)
    grid = [
        [
            GridCell(
                importance=importance,
                difference=difference,
                weak_zone=scoring.is_weak(importance, difference),
                criteria=cells.get((importance, difference), []),
            )
            for difference in scoring.CRITERION_SCALE
        ]
        for importance in reversed(scoring.CRITERION_SCALE)
    ]
    all_rows = [row for role in by_role for row in role.rows]
    group_labels = dict(CriterionGroup.choices)
    counts: dict[str, int] = defaultdict(int)
    for criterion in criteria:
        counts[criterion.group] += 1
    return CriteriaSection(
        by_role=by_role,
        grid=grid,
        total=len(criteria),
        weak=sum(1 for row in all_rows if row.is_weak),
        weak_without_strategy=sum(1 for row in all_rows if row.needs_strategy),
        group_counts=[(group_labels[g], counts[g]) for g in CriterionGroup.values],
    )


# -- challenge scoring ----------------------------------------------------------------


@dataclass
class SideSummary:
    """Averages of one side (team or reviewer) over some questions."""

    confidence: float | None
    implications: float | None
    actions: float | None

    @property
    def average(self) -> float | None:
        return scoring.mean((self.confidence, self.implications, self.actions))

    @property
    def rag(self) -> str:
        return scoring.rag(self.average)


#: The six scores of a question, in table order, with the words a screen reader announces.
SCORE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("team_confidence", "Team confidence"),
    ("team_implications", "Team implications"),
    ("team_actions", "Team actions"),
    ("reviewer_confidence", "Reviewer confidence"),
    ("reviewer_implications", "Reviewer implications"),
    ("reviewer_actions", "Reviewer actions"),
)


@dataclass
class QuestionRow:
    question: ChallengeQuestion
    team: scoring.Scores
    reviewer: scoring.Scores
    reviewer_on_team: bool
    #: What someone typed in the table when it was refused, shown again instead of the saved values.
    typed: dict[str, str] | None = None
    notice: str = ""

    def _inputs(self, columns: tuple[tuple[str, str], ...]) -> list[tuple[str, str, Any]]:
        if self.typed is not None:
            return [(name, label, self.typed.get(name, "")) for name, label in columns]
        return [(name, label, getattr(self.question, name)) for name, label in columns]

    @property
    def team_inputs(self) -> list[tuple[str, str, Any]]:
        return self._inputs(SCORE_COLUMNS[:3])

    @property
    def reviewer_inputs(self) -> list[tuple[str, str, Any]]:
        return self._inputs(SCORE_COLUMNS[3:])

    @property
    def team_average(self) -> float | None:
        return self.team.average

    @property
    def reviewer_average(self) -> float | None:
        return self.reviewer.average

    @property
    def team_rag(self) -> str:
        return scoring.rag(self.team.average)

    @property
    def reviewer_rag(self) -> str:
        return scoring.rag(self.reviewer.average)

    @property
    def gap(self) -> float | None:
        return scoring.gap(self.team.average, self.reviewer.average)

    @property
    def gap_flagged(self) -> bool:
        return scoring.gap_flagged(self.gap)


@dataclass
class CategoryBlock:
    category: str
    label: str
    rows: list[QuestionRow]
    team: SideSummary
    reviewer: SideSummary

    @property
    def gap(self) -> float | None:
        return scoring.gap(self.team.average, self.reviewer.average)

    @property
    def gap_flagged(self) -> bool:
        return scoring.gap_flagged(self.gap)


@dataclass
class ChallengeSection:
    categories: list[CategoryBlock]
    total: int
    team: SideSummary
    reviewer: SideSummary
    reviewers_on_team: list[str]
    all_green_first_pass: bool
    flagged_gaps: int
    explanation: str = scoring.RAG_EXPLANATION
    red_below: float = scoring.RED_BELOW
    amber_below: float = scoring.AMBER_BELOW
    gap_flag_at: float = scoring.GAP_FLAG_AT

    @property
    def gap(self) -> float | None:
        return scoring.gap(self.team.average, self.reviewer.average)

    @property
    def gap_flagged(self) -> bool:
        return scoring.gap_flagged(self.gap)


def _summary(rows: list[QuestionRow], side: str) -> SideSummary:
    sides = [getattr(row, side) for row in rows]
    return SideSummary(
        confidence=scoring.mean(s.confidence for s in sides),
        implications=scoring.mean(s.implications for s in sides),
        actions=scoring.mean(s.actions for s in sides),
    )


def challenge_section(
    questions: list[ChallengeQuestion], selling_center_users: set[int]
) -> ChallengeSection:
    rows = [
        QuestionRow(
            question=q,
            team=scoring.Scores(q.team_confidence, q.team_implications, q.team_actions),
            reviewer=scoring.Scores(
                q.reviewer_confidence, q.reviewer_implications, q.reviewer_actions
            ),
            reviewer_on_team=q.reviewer_id is not None and q.reviewer_id in selling_center_users,
        )
        for q in questions
    ]
    labels = dict(ChallengeCategory.choices)
    categories = []
    for category in ChallengeCategory.values:
        in_category = [row for row in rows if row.question.category == category]
        if in_category:
            categories.append(
                CategoryBlock(
                    category=category,
                    label=labels[category],
                    rows=in_category,
                    team=_summary(in_category, "team"),
                    reviewer=_summary(in_category, "reviewer"),
                )
            )
    on_team = sorted({person_name(row.question.reviewer) for row in rows if row.reviewer_on_team})
    # "First pass": the team has scored every question and no reviewer has scored yet.
    first_pass = bool(rows) and all(
        row.team_average is not None and row.reviewer_average is None for row in rows
    )
    return ChallengeSection(
        categories=categories,
        total=len(rows),
        team=_summary(rows, "team"),
        reviewer=_summary(rows, "reviewer"),
        reviewers_on_team=on_team,
        all_green_first_pass=first_pass and all(row.team_rag == "green" for row in rows),
        flagged_gaps=sum(1 for row in rows if row.gap_flagged),
    )


# -- the three sections together ------------------------------------------------------


@dataclass
class OpportunityAnalysis:
    needs: NeedsSection
    criteria: CriteriaSection
    challenge: ChallengeSection


def opportunity_analysis_context(opportunity: Opportunity) -> dict[str, Any]:
    """Everything the ``planning/analysis/_*.html`` fragments need, in four queries.

    Returns ``{"analysis": OpportunityAnalysis}``; the fragments also use
    ``opportunity``, ``customer`` and ``can`` from the page's context.
    """
    workspace_id = opportunity.workspace_id
    needs = list(
        StakeholderNeed.objects.filter(workspace_id=workspace_id, opportunity=opportunity)
        .select_related("stakeholder", "owner")
        .order_by("pk")
    )
    criteria = list(
        DecisionCriterion.objects.filter(
            workspace_id=workspace_id, opportunity=opportunity
        ).select_related("stakeholder")
    )
    questions = list(
        ChallengeQuestion.objects.filter(workspace_id=workspace_id, opportunity=opportunity)
        .select_related("reviewer")
        .order_by("position", "pk")
    )
    selling_center_users = set(
        SellingCenterMember.objects.filter(
            workspace_id=workspace_id, customer_id=opportunity.customer_id, user__isnull=False
        ).values_list("user_id", flat=True)
    )
    return {
        "analysis": OpportunityAnalysis(
            needs=needs_section(needs, timezone.localdate()),
            criteria=criteria_section(criteria),
            challenge=challenge_section(questions, selling_center_users),
        )
    }


# -- across an account's opportunities (for account health and the account plan) -----------


@dataclass(frozen=True)
class AccountAnalysisSummary:
    """Warning counts over every open opportunity of one account."""

    severe_open_concerns: int
    unmet_expectations: int
    weak_criteria_without_strategy: int


def account_analysis_summary(*, workspace: Workspace, customer: Customer) -> AccountAnalysisSummary:
    """Two queries, whatever the number of opportunities; won and lost deals do not count."""
    needs = StakeholderNeed.objects.filter(
        workspace=workspace, opportunity__customer=customer, opportunity__state__in=OPEN_STATES
    ).aggregate(
        severe=Count(
            "pk",
            filter=Q(
                kind=StakeholderNeedKind.CONCERN, status=NeedStatus.OPEN, severity=Severity.HIGH
            ),
        ),
        unmet=Count(
            "pk", filter=Q(kind=StakeholderNeedKind.EXPECTATION, status=NeedStatus.NOT_MET)
        ),
    )
    weak = DecisionCriterion.objects.filter(
        workspace=workspace,
        opportunity__customer=customer,
        opportunity__state__in=OPEN_STATES,
        importance__gte=scoring.WEAK_MIN_IMPORTANCE,
        difference__lte=scoring.WEAK_MAX_DIFFERENCE,
        vulnerability_strategy="",
    ).count()
    return AccountAnalysisSummary(
        severe_open_concerns=needs["severe"],
        unmet_expectations=needs["unmet"],
        weak_criteria_without_strategy=weak,
    )
