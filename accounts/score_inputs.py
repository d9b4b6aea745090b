"""Loading every customer's scoring inputs from the database into numpy arrays.

The recompute needs all customers at once (percentiles, ranks and the BG/NBD
fit are relative to the whole workspace), so it reads everything in a fixed
number of queries whatever the number of customers: one for the customers, one
streamed read of the sales lines, one for the exchange rates. Never a query
per customer.

Sales lines are the big part (5 million rows in the benchmark). On PostgreSQL
they come through ``COPY (SELECT ...) TO STDOUT (FORMAT binary)`` with only
fixed-width columns, so every row has the same byte layout and numpy parses a
block of rows with one ``frombuffer`` - no Python object per value. Elsewhere
(SQLite) a ``values_list(...).iterator()`` is converted block by block.

Call these inside ``workspace_atomic()``: row-level security on PostgreSQL
needs the workspace setting, which lives for one transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection
from numpy.typing import NDArray

from accounts.currency import EPOCH, currency_code
from accounts.models import Customer, SalesLine
from kam.tenancy.context import require_workspace_id

#: Rows converted per block on the portable path, and per parsed block of COPY.
BLOCK_ROWS = 200_000


@dataclass
class CustomerInputs:
    """One entry per customer, ordered by id; ``NaN`` where a value is not entered."""

    ids: NDArray  # int64
    updated_at: list[datetime.datetime]
    size_measure: NDArray
    strategic_importance: NDArray
    account_fit: NDArray  # (n, 3): strategic, operational, cultural
    upv_estimate: NDArray
    upv_open_space: NDArray
    discount_rate: NDArray  # overrides
    retention: NDArray
    horizon_years: NDArray
    acquisition_cost: NDArray

    @property
    def count(self) -> int:
        return int(self.ids.size)


LINE_COLUMNS = ("customer_id", "day", "net_sales", "cost_of_goods", "cost_to_serve", "currency")


@dataclass
class SalesLineArrays:
    """One entry per sales line, in no particular order."""

    customer_id: NDArray  # int64
    day: NDArray  # int32, days since 1970-01-01
    net_sales: NDArray  # float64, in the line's currency
    cost_of_goods: NDArray
    cost_to_serve: NDArray
    currency: NDArray  # int32, see accounts.currency.currency_code

    @property
    def count(self) -> int:
        return int(self.customer_id.size)

    def release(self) -> None:
        """Drop the arrays (the largest thing a recompute holds) once they are used."""
        for name in LINE_COLUMNS:
            setattr(self, name, np.zeros(0, dtype=getattr(self, name).dtype))


CUSTOMER_COLUMNS = (
    "pk",
    "updated_at",
    "size_measure",
    "strategic_importance",
    "fit_strategic",
    "fit_operational",
    "fit_cultural",
    "upv_estimate",
    "upv_open_space",
    "discount_rate_override",
    "retention_override",
    "horizon_years_override",
    "acquisition_cost_override",
)


def _floats(values: Sequence[object]) -> NDArray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)  # type: ignore[arg-type]


def load_customers() -> CustomerInputs:
    rows = list(Customer.objects.order_by("pk").values_list(*CUSTOMER_COLUMNS))
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in CUSTOMER_COLUMNS]
    return CustomerInputs(
        ids=np.array(columns[0], dtype=np.int64),
        updated_at=list(columns[1]),
        size_measure=_floats(columns[2]),
        strategic_importance=_floats(columns[3]),
        account_fit=np.column_stack([_floats(columns[j]) for j in (4, 5, 6)])
        if rows
        else np.zeros((0, 3)),
        upv_estimate=_floats(columns[7]),
        upv_open_space=_floats(columns[8]),
        discount_rate=_floats(columns[9]),
        retention=_floats(columns[10]),
        horizon_years=_floats(columns[11]),
        acquisition_cost=_floats(columns[12]),
    )


def load_sales_lines() -> SalesLineArrays:
    if connection.vendor == "postgresql":
        return _load_sales_lines_copy()
    return _load_sales_lines_portable()


def _concatenate(blocks: list[SalesLineArrays]) -> SalesLineArrays:
    """One array per column from the blocks, freeing each block column once copied.

    Column by column, so the blocks and the result are never both whole in
    memory (at 5 million lines that is 200 MiB not held twice).
    """
    if not blocks:
        return SalesLineArrays(
            customer_id=np.zeros(0, np.int64),
            day=np.zeros(0, np.int32),
            net_sales=np.zeros(0),
            cost_of_goods=np.zeros(0),
            cost_to_serve=np.zeros(0),
            currency=np.zeros(0, np.int32),
        )
    columns = {}
    for name in LINE_COLUMNS:
        columns[name] = np.concatenate([getattr(b, name) for b in blocks])
        for block in blocks:
            setattr(block, name, None)
    blocks.clear()
    return SalesLineArrays(**columns)


def _load_sales_lines_portable() -> SalesLineArrays:
    rows = (
        SalesLine.objects.order_by("customer_id")
        .values_list(
            "customer_id", "date", "net_sales", "cost_of_goods", "cost_to_serve", "currency"
        )
        .iterator(chunk_size=10_000)
    )
    epoch = EPOCH.toordinal()
    codes: dict[str, int] = {}
    blocks: list[SalesLineArrays] = []
    batch: list[tuple[object, ...]] = []

    def flush() -> None:
        customer, day, net, goods, serve, currency = zip(*batch, strict=True)
        blocks.append(
            SalesLineArrays(
                customer_id=np.array(customer, dtype=np.int64),
                day=np.array([d.toordinal() - epoch for d in day], dtype=np.int32),
                net_sales=np.array(net, dtype=float),
                cost_of_goods=np.array(goods, dtype=float),
                cost_to_serve=np.array(serve, dtype=float),
                currency=np.array(
                    [codes.get(c) or codes.setdefault(c, currency_code(c)) for c in currency],
                    dtype=np.int32,
                ),
            )
        )
        batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) >= BLOCK_ROWS:
            flush()
    if batch:
        flush()
    return _concatenate(blocks)


# Every value has a fixed width, so every row of the binary COPY has this
# layout: a field count, then a length and the big-endian value of each field.
_COPY_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("customer_len", ">i4"),
        ("customer_id", ">i8"),
        ("day_len", ">i4"),
        ("day", ">i4"),
        ("net_len", ">i4"),
        ("net_sales", ">f8"),
        ("goods_len", ">i4"),
        ("cost_of_goods", ">f8"),
        ("serve_len", ">i4"),
        ("cost_to_serve", ">f8"),
        ("currency_len", ">i4"),
        ("currency", ">i4"),
    ]
)
_COPY_HEADER = 19  # signature (11), flags (4), header extension length (4)

# Amounts as float8 (the scores are floats anyway), the date as a day number and
# the currency as its packed three letters: all fixed width. The explicit
# workspace filter repeats what row-level security already enforces.
_COPY_SQL = """
COPY (
    SELECT customer_id::int8,
           (date - DATE '1970-01-01')::int4,
           net_sales::float8,
           cost_of_goods::float8,
           cost_to_serve::float8,
           (ascii(substr(currency, 1, 1)) * 65536
            + ascii(substr(currency || ' ', 2, 1)) * 256
            + ascii(substr(currency || '  ', 3, 1)))::int4
    FROM accounts_salesline
    WHERE workspace_id = {workspace_id}
) TO STDOUT (FORMAT binary)
"""


def _parse_copy_block(buffer: bytes | memoryview) -> SalesLineArrays:
    rows = np.frombuffer(buffer, dtype=_COPY_ROW)
    return SalesLineArrays(
        customer_id=rows["customer_id"].astype(np.int64),
        day=rows["day"].astype(np.int32),
        net_sales=rows["net_sales"].astype(float),
        cost_of_goods=rows["cost_of_goods"].astype(float),
        cost_to_serve=rows["cost_to_serve"].astype(float),
        currency=rows["currency"].astype(np.int32),
    )


def _load_sales_lines_copy() -> SalesLineArrays:
    workspace_id = int(require_workspace_id())
    row_size = _COPY_ROW.itemsize
    block_bytes = BLOCK_ROWS * row_size
    blocks: list[SalesLineArrays] = []
    pending = bytearray()
    header_left = _COPY_HEADER
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:  # the psycopg cursor: COPY is not DB-API
        with cursor.copy(_COPY_SQL.format(workspace_id=workspace_id)) as copy:
            for data in copy:
                pending += data
                if header_left:
                    skip = min(header_left, len(pending))
                    del pending[:skip]
                    header_left -= skip
                if len(pending) >= block_bytes:
                    whole = len(pending) // row_size * row_size
                    blocks.append(_parse_copy_block(bytes(pending[:whole])))
                    del pending[:whole]
    # What is left: whole rows, then the two-byte trailer (-1).
    whole = len(pending) // row_size * row_size
    if whole:
        blocks.append(_parse_copy_block(bytes(pending[:whole])))
    return _concatenate(blocks)
