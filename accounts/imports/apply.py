"""Writing checked rows to the workspace, all or nothing.

The caller runs :func:`apply_staged` inside ONE transaction: if anything fails
half-way, the database rolls back every row of the file. The rows come from
``staged.csv`` (see ``validation.py``), already clean, so nothing is parsed here.

Sales lines on PostgreSQL go through ``copy.py`` (COPY into a temporary table,
then one INSERT ... SELECT ... ON CONFLICT). Everything else, and sales lines on
SQLite, goes through the ORM in batches.
"""

from __future__ import annotations

import csv
import datetime
import itertools
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection

from accounts.imports.copy import copy_sales_lines
from accounts.imports.staged import SALES_AMOUNTS, ApplyResult, DataChanged, Progress, staged_fields
from accounts.models import Customer, ExchangeRate, ImportKind, Offering, SalesLine
from kam.workspaces.models import Workspace

BATCH_SIZE = 5000


def staged_chunks(path: Path, size: int | None = None) -> Iterator[list[list[str]]]:
    size = size or BATCH_SIZE
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        while chunk := list(itertools.islice(reader, size)):
            yield chunk


def _decimal(text: str, default: Decimal | None = None) -> Decimal | None:
    return Decimal(text) if text else default


def _apply_customers(
    workspace: Workspace, path: Path, mapped: set[str], progress: Progress
) -> ApplyResult:
    result = ApplyResult()
    names = staged_fields(ImportKind.CUSTOMERS)
    settable = [n for n in names[1:] if n in mapped]
    done = 0
    for chunk in staged_chunks(path):
        existing = {
            c.external_id: c for c in Customer.objects.filter(external_id__in=[r[0] for r in chunk])
        }
        create: list[Customer] = []
        update: list[Customer] = []
        for row in chunk:
            values: dict[str, Any] = dict(zip(names, row, strict=True))
            values["size_measure"] = _decimal(values["size_measure"])
            values["tier"] = int(values["tier"]) if values["tier"] else 3
            customer = existing.get(values["external_id"])
            if customer is None:
                create.append(
                    Customer(
                        workspace=workspace, **{n: values[n] for n in ["external_id", *settable]}
                    )
                )
                continue
            changed = [n for n in settable if getattr(customer, n) != values[n]]
            if not changed:
                result.unchanged += 1
                continue
            for name in changed:
                setattr(customer, name, values[name])
            customer.version += 1
            update.append(customer)
        made = Customer.objects.bulk_create(create, batch_size=BATCH_SIZE)
        if update:
            Customer.objects.bulk_update(update, [*settable, "version"], batch_size=BATCH_SIZE)
        result.created += len(made)
        result.updated += len(update)
        result.customer_ids.update(c.pk for c in [*made, *update])
        done += len(chunk)
        progress(done)
    return result


def _apply_offerings(
    workspace: Workspace, path: Path, mapped: set[str], progress: Progress
) -> ApplyResult:
    result = ApplyResult()
    settable = [n for n in ("name", "business_unit") if n in mapped]
    done = 0
    for chunk in staged_chunks(path):
        existing = {o.code: o for o in Offering.objects.filter(code__in=[r[0] for r in chunk])}
        create, update = [], []
        for code, name, business_unit in chunk:
            values = {"name": name, "business_unit": business_unit}
            offering = existing.get(code)
            if offering is None:
                create.append(Offering(workspace=workspace, code=code, **values))
            elif any(getattr(offering, n) != values[n] for n in settable):
                for n in settable:
                    setattr(offering, n, values[n])
                update.append(offering)
            else:
                result.unchanged += 1
        Offering.objects.bulk_create(create, batch_size=BATCH_SIZE)
        if update:
            Offering.objects.bulk_update(update, settable, batch_size=BATCH_SIZE)
        result.created += len(create)
        result.updated += len(update)
        done += len(chunk)
        progress(done)
    return result


def _apply_exchange_rates(workspace: Workspace, path: Path, progress: Progress) -> ApplyResult:
    result = ApplyResult(all_customers=True)  # every amount in that currency may move
    done = 0
    for chunk in staged_chunks(path):
        for currency, valid_from, rate in chunk:
            existing = ExchangeRate.objects.filter(currency=currency, valid_from=valid_from).first()
            if existing is None:
                ExchangeRate.objects.create(
                    workspace=workspace,
                    currency=currency,
                    valid_from=valid_from,
                    rate=Decimal(rate),
                )
                result.created += 1
            elif existing.rate != Decimal(rate):
                existing.rate = Decimal(rate)
                existing.save(update_fields=["rate"])
                result.updated += 1
            else:
                result.unchanged += 1
        done += len(chunk)
        progress(done)
    return result


def _apply_sales_lines_orm(workspace: Workspace, path: Path, progress: Progress) -> ApplyResult:
    result = ApplyResult()
    customers = dict(Customer.objects.values_list("external_id", "pk"))
    offerings = dict(Offering.objects.values_list("code", "pk"))
    names = staged_fields(ImportKind.SALES_LINES)
    compared = ["customer_id", "offering_id", "date", "segment", *SALES_AMOUNTS, "currency"]
    done = 0
    for chunk in staged_chunks(path):
        existing = {
            line.source_key: line
            for line in SalesLine.objects.filter(source_key__in=[r[0] for r in chunk])
        }
        create, update = [], []
        for row in chunk:
            values: dict[str, Any] = dict(zip(names, row, strict=True))
            try:
                customer_id = customers[values.pop("customer")]
                offering_code = values.pop("offering")
                offering_id = offerings[offering_code] if offering_code else None
            except KeyError:
                raise DataChanged(
                    "A customer or offering named in the file was deleted after the check."
                ) from None
            fields: dict[str, Any] = {
                **values,
                "customer_id": customer_id,
                "offering_id": offering_id,
                "date": datetime.date.fromisoformat(values["date"]),
                **{n: _decimal(values[n], Decimal(0)) for n in SALES_AMOUNTS},
            }
            line = existing.get(values["source_key"])
            if line is None:
                create.append(SalesLine(workspace=workspace, **fields))
                result.customer_ids.add(customer_id)
                continue
            line_before = [getattr(line, n) for n in compared]
            for name in compared:
                setattr(line, name, fields[name])
            if [getattr(line, n) for n in compared] == line_before:
                result.unchanged += 1
                continue
            update.append(line)
            result.customer_ids.update({customer_id, existing[values["source_key"]].customer_id})
        SalesLine.objects.bulk_create(create, batch_size=BATCH_SIZE)
        if update:
            SalesLine.objects.bulk_update(update, compared, batch_size=BATCH_SIZE)
        result.created += len(create)
        result.updated += len(update)
        done += len(chunk)
        progress(done)
    return result


def apply_staged(
    *, workspace: Workspace, kind: str, staged: Path, mapped: set[str], progress: Progress
) -> ApplyResult:
    """Write every staged row; the caller's transaction makes it all or nothing.

    ``progress(rows_written)`` is called after each batch (and on PostgreSQL
    during and after the COPY); an exception raised from it stops the apply.
    """
    if kind == ImportKind.CUSTOMERS:
        return _apply_customers(workspace, staged, mapped, progress)
    if kind == ImportKind.OFFERINGS:
        return _apply_offerings(workspace, staged, mapped, progress)
    if kind == ImportKind.EXCHANGE_RATES:
        return _apply_exchange_rates(workspace, staged, progress)
    if connection.vendor == "postgresql":
        return copy_sales_lines(workspace=workspace, staged=staged, progress=progress)
    return _apply_sales_lines_orm(workspace, staged, progress)
