"""Models of the accounts app: customers and sales, valuation, selection, imports."""

from accounts.models.customers import (
    COST_TO_SERVE_KINDS,
    Customer,
    CustomerStatus,
    CustomerYearFigures,
    Offering,
    SalesLine,
)
from accounts.models.imports import ColumnMapping, ImportBatch, ImportKind, ImportStatus
from accounts.models.selection import SelectionDecision, SelectionReview
from accounts.models.valuation import CustomerScore, ExchangeRate, Quadrant, ValuationSettings

__all__ = [
    "COST_TO_SERVE_KINDS",
    "ColumnMapping",
    "Customer",
    "CustomerScore",
    "CustomerStatus",
    "CustomerYearFigures",
    "ExchangeRate",
    "ImportBatch",
    "ImportKind",
    "ImportStatus",
    "Offering",
    "Quadrant",
    "SalesLine",
    "SelectionDecision",
    "SelectionReview",
    "ValuationSettings",
]
