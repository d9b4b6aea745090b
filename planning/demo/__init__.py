"""Demo planning data: CSFs, a full Open Space and 6 to 15 opportunities per key account.

Runs after the selling center's builder (``kam.management.demo.DEMO_APPS``), so
stakeholders and account teams exist. Everything is made with ``bulk_create``
in a handful of queries per account, from a seeded random generator: the same
seed gives the same data. Rows of the Open Space are the account's real sales
segments (so last year's sales come from its sales lines) plus segments where
it buys nothing from us yet; columns are catalog offerings grouped by our
business unit, plus co-creation ideas. Opportunities cover every state (the
four prioritization quadrants, won, lost), push ones born in priority cells and
pull ones asked for by the customer, with the capture-plan analyses filled in
as a team would half-way through: some qualified, one value-proposition alarm,
overdue tasks, weak decision criteria with and without a strategy. Then every
account gets its plan (``planning.demo.plans``: one healthy, one amber, one red,
the rest varied). Finally each matrix feeds its UPV to the account's scores.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from accounts.models import Customer, CustomerStatus, Offering, SalesLine
from buying_center.models import Stakeholder
from kam.management.demo import DemoWorkspace
from planning.demo.account import _Account
from planning.demo.analyses import _analyses
from planning.demo.open_space import CSF_TITLES, _cells, _columns, _feed_upv, _segments
from planning.demo.opportunities import _opportunities
from planning.demo.plans import VARIED, _states, build_plans, recompute_health
from planning.demo.reviews import build_reviews
from planning.models import (
    ACTION_OPEN_STATUSES,
    Action,
    CriticalSuccessFactor,
    OpenSpace,
    OpenSpaceCell,
    OpenSpaceColumn,
    OpenSpaceSegment,
    Opportunity,
)
from selling_center.models import SellingCenterMember
from selling_center.selectors import is_customer_executive


def build(demo: DemoWorkspace) -> str:
    """Entry point for ``manage.py demo``: see ``kam.management.demo``."""
    rng = random.Random(f"planning-demo:{demo.seed}")  # noqa: S311
    workspace = demo.workspace
    today = timezone.localdate()
    year = today.year - 1  # the year the Open Space reads its sales from
    customers = list(
        Customer.objects.filter(workspace=workspace, status=CustomerStatus.KEY_ACCOUNT)
        .select_related("owner")
        .order_by("name")
    )
    if not customers:
        return "no key accounts: nothing planned"
    stakeholders: dict[int, list[Stakeholder]] = defaultdict(list)
    for person in Stakeholder.objects.filter(workspace=workspace, customer__in=customers).order_by(
        "pk"
    ):
        stakeholders[person.customer_id].append(person)
    members: dict[int, list[SellingCenterMember]] = defaultdict(list)
    for member in SellingCenterMember.objects.filter(
        workspace=workspace, customer__in=customers
    ).order_by("pk"):
        members[member.customer_id].append(member)
    sold: dict[int, set[tuple[str, int]]] = defaultdict(set)
    segments_of: dict[int, list[str]] = defaultdict(list)
    for customer_id, segment, offering_id in (
        SalesLine.objects.filter(
            workspace=workspace,
            customer__in=customers,
            date__year=year,
            net_sales__gt=0,
        )
        .exclude(segment="")
        .values_list("customer_id", "segment", "offering_id")
        .distinct()
        .order_by("customer_id", "segment", "offering_id")
    ):
        sold[customer_id].add((segment.strip().lower(), offering_id))
        if segment not in segments_of[customer_id]:
            segments_of[customer_id].append(segment)
    catalog = list(Offering.objects.filter(workspace=workspace).order_by("business_unit", "code"))
    users = [u for name, u in demo.users.items() if name in ("exec", "admin")]
    reviewer = users[0] if users else None

    accounts = [_Account(c, stakeholders[c.pk], members[c.pk]) for c in customers]
    # 1. CSFs and the Open Space layout (rows, columns): a few bulk inserts.
    open_spaces = OpenSpace.objects.bulk_create(
        [OpenSpace(workspace=workspace, customer=a.customer) for a in accounts]
    )
    csfs: list[CriticalSuccessFactor] = []
    segment_rows: list[OpenSpaceSegment] = []
    column_rows: list[OpenSpaceColumn] = []
    for account, open_space in zip(accounts, open_spaces, strict=True):
        account.open_space = open_space
        seniors = [s for s in account.stakeholders if is_customer_executive(s)] or (
            account.stakeholders[:3]
        )
        for position, (title, description) in enumerate(
            rng.sample(CSF_TITLES, k=rng.randint(3, 5))
        ):
            account.csfs.append(
                CriticalSuccessFactor(
                    workspace=workspace,
                    customer=account.customer,
                    title=title,
                    description=description,
                    owner=seniors[position % len(seniors)] if seniors else None,
                    position=position,
                )
            )
        csfs.extend(account.csfs)
        account.segments = _segments(account, segments_of[account.customer.pk], rng)
        segment_rows.extend(account.segments)
        bought = {offering_id for _key, offering_id in sold[account.customer.pk]}
        account.columns = _columns(account, catalog, bought, rng)
        column_rows.extend(account.columns)
    CriticalSuccessFactor.objects.bulk_create(csfs)
    OpenSpaceSegment.objects.bulk_create(segment_rows)
    OpenSpaceColumn.objects.bulk_create(column_rows)

    # 2. Cells: potentials on most open cells, some CSF-aligned, some competitor-held.
    cells: list[OpenSpaceCell] = []
    for account in accounts:
        account.cells = _cells(account, sold[account.customer.pk], rng)
        cells.extend(account.cells)
    OpenSpaceCell.objects.bulk_create(cells)

    # 3. Opportunities, then everything hanging off them.
    opportunities: list[Opportunity] = []
    for account in accounts:
        account.opportunities = _opportunities(account, today, rng)
        opportunities.extend(account.opportunities)
    Opportunity.objects.bulk_create(opportunities)
    children = _analyses(accounts, today, reviewer, rng)
    # The opportunities' tasks are actions of their accounts: saved once the plans are
    # built, since building a plan starts by clearing the account's earlier actions.
    tasks = children.pop(Action, [])
    for model, rows in children.items():
        model.objects.bulk_create(rows)
    plans = build_plans(demo, accounts, today)
    Action.objects.bulk_create(_on_time_where_told(tasks, accounts, demo, today))
    reviews = build_reviews(demo, accounts, today)
    # Last, once every action and concern is in: the first screen shows each story's health.
    # (The scores run this build asks for recomputes it again with the new yearly figures.)
    health = recompute_health(demo)

    upv = _feed_upv(accounts)
    priority = sum(
        1 for c in cells if c.success_factor_id and not c.competitor and c.potential is not None
    )
    return (
        f"{len(accounts)} accounts: {len(csfs)} CSFs, {len(segment_rows)} rows x"
        f" {len(column_rows)} columns, {len(cells)} cells ({priority} priority),"
        f" UPV {upv:,.0f}; {len(opportunities)} opportunities,"
        f" {sum(len(rows) for rows in children.values())} analysis rows; {plans}; {reviews};"
        f" {health}"
    )


def _on_time_where_told(
    tasks: list[Action], accounts: list[_Account], demo: DemoWorkspace, today: datetime.date
) -> list[Action]:
    """The KAM's healthy, amber and red accounts have no overdue task: late ones move ahead.

    Their plans tell each story with exactly the overdue actions it needs; the other
    accounts keep their late tasks.
    """
    states = _states(accounts, demo.users.get("kam"))
    told = {a.customer.pk for a, state in zip(accounts, states, strict=True) if state != VARIED}
    for task in tasks:
        late = task.due_date is not None and task.due_date < today
        if task.customer_id in told and task.status in ACTION_OPEN_STATUSES and late:
            assert task.due_date is not None
            task.due_date = today + (today - task.due_date)
    return tasks
