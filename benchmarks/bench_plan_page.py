"""Account plan page benchmark: server time and queries of a big plan against a bare page.

    python benchmarks/bench_plan_page.py              # SQLite in memory
    python benchmarks/bench_plan_page.py --repeat 30  # more renders
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        TEST_DATABASE_NAME=bench_plan_page python benchmarks/bench_plan_page.py

Creates a throw-away test database (Django's test-database machinery: nothing
else is touched) and builds one key account the size the issue names: 200
stakeholders, 40 opportunities across the four priority quadrants, a 40 x 20
Open Space (tests/planning/open_space/test_page.py ``build_matrix``), 100
actions and every hand-typed text. A KAM is signed in and the plan page is
rendered through Django's test client, the full request: middleware, selectors,
every section, templates. The floor is a bare signed-in page of the same layout
measured in the same run: the plan page of a customer that has no plan (shell,
header, tabs and one empty state). Like the other page benchmarks it runs
under ``setup_test_environment`` (templates instrumented for the test client),
which adds the same per-template cost to both pages. Prints the median of each, the plan page's
queries and HTML size, and as its last line
``RESULT plan_page app=<ms> floor=<ms> ratio=<x>``.
No timed asserts: figures are for reading.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

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

STAKEHOLDERS = 200
OPPORTUNITIES = 40
ROWS, COLUMNS = 40, 20
ACTIONS = 100


def build_big_plan(tenant: Any) -> Any:
    """The key account of the issue's benchmark, built with the test factories."""
    from decimal import Decimal

    from kam.tenancy.context import workspace_context
    from planning.models import PlanText, PlanTopic
    from tests.model_factories.buying_center import StakeholderFactory
    from tests.model_factories.plan import ActionFactory
    from tests.model_factories.planning import OpportunityFactory
    from tests.planning.open_space.test_page import build_matrix

    customer, *_ = build_matrix(tenant, ROWS, COLUMNS, name="Bench plan")
    with workspace_context(tenant.workspace):
        roles = [["decider"], ["facilitator"], ["user"], ["buyer"], ["influencer"]]
        for i in range(STAKEHOLDERS):
            StakeholderFactory.create(
                customer=customer,
                name=f"Person {i:03}",
                roles=roles[i % len(roles)],
                relationship_score=(i % 5) - 2,
            )
        states = ["in_progress", "early_stage", "delayed", "long_term", "won"]
        for i in range(OPPORTUNITIES):
            OpportunityFactory.create(
                customer=customer,
                title=f"Deal {i:02}",
                state=states[i % len(states)],
                value=Decimal(10000 * (i + 1)),
                growth_type=["enhance", "expand", "extend", ""][i % 4],
                compelling_reason=i % 2 == 0,
                compelling_reason_evidence="Stops monthly" if i % 2 == 0 else "",
            )
        for i in range(ACTIONS):
            ActionFactory.create(customer=customer, title=f"Action {i:03}")
        for topic in PlanTopic.values:
            PlanText.objects.create(customer=customer, topic=topic, text=f"What we know: {topic}.")
    return customer


def median_ms(client: Client, url: str, repeat: int) -> tuple[float, int, int]:
    """Median server time in ms, queries and HTML bytes of GET ``url`` (after a warm-up)."""
    client.get(url)  # warm templates, the session and the content-type cache
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(queries), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="renders per page (median)")
    options = parser.parse_args()

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from tests.factories import build_world

        world = build_world()
        client = Client()
        client.force_login(world.a.user("kam"))
        customer = build_big_plan(world.a)
        bare = world.a.customer  # a plain customer: its plan page is the bare frame
        assert bare is not None
        plan_url = reverse("account-plan", kwargs={"customer_id": customer.pk})
        floor_url = reverse("account-plan", kwargs={"customer_id": bare.pk})
        floor, floor_queries, _ = median_ms(client, floor_url, options.repeat)
        app, queries, size = median_ms(client, plan_url, options.repeat)
        print(
            f"plan page ({STAKEHOLDERS} stakeholders, {OPPORTUNITIES} opportunities,"
            f" {ROWS} x {COLUMNS} Open Space, {ACTIONS} actions): median {app:7.1f} ms over"
            f" {options.repeat} renders, {queries} queries, {size / 1024:6.1f} KiB HTML"
        )
        print(f"bare signed-in page: median {floor:7.1f} ms, {floor_queries} queries")
        print(f"database: {connection.vendor}")
        print(f"RESULT plan_page app={app:.1f} floor={floor:.1f} ratio={app / floor:.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
