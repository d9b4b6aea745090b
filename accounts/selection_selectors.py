"""Reads of the selection workspace: the ranked customer list, Pareto figures, review diff.

Every number comes from the stored ``CustomerScore`` rows the recompute job
writes; nothing here computes a score. A customer whose inputs changed since
its score was computed (``scores_dirty``) keeps its old numbers, flagged
``stale`` so the page greys them out with "updating" instead of showing them
as fresh.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.urls import reverse

from accounts.models import (
    Customer,
    CustomerScore,
    CustomerStatus,
    Quadrant,
    SelectionDecision,
    SelectionReview,
)
from accounts.scoring.pareto import pareto_summary
from accounts.valuation_settings import valuation_settings_get
from kam.workspaces.models import Membership, Workspace

PER_PAGE = 50

#: Sort key in the URL -> (label, ordering expression on Customer).
SORTS: dict[str, tuple[str, str]] = {
    "composite": ("Composite score", "scores__composite"),
    "revenue": ("Revenue (3 years)", "scores__revenue_3y"),
    "margin": ("Margin (3 years)", "scores__margin_3y"),
    "clv_contractual": ("CLV, contractual", "scores__clv_contractual"),
    "clv_transactional": ("CLV, transactional", "scores__clv_transactional"),
    "upv": ("UPV", "scores__upv"),
    "name": ("Name", "name"),
}
DEFAULT_SORT = "composite"

#: Pareto basis in the URL -> (label in sentences, CustomerScore field).
PARETO_BASES: dict[str, tuple[str, str]] = {
    "revenue": ("3-year revenue", "revenue_3y"),
    "margin": ("3-year margin", "margin_3y"),
    "clv": ("contractual CLV", "clv_contractual"),
}
PARETO_SHARES = (0.4, 0.5, 0.8)
#: Every one of the first ranks is drawn (they are the candidates); the long
#: tail is thinned to keep the chart light with 100,000 customers.
PARETO_DETAILED_RANKS = 150
PARETO_MAX_POINTS = 400


@dataclass(frozen=True)
class SelectionQuery:
    """What the list shows: filters, sort and page, read from the URL."""

    status: str = ""
    quadrant: str = ""
    region: str = ""
    industry: str = ""
    owner: int | None = None
    search: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = True
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> SelectionQuery:
        """Unknown or malformed values are ignored, never an error page."""
        sort = params.get("sort", DEFAULT_SORT)
        owner = params.get("owner", "")
        page = params.get("page", "1")
        return cls(
            status=_choice(params.get("status", ""), CustomerStatus.values),
            quadrant=_choice(params.get("quadrant", ""), Quadrant.values),
            region=params.get("region", "").strip()[:100],
            industry=params.get("industry", "").strip()[:100],
            owner=int(owner) if owner.isdigit() else None,
            search=params.get("q", "").strip()[:100],
            sort=sort if sort in SORTS else DEFAULT_SORT,
            descending=params.get("dir", "desc" if sort != "name" else "asc") != "asc",
            page=int(page) if page.isdigit() and int(page) > 0 else 1,
        )

    def params(self, **changes: Any) -> dict[str, str]:
        """URL parameters of this query with ``changes``; empty ones left out."""
        query = replace(self, **changes)
        values = {
            "status": query.status,
            "quadrant": query.quadrant,
            "region": query.region,
            "industry": query.industry,
            "owner": "" if query.owner is None else str(query.owner),
            "q": query.search,
            "sort": query.sort if query.sort != DEFAULT_SORT else "",
            "dir": "asc" if not query.descending else "",
            "page": str(query.page) if query.page > 1 else "",
        }
        return {key: value for key, value in values.items() if value}

    @property
    def filtered(self) -> bool:
        return bool(
            self.status
            or self.quadrant
            or self.region
            or self.industry
            or self.owner
            or self.search
        )


def _choice(value: str, allowed: list[str]) -> str:
    return value if value in allowed else ""


@dataclass(frozen=True)
class SelectionRow:
    customer: Customer
    score: CustomerScore | None
    #: The customer's inputs changed after this score was computed.
    stale: bool
    clv_contractual_reason: str
    clv_transactional_reason: str


def clv_reasons(score: CustomerScore | None) -> tuple[str, str]:
    """Why a CLV is missing, in words for the "—" tooltip (empty when it is there)."""
    if score is None:
        waiting = "Not computed yet: the first scores run has not reached this customer."
        return waiting, waiting
    contractual = "" if score.clv_contractual is not None else "No sales history yet."
    transactional = ""
    if score.clv_transactional is None:
        note = str(score.inputs.get("transactional") or "")
        transactional = note or (
            "Too few repeat purchases for the purchase model (BG/NBD and Gamma-Gamma)."
        )
    return contractual, transactional


def selection_customers(*, workspace: Workspace, query: SelectionQuery) -> QuerySet[Customer]:
    """All customers of the workspace, filtered and ordered as ``query`` asks."""
    customers = Customer.objects.filter(workspace=workspace).select_related("owner")
    if query.status:
        customers = customers.filter(status=query.status)
    if query.quadrant:
        customers = customers.filter(scores__quadrant=query.quadrant)
    if query.region:
        customers = customers.filter(region=query.region)
    if query.industry:
        customers = customers.filter(industry=query.industry)
    if query.owner:
        customers = customers.filter(owner_id=query.owner)
    if query.search:
        customers = customers.filter(
            Q(name__icontains=query.search) | Q(external_id__icontains=query.search)
        )
    expression = F(SORTS[query.sort][1])
    # Customers without a score yet sort last whichever way the list is sorted.
    ordering = (
        expression.desc(nulls_last=True) if query.descending else expression.asc(nulls_last=True)
    )
    return customers.order_by(ordering, "name", "pk")


def selection_page(
    *, workspace: Workspace, query: SelectionQuery, per_page: int = PER_PAGE
) -> tuple[Page[Customer], list[SelectionRow]]:
    """One page of the ranked list: a count, the page's customers and their scores.

    Three queries whatever the page size (count, customers with their owners,
    their scores).
    """
    paginator = Paginator(selection_customers(workspace=workspace, query=query), per_page)
    page = paginator.get_page(query.page)
    customers = list(page.object_list)
    scores = {
        score.customer_id: score
        for score in CustomerScore.objects.filter(
            workspace=workspace, customer_id__in=[c.pk for c in customers]
        )
    }
    rows = []
    for customer in customers:
        score = scores.get(customer.pk)
        contractual, transactional = clv_reasons(score)
        rows.append(
            SelectionRow(
                customer=customer,
                score=score,
                stale=customer.scores_dirty and score is not None,
                clv_contractual_reason=contractual,
                clv_transactional_reason=transactional,
            )
        )
    return page, rows


@dataclass(frozen=True)
class FilterChoices:
    regions: list[str]
    industries: list[str]
    owners: list[tuple[int, str]]


def selection_filter_choices(*, workspace: Workspace) -> FilterChoices:
    def distinct(field_name: str) -> list[str]:
        return list(
            Customer.objects.filter(workspace=workspace)
            .exclude(**{field_name: ""})
            .values_list(field_name, flat=True)
            .distinct()
            .order_by(field_name)
        )

    members = Membership.objects.filter(workspace=workspace).select_related("user")
    owners = sorted(
        ((m.user_id, m.user.get_full_name() or m.user.get_username()) for m in members),
        key=lambda pair: pair[1].lower(),
    )
    return FilterChoices(regions=distinct("region"), industries=distinct("industry"), owners=owners)


# -- Pareto -----------------------------------------------------------------------


@dataclass(frozen=True)
class ParetoPoint:
    rank: int
    share: float
    customer_id: int
    name: str
    value: float


@dataclass(frozen=True)
class ParetoData:
    basis: str
    basis_label: str
    currency: str
    customers: int
    total: float
    #: share (0.4, 0.5, 0.8) -> the rank at which it is reached (0: never).
    rank_reaching: dict[float, int]
    #: The number of accounts the program can staff, and their share of the total.
    staffed: int
    staffed_share: float
    negative_count: int
    gini: float
    points: list[ParetoPoint] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        if not self.customers or self.total <= 0:
            return f"No customer has a positive {self.basis_label} yet."
        accounts = "account makes" if self.staffed == 1 else "accounts make"
        return (
            f"{self.staffed:,} {accounts} {self.staffed_share * 100:.0f} % of "
            f"{self.basis_label} ({self.customers:,} customers in all)."
        )

    @property
    def markers(self) -> list[tuple[int, int]]:
        """(percent, rank) for every share that is reached."""
        return [(round(share * 100), rank) for share, rank in self.rank_reaching.items() if rank]


def pareto_data(*, workspace: Workspace, basis: str) -> ParetoData:
    """Cumulative share of ``basis`` by customer rank, from the stored scores."""
    basis = basis if basis in PARETO_BASES else "revenue"
    label, field_name = PARETO_BASES[basis]
    settings = valuation_settings_get(workspace=workspace)
    rows = list(
        CustomerScore.objects.filter(workspace=workspace)
        .order_by("customer_id")
        .values_list("customer_id", "customer__name", field_name)
    )
    values = np.array([float(value or 0) for _, _, value in rows], dtype=float)
    summary = pareto_summary(values, shares=PARETO_SHARES)
    staffed = min(settings.max_key_accounts, summary.customers)
    n = summary.customers
    if n > PARETO_MAX_POINTS:
        tail = np.linspace(PARETO_DETAILED_RANKS, n - 1, PARETO_MAX_POINTS - PARETO_DETAILED_RANKS)
        positions = np.unique(
            np.concatenate([np.arange(PARETO_DETAILED_RANKS), tail.round().astype(int)])
        )
    else:
        positions = np.arange(n)
    # The marker ranks are always drawn, so the chart's markers sit on a point.
    marker_positions = [rank - 1 for rank in summary.rank_reaching.values() if rank]
    positions = np.unique(np.concatenate([positions, np.array(marker_positions, dtype=int)]))
    points = []
    for position in positions:
        index = int(summary.order[position])
        customer_id, name, _ = rows[index]
        points.append(
            ParetoPoint(
                rank=int(position) + 1,
                share=float(summary.cumulative_share[position]),
                customer_id=customer_id,
                name=name,
                value=float(values[index]),
            )
        )
    currency = (
        CustomerScore.objects.filter(workspace=workspace).values_list("currency", flat=True).first()
        or workspace.reporting_currency
    )
    return ParetoData(
        basis=basis,
        basis_label=label,
        currency=currency,
        customers=n,
        total=summary.positive_total,
        rank_reaching=summary.rank_reaching,
        staffed=staffed,
        staffed_share=summary.share_of_top(staffed),
        negative_count=summary.negative_count,
        gini=summary.gini,
        points=points,
    )


def candidate_url(customer_id: int) -> str:
    return reverse("selection-candidate", kwargs={"customer_id": customer_id})


# -- history and review -------------------------------------------------------------


def selection_decisions(
    *, workspace: Workspace, customer: Customer | None = None
) -> QuerySet[SelectionDecision]:
    decisions = SelectionDecision.objects.filter(workspace=workspace).select_related(
        "customer", "decided_by"
    )
    if customer is not None:
        decisions = decisions.filter(customer=customer)
    return decisions.order_by("-decided_at", "-pk")


def _snapshot_entry(customer: Customer, score: CustomerScore | None) -> dict[str, Any]:
    return {
        "name": customer.name,
        "status": customer.status,
        "composite": score.composite if score else None,
        "revenue_3y": str(score.revenue_3y) if score else None,
        "quadrant": score.quadrant if score else "",
        "currency": score.currency if score else "",
    }


def selection_snapshot(*, workspace: Workspace) -> dict[str, Any]:
    """Key accounts and the top candidates now, as stored with a closed review.

    ``top`` is the ids of the N best customers by composite score (N = the
    program's size limit); ``customers`` has every key account and every
    customer of ``top``, keyed by id (strings: JSON keys).
    """
    settings = valuation_settings_get(workspace=workspace)
    top_n = settings.max_key_accounts
    top_scores = list(
        CustomerScore.objects.filter(workspace=workspace, composite__isnull=False)
        .select_related("customer")
        .order_by("-composite", "customer_id")[:top_n]
    )
    key_accounts = list(
        Customer.objects.filter(workspace=workspace, status=CustomerStatus.KEY_ACCOUNT)
    )
    key_scores = {
        s.customer_id: s
        for s in CustomerScore.objects.filter(
            workspace=workspace, customer_id__in=[c.pk for c in key_accounts]
        )
    }
    customers: dict[str, Any] = {
        str(c.pk): _snapshot_entry(c, key_scores.get(c.pk)) for c in key_accounts
    }
    for score in top_scores:
        customers[str(score.customer_id)] = _snapshot_entry(score.customer, score)
    return {
        "top_n": top_n,
        "top": [score.customer_id for score in top_scores],
        "customers": customers,
    }


@dataclass(frozen=True)
class ScoreMovement:
    customer_id: int
    name: str
    status: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class ReviewDiff:
    previous: SelectionReview | None
    decisions: list[SelectionDecision]
    movements: list[ScoreMovement]
    new_in_top: list[tuple[int, str]]
    top_n: int
    snapshot: dict[str, Any]


def selection_review_diff(*, workspace: Workspace) -> ReviewDiff:
    """What changed since the last closed review (everything, before the first one)."""
    previous = SelectionReview.objects.filter(workspace=workspace).order_by("-held_at").first()
    decisions = selection_decisions(workspace=workspace)
    if previous is not None:
        decisions = decisions.filter(decided_at__gt=previous.held_at)
    snapshot = selection_snapshot(workspace=workspace)
    before: dict[str, Any] = previous.snapshot.get("customers", {}) if previous else {}
    movements = [
        ScoreMovement(
            customer_id=int(pk),
            name=entry["name"],
            status=entry["status"],
            before=before.get(pk, {}).get("composite"),
            after=entry["composite"],
        )
        for pk, entry in snapshot["customers"].items()
    ]
    # Biggest moves first; customers with nothing to compare at the end.
    movements.sort(key=lambda m: (m.change is None, -abs(m.change or 0), m.name))
    previous_top = set(previous.snapshot.get("top", [])) if previous else set()
    new_in_top = [
        (pk, snapshot["customers"][str(pk)]["name"])
        for pk in snapshot["top"]
        if previous is not None and pk not in previous_top
    ]
    return ReviewDiff(
        previous=previous,
        decisions=list(decisions),
        movements=movements,
        new_in_top=new_in_top,
        top_n=snapshot["top_n"],
        snapshot=snapshot,
    )
