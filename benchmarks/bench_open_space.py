"""Open Space page benchmark: server render time and queries at 5 x 5 and 40 x 20.

    python benchmarks/bench_open_space.py              # SQLite in memory
    python benchmarks/bench_open_space.py --repeat 20  # more renders per size
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        TEST_DATABASE_NAME=bench_open_space python benchmarks/bench_open_space.py

Creates a throw-away test database (Django's test-database machinery: nothing
else is touched), builds one key account with a 5 x 5 and one with a 40 x 20
matrix (tests/planning/open_space/test_page.py ``build_matrix``: sales lines,
potentials, CSF alignment, competitors, a co-creation column), signs a KAM in
and renders the Open Space page of each through Django's test client, the full
request: middleware, matrix selector, template. Prints the median render time,
the number of queries and the HTML size per size, and the 40 x 20 / 5 x 5 time
ratio; then the same for one autosave of a cell (the JSON endpoint the grid
posts to: save, UPV feed, totals and UPV fragment in the answer). Query counts
must be the same for both sizes (the test suite asserts it); the time grows with
the 32 times as many cells, which the ratios show.
No timed asserts: figures are for reading.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import reverse  # noqa: E402

if TYPE_CHECKING:
    from tests.factories import Tenant

SIZES = ((5, 5), (40, 20))


def time_saves(client: Client, tenant: Tenant, rows: int, columns: int, repeat: int) -> float:
    """Median time of one autosave (POST JSON): save, UPV feed, totals, UPV fragment."""
    import json

    from tests.planning.open_space.test_page import build_matrix

    customer, _, segments, cols = build_matrix(tenant, rows, columns, name=f"Save {rows}x{columns}")
    url = reverse("open-space-cell-save", kwargs={"customer_id": customer.pk})
    version = 0
    times = []
    queries_per_save = 0
    for attempt in range(repeat + 1):
        body = {
            "segment": segments[1].pk,
            "column": cols[0].pk,
            "version": version,
            "changes": {"potential": str(1000 + attempt)},
        }
        reset_queries()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data=json.dumps(body), content_type="application/json")
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.content
        version = response.json()["cells"][0]["version"]
        if attempt:  # the first one creates the cell's row
            times.append(elapsed)
            queries_per_save = len(queries)
    median = statistics.median(times)
    print(
        f"{rows:>2} x {columns:<2} cell save: median {median * 1000:7.1f} ms over {repeat} saves,"
        f" {queries_per_save} queries"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="renders per size (median)")
    options = parser.parse_args()

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from tests.factories import build_world
        from tests.planning.open_space.test_page import build_matrix

        world = build_world()
        client = Client()
        client.force_login(world.a.user("kam"))
        results = []
        for rows, columns in SIZES:
            customer, *_ = build_matrix(world.a, rows, columns, name=f"Bench {rows}x{columns}")
            url = reverse("account-open-space", kwargs={"customer_id": customer.pk})
            client.get(url)  # warm templates and the session
            reset_queries()  # each request resets the log: count from an empty one
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, response.status_code
            times = []
            for _ in range(options.repeat):
                start = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - start)
            median = statistics.median(times)
            results.append(median)
            print(
                f"{rows:>2} x {columns:<2} ({rows * columns:>3} cells): "
                f"median {median * 1000:7.1f} ms over {options.repeat} renders, "
                f"{len(queries)} queries, {len(response.content) / 1024:6.1f} KiB HTML"
            )
        print(f"ratio 40 x 20 / 5 x 5: {results[1] / results[0]:.1f}x (32x the cells)")
        saves = [
            time_saves(client, world.a, rows, columns, options.repeat) for rows, columns in SIZES
        ]
        print(f"ratio of cell saves 40 x 20 / 5 x 5: {saves[1] / saves[0]:.1f}x")
        print(f"database: {connection.vendor}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
