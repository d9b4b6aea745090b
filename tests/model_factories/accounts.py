"""Factories for the accounts app: customers, offerings, sales, imports, selection, valuation."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import (
    ColumnMapping,
    Customer,
    CustomerScore,
    CustomerStatus,
    CustomerYearFigures,
    ExchangeRate,
    ImportBatch,
    Offering,
    SalesLine,
    SelectionDecision,
    SelectionReview,
    ValuationSettings,
)
from accounts.models.imports import ImportKind
from tests.model_factories.base import InWorkspaceFactory, member_of_workspace, parent


class CustomerFactory(InWorkspaceFactory[Customer]):
    """A customer; ``CustomerFactory(key_account=True)`` for one selected as a key account."""

    class Meta:
        model = Customer

    class Params:
        key_account = factory.Trait(status=CustomerStatus.KEY_ACCOUNT)

    external_id = factory.Sequence(lambda n: f"C-{n}")
    name = factory.Sequence(lambda n: f"Customer {n}")


class OfferingFactory(InWorkspaceFactory[Offering]):
    class Meta:
        model = Offering

    code = factory.Sequence(lambda n: f"OFF-{n}")
    name = factory.Sequence(lambda n: f"Offering {n}")


class SalesLineFactory(InWorkspaceFactory[SalesLine]):
    class Meta:
        model = SalesLine

    customer = parent(CustomerFactory)
    offering = parent(OfferingFactory)
    date = datetime.date(2025, 3, 1)
    net_sales = Decimal("1200.00")
    cost_of_goods = Decimal("700.00")
    source_key = factory.Sequence(lambda n: f"L-{n}")


class CustomerYearFiguresFactory(InWorkspaceFactory[CustomerYearFigures]):
    class Meta:
        model = CustomerYearFigures

    customer = parent(CustomerFactory)
    year = 2025
    net_sales = Decimal("1200.00")
    cost_of_goods = Decimal("700.00")
    cost_to_serve = Decimal("100.00")
    contribution_margin = Decimal("400.00")
    line_count = 1
    computed_at = factory.LazyFunction(timezone.now)


class ImportBatchFactory(InWorkspaceFactory[ImportBatch]):
    class Meta:
        model = ImportBatch

    kind = ImportKind.CUSTOMERS
    file = factory.Sequence(lambda n: f"imports/customers-{n}.csv")
    original_name = "customers.csv"
    sha256 = "0" * 64
    headers = factory.LazyFunction(lambda: ["Customer no.", "Name"])
    mapping = factory.LazyFunction(lambda: {"external_id": "Customer no.", "name": "Name"})
    options = factory.LazyFunction(lambda: {"delimiter": ","})
    summary = factory.LazyFunction(lambda: {"created": 0, "updated": 0, "unchanged": 0})
    created_by = member_of_workspace()


class ColumnMappingFactory(InWorkspaceFactory[ColumnMapping]):
    class Meta:
        model = ColumnMapping

    kind = ImportKind.CUSTOMERS
    header_signature = factory.Sequence(lambda n: f"{n:064d}")
    mapping = factory.LazyFunction(lambda: {"external_id": "Customer no.", "name": "Name"})
    options = factory.LazyFunction(lambda: {"delimiter": ","})


class SelectionDecisionFactory(InWorkspaceFactory[SelectionDecision]):
    class Meta:
        model = SelectionDecision

    customer = parent(CustomerFactory)
    from_status = "customer"
    to_status = "candidate"
    reason = "Large and loyal"
    score_snapshot = factory.LazyFunction(lambda: {"composite": 0.5, "quadrant": "friend"})
    decided_by = member_of_workspace()


class SelectionReviewFactory(InWorkspaceFactory[SelectionReview]):
    class Meta:
        model = SelectionReview

    period = factory.Sequence(lambda n: f"{2000 + n // 4}-Q{n % 4 + 1}")
    held_by = member_of_workspace()
    snapshot = factory.LazyFunction(lambda: {"key_accounts": []})


class ExchangeRateFactory(InWorkspaceFactory[ExchangeRate]):
    class Meta:
        model = ExchangeRate

    currency = "NOK"
    valid_from = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=n))
    rate = Decimal("0.086")


class ValuationSettingsFactory(InWorkspaceFactory[ValuationSettings]):
    """The workspace's one settings row (fetched when it already exists)."""

    class Meta:
        model = ValuationSettings
        django_get_or_create = ("workspace",)


def _criteria(quadrant: str) -> dict[str, dict[str, object]]:
    relationship = {"friend": 1.0, "butterfly": 0.5, "stranger": 0.25}.get(quadrant, 0.0)
    values = {
        "size": 0.5,
        "strategic_importance": 0.0,
        "clv": 0.6,
        "upv": 0.4,
        "account_fit": 0.0,
        "relationship": relationship,
    }
    return {
        name: {"score": value, "contribution": round(value / 6, 4), "missing": value == 0}
        for name, value in values.items()
    }


class CustomerScoreFactory(InWorkspaceFactory[CustomerScore]):
    """A stored score that looks like the recompute job's output, three hours old.

    ``revenue`` (a parameter) sets the revenue and the amounts derived from it.
    """

    class Meta:
        model = CustomerScore

    class Params:
        revenue = 1000.0

    customer = parent(CustomerFactory)
    currency = "EUR"
    revenue_3y = factory.LazyAttribute(lambda score: Decimal(str(score.revenue)))
    margin_3y = factory.LazyAttribute(lambda score: Decimal(str(score.revenue)) / 4)
    margin_share = 0.25
    clv_contractual = factory.LazyAttribute(lambda score: Decimal(str(score.revenue)) * 2)
    clv_transactional = None
    upv = Decimal("5000")
    upv_source = "estimate"
    size_percentile = 0.5
    loyalty = 1.0
    quadrant = "friend"
    composite = 0.5
    revenue_rank = 1
    criteria = factory.LazyAttribute(lambda score: _criteria(score.quadrant))
    inputs = factory.LazyFunction(
        lambda: {
            "transactional": "Too few repeat buyers to fit the purchase model.",
            "clv_settings": {
                "discount_rate": 0.1,
                "retention": 0.85,
                "horizon_years": 5,
                "acquisition_cost": 0.0,
            },
        }
    )
    computed_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=3))
