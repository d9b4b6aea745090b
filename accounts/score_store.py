"""Storing one chunk of computed scores and yearly figures.

Part of the "scores" recompute (``accounts.scores``): it hands over a chunk of
customers (index ``start`` to ``stop`` of the computed :class:`ScoreTable`)
inside its own transaction, and this module upserts their ``CustomerScore``
rows, replaces their ``CustomerYearFigures`` and clears ``scores_dirty`` where
the customer did not change since its inputs were read.

On PostgreSQL the chunk goes to the database as numbers only: one binary COPY
of fixed-width rows (built by numpy, no Python object per value) into a
temporary table per kind of row, then one ``INSERT ... SELECT ... ON CONFLICT``
that rounds the amounts and builds the JSON columns in SQL. Saving 100,000
scores through Django model instances and per-row JSON took most of the run
(tens of seconds); this takes a few. Elsewhere (SQLite: tests, development)
``bulk_create`` does the same job.

Not-a-number means "no value": NaN is sent as a float and ``NULLIF(x, 'NaN')``
turns it into NULL in SQL, so every row keeps the same byte layout.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connection
from numpy.typing import NDArray

from accounts.models import Customer, CustomerScore, CustomerYearFigures
from accounts.score_table import ScoreTable, YearFigures
from accounts.scoring.quadrant import RELATIONSHIPS
from accounts.scoring.scorecard import CRITERIA
from kam.tenancy.context import require_workspace_id

SCORE_FIELDS = [
    "currency",
    "revenue_3y",
    "margin_3y",
    "margin_share",
    "clv_contractual",
    "clv_transactional",
    "probability_alive",
    "upv",
    "upv_source",
    "size_percentile",
    "loyalty",
    "quadrant",
    "composite",
    "revenue_rank",
    "criteria",
    "inputs",
    "computed_at",
]

#: ``upv_source`` values, coded as small ints for the binary rows.
UPV_SOURCES = ("", "estimate", "open_space")
#: PostgreSQL's binary timestamps count microseconds from this instant.
PG_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class RunFacts:
    """What every stored row of one run shares."""

    currency: str
    computed_at: datetime.datetime
    #: The run-wide part of ``CustomerScore.inputs``: as of, window, settings, model notes.
    inputs: dict[str, Any]


def store_chunk(
    table: ScoreTable,
    ids: NDArray,
    updated_at: list[datetime.datetime],
    start: int,
    stop: int,
    *,
    run: RunFacts,
) -> int:
    """Store customers ``start:stop``; return how many dirty flags were cleared.

    Call inside ``workspace_atomic()``, one transaction per chunk.
    """
    if connection.vendor == "postgresql":
        return _store_chunk_copy(table, ids, updated_at, start, stop, run=run)
    return _store_chunk_orm(table, ids, updated_at, start, stop, run=run)


# --- PostgreSQL: binary COPY into temporary tables, one statement per table ---


def _binary_rows(columns: list[tuple[str, NDArray]]) -> bytes:
    """COPY binary rows (no header or trailer) of fixed-width, never-NULL columns.

    Each column is given as its big-endian numpy type code and the values.
    """
    n = columns[0][1].shape[0]
    layout = [("fields", ">i2")]
    for k, (code, _) in enumerate(columns):
        layout += [(f"l{k}", ">i4"), (f"v{k}", code)]
    rows = np.empty(n, dtype=layout)
    rows["fields"] = len(columns)
    for k, (code, values) in enumerate(columns):
        rows[f"l{k}"] = np.dtype(code).itemsize
        rows[f"v{k}"] = values
    return rows.tobytes()


def _copy(cursor: Any, table: str, columns: list[tuple[str, NDArray]]) -> None:
    with cursor.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
        copy.write(b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8)
        copy.write(_binary_rows(columns))
        copy.write(b"\xff\xff")


def _float(values: NDArray) -> NDArray:
    """Float column for COPY; infinities become NaN (NULL) as a non-finite amount is no value."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def _cents(amounts: NDArray) -> NDArray:
    return np.rint(amounts * 100).astype(np.int64)


def _micros(stamps: list[datetime.datetime]) -> NDArray:
    one = datetime.timedelta(microseconds=1)
    return np.array([(stamp - PG_EPOCH) // one for stamp in stamps], dtype=np.int64)


_SCORE_TEMP = """
CREATE TEMP TABLE score_rows (
    customer_id int8, updated_at timestamptz,
    revenue_3y float8, margin_3y float8, margin_share float8,
    clv_contractual float8, clv_transactional float8, probability_alive float8,
    upv float8, upv_source int2, size_percentile float8, loyalty float8,
    quadrant int2, composite float8, revenue_rank int4,
    lines_counted int4, lines_without_rate int4,
    discount_rate float8, retention float8, horizon_years int4, acquisition_cost float8,
    {criteria}
) ON COMMIT DROP
""".format(criteria=", ".join(f"s{j} float8, c{j} float8, m{j} bool" for j in range(len(CRITERIA))))

_FIGURES_TEMP = """
CREATE TEMP TABLE figure_rows (
    customer_id int8, year int2, net_cents int8, goods_cents int8, serve_cents int8,
    line_count int4
) ON COMMIT DROP
"""


def _nullable(column: str) -> str:
    return f"NULLIF({column}, 'NaN')"


def _money(column: str) -> str:
    return f"round({_nullable(column)}::numeric, 2)"


# Scores and contributions arrive rounded to 4 decimals (numpy does it for all
# rows at once); a float8 becomes its shortest JSON number, 0.1235 not 0.12349999.
_CRITERIA_JSON = "jsonb_build_object({})".format(
    ", ".join(
        f"'{name}', jsonb_build_object('score', s{j}, 'contribution', c{j}, 'missing', m{j})"
        for j, name in enumerate(CRITERIA)
    )
)

# Built from constants only; every value is a parameter.
_UPSERT_SCORES = f"""
INSERT INTO accounts_customerscore (
    workspace_id, customer_id, {", ".join(SCORE_FIELDS)}
)
SELECT %(workspace)s, s.customer_id, %(currency)s,
       coalesce({_money("s.revenue_3y")}, 0), coalesce({_money("s.margin_3y")}, 0),
       {_nullable("s.margin_share")},
       {_money("s.clv_contractual")}, {_money("s.clv_transactional")},
       {_nullable("s.probability_alive")},
       {_money("s.upv")}, (%(upv_sources)s::text[])[s.upv_source + 1],
       {_nullable("s.size_percentile")}, {_nullable("s.loyalty")},
       (%(quadrants)s::text[])[s.quadrant + 1], {_nullable("s.composite")}, s.revenue_rank,
       {_CRITERIA_JSON},
       %(inputs)s::jsonb || jsonb_build_object(
           'clv_settings', jsonb_build_object(
               'discount_rate', s.discount_rate, 'retention', s.retention,
               'horizon_years', s.horizon_years, 'acquisition_cost', s.acquisition_cost),
           'lines_counted', s.lines_counted,
           'lines_without_rate', s.lines_without_rate),
       %(computed_at)s
FROM score_rows s
-- A customer deleted since the inputs were read gets no score (and no error).
JOIN accounts_customer c ON c.id = s.customer_id AND c.workspace_id = %(workspace)s
ON CONFLICT (workspace_id, customer_id) DO UPDATE SET
    {", ".join(f"{name} = EXCLUDED.{name}" for name in SCORE_FIELDS)}
"""  # noqa: S608

# Upsert, then delete the years a customer no longer has: an update leaves the
# foreign keys alone (no per-row check at commit) where delete-and-insert would
# check two keys per row.
_REPLACE_FIGURES = """
INSERT INTO accounts_customeryearfigures (
    workspace_id, customer_id, year, net_sales, cost_of_goods, cost_to_serve,
    contribution_margin, line_count, computed_at
)
-- Whole cents from numpy, the margin from the rounded amounts, so the figures
-- on a page add up exactly.
SELECT %(workspace)s, f.customer_id, f.year, f.net_cents * 0.01, f.goods_cents * 0.01,
       f.serve_cents * 0.01, (f.net_cents - f.goods_cents - f.serve_cents) * 0.01,
       f.line_count, %(computed_at)s
FROM figure_rows f
JOIN accounts_customer c ON c.id = f.customer_id AND c.workspace_id = %(workspace)s
ON CONFLICT (workspace_id, customer_id, year) DO UPDATE SET
    net_sales = EXCLUDED.net_sales, cost_of_goods = EXCLUDED.cost_of_goods,
    cost_to_serve = EXCLUDED.cost_to_serve, contribution_margin = EXCLUDED.contribution_margin,
    line_count = EXCLUDED.line_count, computed_at = EXCLUDED.computed_at
"""

_DELETE_OLD_FIGURES = """
DELETE FROM accounts_customeryearfigures f USING score_rows s
WHERE f.workspace_id = %(workspace)s AND f.customer_id = s.customer_id
  AND f.computed_at <> %(computed_at)s
"""

# See accounts.scores: clear only where the inputs did not move since they were
# read. Under READ COMMITTED an UPDATE that meets a row changed by a concurrent
# transaction waits for it and re-checks its WHERE on the new row version, so
# an edit committed before this statement keeps its flag.
_CLEAR_DIRTY = """
UPDATE accounts_customer c SET scores_dirty = false
FROM score_rows s
WHERE c.id = s.customer_id AND c.workspace_id = %(workspace)s
  AND c.scores_dirty AND c.updated_at = s.updated_at
"""


def _store_chunk_copy(
    table: ScoreTable,
    ids: NDArray,
    updated_at: list[datetime.datetime],
    start: int,
    stop: int,
    *,
    run: RunFacts,
) -> int:
    part = slice(start, stop)
    card = table.scorecard
    upv_source = np.zeros(stop - start, dtype=np.int16)
    for code, name in enumerate(UPV_SOURCES):
        upv_source[table.upv_source[part] == name] = code
    settings = table.clv_settings
    score_columns: list[tuple[str, NDArray]] = [
        (">i8", ids[part]),
        (">i8", _micros(updated_at[start:stop])),
        (">f8", _float(table.revenue_3y[part])),
        (">f8", _float(table.margin_3y[part])),
        (">f8", _float(table.margin_share[part])),
        (">f8", _float(table.clv_contractual[part])),
        (">f8", _float(table.clv_transactional[part])),
        (">f8", _float(table.probability_alive[part])),
        (">f8", _float(table.upv[part])),
        (">i2", upv_source),
        (">f8", _float(table.size_percentile[part])),
        (">f8", _float(table.loyalty[part])),
        (">i2", table.quadrant[part]),
        (">f8", _float(card.composite[part])),
        (">i4", table.revenue_rank[part]),
        (">i4", table.lines_counted[part]),
        (">i4", table.lines_without_rate[part]),
        (">f8", settings["discount_rate"][part]),
        (">f8", settings["retention"][part]),
        (">i4", settings["horizon_years"][part]),
        (">f8", settings["acquisition_cost"][part]),
    ]
    for j in range(len(CRITERIA)):
        score_columns += [
            (">f8", np.round(card.scores[part, j], 4)),
            (">f8", np.round(card.contributions[part, j], 4)),
            ("u1", card.missing[part, j]),
        ]
    figures = table.year_figures
    lo, hi = np.searchsorted(figures.customer, [start, stop])
    figure_columns: list[tuple[str, NDArray]] = [
        (">i8", ids[figures.customer[lo:hi]]),
        (">i2", figures.year[lo:hi]),
        (">i8", _cents(figures.net_sales[lo:hi])),
        (">i8", _cents(figures.cost_of_goods[lo:hi])),
        (">i8", _cents(figures.cost_to_serve[lo:hi])),
        (">i4", figures.lines[lo:hi]),
    ]
    params = {
        "workspace": int(require_workspace_id()),
        "currency": run.currency,
        "computed_at": run.computed_at,
        "inputs": json.dumps(run.inputs),
        "upv_sources": list(UPV_SOURCES),
        "quadrants": [relationship.value for relationship in RELATIONSHIPS],
    }
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:  # the psycopg cursor: COPY is not DB-API
        cursor.execute(_SCORE_TEMP)
        cursor.execute(_FIGURES_TEMP)
        _copy(cursor, "score_rows", score_columns)
        _copy(cursor, "figure_rows", figure_columns)
        # Statistics for the planner: without them it guesses the temporary
        # tables' sizes and may hash the whole customer table per chunk.
        cursor.execute("ANALYZE score_rows, figure_rows")
        cursor.execute(_UPSERT_SCORES, params)
        cursor.execute(_REPLACE_FIGURES, params)
        cursor.execute(_DELETE_OLD_FIGURES, params)
        cursor.execute(_CLEAR_DIRTY, params)
        cleared = int(cursor.rowcount)
        # ON COMMIT DROP covers the usual case; this covers a chunk stored
        # inside a longer transaction (tests, a caller's atomic block).
        cursor.execute("DROP TABLE pg_temp.score_rows, pg_temp.figure_rows")
        return cleared


# --- Elsewhere (SQLite): Django's bulk_create ---


def _money_text(value: float) -> str | None:
    return None if not np.isfinite(value) else f"{value:.2f}"


def _number(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def _score_rows(
    table: ScoreTable, ids: NDArray, start: int, stop: int, *, run: RunFacts
) -> Iterator[CustomerScore]:
    workspace_id = require_workspace_id()  # bulk_create skips save(), which would set it
    card = table.scorecard
    for i in range(start, stop):
        criteria = {
            name: {
                "score": round(float(card.scores[i, j]), 4),
                "contribution": round(float(card.contributions[i, j]), 4),
                "missing": bool(card.missing[i, j]),
            }
            for j, name in enumerate(CRITERIA)
        }
        inputs = {
            **run.inputs,
            "clv_settings": {name: float(values[i]) for name, values in table.clv_settings.items()},
            "lines_counted": int(table.lines_counted[i]),
            "lines_without_rate": int(table.lines_without_rate[i]),
        }
        yield CustomerScore(
            workspace_id=workspace_id,
            customer_id=int(ids[i]),
            currency=run.currency,
            revenue_3y=_money_text(table.revenue_3y[i]) or "0.00",
            margin_3y=_money_text(table.margin_3y[i]) or "0.00",
            margin_share=_number(table.margin_share[i]),
            clv_contractual=_money_text(table.clv_contractual[i]),
            clv_transactional=_money_text(table.clv_transactional[i]),
            probability_alive=_number(table.probability_alive[i]),
            upv=_money_text(table.upv[i]),
            upv_source=str(table.upv_source[i]),
            size_percentile=_number(table.size_percentile[i]),
            loyalty=_number(table.loyalty[i]),
            quadrant=RELATIONSHIPS[int(table.quadrant[i])].value,
            composite=_number(card.composite[i]),
            revenue_rank=int(table.revenue_rank[i]),
            criteria=criteria,
            inputs=inputs,
            computed_at=run.computed_at,
        )


def _year_figures_row(
    figures: YearFigures, k: int, *, ids: NDArray, workspace_id: int, computed_at: datetime.datetime
) -> CustomerYearFigures:
    # Each amount rounded to the cent first, the margin from the rounded
    # amounts: the figures on a page add up exactly.
    net_sales, goods, serve = (
        Decimal(f"{v:.2f}")
        for v in (figures.net_sales[k], figures.cost_of_goods[k], figures.cost_to_serve[k])
    )
    return CustomerYearFigures(
        workspace_id=workspace_id,
        customer_id=int(ids[figures.customer[k]]),
        year=int(figures.year[k]),
        net_sales=net_sales,
        cost_of_goods=goods,
        cost_to_serve=serve,
        contribution_margin=net_sales - goods - serve,
        line_count=int(figures.lines[k]),
        computed_at=computed_at,
    )


def _store_chunk_orm(
    table: ScoreTable,
    ids: NDArray,
    updated_at: list[datetime.datetime],
    start: int,
    stop: int,
    *,
    run: RunFacts,
) -> int:
    chunk_ids = [int(pk) for pk in ids[start:stop]]
    CustomerScore.objects.bulk_create(
        _score_rows(table, ids, start, stop, run=run),
        update_conflicts=True,
        unique_fields=["workspace", "customer"],
        update_fields=SCORE_FIELDS,
        batch_size=1000,
    )
    figures = table.year_figures
    lo, hi = np.searchsorted(figures.customer, [start, stop])
    CustomerYearFigures.objects.filter(customer_id__in=chunk_ids).delete()
    workspace_id = require_workspace_id()
    CustomerYearFigures.objects.bulk_create(
        (
            _year_figures_row(
                figures, k, ids=ids, workspace_id=workspace_id, computed_at=run.computed_at
            )
            for k in range(lo, hi)
        ),
        batch_size=1000,
    )
    # See accounts.scores: clear only where the inputs did not move. The row
    # locks make an edit that commits meanwhile wait for this chunk's commit.
    read_at = dict(zip(chunk_ids, updated_at[start:stop], strict=True))
    now = (
        Customer.objects.select_for_update()
        .filter(pk__in=chunk_ids)
        .values_list("pk", "updated_at")
    )
    unchanged = [pk for pk, stamp in now if read_at.get(pk) == stamp]
    return Customer.objects.filter(pk__in=unchanged, scores_dirty=True).update(scores_dirty=False)
