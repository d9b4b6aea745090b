"""Recompute benchmark: the real "scores" job against a generated workspace in PostgreSQL.

    python benchmarks/bench_recompute.py              # 100,000 customers, 5,000,000 lines
    python benchmarks/bench_recompute.py --small      # 2,000 customers, 100,000 lines
    python benchmarks/bench_recompute.py --customers 20000 --lines 1000000

It creates a fresh database (``kam_bench`` on the server of ``DATABASE_URL``,
default ``postgres://postgres@127.0.0.1:5432/postgres``) with the owner
connection, migrates it, loads the generated workspace (benchmarks/generate.py)
with COPY, times the full recompute in-process (``accounts.scores
.scores_recompute``: read, convert currencies, both CLV models, quadrants,
scorecard, ranks, store scores and yearly figures, clear the dirty flags) and
drops the database again. Tests are not disturbed.

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


def peak_memory_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def _binary_copy(rows: np.ndarray) -> bytes:
    return b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0) + rows.tobytes() + b"\xff\xff"


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
        made = Customer.objects.bulk_create(
            (
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
                for i in range(customers)
            ),
            batch_size=5000,
        )
        ids = np.array([c.pk for c in made], dtype=np.int64)
        ExchangeRate.objects.create(
            currency="USD", valid_from=today - datetime.timedelta(days=4000), rate=Decimal("0.9")
        )
        customer_id = ids[sales.customer]
        currency = np.where(sales.customer % USD_EVERY == 0, "USD", "EUR")
        dates = np.datetime64(today) - (sales.days - 1 - sales.day.astype(np.int64))
        if connection.vendor == "postgresql":
            _copy_lines(workspace.pk, customer_id, dates, sales.amount, sales.cost, currency)
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
                        currency=str(currency[k]),
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
    currency: np.ndarray,
) -> None:
    """Binary COPY of plain numbers into a staging table, then one INSERT ... SELECT.

    Numbers go in binary (built by numpy, no Python object per value); the
    database turns them into numeric amounts, dates and text in one statement.
    """
    from django.db import connection

    n = customer_id.size
    rows = np.empty(
        n,
        dtype=[
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
        ],
    )
    rows["fields"] = 6
    rows["l1"], rows["l2"], rows["l3"], rows["l4"], rows["l5"], rows["l6"] = 4, 8, 4, 8, 8, 4
    rows["line"] = np.arange(n)
    rows["customer"] = customer_id
    rows["day"] = (dates - np.datetime64("1970-01-01")).astype(np.int64)
    rows["amount"] = amount
    rows["cost"] = cost
    rows["usd"] = (currency == "USD").astype(np.int32)
    payload = _binary_copy(rows)
    del rows
    with connection.connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_lines (line int4, customer int8, day int4,"
            " amount float8, cost float8, usd int4) ON COMMIT DROP"
        )
        with cursor.copy("COPY bench_lines FROM STDIN (FORMAT binary)") as copy:
            view = memoryview(payload)
            for start in range(0, len(view), 8 << 20):
                copy.write(view[start : start + (8 << 20)])
        del payload, view
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


def run_benchmark(*, customers: int, lines: int, repeat: int, slug: str = "bench") -> dict:
    """Load a workspace, time the recompute; return the figures (also printed)."""
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
    workspace = load_workspace(customers=customers, lines=lines, slug=slug)
    print(f"  loaded in {time.perf_counter() - started:.1f} s", flush=True)
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
    parser.add_argument("--keep", action="store_true", help="keep the kam_bench database")
    args = parser.parse_args(argv)
    customers = args.customers or (2_000 if args.small else 100_000)
    lines = args.lines or (100_000 if args.small else 5_000_000)

    import psycopg

    owner_url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    admin_url = _server_url(owner_url, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    os.environ["DATABASE_URL"] = _server_url(owner_url, BENCH_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        run_benchmark(customers=customers, lines=lines, repeat=args.repeat)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
