"""Counting what a checked file would change: new, changed and unchanged rows.

Run at the end of the check over ``staged.csv``. Sales lines on PostgreSQL are
compared in the database (``copy.count_sales_line_changes``, the apply's own
staging and comparison); everything else a few thousand rows at a time through
the ORM.
"""

from __future__ import annotations

import csv
import datetime
import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection

from accounts.imports.copy import count_sales_line_changes
from accounts.imports.staged import CheckResult, staged_fields
from accounts.models import Customer, ExchangeRate, ImportKind, Offering, SalesLine
from kam.workspaces.models import Workspace

COMPARE_CHUNK = 5000


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def _existing_rows(kind: str, keys: list[Any]) -> dict[Any, tuple]:
    if kind == ImportKind.CUSTOMERS:
        rows = Customer.objects.filter(external_id__in=keys).values_list(
            "external_id", "name", "parent_group", "industry", "region", "size_measure", "tier"
        )
        return {row[0]: (row[1], row[2], row[3], row[4], row[5], str(row[6])) for row in rows}
    if kind == ImportKind.OFFERINGS:
        rows = Offering.objects.filter(code__in=keys).values_list("code", "name", "business_unit")
        return {row[0]: row[1:] for row in rows}
    if kind == ImportKind.EXCHANGE_RATES:
        found: dict[Any, tuple] = {}
        for currency in {key[0] for key in keys}:
            days = [key[1] for key in keys if key[0] == currency]
            for rate in ExchangeRate.objects.filter(currency=currency, valid_from__in=days):
                found[(currency, rate.valid_from.isoformat())] = (rate.rate,)
        return found
    rows = SalesLine.objects.filter(source_key__in=keys).values_list("source_key", *sales_columns())
    return {row[0]: sales_comparable(list(row[1:])) for row in rows}


def sales_columns() -> list[str]:
    """The stored columns a staged sales line is compared with, in staged order."""
    return [
        "customer__external_id" if n == "customer" else "offering__code" if n == "offering" else n
        for n in staged_fields(ImportKind.SALES_LINES)[1:]
    ]


def sales_comparable(values: list[Any]) -> tuple:
    out = []
    for name, value in zip(staged_fields(ImportKind.SALES_LINES)[1:], values, strict=True):
        if isinstance(value, str) and name not in {"customer", "offering", "segment", "currency"}:
            value = (
                datetime.date.fromisoformat(value)
                if name == "date"
                else (_decimal(value) or Decimal(0))
            )
        elif name == "offering":
            value = value or ""
        out.append(value)
    return tuple(out)


def _key_and_comparable(kind: str, row: list[str], mapped: set[str]) -> tuple[Any, tuple]:
    if kind == ImportKind.CUSTOMERS:
        key, name, parent, industry, region, size, tier = row
        return key, (name, parent, industry, region, _decimal(size), tier or "3")
    if kind == ImportKind.OFFERINGS:
        return row[0], tuple(row[1:])
    if kind == ImportKind.EXCHANGE_RATES:
        return (row[0], row[1]), (Decimal(row[2]),)
    return row[0], sales_comparable(row[1:])


def _compare_mask(kind: str, mapped: set[str]) -> list[bool]:
    """Which compared values the file sets; unmapped customer fields keep their value."""
    if kind != ImportKind.CUSTOMERS:
        return []
    return [
        n in mapped for n in ("name", "parent_group", "industry", "region", "size_measure", "tier")
    ]


def count_changes(
    *, workspace: Workspace, kind: str, staged: Path, mapped: set[str], result: CheckResult
) -> None:
    """Count staged rows that are new, changed or unchanged against the workspace."""
    models: dict[str, type[Customer | Offering | ExchangeRate | SalesLine]] = {
        ImportKind.CUSTOMERS: Customer,
        ImportKind.OFFERINGS: Offering,
        ImportKind.EXCHANGE_RATES: ExchangeRate,
        ImportKind.SALES_LINES: SalesLine,
    }
    model = models[kind]
    if not model.objects.exists():
        result.new = result.valid
        return
    if kind == ImportKind.SALES_LINES and connection.vendor == "postgresql":
        counts = count_sales_line_changes(workspace=workspace, staged=staged)
        result.new, result.changed, result.unchanged = counts
        return
    mask = _compare_mask(kind, mapped)
    with staged.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        while chunk := list(itertools.islice(reader, COMPARE_CHUNK)):
            pairs = [_key_and_comparable(kind, row, mapped) for row in chunk]
            existing = _existing_rows(kind, [key for key, _ in pairs])
            for key, values in pairs:
                old = existing.get(key)
                if old is None:
                    result.new += 1
                    continue
                if mask:
                    values = tuple(v for v, keep in zip(values, mask, strict=True) if keep)
                    old = tuple(v for v, keep in zip(old, mask, strict=True) if keep)
                if values == tuple(old):
                    result.unchanged += 1
                else:
                    result.changed += 1
