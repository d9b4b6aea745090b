"""Live summaries of the pages a plan gathers: nothing here is typed twice.

Critical success factors and the Open Space come from the matrix the Open Space
page draws; the buying center from its stakeholders (coverage of deciders and
facilitators by the selling center's rule, ``selling_center.selectors.stakeholder_gaps``);
the selling center from its members and interface alignments; the portfolio,
growth strategy and value-proposition alarms from the opportunities. Each
summary is read in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from accounts.models import Customer
from buying_center.models import BuyingRole, Stakeholder
from buying_center.selectors import stakeholder_is_stale
from planning.models import OPEN_STATES, PRIORITY_QUADRANTS, GrowthType, Opportunity
from planning.open_space.selectors import CellView, Matrix
from selling_center.models import AlignmentStatus, InterfaceAlignment, SellingRole
from selling_center.selectors import members_of_account, stakeholder_gaps

#: How many rows a summary lists before "and N more on its page".
TOP = 5

#: The CABS checkpoints, in the order the opportunity page shows them.
CABS = (
    ("compelling_reason", "C", "Compelling reason"),
    ("authority_leverage", "A", "Authority leverage"),
    ("budget_availability", "B", "Budget availability"),
    ("supporting_allies", "S", "Supporting allies"),
)

QUADRANT_TITLES = {
    "I": "I · In progress",
    "II": "II · Early stage",
    "III": "III · Customer delaying or cancelling",
    "IV": "IV · Long-term potential",
}


@dataclass(frozen=True)
class TopCell:
    segment: str
    column: str
    potential: Decimal
    success_factor: str
    competitor: str


@dataclass
class OpenSpaceSummary:
    exists: bool
    cells: int = 0
    open_cells: int = 0
    priority_cells: int = 0
    competitor_cells: int = 0
    top: list[TopCell] = field(default_factory=list)
    year: int = 0


@dataclass
class CsfSummary:
    count: int
    titles: list[str]
    aligned_cells: int
    without_owner: int
    updated_at: datetime.datetime | None


def _filled(view: CellView) -> bool:
    return bool(view.cell_id or view.sales)


def open_space_summary(matrix: Matrix | None) -> OpenSpaceSummary:
    if matrix is None:
        return OpenSpaceSummary(exists=False)
    segments = {s.id: s.name for s in matrix.segments}
    columns = {c.id: c.label for c in matrix.columns}
    views = list(matrix.cells.values())
    open_views = [v for v in views if v.is_open and v.potential]
    top = sorted(open_views, key=lambda v: v.potential or 0, reverse=True)[:TOP]
    return OpenSpaceSummary(
        exists=True,
        cells=len(views),
        open_cells=len(open_views),
        priority_cells=matrix.priority_count,
        competitor_cells=sum(1 for v in views if v.competitor),
        top=[
            TopCell(
                segment=segments.get(v.segment_id, ""),
                column=columns.get(v.column_id, ""),
                potential=v.potential or Decimal(0),
                success_factor=v.success_factor_title,
                competitor=v.competitor,
            )
            for v in top
        ],
        year=matrix.year,
    )


def csf_summary(matrix: Matrix | None, factors: list[Any]) -> CsfSummary:
    aligned = (
        sum(1 for v in matrix.cells.values() if v.success_factor_id) if matrix is not None else 0
    )
    return CsfSummary(
        count=len(factors),
        titles=[f.title for f in factors[:TOP]],
        aligned_cells=aligned,
        without_owner=sum(1 for f in factors if f.owner_id is None),
        updated_at=max((f.updated_at for f in factors), default=None),
    )


@dataclass
class BuyingCenterSummary:
    total: int
    role_counts: list[tuple[str, int]]
    key_players: int
    key_covered: int
    uncovered: list[tuple[Stakeholder, list[str]]]
    uncovered_count: int
    stale: int
    scored: int
    strong: int
    last_assessed: datetime.datetime | None


def buying_center_summary(
    people: list[Stakeholder], *, now: datetime.datetime
) -> BuyingCenterSummary:
    """Counts by role and the coverage of the deciders and facilitators (no query)."""
    counts: Counter[str] = Counter()
    for person in people:
        counts.update(set(person.roles or ()))
    key = [p for p in people if {BuyingRole.DECIDER, BuyingRole.FACILITATOR} & set(p.roles or ())]
    uncovered = [(p, gaps) for p in key if (gaps := stakeholder_gaps(p))]
    scored = [p.relationship_score for p in people if p.relationship_score is not None]
    return BuyingCenterSummary(
        total=len(people),
        role_counts=[
            (label, counts[value]) for value, label in BuyingRole.choices if counts[value]
        ],
        key_players=len(key),
        key_covered=len(key) - len(uncovered),
        uncovered=uncovered[:TOP],
        uncovered_count=len(uncovered),
        stale=sum(1 for p in people if stakeholder_is_stale(p, now=now)),
        scored=len(scored),
        strong=sum(1 for s in scored if s >= 1),
        last_assessed=max((p.assessed_at for p in people if p.assessed_at), default=None),
    )


@dataclass
class SellingCenterSummary:
    members: int
    missing_roles: list[str]
    alignment: list[tuple[str, str, int]]
    issues: list[InterfaceAlignment]
    updated_at: datetime.datetime | None


def selling_center_summary(*, workspace: Any, customer: Customer) -> SellingCenterSummary:
    """Members, the required roles still missing, and interface alignment by status (2 queries)."""
    members = list(members_of_account(workspace=workspace, customer=customer))
    roles = {m.role for m in members}
    required = (SellingRole.SPONSOR, SellingRole.EXECUTIVE, SellingRole.KAM)
    alignments = list(
        InterfaceAlignment.objects.filter(workspace=workspace, customer=customer).order_by("pk")
    )
    status_counts = Counter(a.status for a in alignments)
    stamps = [m.updated_at for m in members] + [a.updated_at for a in alignments]
    return SellingCenterSummary(
        members=len(members),
        missing_roles=[SellingRole(r).label for r in required if r not in roles],
        alignment=[
            (value, label, status_counts[value]) for value, label in AlignmentStatus.choices
        ],
        issues=[a for a in alignments if a.status == AlignmentStatus.ISSUE][:TOP],
        updated_at=max(stamps, default=None),
    )


@dataclass
class PortfolioRow:
    opportunity: Opportunity
    cabs: list[tuple[str, str, bool]]

    @property
    def cabs_held(self) -> int:
        return sum(1 for _, _, held in self.cabs if held)


@dataclass
class Quadrant:
    code: str
    title: str
    rows: list[PortfolioRow]

    @property
    def value(self) -> Decimal:
        return sum((row.opportunity.value for row in self.rows), Decimal(0))


@dataclass
class Portfolio:
    quadrants: list[Quadrant]
    open_count: int
    closed_count: int
    by_growth: dict[str, list[Opportunity]]
    vp_alarms: list[Opportunity]
    vp_unanswered: int
    updated_at: datetime.datetime | None


def _cabs(opportunity: Opportunity) -> list[tuple[str, str, bool]]:
    return [(letter, label, bool(getattr(opportunity, name))) for name, letter, label in CABS]


def _unanswered(opportunity: Opportunity) -> bool:
    return any(
        getattr(opportunity, name) is None
        for name in (
            "vp_needs_justify_price",
            "vp_strengths_ahead",
            "vp_benefits_demonstrated",
            "vp_more_expensive",
        )
    )


def portfolio(*, customer: Customer) -> Portfolio:
    """Opportunities by priority quadrant and growth direction, with VP alarms (1 query)."""
    opportunities = list(
        Opportunity.objects.filter(customer=customer)
        .select_related("owner")
        .order_by("-value", "pk")
    )
    open_ones = [o for o in opportunities if o.state in OPEN_STATES]
    quadrants = [
        Quadrant(
            code=code,
            title=QUADRANT_TITLES[code],
            rows=[
                PortfolioRow(o, _cabs(o)) for o in open_ones if PRIORITY_QUADRANTS[o.state] == code
            ],
        )
        for code in ("I", "II", "III", "IV")
    ]
    by_growth: dict[str, list[Opportunity]] = {value: [] for value in GrowthType.values}
    for opportunity in open_ones:
        if opportunity.growth_type in by_growth:
            by_growth[opportunity.growth_type].append(opportunity)
    return Portfolio(
        quadrants=quadrants,
        open_count=len(open_ones),
        closed_count=len(opportunities) - len(open_ones),
        by_growth=by_growth,
        vp_alarms=[o for o in open_ones if o.value_proposition_alarm],
        vp_unanswered=sum(1 for o in open_ones if _unanswered(o)),
        updated_at=max((o.updated_at for o in opportunities), default=None),
    )
