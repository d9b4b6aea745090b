"""Account health benchmark: recompute 100 key accounts with realistic plans.

    python benchmarks/bench_health.py               # SQLite in memory, 100 accounts
    python benchmarks/bench_health.py --accounts 300 --repeat 9
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        TEST_DATABASE_NAME=bench_health python benchmarks/bench_health.py

Creates a throw-away test database (Django's test-database machinery), builds
``--accounts`` key accounts, each with 20 stakeholders (deciders, facilitators,
influencers... some unowned, some stale, an opponent now and then), influence
links, 8 opportunities with 3 expectations or concerns each, 15 actions (some
overdue), 3 years of figures, 6 plan texts and a score; then times
``health_recompute`` for all of them (read the inputs, assess, store the health
and the history), and, as the floor measured in the same run, one read of the
same customers' ids and year figures. Prints each run, the medians, the query
count and, last, ``RESULT health_recompute app=<s> floor=<s> ratio=<x>``.
Budget (issue 10): under 2 s for 100 accounts. No timed asserts.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
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
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import timezone  # noqa: E402

ROLES = ["decider", "facilitator", "influencer", "advisor", "buyer", "user", "gatekeeper"]


def build_accounts(workspace: Any, kam: Any, count: int, rng: random.Random) -> list[int]:
    from accounts.models import Customer, CustomerScore, CustomerStatus, CustomerYearFigures
    from buying_center.models import InfluenceLink, Stakeholder
    from planning.models import Action, Opportunity, PlanText, StakeholderNeed
    from planning.models.plan import PlanTopic
    from selling_center.models import SellingCenterMember

    now = timezone.now()
    today = timezone.localdate()
    customers = Customer.objects.bulk_create(
        Customer(
            workspace=workspace,
            external_id=f"KA-{i}",
            name=f"Key account {i}",
            status=CustomerStatus.KEY_ACCOUNT,
            owner=kam,
        )
        for i in range(count)
    )
    owners = SellingCenterMember.objects.bulk_create(
        SellingCenterMember(workspace=workspace, customer=c, user=kam) for c in customers
    )
    people = Stakeholder.objects.bulk_create(
        Stakeholder(
            workspace=workspace,
            customer=c,
            name=f"Person {i}-{j}",
            roles=[ROLES[j % len(ROLES)]] + (["decider"] if j == 1 else []),
            owner=owner if rng.random() > 0.02 else None,
            relationship_score=rng.choice([1, 1, 2, 2, 2, 0, -1, None]) if j > 1 else 2,
            opponent_influencer=rng.random() < 0.01,
            dominant_advisor=j == 3 and rng.random() < 0.3,
            assessed_at=now - datetime.timedelta(days=rng.randint(1, 150 if i % 5 else 250)),
        )
        for i, (c, owner) in enumerate(zip(customers, owners, strict=True))
        for j in range(20)
    )
    InfluenceLink.objects.bulk_create(
        InfluenceLink(
            workspace=workspace,
            source=people[k],
            target=people[k + 1],
            strength=rng.randint(1, 3),
        )
        for k in range(0, len(people) - 1, 4)
        if people[k].customer_id == people[k + 1].customer_id
    )
    opportunities = Opportunity.objects.bulk_create(
        Opportunity(
            workspace=workspace,
            customer=c,
            title=f"Deal {i}-{j}",
            value=Decimal(rng.randint(5, 400) * 1000),
            state=rng.choice(["in_progress", "early_stage", "delayed", "long_term", "won"]),
            compelling_reason=rng.random() < 0.97,
            authority_leverage=rng.random() < 0.97,
            budget_availability=rng.random() < 0.97,
            supporting_allies=rng.random() < 0.97,
        )
        for i, c in enumerate(customers)
        for j in range(8)
    )
    by_customer: dict[int, list[Any]] = {}
    for person in people:
        by_customer.setdefault(person.customer_id, []).append(person)
    StakeholderNeed.objects.bulk_create(
        StakeholderNeed(
            workspace=workspace,
            opportunity=o,
            stakeholder=rng.choice(by_customer[o.customer_id]),
            kind=rng.choice(["expectation", "concern"]),
            nature="solution",
            severity="high" if rng.random() < 0.01 else rng.choice(["low", "medium"]),
            status=rng.choice(["addressed", "addressed", "open", "open"])
            if rng.random() > 0.01
            else "not_met",
            description="Delivery times on spare parts",
        )
        for o in opportunities
        for _ in range(3)
    )
    Action.objects.bulk_create(
        Action(
            workspace=workspace,
            customer=c,
            title=f"Action {j}",
            due_date=today + datetime.timedelta(days=rng.randint(-5 if c.pk % 3 == 0 else 1, 90)),
            status=rng.choice(["open", "in_progress", "done"]),
        )
        for c in customers
        for j in range(15)
    )
    CustomerYearFigures.objects.bulk_create(
        CustomerYearFigures(
            workspace=workspace,
            customer=c,
            year=today.year - back,
            net_sales=Decimal(2000000),
            cost_of_goods=Decimal(1200000),
            cost_to_serve=Decimal(200000),
            contribution_margin=Decimal(500000 + rng.randint(-60, 40) * 1000 * back),
            computed_at=now,
        )
        for c in customers
        for back in (1, 2, 3)
    )
    topics = list(PlanTopic.values)[:6]
    PlanText.objects.bulk_create(
        PlanText(
            workspace=workspace,
            customer=c,
            topic=topic,
            text="Written by the KAM.",
            confirmed_on=today - datetime.timedelta(days=rng.randint(0, 100)),
        )
        for c in customers
        for topic in topics
    )
    CustomerScore.objects.bulk_create(
        CustomerScore(
            workspace=workspace,
            customer=c,
            currency="EUR",
            probability_alive=rng.uniform(0.4, 1.0),
            computed_at=now,
        )
        for c in customers
    )
    return [c.pk for c in customers]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each step (median)")
    options = parser.parse_args()

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from accounts.models import Customer, CustomerYearFigures
        from kam.tenancy.context import workspace_context
        from kam.tenancy.tasks import workspace_atomic
        from planning.health.services import health_recompute
        from planning.models import AccountHealth
        from tests.factories import build_world

        world = build_world()
        workspace = world.a.workspace
        with workspace_context(workspace), workspace_atomic():
            ids = build_accounts(workspace, world.a.user("kam"), options.accounts, random.Random(7))  # noqa: S311
        print(f"{options.accounts} key accounts built; database: {connection.vendor}")

        def floor() -> None:
            list(Customer.objects.filter(workspace=workspace, pk__in=ids).values_list("pk"))
            list(
                CustomerYearFigures.objects.filter(
                    workspace=workspace, customer_id__in=ids
                ).values_list("customer_id", "year", "net_sales", "contribution_margin")
            )

        def recompute() -> None:
            health_recompute(workspace=workspace)

        results: dict[str, list[float]] = {"floor": [], "app": []}
        with workspace_context(workspace), workspace_atomic():
            started = time.perf_counter()
            recompute()  # the first run creates every row and record; later ones update
            first = time.perf_counter() - started
            with CaptureQueriesContext(connection) as queries:
                recompute()
            for _ in range(options.repeat):
                for name, step in (("floor", floor), ("app", recompute)):
                    started = time.perf_counter()
                    step()
                    results[name].append(time.perf_counter() - started)
            ratings: dict[str, int] = {}
            signals: dict[str, int] = {}
            for rating, reasons in AccountHealth.objects.values_list("computed_rating", "reasons"):
                ratings[rating] = ratings.get(rating, 0) + 1
                for reason in reasons:
                    if reason["active"]:
                        signals[reason["code"]] = signals.get(reason["code"], 0) + 1
        print(f"  first run (every account new): {first:.3f} s")
        for name, seconds in results.items():
            print(f"  {name}: " + ", ".join(f"{s:.3f}" for s in seconds) + " s")
        app, base = statistics.median(results["app"]), statistics.median(results["floor"])
        print(f"queries per recompute: {len(queries)}; ratings: {dict(sorted(ratings.items()))}")
        print(f"accounts per active signal: {dict(sorted(signals.items()))}")
        print(f"RESULT health_recompute app={app:.3f} floor={base:.4f} ratio={app / base:.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
