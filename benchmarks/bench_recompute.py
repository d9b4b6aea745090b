"""Recompute benchmark: the real "scores" job against a generated workspace in PostgreSQL.

    python benchmarks/bench_recompute.py              # 100,000 customers, 5,000,000 lines
    python benchmarks/bench_recompute.py --small      # 2,000 customers, 100,000 lines
    python benchmarks/bench_recompute.py --customers 20000 --lines 1000000
    python benchmarks/bench_recompute.py --reuse      # keep the loaded database between runs

It creates a fresh database (``kam_bench`` on the server of ``DATABASE_URL``,
default ``postgres://postgres@127.0.0.1:5432/postgres``; ``--database`` names
another) with the owner connection, migrates it, loads the generated workspace
(benchmarks/generate.py) with COPY, times the full recompute in-process
(``accounts.scores.scores_recompute``: read, convert currencies, both CLV
models, quadrants, scorecard, ranks, store scores and yearly figures, clear the
dirty flags) and drops the database again. Tests are not disturbed.

``--reuse`` keeps the database afterwards and, when it already holds a
workspace of the requested size, skips creating and loading it: loading 5
million lines takes minutes, a recompute well under one, so iterating on the
recompute wants the data to stay. Loading itself copies the lines with the
foreign-key triggers off and builds the sales-line indexes after the copy
(as the owner; both are what a bulk load of trusted, generated rows allows).

Baseline, measured in the same run: the time to merely read every sales line
of the workspace from the database into arrays. The ratio says how much the
scoring and storing add on top of reading the data once.

Loading runs as the owner (a superuser bypasses row-level security); the
production app role reads through the same COPY under its policies.
Budget (design.md): under 60 s on 2 cores, peak memory under 1 GiB.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import struct
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_judgements, generate_sales  # noqa: E402

BENCH_DATABASE = "kam_bench"
#: Every tenth customer buys in US dollars: the conversion is part of the work.
USD_EVERY = 10
#: Sales lines per block of the binary COPY that loads them.
COPY_BLOCK = 500_000


def peak_memory_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def find_workspace(*, customers: int, lines: int, slug: str = "bench") -> Any:
    """The workspace a previous ``--reuse`` run loaded, if it has the requested size."""
    from accounts.models import Customer, SalesLine
    from kam.tenancy.context import workspace_context
    from kam.workspaces.models import Workspace

    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        return None
    with workspace_context(workspace):
        if Customer.objects.count() == customers and SalesLine.objects.count() == lines:
            return workspace
    return None


def load_workspace(*, customers: int, lines: int, slug: str = "bench") -> Any:
    """Create a workspace with generated customers and sales lines; return it."""
    import datetime
    from decimal import Decimal

    from django.db import connection

    from accounts.models import Customer, ExchangeRate, SalesLine
    from kam.tenancy.context import workspace_context
    from kam.tenancy.tasks import workspace_atomic
    from kam.workspaces.models import Workspace

    sales = generate_sales(customers=customers, lines=lines)
    judgements = generate_judgements(customers)
    workspace = Workspace.objects.create(name=f"Benchmark {slug}", slug=slug)
    today = datetime.date.today()
    with workspace_context(workspace), workspace_atomic():
        # In batches (bulk_create makes a list of what it is given): 100,000
        # model instances at once would weigh in the peak memory the benchmark
        # reports. Ids come in insertion order.
        for first in range(0, customers, 5000):
            Customer.objects.bulk_create(
                Customer(
                    workspace=workspace,
                    external_id=f"C{i}",
                    name=f"Customer {i}",
                    strategic_importance=None
                    if np.isnan(judgements.strategic_importance[i])
                    else int(judgements.strategic_importance[i]),
                    fit_strategic=int(judgements.account_fit[i, 0]),
                    fit_operational=int(judgements.account_fit[i, 1]),
                    fit_cultural=int(judgements.account_fit[i, 2]),
                    upv_estimate=Decimal(f"{judgements.upv[i]:.2f}"),
                )
                for i in range(first, min(first + 5000, customers))
            )
        ids = np.fromiter(
            Customer.objects.order_by("pk").values_list("pk", flat=True), dtype=np.int64
        )
        ExchangeRate.objects.create(
            currency="USD", valid_from=today - datetime.timedelta(days=4000), rate=Decimal("0.9")
        )
        customer_id = ids[sales.customer]
        usd = (sales.customer % USD_EVERY == 0).astype(np.int32)
        dates = np.datetime64(today) - (sales.days - 1 - sales.day.astype(np.int64))
        if connection.vendor == "postgresql":
            _copy_lines(workspace.pk, customer_id, dates, sales.amount, sales.cost, usd)
        else:
            SalesLine.objects.bulk_create(
                (
                    SalesLine(
                        workspace=workspace,
                        customer_id=int(customer_id[k]),
                        date=dates[k].item(),
                        net_sales=Decimal(f"{sales.amount[k]:.2f}"),
                        cost_of_goods=Decimal(f"{sales.cost[k] * 0.85:.2f}"),
                        cost_delivery=Decimal(f"{sales.cost[k] * 0.15:.2f}"),
                        currency="USD" if usd[k] else "EUR",
                        source_key=f"L{k}",
                    )
                    for k in range(sales.customer.size)
                ),
                batch_size=5000,
            )
    return workspace


def _copy_lines(
    workspace_id: int,
    customer_id: np.ndarray,
    dates: np.ndarray,
    amount: np.ndarray,
    cost: np.ndarray,
    usd: np.ndarray,
) -> None:
    """Binary COPY of plain numbers into a staging table, then one INSERT ... SELECT.

    Numbers go in binary (built by numpy, no Python object per value); the
    database turns them into numeric amounts, dates and text in one statement.
    """
    from django.db import connection

    n = customer_id.size
    layout = np.dtype(
        [
            ("fields", ">i2"),
            ("l1", ">i4"),
            ("line", ">i4"),
            ("l2", ">i4"),
            ("customer", ">i8"),
            ("l3", ">i4"),
            ("day", ">i4"),
            ("l4", ">i4"),
            ("amount", ">f8"),
            ("l5", ">i4"),
            ("cost", ">f8"),
            ("l6", ">i4"),
            ("usd", ">i4"),
        ]
    )
    with connection.connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_lines (line int4, customer int8, day int4,"
            " amount float8, cost float8, usd int4) ON COMMIT DROP"
        )
        with cursor.copy("COPY bench_lines FROM STDIN (FORMAT binary)") as copy:
            copy.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0))
            # In blocks: the whole payload at once would be a quarter GiB and
            # count in the peak memory the benchmark reports.
            for start in range(0, n, COPY_BLOCK):
                part = slice(start, min(start + COPY_BLOCK, n))
                rows = np.empty(part.stop - part.start, dtype=layout)
                rows["fields"] = 6
                rows["l1"], rows["l2"], rows["l3"] = 4, 8, 4
                rows["l4"], rows["l5"], rows["l6"] = 8, 8, 4
                rows["line"] = np.arange(part.start, part.stop)
                rows["customer"] = customer_id[part]
                rows["day"] = (dates[part] - np.datetime64("1970-01-01")).astype(np.int64)
                rows["amount"] = amount[part]
                rows["cost"] = cost[part]
                rows["usd"] = usd[part]
                copy.write(rows.tobytes())
            copy.write(b"\xff\xff")
        # A superuser bulk load: no per-row foreign-key trigger (the customer
        # ids were just created) and the indexes built once after the insert
        # rather than maintained row by row. Only when the table is empty:
        # the small test run shares its table with other workspaces' lines.
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = bool(cursor.fetchone()[0])
        cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM accounts_salesline)")
        bulk = superuser and bool(cursor.fetchone()[0])
        rebuild: list[str] = []
        if bulk:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            rebuild = _drop_line_indexes(cursor)
        cursor.execute(
            """
            INSERT INTO accounts_salesline (
                workspace_id, customer_id, date, segment, quantity, net_sales, cost_of_goods,
                cost_presale, cost_kam, cost_relationship, cost_admin, cost_trade_credit,
                cost_delivery, cost_service, currency, source_key)
            SELECT %s, customer, DATE '1970-01-01' + day, '', 1, amount::numeric(18, 2),
                   (cost * 0.85)::numeric(18, 2), 0, 0, 0, 0, 0, (cost * 0.15)::numeric(18, 2),
                   0, CASE WHEN usd = 1 THEN 'USD' ELSE 'EUR' END, 'L' || line
            FROM bench_lines
            """,
            [workspace_id],
        )
        for statement in rebuild:
            cursor.execute(statement)
        if bulk:
            cursor.execute("SET LOCAL session_replication_role = origin")


def _drop_line_indexes(cursor: Any) -> list[str]:
    """Drop the sales-line indexes but the primary key; return the statements that rebuild them."""
    cursor.execute(
        """
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = 'accounts_salesline'::regclass AND contype = 'u'
        """
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
        WHERE i.indrelid = 'accounts_salesline'::regclass AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """
    )
    indexes = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE accounts_salesline DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [
        *(f'ALTER TABLE accounts_salesline ADD CONSTRAINT "{n}" {d}' for n, d in constraints),
        *(definition for _, definition in indexes),
    ]


def run_benchmark(
    *, customers: int, lines: int, repeat: int, slug: str = "bench", reuse: bool = False
) -> dict:
    """Load a workspace (or reuse a loaded one), time the recompute; return the figures."""
    from django.db import connection

    from accounts.models import CustomerScore
    from accounts.score_inputs import load_sales_lines
    from accounts.scores import scores_recompute
    from kam.tenancy.context import workspace_context
    from kam.tenancy.tasks import workspace_atomic

    print(
        f"Recompute benchmark on {connection.vendor}: {customers:,} customers,"
        f" {lines:,} sales lines",
        flush=True,
    )
    started = time.perf_counter()
    workspace = find_workspace(customers=customers, lines=lines, slug=slug) if reuse else None
    if workspace is not None:
        print("  reusing the loaded workspace", flush=True)
    else:
        workspace = load_workspace(customers=customers, lines=lines, slug=slug)
        print(f"  loaded in {time.perf_counter() - started:.1f} s", flush=True)
    print(f"  memory after loading         {peak_memory_mib():8.0f} MiB (peak so far)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE accounts_salesline; ANALYZE accounts_customer")

    def read_lines() -> None:
        with workspace_context(workspace), workspace_atomic():
            load_sales_lines()

    def recompute() -> str:
        with workspace_context(workspace):
            return scores_recompute(workspace_id=workspace.pk).message

    results: dict[str, Any] = {}
    for name, step in (("read all lines (baseline)", read_lines), ("full recompute", recompute)):
        times = []
        for _ in range(repeat):
            begin = time.perf_counter()
            outcome = step()
            times.append(time.perf_counter() - begin)
        results[name] = statistics.median(times)
        spread = f"(min {min(times):.2f}, max {max(times):.2f})" if len(times) > 1 else ""
        print(f"  {name:<28} {results[name]:8.2f} s median of {repeat} {spread}", flush=True)
        if name == "full recompute":
            print(f"  job message: {outcome}")
    with workspace_context(workspace):
        stored = CustomerScore.objects.count()
    peak = peak_memory_mib()
    ratio = results["full recompute"] / max(results["read all lines (baseline)"], 1e-9)
    print(f"  scores stored                {stored:8,}")
    print(f"  peak memory (ru_maxrss)      {peak:8.0f} MiB")
    print(f"  ratio recompute / read       {ratio:8.1f}x")
    met = results["full recompute"] < 60 and peak < 1024
    print(f"Budget (< 60 s, < 1 GiB): {'met' if met else 'NOT met'}")
    return {**results, "peak_mib": peak, "ratio": ratio, "stored": stored}


def _server_url(url: str, database: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{database}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scores recompute benchmark (PostgreSQL)")
    parser.add_argument("--small", action="store_true", help="2,000 customers, 100,000 lines")
    parser.add_argument("--customers", type=int)
    parser.add_argument("--lines", type=int)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database and reuse a loaded workspace of the same size",
    )
    parser.add_argument("--database", default=BENCH_DATABASE, help="name of the bench database")
    args = parser.parse_args(argv)
    database = args.database
    customers = args.customers or (2_000 if args.small else 100_000)
    lines = args.lines or (100_000 if args.small else 5_000_000)

    import psycopg

    owner_url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    admin_url = _server_url(owner_url, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if not (args.reuse and exists):
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{database}"')
    os.environ["DATABASE_URL"] = _server_url(owner_url, database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        run_benchmark(customers=customers, lines=lines, repeat=args.repeat, reuse=args.reuse)
    finally:
        from django.db import connections

        connections.close_all()
        if not (args.keep or args.reuse):
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
