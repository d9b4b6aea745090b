"""The plan's overview and scorecard: figures read from what the app already computes.

Revenue and margin come from the customer year figures (the figures job, from
the sales lines), CLV and the relationship quadrant from the customer's score
(the score job), the UPV split and the share of potential captured from the
Open Space matrix. Each figure carries the date of the data behind it; a figure
the app does not have is ``None`` and shown as unknown, never as zero.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max

from accounts.models import Customer, CustomerScore, CustomerYearFigures, SalesLine
from planning.models import PortfolioDecision, Review, ReviewStatus
from planning.open_space.selectors import Matrix
from planning.open_space.upv import UpvBreakdown
from planning.plan.metrics import margin_percent
from planning.reviews.selectors import account_reviews

#: The revenue and margin trend covers this many calendar years, the current one last.
TREND_YEARS = 3


@dataclass(frozen=True)
class YearFigure:
    year: int
    net_sales: Decimal | None
    margin: Decimal | None
    margin_percent: Decimal | None
    partial: bool


@dataclass(frozen=True)
class Overview:
    currency: str
    trend: list[YearFigure]
    trend_computed_at: datetime.datetime | None
    latest_sale: datetime.date | None
    score: CustomerScore | None
    upv: UpvBreakdown | None
    upv_year: int
    captured_share: Decimal | None
    open_space_sales: Decimal | None
    open_space_potential: Decimal | None
    open_space_updated_at: datetime.datetime | None
    #: The review log: every review of the account, newest scheduled first.
    reviews: list[Review] = field(default_factory=list)

    @property
    def last_review(self) -> Review | None:
        held = [r for r in self.reviews if r.status == ReviewStatus.HELD and r.held_on]
        return max(held, key=lambda r: (r.held_on, r.pk), default=None)

    @property
    def next_review(self) -> Review | None:
        planned = [r for r in self.reviews if r.status == ReviewStatus.SCHEDULED]
        return min(planned, key=lambda r: (r.scheduled_on, r.pk), default=None)

    #: The executive's latest decision on the commitment (the portfolio page), if any.
    portfolio_decision: PortfolioDecision | None = None

    @property
    def margin_trend(self) -> str:
        """ "rising", "falling" or "" between the last two full years with sales."""
        full = [f for f in self.trend if not f.partial and f.margin_percent is not None]
        if len(full) < 2:
            return ""
        first, last = full[-2].margin_percent, full[-1].margin_percent
        assert first is not None and last is not None
        if last > first:
            return "rising"
        return "falling" if last < first else "steady"


def _trend(customer: Customer, today: datetime.date) -> tuple[list[YearFigure], Any]:
    years = list(range(today.year - TREND_YEARS + 1, today.year + 1))
    rows = {
        row.year: row
        for row in CustomerYearFigures.objects.filter(customer=customer, year__in=years)
    }
    trend = []
    for year in years:
        row = rows.get(year)
        trend.append(
            YearFigure(
                year=year,
                net_sales=row.net_sales if row else None,
                margin=row.contribution_margin if row else None,
                margin_percent=margin_percent(row.net_sales, row.contribution_margin)
                if row
                else None,
                partial=year == today.year,
            )
        )
    computed = max((row.computed_at for row in rows.values()), default=None)
    return trend, computed


def captured_share(sales: Decimal, potential: Decimal) -> Decimal | None:
    """Share of the Open Space already sold: last year's sales over sales plus open potential."""
    whole = sales + potential
    if not whole:
        return None
    return (sales * 100 / whole).quantize(Decimal("1"))


def plan_overview(
    *, customer: Customer, matrix: Matrix | None, today: datetime.date, currency: str
) -> Overview:
    """The scorecard, the review log and the portfolio decision (7 queries, plus the matrix)."""
    reviews = account_reviews(customer)
    trend, computed_at = _trend(customer, today)
    decision = (
        PortfolioDecision.objects.filter(customer=customer)
        .select_related("decided_by")
        .order_by("-decided_at", "-pk")
        .first()
    )
    latest_sale = SalesLine.objects.filter(customer=customer).aggregate(last=Max("date"))["last"]
    score = CustomerScore.objects.filter(customer=customer).first()
    if matrix is None:
        return Overview(
            currency=currency,
            trend=trend,
            trend_computed_at=computed_at,
            latest_sale=latest_sale,
            score=score,
            upv=None,
            upv_year=today.year - 1,
            captured_share=None,
            open_space_sales=None,
            open_space_potential=None,
            open_space_updated_at=None,
            reviews=reviews,
            portfolio_decision=decision,
        )
    total = matrix.grand_total
    return Overview(
        currency=currency,
        trend=trend,
        trend_computed_at=computed_at,
        latest_sale=latest_sale,
        score=score,
        upv=matrix.upv,
        upv_year=matrix.year,
        captured_share=captured_share(total.sales, matrix.upv.total),
        open_space_sales=total.sales,
        open_space_potential=matrix.upv.total,
        open_space_updated_at=matrix.open_space.updated_at,
        reviews=reviews,
        portfolio_decision=decision,
    )
