"""Demo data for the accounts app: a supplier's catalog, its customers and their sales.

The supplier is an industrial service company that sells pumps, compressors,
field maintenance, spare parts and condition monitoring to plants across
Europe. Customer revenue follows a Zipf-like curve, so a few dozen customers
make up half the sales, as in the Pareto figures the KAM literature reports;
a share of customers are lost, won or buy only now and then, so loyalty and
profitability analyses have something to separate.

Everything is drawn from one ``random.Random`` seeded by the caller: the same
seed and the same ``period_end`` give the same workspace, row for row.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.models import User

from accounts.demo.currencies import RateHistory, _monthly_rates, _rate, _rate_on
from accounts.demo.world import (
    CATALOG,
    INDUSTRIES,
    NAME_STEMS,
    OCCASIONAL_BUYERS,
    PRICE_BUYERS,
    REGIONS,
    CatalogItem,
    Industry,
    Region,
)
from accounts.dirty import request_scores_recompute_on_commit
from accounts.models import Customer, CustomerStatus, ExchangeRate, Offering, SalesLine
from accounts.valuation_settings import valuation_settings_get
from kam.workspaces.models import Workspace

if TYPE_CHECKING:
    from kam.management.demo import DemoWorkspace

BATCH_SIZE = 2000


YEARS = 3


@dataclass
class _Profile:
    """How one demo customer behaves over the three years."""

    annual_revenue: float
    growth: float
    active_years: tuple[int, ...]
    lines_per_year: int
    offerings: tuple[CatalogItem, ...]
    segments: tuple[str, ...]
    margin_pressure: float  # points of margin given away in price
    cost_to_serve_rate: float
    currency: str = "EUR"


@dataclass(frozen=True)
class AccountsDemo:
    offerings: int
    customers: int
    sales_lines: int
    key_accounts: tuple[str, ...]


def build(demo: DemoWorkspace) -> str:
    """Entry point for ``manage.py demo``: see ``kam.management.demo``."""
    result = build_accounts_demo(
        workspace=demo.workspace,
        key_account_owners=demo.key_account_owners,
        customer_count=demo.customer_count,
        seed=demo.seed,
        period_end=demo.period_end,
        key_account_count=5 if demo.is_main else 2,
        top_annual_revenue=12_000_000 if demo.is_main else 900_000,
    )
    return (
        f"{result.customers:,} customers, {result.sales_lines:,} sales lines,"
        f" {result.offerings} offerings, {len(result.key_accounts)} key accounts"
    )


def period_bounds(period_end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The three years of history, ending on ``period_end``."""
    start = period_end.replace(year=period_end.year - YEARS) + datetime.timedelta(days=1)
    return start, period_end


def _weighted[T](rng: random.Random, options: Sequence[tuple[T, int]]) -> T:
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights=weights, k=1)[0]


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


# How a line's cost to serve splits by kind: most of it is delivery and field
# service; returns cost handling (delivery) and administration (credit notes).
_COST_SHARES = {
    "cost_presale": 0.08,
    "cost_kam": 0.12,
    "cost_relationship": 0.05,
    "cost_admin": 0.10,
    "cost_trade_credit": 0.05,
    "cost_delivery": 0.35,
    "cost_service": 0.25,
}


_RETURN_COST_SHARES = {"cost_delivery": 0.6, "cost_admin": 0.4}


def _cost_split(total: float, *, returned: bool = False) -> dict[str, Decimal]:
    shares = _RETURN_COST_SHARES if returned else _COST_SHARES
    return {kind: _money(total * share) for kind, share in shares.items()}


def build_accounts_demo(
    *,
    workspace: Workspace,
    key_account_owners: Sequence[User],
    customer_count: int,
    seed: int,
    period_end: datetime.date,
    key_account_count: int = 5,
    top_annual_revenue: float = 12_000_000,
) -> AccountsDemo:
    """Create the catalog, ``customer_count`` customers and their sales lines.

    Must run inside ``workspace_context(workspace)`` and a transaction (on
    PostgreSQL the row-level security setting is transaction-local). The
    largest customers become key accounts, candidates and one former key
    account, owned in turn by ``key_account_owners``.
    """
    # Reproducible demo data, not secrets: a seeded generator is the point.
    rng = random.Random(f"accounts-demo:{seed}")  # noqa: S311
    offerings = Offering.objects.bulk_create(
        [
            Offering(
                workspace=workspace,
                code=item.code,
                name=item.name,
                business_unit=item.business_unit,
            )
            for item in CATALOG
        ]
    )
    offering_by_code = {offering.code: offering for offering in offerings}

    customers, profiles = _customers(rng, workspace, customer_count, top_annual_revenue)
    _assign_key_accounts(customers, profiles, key_account_owners, key_account_count)
    _scorecard_inputs(rng, customers, profiles)
    Customer.objects.bulk_create(customers, batch_size=BATCH_SIZE)

    start, end = period_bounds(period_end)
    rates = _monthly_rates(rng, start, end)
    ExchangeRate.objects.bulk_create(
        ExchangeRate(workspace=workspace, currency=currency, valid_from=day, rate=_rate(value))
        for currency, history in rates.items()
        for day, value in history
    )
    valuation_settings_get(workspace=workspace)  # the defaults, stored
    line_count = 0
    batch: list[SalesLine] = []
    for customer, profile in zip(customers, profiles, strict=True):
        for line in _sales_lines(
            rng, workspace, customer, profile, offering_by_code, start, end, rates
        ):
            batch.append(line)
            if len(batch) >= BATCH_SIZE:
                SalesLine.objects.bulk_create(batch)
                line_count += len(batch)
                batch = []
    SalesLine.objects.bulk_create(batch)
    line_count += len(batch)

    # Every new customer starts dirty; the scores run once this transaction
    # commits (in process in the embedded set-up, on a worker otherwise).
    request_scores_recompute_on_commit(workspace=workspace)
    key_accounts = tuple(c.name for c in customers if c.status == CustomerStatus.KEY_ACCOUNT)
    return AccountsDemo(
        offerings=len(offerings),
        customers=len(customers),
        sales_lines=line_count,
        key_accounts=key_accounts,
    )


def _customers(
    rng: random.Random, workspace: Workspace, count: int, top_annual_revenue: float
) -> tuple[list[Customer], list[_Profile]]:
    # Revenue by rank ~ 1/rank^1.05 with noise: about 50 % of sales sit with
    # the top 1 % of 3,000 customers, close to the seed material's figures.
    sizes = sorted(
        (
            top_annual_revenue / (rank + 1) ** 1.05 * rng.lognormvariate(0, 0.45)
            for rank in range(count)
        ),
        reverse=True,
    )
    groups = _parent_groups(rng, max(4, count // 25))
    used_names: set[str] = set()
    customers: list[Customer] = []
    profiles: list[_Profile] = []
    for index, revenue in enumerate(sizes):
        region: Region = _weighted(rng, REGIONS)
        industry: Industry = _weighted(rng, INDUSTRIES)
        # Big customers usually belong to a group; small ones rarely do.
        in_group = rng.random() < (0.8 if index < count * 0.05 else 0.2)
        parent_group = ""
        if in_group:
            group_stem, industry = groups[rng.randrange(len(groups))]
            parent_group = f"{group_stem} {industry.name_words[0]} Group"
            stem = group_stem
        else:
            stem = rng.choice(NAME_STEMS)
        name = _unique_name(rng, used_names, stem, industry, region)
        customers.append(
            Customer(
                workspace=workspace,
                external_id=f"C{100001 + index}",
                name=name,
                parent_group=parent_group,
                industry=industry.name,
                region=region.name,
                size_measure=Decimal(max(8, round(revenue / 4000 * rng.uniform(0.5, 1.5)))),
                tier=2 if index < max(10, count // 20) else 3,
            )
        )
        profiles.append(_profile(rng, index, count, revenue, region, industry))
    return customers, profiles


def _parent_groups(rng: random.Random, count: int) -> list[tuple[str, Industry]]:
    stems = rng.sample(NAME_STEMS, k=min(count, len(NAME_STEMS)))
    return [(stem, _weighted(rng, INDUSTRIES)) for stem in stems]


def _unique_name(
    rng: random.Random, used: set[str], stem: str, industry: Industry, region: Region
) -> str:
    for attempt in range(50):
        city = rng.choice(region.cities) if attempt or rng.random() < 0.3 else ""
        word = rng.choice(industry.name_words)
        parts = [stem, city, word, rng.choice(region.legal_forms)]
        if attempt > 10:
            parts = [rng.choice(NAME_STEMS), *parts]
        name = " ".join(part for part in parts if part)
        if name not in used:
            used.add(name)
            return name
    name = f"{stem} {industry.name_words[0]} {len(used) + 1}"
    used.add(name)
    return name


def _profile(
    rng: random.Random, index: int, count: int, revenue: float, region: Region, industry: Industry
) -> _Profile:
    years = tuple(range(YEARS))
    behaviour = rng.random()
    active: tuple[int, ...]
    if index in OCCASIONAL_BUYERS:
        active = (0, YEARS - 1)  # a big project now and then
    elif index < 15:
        active = years  # the largest accounts buy every year
    elif behaviour < 0.08:
        active = years[: rng.randint(1, YEARS - 1)]  # lost during the period
    elif behaviour < 0.16:
        active = years[rng.randint(1, YEARS - 1) :]  # won during the period
    elif behaviour < 0.32:
        active = tuple(y for y in years if rng.random() < 0.5) or (rng.choice(years),)
    else:
        active = years
    scale = math.log10(max(revenue, 10.0))
    catalog_reach = max(1, min(len(CATALOG), round((scale - 3) * 3 + rng.uniform(-1, 1))))
    preferred = [item for item in CATALOG if item.code in industry.preferred]
    others = [item for item in CATALOG if item.code not in industry.preferred]
    rng.shuffle(others)
    bought = (preferred + others)[:catalog_reach]
    site_count = max(1, min(6, round(scale - 3.2 + rng.uniform(0, 1.5))))
    # British and Irish plants are invoiced in pounds; global energy and
    # shipping groups in dollars: the figures must convert with dated rates.
    currency = "EUR"
    if region.name == "UK & Ireland":
        currency = "GBP"
    elif industry.name in ("Oil & Gas", "Marine & Shipping") and rng.random() < 0.6:
        currency = "USD"
    cities = rng.sample(region.cities, k=min(site_count, len(region.cities)))
    segments = tuple(f"{city} {industry.site_kind}" for city in cities)
    return _Profile(
        annual_revenue=revenue,
        growth=rng.gauss(0.03, 0.12) if index >= 15 else rng.gauss(0.07, 0.05),
        active_years=active,
        lines_per_year=max(2, min(400, int(3 + math.sqrt(revenue) / 14 * rng.uniform(0.6, 1.4)))),
        offerings=tuple(bought),
        segments=segments,
        # Large buyers negotiate harder; some small ones are expensive to serve.
        # About one in five buys on price alone (deep discounts): loyal ones
        # become vultures, occasional ones strangers, so all four quadrants show.
        margin_pressure=(
            rng.uniform(0.2, 0.3)
            if (index >= 15 and rng.random() < 0.2) or index in PRICE_BUYERS
            else min(0.12, max(0.0, rng.gauss(0.02 + 0.01 * (scale - 4), 0.02)))
        ),
        cost_to_serve_rate=max(0.02, rng.gauss(0.06, 0.025) + (0.05 if rng.random() < 0.1 else 0)),
        currency=currency,
    )


def _assign_key_accounts(
    customers: list[Customer],
    profiles: list[_Profile],
    owners: Sequence[User],
    key_account_count: int,
) -> None:
    """Promote some of the largest, loyal customers; mark a few candidates."""
    loyal = [i for i, p in enumerate(profiles) if len(p.active_years) == YEARS]
    # Skip a few of the very largest so the selection view has strong
    # candidates that are not key accounts yet.
    key_indexes = [i for i in loyal if i not in (2, 4, 6, 7)][:key_account_count]
    for number, index in enumerate(key_indexes):
        customer = customers[index]
        customer.status = CustomerStatus.KEY_ACCOUNT
        customer.tier = 1
        customer.owner = owners[number % len(owners)] if owners else None
    # Strong customers not in the program yet, about fifteen of them: the
    # selection view's candidates (a few deliberately not friends).
    candidates = [2, 4, 6, 7, 9, 11, 13] + [
        i for i in range(8, 40) if i not in key_indexes and i not in (9, 11, 13)
    ]
    for index in candidates[:15]:
        if index < len(customers) and index not in key_indexes:
            customers[index].status = CustomerStatus.CANDIDATE
    former = next((i for i in loyal[key_account_count + 4 :] if i not in key_indexes), None)
    if former is not None:
        customers[former].status = CustomerStatus.FORMER_KEY_ACCOUNT


def _sales_lines(
    rng: random.Random,
    workspace: Workspace,
    customer: Customer,
    profile: _Profile,
    offering_by_code: dict[str, Offering],
    start: datetime.date,
    end: datetime.date,
    rates: RateHistory,
) -> list[SalesLine]:
    lines: list[SalesLine] = []
    days = (end - start).days + 1
    year_days = days / YEARS
    number = 0
    for year in profile.active_years:
        target = profile.annual_revenue * (1 + profile.growth) ** year * rng.uniform(0.85, 1.15)
        count = (
            profile.lines_per_year
            if len(profile.active_years) == YEARS
            else max(1, profile.lines_per_year // 2)
        )
        weights = [rng.expovariate(1.0) for _ in range(count)]
        total_weight = sum(weights)
        for weight in weights:
            item = rng.choice(profile.offerings)
            amount = max(25.0, target * weight / total_weight)
            date = start + datetime.timedelta(days=int(year * year_days + rng.random() * year_days))
            margin = item.gross_margin - profile.margin_pressure + rng.gauss(0, 0.03)
            # Invoiced in the customer's currency at the day's rate.
            fx = 1 / _rate_on(rates, profile.currency, date)
            amount *= fx
            cost_of_goods = amount * (1 - margin)
            cost_to_serve = amount * profile.cost_to_serve_rate + 15 * fx
            quantity = max(1.0, round(amount / item.unit_price, 1))
            number += 1
            key = f"DEMO-{customer.external_id}-{number:05d}"
            segment = rng.choice(profile.segments)
            lines.append(
                SalesLine(
                    workspace=workspace,
                    customer=customer,
                    offering=offering_by_code[item.code],
                    date=date,
                    segment=segment,
                    quantity=Decimal(f"{quantity:.1f}"),
                    net_sales=_money(amount),
                    cost_of_goods=_money(cost_of_goods),
                    **_cost_split(cost_to_serve),
                    currency=profile.currency,
                    source_key=key,
                )
            )
            # About 2 % of goods come back: a credit note with negative sales
            # and cost of goods, plus the handling it cost us.
            if item.returnable and rng.random() < 0.02:
                share = rng.choice((0.25, 0.5, 1.0))
                return_date = min(end, date + datetime.timedelta(days=rng.randint(5, 40)))
                lines.append(
                    SalesLine(
                        workspace=workspace,
                        customer=customer,
                        offering=offering_by_code[item.code],
                        date=return_date,
                        segment=segment,
                        quantity=Decimal(f"{-quantity * share:.1f}"),
                        net_sales=_money(-amount * share),
                        cost_of_goods=_money(-cost_of_goods * share),
                        **_cost_split((40 + amount * share * 0.02) * fx, returned=True),
                        currency=profile.currency,
                        source_key=f"{key}-R",
                    )
                )
    return lines


# -- scorecard inputs ----------------------------------------------------------------

STRATEGIC_REASONS = (
    "Reference site: other plants in the industry visit it before they buy.",
    "Innovator: pilots our remote monitoring before anyone else.",
    "Trend setter in energy efficiency; their audits shape the sector's standards.",
    "Gateway to the group's other plants across the region.",
    "Co-develops the next slurry pump generation with our engineers.",
    "Large installed base of our compressors that needs service for a decade.",
    "Publishes its supplier choices; being their partner is a market signal.",
)


def _scorecard_inputs(
    rng: random.Random, customers: list[Customer], profiles: list[_Profile]
) -> None:
    """Judgement inputs for key accounts and candidates, as account teams would enter them."""
    for customer, profile in zip(customers, profiles, strict=True):
        if customer.status not in (CustomerStatus.KEY_ACCOUNT, CustomerStatus.CANDIDATE):
            continue
        customer.strategic_importance = rng.choice((3, 4, 4, 5, 5))
        customer.strategic_importance_reason = rng.choice(STRATEGIC_REASONS)
        customer.fit_strategic = rng.randint(2, 5)
        customer.fit_operational = rng.randint(2, 5)
        customer.fit_cultural = rng.randint(2, 5)
        # UPV is usually larger than CLV: the share of wallet not won yet.
        customer.upv_estimate = _money(profile.annual_revenue * rng.uniform(1.2, 3.0))
