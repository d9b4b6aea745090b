"""Reads of the portfolio: every key account's position on the three matrices.

Positions are computed over the workspace's key accounts as a whole, so an
account sits in the same place whoever looks and whatever the filters: the
filters and a KAM's "mine only" choose which accounts are shown, not where.
Candidates (when asked for) are placed against the key accounts.

A fixed number of queries whatever the number of accounts: customers, year
figures, scores, factors, decisions, health badges and the valuation settings, one each.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from accounts.models import (
    Customer,
    CustomerScore,
    CustomerStatus,
    CustomerYearFigures,
    ValuationSettings,
)
from kam.workspaces.models import Workspace
from planning.health.selectors import HealthBadge, health_badges
from planning.models import (
    FACTOR_STALE_AFTER_DAYS,
    FactorCode,
    PortfolioDecision,
    PortfolioFactor,
)
from planning.portfolio import matrices
from planning.portfolio.matrices import Fiocca, ProfitQuadrant
from planning.portfolio.recommendation import Recommendation, recommend


@dataclass(frozen=True)
class Filters:
    """What the page narrows the accounts to (GET parameters); empty means all."""

    candidates: bool = False
    kam: int | None = None
    region: str = ""
    industry: str = ""
    tier: int | None = None


@dataclass(frozen=True)
class FactorValue:
    code: str
    label: str
    group: str  # "importance" or "difficulty"
    score: int | None
    computed: bool  # prefilled from figures, nobody judged it
    source: str  # where a computed score came from, in words
    row: PortfolioFactor | None
    stale: bool


@dataclass
class AccountPosition:
    customer: Customer
    kam: str
    revenue: Decimal | None  # last year's net sales
    health: HealthBadge | None
    factors: list[FactorValue]
    importance: float | None = None
    difficulty: float | None = None
    fiocca: Fiocca | None = None
    present: float | None = None
    upv: float | None = None
    clv: float | None = None
    potential: float | None = None
    profit: ProfitQuadrant | None = None
    loyalty: float | None = None
    profitability: float | None = None
    relationship: str | None = None
    recommendation: Recommendation | None = None
    decision: PortfolioDecision | None = None
    history: list[PortfolioDecision] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)

    @property
    def stale_factors(self) -> int:
        return sum(1 for factor in self.factors if factor.stale)

    @property
    def decision_current(self) -> bool:
        """The decision was taken on the recommendation the matrices give today."""
        return (
            self.decision is not None
            and self.recommendation is not None
            and self.decision.recommendation == self.recommendation.commitment
        )

    def basis(self) -> dict[str, object]:
        """The positions a decision is taken on, stored with it."""
        return {
            "fiocca": self.fiocca.value if self.fiocca else None,
            "profit": self.profit.value if self.profit else None,
            "relationship": self.relationship,
            "importance": self.importance,
            "difficulty": self.difficulty,
            "present": self.present,
            "potential": self.potential,
        }


@dataclass
class Portfolio:
    accounts: list[AccountPosition]
    year: int | None  # the year "last year's" figures are of
    currency: str
    present_split: float | None
    potential_split: float | None
    scores_at: datetime.datetime | None
    loyalty_threshold: float
    profitability_threshold: float
    kams: list[tuple[int, str]]
    regions: list[str]
    industries: list[str]

    def on(self, matrix: str) -> list[AccountPosition]:
        """Accounts with the inputs of ``matrix`` ("fiocca", "profit", "relationship")."""
        return [account for account in self.accounts if matrix not in account.missing]

    @property
    def incomplete(self) -> list[AccountPosition]:
        return [account for account in self.accounts if account.missing]


def _name(user: User | None) -> str:
    if user is None:
        return "No KAM"
    return user.get_full_name() or user.username


_GROUPS = {code: "importance" for code in matrices.IMPORTANCE_CODES} | {
    code: "difficulty" for code in matrices.DIFFICULTY_CODES
}


def _factors(
    judged: dict[str, PortfolioFactor],
    computed: dict[str, tuple[int, str]],
    today: datetime.date,
) -> list[FactorValue]:
    stale_before = today - datetime.timedelta(days=FACTOR_STALE_AFTER_DAYS)
    values = []
    for code in (*matrices.IMPORTANCE_CODES, *matrices.DIFFICULTY_CODES):
        row = judged.get(code)
        label = str(FactorCode(code).label)
        if row is not None:
            values.append(
                FactorValue(
                    code,
                    label,
                    _GROUPS[code],
                    row.score,
                    False,
                    "",
                    row,
                    row.judged_on < stale_before,
                )
            )
        elif code in computed:
            score, source = computed[code]
            values.append(FactorValue(code, label, _GROUPS[code], score, True, source, None, False))
        else:
            values.append(FactorValue(code, label, _GROUPS[code], None, False, "", None, False))
    return values


def _computed(value: float | None, others: list[float], what: str) -> tuple[int, str] | None:
    if value is None:
        return None
    percentile = matrices.percentile_among(value, others)
    count = len(others) + 1
    return (
        matrices.score_from_percentile(percentile),
        f"computed: {what} at the {_ordinal(round(percentile * 100))} percentile of"
        f" {count} key account{'s' if count != 1 else ''}",
    )


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def _clv(score: CustomerScore | None) -> float | None:
    if score is None:
        return None
    clv = score.clv_contractual if score.clv_contractual is not None else score.clv_transactional
    return float(clv) if clv is not None else None


def portfolio(
    *,
    workspace: Workspace,
    filters: Filters | None = None,
    owner: User | None = None,
    today: datetime.date | None = None,
    include: int | None = None,
) -> Portfolio:
    """The portfolio shown: key accounts (and candidates), ``owner``'s only when given.

    ``include`` adds one more customer whatever its status (a former key account's
    factors page), placed against the key accounts like a candidate.
    """
    filters = filters or Filters()
    today = today or timezone.localdate()
    statuses = [CustomerStatus.KEY_ACCOUNT]
    if filters.candidates:
        statuses.append(CustomerStatus.CANDIDATE)
    customers = list(
        Customer.objects.filter(workspace=workspace)
        .filter(Q(status__in=statuses) | Q(pk=include or 0))
        .select_related("owner")
        .order_by("name", "pk")
    )
    ids = [customer.pk for customer in customers]
    key_ids = {c.pk for c in customers if c.status == CustomerStatus.KEY_ACCOUNT}

    figures = list(
        CustomerYearFigures.objects.filter(
            workspace=workspace, customer_id__in=ids, year__lt=today.year
        ).only("customer_id", "year", "net_sales", "contribution_margin")
    )
    year = max((row.year for row in figures), default=None)
    of_year = {row.customer_id: row for row in figures if row.year == year}
    scores = {
        row.customer_id: row
        for row in CustomerScore.objects.filter(workspace=workspace, customer_id__in=ids)
    }
    judged: dict[int, dict[str, PortfolioFactor]] = defaultdict(dict)
    for factor in PortfolioFactor.objects.filter(workspace=workspace, customer_id__in=ids):
        judged[factor.customer_id][factor.code] = factor
    history: dict[int, list[PortfolioDecision]] = defaultdict(list)
    for decision in PortfolioDecision.objects.filter(
        workspace=workspace, customer_id__in=ids
    ).select_related("decided_by"):
        history[decision.customer_id].append(decision)
    badges = health_badges(workspace=workspace, customer_ids=ids)

    revenue = {pk: float(row.net_sales) for pk, row in of_year.items()}
    upv = {pk: float(score.upv) for pk, score in scores.items() if score.upv is not None}
    key_revenue = {pk: value for pk, value in revenue.items() if pk in key_ids}
    key_upv = {pk: value for pk, value in upv.items() if pk in key_ids}

    def others(values: dict[int, float], pk: int) -> list[float]:
        return [value for key, value in values.items() if key != pk]

    accounts: list[AccountPosition] = []
    for customer in customers:
        pk = customer.pk
        computed: dict[str, tuple[int, str]] = {}
        volume = _computed(revenue.get(pk), others(key_revenue, pk), f"{year} revenue")
        if volume:
            computed["volume"] = volume
        potential = _computed(upv.get(pk), others(key_upv, pk), "unrealised potential value")
        if potential:
            computed["potential"] = potential
        row = of_year.get(pk)
        score = scores.get(pk)
        account = AccountPosition(
            customer=customer,
            kam=_name(customer.owner),
            revenue=row.net_sales if row else None,
            health=badges.get(pk),
            factors=_factors(judged.get(pk, {}), computed, today),
            history=sorted(history.get(pk, []), key=lambda d: (d.decided_at, d.pk), reverse=True),
        )
        account.decision = account.history[0] if account.history else None
        _place_fiocca(account)
        _place_profit_inputs(account, row, score, year)
        _place_relationship(account, score)
        accounts.append(account)

    key_positions = [a for a in accounts if a.customer.pk in key_ids]
    present_split = matrices.median(
        a.present for a in key_positions if a.present is not None and a.potential is not None
    )
    potential_split = matrices.median(
        a.potential for a in key_positions if a.present is not None and a.potential is not None
    )
    for account in accounts:
        if (
            account.present is not None
            and account.potential is not None
            and present_split is not None
            and potential_split is not None
        ):
            account.profit = matrices.profit_quadrant(
                account.present,
                account.potential,
                present_split=present_split,
                potential_split=potential_split,
            )
        account.recommendation = recommend(
            fiocca=account.fiocca, profit=account.profit, relationship=account.relationship
        )

    valuation = ValuationSettings.objects.filter(workspace=workspace).first() or ValuationSettings()
    return Portfolio(
        accounts=_shown(accounts, filters, owner),
        loyalty_threshold=float(valuation.loyalty_threshold),
        profitability_threshold=float(valuation.profitability_threshold),
        year=year,
        currency=workspace.reporting_currency,
        present_split=present_split,
        potential_split=potential_split,
        scores_at=max((s.computed_at for s in scores.values()), default=None),
        kams=sorted(
            {(c.owner_id, _name(c.owner)) for c in customers if c.owner_id is not None},
            key=lambda pair: pair[1].lower(),
        ),
        regions=sorted({c.region for c in customers if c.region}),
        industries=sorted({c.industry for c in customers if c.industry}),
    )


def _shown(
    accounts: list[AccountPosition], filters: Filters, owner: User | None
) -> list[AccountPosition]:
    def keep(account: AccountPosition) -> bool:
        customer = account.customer
        return (
            (owner is None or customer.owner_id == owner.pk)
            and (filters.kam is None or customer.owner_id == filters.kam)
            and (not filters.region or customer.region == filters.region)
            and (not filters.industry or customer.industry == filters.industry)
            and (filters.tier is None or customer.tier == filters.tier)
        )

    return [account for account in accounts if keep(account)]


def _place_fiocca(account: AccountPosition) -> None:
    importance = matrices.mean(
        f.score for f in account.factors if f.group == "importance" and f.score is not None
    )
    difficulty = matrices.mean(
        f.score for f in account.factors if f.group == "difficulty" and f.score is not None
    )
    missing = []
    if importance is None:
        missing.append("no importance factor judged, and no revenue or potential to compute from")
    if difficulty is None:
        missing.append("no difficulty factor judged yet")
    account.importance, account.difficulty = importance, difficulty
    if importance is not None and difficulty is not None:
        account.fiocca = matrices.fiocca(importance, difficulty)
    else:
        account.missing["fiocca"] = missing


def _place_profit_inputs(
    account: AccountPosition,
    row: CustomerYearFigures | None,
    score: CustomerScore | None,
    year: int | None,
) -> None:
    missing = []
    if row is None:
        missing.append(
            f"no contribution margin for {year}" if year else "no yearly figures computed yet"
        )
    if score is None or score.upv is None:
        missing.append("no unrealised potential value (UPV)")
    clv = _clv(score)
    if clv is None:
        missing.append("no customer lifetime value computed")
    account.clv = clv
    account.upv = float(score.upv) if score is not None and score.upv is not None else None
    if row is not None:
        account.present = float(row.contribution_margin)
    if missing:
        account.missing["profit"] = missing
        return
    assert account.present is not None and account.upv is not None and clv is not None
    account.potential = account.upv + matrices.clv_growth(clv, account.present)


def _place_relationship(account: AccountPosition, score: CustomerScore | None) -> None:
    if score is None or not score.quadrant:
        account.missing["relationship"] = ["loyalty and profitability not computed yet"]
        return
    account.relationship = score.quadrant
    account.loyalty = score.loyalty
    account.profitability = score.margin_share


def account_position(
    *, workspace: Workspace, customer: Customer, today: datetime.date | None = None
) -> AccountPosition | None:
    """One account's position, computed among all key accounts (``None``: not found)."""
    shown = portfolio(
        workspace=workspace, filters=Filters(candidates=True), today=today, include=customer.pk
    )
    return next((a for a in shown.accounts if a.customer.pk == customer.pk), None)
