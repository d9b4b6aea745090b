"""Import benchmark: a 1,000,000-line sales CSV, checked and applied on PostgreSQL.

    python benchmarks/bench_import.py                 # 1,000,000 lines, 20,000 customers
    python benchmarks/bench_import.py --lines 100000  # quicker

Creates a fresh database (``kam_bench_import`` on the server of ``DATABASE_URL``,
default ``postgres://postgres@127.0.0.1:5432/postgres``) with the owner
connection, migrates it, generates the CSV (benchmarks/generate.py: decimal
commas, DD.MM.YYYY dates, no line id column, so every key is derived), then times

* check: the streaming parse and validation of every row (accounts.imports.validation),
* apply: COPY of the staged rows into a temporary table, UPDATE of changed lines,
  INSERT ... SELECT of new ones, and the commit (deferred foreign-key checks),
  each run into an emptied sales-line table,
* re-apply: the same file again (nothing written),

and, as the in-run baseline, a raw ``COPY`` of the same CSV into a text table
(the least any import of this file can cost). Every step runs ``--repeat``
times (default 3); it prints each run, the medians and their ratio to the raw
COPY (the machines are noisy, the ratio less so). It runs as the owner (a superuser
bypasses row-level security; the app role takes the same path under its
policies) and drops the database afterwards. Budget (design.md): under 60 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_sales  # noqa: E402

BENCH_DATABASE = "kam_bench_import"


def write_csv(path: Path, *, customers: int, lines: int) -> None:
    sales = generate_sales(customers=customers, lines=lines)
    start = np.datetime64("2020-01-01")
    days = (start + sales.day.astype("timedelta64[D]")).astype(object)
    day_text = {d: d.strftime("%d.%m.%Y") for d in set(days)}
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Kundennummer;Rechnungsdatum;Umsatz;Wareneinsatz\n")
        for customer, day, amount, cost in zip(
            sales.customer.tolist(), days, sales.amount.tolist(), sales.cost.tolist(), strict=True
        ):
            # German export: decimal comma, DD.MM.YYYY, semicolons.
            net, goods = f"{amount:.2f}".replace(".", ","), f"{cost:.2f}".replace(".", ",")
            handle.write(f"C{customer};{day_text[day]};{net};{goods}\n")


def _timed(label: str, runs: int, step: Callable[[], object]) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - started)
    print(f"  {label}: " + ", ".join(f"{s:.1f}" for s in seconds) + " s")
    return seconds


def run(*, customers: int, lines: int, repeat: int) -> None:
    from django.db import connection

    from accounts.imports.apply import apply_staged
    from accounts.imports.changes import count_changes
    from accounts.imports.fields import suggest_mapping
    from accounts.imports.reading import detect_format, read_headers
    from accounts.imports.staged import WorkFiles
    from accounts.imports.validation import check_file
    from accounts.models import Customer, SalesLine
    from kam.tenancy.context import workspace_context
    from kam.tenancy.tasks import workspace_atomic
    from kam.workspaces.models import Workspace

    workdir = Path(tempfile.mkdtemp(prefix="kam-bench-import-"))
    source = workdir / "sales.csv"
    started = time.perf_counter()
    write_csv(source, customers=customers, lines=lines)
    print(
        f"Generated {lines:,} lines ({source.stat().st_size / 2**20:.0f} MB)"
        f" in {time.perf_counter() - started:.1f} s; medians of {repeat} runs each"
    )
    workspace = Workspace.objects.create(name="Import benchmark", slug="bench-import")
    with workspace_context(workspace), workspace_atomic():
        Customer.objects.bulk_create(
            (
                Customer(workspace=workspace, external_id=f"C{i}", name=f"Customer {i}")
                for i in range(customers)
            ),
            batch_size=5000,
        )

    def raw_copy() -> None:
        # Baseline: the raw file into a text table, nothing checked, nothing joined.
        with workspace_atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE raw_lines (a text, b text, c text, d text)")
            with (
                cursor.cursor.copy(
                    "COPY raw_lines FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)"
                ) as copy,
                source.open("rb") as handle,
            ):
                while block := handle.read(4 * 2**20):
                    copy.write(block)
            cursor.execute("DROP TABLE raw_lines")

    fmt = detect_format(source, source.name)
    headers = read_headers(source, fmt)
    mapping = suggest_mapping("sales_lines", headers)
    work = WorkFiles(workdir / "work")
    results: list[Any] = []

    def check() -> None:
        with workspace_atomic():
            result = check_file(
                workspace=workspace,
                kind="sales_lines",
                path=source,
                file_format=fmt,
                headers=headers,
                mapping=mapping,
                options={"date_format": "auto", "decimal_separator": "auto"},
                work=work,
            )
            count_changes(
                workspace=workspace,
                kind="sales_lines",
                staged=work.staged,
                mapped={name for name, column in mapping.items() if column},
                result=result,
            )
        assert result.errors == 0, result.first_errors[:3]
        assert result.valid == lines, result.valid

    def apply() -> None:
        with workspace_atomic():  # the commit (deferred foreign-key checks) is timed too
            results.append(
                apply_staged(
                    workspace=workspace,
                    kind="sales_lines",
                    staged=work.staged,
                    mapped=set(mapping),
                    progress=lambda done: None,
                )
            )

    timings: dict[str, list[float]] = {}
    with workspace_context(workspace):
        timings["raw COPY of the file (baseline)"] = _timed("raw COPY", repeat, raw_copy)
        timings["check (parse + validate)"] = _timed("check", repeat, check)
        timings["apply (COPY + UPDATE + INSERT)"] = []
        for _ in range(repeat):
            # Untimed: start each run from an empty table (the database is ours alone).
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {SalesLine._meta.db_table}")
            timings["apply (COPY + UPDATE + INSERT)"] += _timed("apply", 1, apply)
        assert results[-1].created == lines, results[-1]
        timings["re-apply (nothing new)"] = _timed("re-apply", repeat, apply)
        assert results[-1].unchanged == lines, results[-1]
    median = {label: statistics.median(seconds) for label, seconds in timings.items()}
    baseline = median["raw COPY of the file (baseline)"]
    print(f"{'step':<36} {'median':>8} {'x raw COPY':>11}")
    for label, seconds in median.items():
        print(f"{label:<36} {seconds:7.1f}s {seconds / baseline:10.1f}x")
    total = median["check (parse + validate)"] + median["apply (COPY + UPDATE + INSERT)"]
    print(f"{'import total (check + apply)':<36} {total:7.1f}s {total / baseline:10.1f}x")
    budget = 60 * lines / 1_000_000
    verdict = "met" if total < budget else "NOT met"
    print(f"Budget (< {budget:.0f} s for {lines:,} lines): {verdict}")


def _server_url(url: str, database: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{database}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sales-line import benchmark (PostgreSQL)")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step (median)")
    args = parser.parse_args(argv)

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
        run(customers=args.customers, lines=args.lines, repeat=args.repeat)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
