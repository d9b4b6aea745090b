"""Plan PDF benchmark: render time of a big plan's PDF against a one-page document.

    python benchmarks/bench_plan_pdf.py               # SQLite in memory, 3 renders
    python benchmarks/bench_plan_pdf.py --repeat 5 --out /tmp/plan.pdf
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        TEST_DATABASE_NAME=bench_plan_pdf python benchmarks/bench_plan_pdf.py

Creates a throw-away test database and one key account with 40 stakeholders,
15 opportunities, 30 actions, an 8 x 6 Open Space and every hand-typed text.
Times what the ``pdf`` worker does for one job (collect the plan page's
context, render the HTML, lay it out and write the PDF; planning.pdf.tasks),
and, as the floor measured in the same run, WeasyPrint writing a one-page
document with the same stylesheets. Then the cached repeat: the same request
through the test client once the file is stored (no render, the stored job is
found by the HTML's digest). Prints each figure and, last,
``RESULT plan_pdf app=<s> floor=<s> ratio=<x>``. No timed asserts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

STAKEHOLDERS = 40
OPPORTUNITIES = 15
ACTIONS = 30
ROWS, COLUMNS = 8, 6

ONE_PAGE = """<!doctype html><html><head>
<link rel="stylesheet" href="/static/css/tokens.css">
<link rel="stylesheet" href="/static/css/components.css">
<link rel="stylesheet" href="/static/css/print.css"></head>
<body class="doc"><h1>One page</h1><p>A short paragraph on a single page.</p></body></html>"""


def build_plan(tenant: Any) -> Any:
    from decimal import Decimal

    from kam.tenancy.context import workspace_context
    from planning.models import PlanText, PlanTopic
    from tests.model_factories.buying_center import StakeholderFactory
    from tests.model_factories.plan import ActionFactory
    from tests.model_factories.planning import OpportunityFactory
    from tests.planning.open_space.test_page import build_matrix

    customer, *_ = build_matrix(tenant, ROWS, COLUMNS, name="Bench PDF plan")
    with workspace_context(tenant.workspace):
        roles = [["decider"], ["facilitator"], ["user"], ["buyer"], ["influencer"]]
        for i in range(STAKEHOLDERS):
            StakeholderFactory.create(
                customer=customer,
                name=f"Person {i:02}",
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
            )
        for i in range(ACTIONS):
            ActionFactory.create(customer=customer, title=f"Action {i:02}")
        for topic in PlanTopic.values:
            PlanText.objects.create(
                customer=customer, topic=topic, text=f"What we know about {topic}. " * 8
            )
    return customer


def render_once(workspace: Any, customer: Any) -> tuple[float, bytes]:
    from kam.tenancy.context import workspace_context
    from kam.tenancy.tasks import workspace_atomic
    from planning.pdf.document import plan_document
    from planning.pdf.render import html_to_pdf

    start = time.perf_counter()
    with workspace_context(workspace), workspace_atomic():
        document = plan_document(workspace=workspace, customer=customer, user=None)
    pdf = html_to_pdf(document.html)
    return time.perf_counter() - start, pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="renders of each (median)")
    parser.add_argument("--out", type=Path, help="also write the plan's PDF here")
    options = parser.parse_args()

    from planning.pdf.render import html_to_pdf

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bench-plan-pdf-"))
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from tests.factories import build_world

        world = build_world()
        customer = build_plan(world.a)
        html_to_pdf(ONE_PAGE)  # warm-up: imports, fonts
        floors = []
        for _ in range(options.repeat):
            start = time.perf_counter()
            html_to_pdf(ONE_PAGE)
            floors.append(time.perf_counter() - start)
        apps, pdf = [], b""
        for _ in range(options.repeat):
            seconds, pdf = render_once(world.a.workspace, customer)
            apps.append(seconds)
        if options.out:
            options.out.write_bytes(pdf)

        client = Client()
        client.force_login(world.a.user("kam"))
        url = reverse("account-plan-pdf", kwargs={"customer_id": customer.pk})
        client.post(url, HTTP_HX_REQUEST="true")  # renders and stores (eager: in process)
        repeats = []
        for _ in range(options.repeat):
            start = time.perf_counter()
            response = client.post(url, HTTP_HX_REQUEST="true")
            repeats.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code  # found, not queued
        app, floor, cached = (statistics.median(x) for x in (apps, floors, repeats))
        print(
            f"plan PDF ({STAKEHOLDERS} stakeholders, {OPPORTUNITIES} opportunities,"
            f" {ACTIONS} actions, {ROWS} x {COLUMNS} Open Space): median {app:.2f} s over"
            f" {options.repeat} renders, {len(pdf) / 1024:.0f} KiB"
        )
        print(f"one-page document: median {floor:.3f} s")
        print(f"cached repeat (POST finds the stored file): median {cached * 1000:.0f} ms")
        print(f"database: {connection.vendor}")
        print(f"RESULT plan_pdf app={app:.2f} floor={floor:.3f} ratio={app / floor:.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
