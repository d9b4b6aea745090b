"""Demo account plans: every key account gets a full plan, each in a different state.

The first screen a KAM sees should tell a story, so the plans are not all alike:

- **healthy**: every text confirmed in the last weeks, objectives on track,
  actions on time (one due this week), every decider and facilitator owned and
  freshly assessed, no open severe concern, satisfaction 8;
- **amber**: four texts last confirmed 120 days ago or more (stale) and two overdue
  actions, while the buying center is covered and freshly assessed, satisfaction 6;
- **red**: a decider nobody on our side owns, an open severe concern from them
  on a live opportunity, an overdue action, objectives at risk, satisfaction 4,
  and a margin that declined over the last two years;
- the rest **varied**: a stale text or two and one overdue action.

The KAM ``kam``'s accounts get the three named states first, so signing in as
``kam`` shows all three. Rows are written with ``bulk_create`` in a fixed
number of queries for any number of accounts; ``auto_now_add`` dates are then
moved back in one ``UPDATE`` per model, so the plan looks months old.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import models
from django.db.models import Case, F, Value, When
from django.utils import timezone

from accounts.dirty import sales_inputs_changed
from accounts.models import SalesLine
from buying_center.models import BuyingRole, Stakeholder
from kam.management.demo import DemoWorkspace
from planning.demo.account import _Account, _round
from planning.demo.plan_texts import OBJECTIVES, facts_for, plan_texts, swot_items
from planning.health.services import health_recompute
from planning.models import (
    AccountPlan,
    Action,
    ActionStatus,
    NeedStatus,
    Objective,
    ObjectiveStatus,
    OpportunityState,
    PlanText,
    SatisfactionEntry,
    Severity,
    StakeholderNeed,
    StakeholderNeedKind,
    SwotItem,
)
from planning.plan.objective_measures import sales_window

HEALTHY, AMBER, RED, VARIED = "healthy", "amber", "red", "varied"
#: The order states are handed out in; after these, every account is varied.
STATE_ORDER = (HEALTHY, AMBER, RED)
KEY_ROLES = (BuyingRole.DECIDER, BuyingRole.FACILITATOR)

#: Texts made stale on an amber plan (and on a red one, fewer), by topic.
AMBER_STALE = ("market", "competitors", "financial", "buying")
RED_STALE = ("trends", "strategy")


@dataclass
class _Plan:
    account: _Account
    state: str
    kam: User | None
    team: list[User]
    started_on: datetime.date
    created: dict[tuple[type[models.Model], int], datetime.datetime] = field(default_factory=dict)


def _is_key(person: Stakeholder) -> bool:
    return any(role in (person.roles or []) for role in KEY_ROLES)


def _states(accounts: Sequence[_Account], kam: User | None) -> list[str]:
    """The state of each account: ``kam``'s accounts first get healthy, amber, red."""
    order = sorted(
        range(len(accounts)),
        key=lambda i: (accounts[i].customer.owner_id != (kam.pk if kam else None), i),
    )
    states = [VARIED] * len(accounts)
    for position, index in enumerate(order):
        if position < len(STATE_ORDER):
            states[index] = STATE_ORDER[position]
    return states


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


def build_plans(demo: DemoWorkspace, accounts: Sequence[_Account], today: datetime.date) -> str:
    """Plans for every key account of the demo; returns a one-line summary."""
    rng = random.Random(f"plan-demo:{demo.seed}")  # noqa: S311
    workspace = demo.workspace
    kam = demo.users.get("kam")
    states = _states(accounts, kam)
    # Built again on the same accounts (the seed test does), a plan replaces the old one.
    customers = [a.customer.pk for a in accounts]
    for model in (Action, SatisfactionEntry, Objective, SwotItem, PlanText, AccountPlan):
        model._default_manager.filter(workspace=workspace, customer_id__in=customers).delete()
    plans: list[_Plan] = []
    for account, state in zip(accounts, states, strict=True):
        team = [m.user for m in account.members if m.user is not None]
        owner = account.customer.owner
        if owner is not None and owner not in team:
            team.insert(0, owner)
        plans.append(
            _Plan(
                account=account,
                state=state,
                kam=owner,
                team=team or ([owner] if owner else []),
                started_on=today - datetime.timedelta(days=rng.randint(100, 200)),
            )
        )

    account_plans = [
        AccountPlan(
            workspace=workspace,
            customer=p.account.customer,
            owner=p.kam,
            started_on=p.started_on,
            baseline=_baseline(p),
        )
        for p in plans
    ]
    AccountPlan.objects.bulk_create(account_plans)

    texts = PlanText.objects.bulk_create([t for p in plans for t in _texts(p, today, rng)])
    swot_pairs = [pair for p in plans for pair in _swot(p)]
    swots = SwotItem.objects.bulk_create([item for item, _title in swot_pairs])
    objectives = Objective.objects.bulk_create([o for p in plans for o in _objectives(p)])
    by_customer: dict[int, list[Objective]] = {}
    for objective in objectives:
        by_customer.setdefault(objective.customer_id, []).append(objective)
    actions = Action.objects.bulk_create(
        [
            action
            for p in plans
            for action in _actions(
                p,
                today,
                rng,
                [
                    (item, title)
                    for item, title in swot_pairs
                    if item.customer_id == p.account.customer.pk
                ],
                by_customer.get(p.account.customer.pk, []),
            )
        ]
    )
    satisfaction = SatisfactionEntry.objects.bulk_create(
        [entry for p in plans for entry in _satisfaction(p, today)]
    )
    concerns = _buying_center(plans, today)
    eroded = _erode_margin(demo, [p for p in plans if p.state == RED])

    # auto_now_add wrote "now": move the plans' rows back to when they were made.
    started = {p.account.customer.pk: _at(p.started_on) for p in plans}
    _backdate(AccountPlan, {a.pk: started[a.customer_id] for a in account_plans})
    _backdate(SwotItem, {s.pk: started[s.customer_id] for s in swots})
    _backdate(Objective, {o.pk: started[o.customer_id] for o in objectives})
    now = timezone.now()
    _backdate(
        Action,
        {
            a.pk: min(now, max(started[a.customer_id], _at(a.due_date) - _weeks(4)))
            for a in actions
            if a.due_date
        },
    )
    _backdate(SatisfactionEntry, {s.pk: _at(s.measured_on) for s in satisfaction})
    _backdate(PlanText, {t.pk: _at(t.confirmed_on) for t in texts if t.confirmed_on}, "updated_at")
    counts = ", ".join(
        f"{states.count(s)} {s}" for s in (HEALTHY, AMBER, RED, VARIED) if s in states
    )
    return (
        f"{len(plans)} plans ({counts}): {len(texts)} texts, {len(swots)} SWOT items,"
        f" {len(objectives)} objectives, {len(actions)} actions, {concerns} concern(s) made severe,"
        f" margin eroded on {eroded}"
    )


def _weeks(count: int) -> datetime.timedelta:
    return datetime.timedelta(weeks=count)


def _backdate(
    model: type[models.Model],
    dates: dict[int, datetime.datetime],
    column: str = "created_at",
) -> None:
    """One UPDATE giving each row its own date."""
    if not dates:
        return
    whens = [When(pk=pk, then=Value(at)) for pk, at in dates.items()]
    changes: dict[str, Any] = {column: Case(*whens, output_field=models.DateTimeField())}
    if column == "created_at" and any(f.name == "updated_at" for f in model._meta.fields):
        changes["updated_at"] = Case(*whens, output_field=models.DateTimeField())
    model._default_manager.filter(pk__in=list(dates)).update(**changes)


def _baseline(plan: _Plan) -> dict[str, Any]:
    """The leading indicators as they stood when the plan started (believable, not computed)."""
    people = plan.account.stakeholders
    started = datetime.datetime.combine(plan.started_on, datetime.time.min)
    opportunities = plan.account.opportunities
    key_players = [p for p in people if _is_key(p)]
    scores = [p.relationship_score for p in key_players if p.relationship_score is not None]
    return {
        "taken_on": plan.started_on.isoformat(),
        "opportunities_identified": max(1, len(opportunities) // 2),
        "key_players_identified": max(1, len(key_players) - 2),
        "relationship_score_average": round(sum(scores) / len(scores) - 0.3, 2) if scores else None,
        "satisfaction": {HEALTHY: 7, AMBER: 7, RED: 6}.get(plan.state, 6),
        "note": f"Taken when the plan started on {started:%d %b %Y}.",
    }


def _texts(plan: _Plan, today: datetime.date, rng: random.Random) -> list[PlanText]:
    customer = plan.account.customer
    facts = facts_for(customer.industry)
    years = rng.randint(4, 15)
    stale = {AMBER: AMBER_STALE, RED: RED_STALE, VARIED: ("competitors",)}.get(plan.state, ())
    rows = []
    for topic, text in plan_texts(customer.name, facts, years).items():
        if topic in stale:
            age = rng.randint(120, 170)
        else:
            age = rng.randint(4, 45) if plan.state == HEALTHY else rng.randint(10, 80)
        rows.append(
            PlanText(
                workspace=customer.workspace,
                customer=customer,
                topic=topic,
                text=text,
                confirmed_on=today - datetime.timedelta(days=age),
                confirmed_by=plan.kam,
            )
        )
    return rows


def _swot(plan: _Plan) -> list[tuple[SwotItem, str]]:
    customer = plan.account.customer
    items = swot_items(facts_for(customer.industry))
    if plan.state == RED:
        items.append(
            (
                "weakness",
                "A decider on their side has nobody on ours looking after them.",
                "Name an owner this week and meet them before the next steering meeting.",
                "Name an owner for the uncovered decider",
            )
        )
    return [
        (
            SwotItem(
                workspace=customer.workspace,
                customer=customer,
                kind=kind,
                text=text,
                implication=implication,
            ),
            action,
        )
        for kind, text, implication, action in items
    ]


def _objectives(plan: _Plan) -> list[Objective]:
    customer = plan.account.customer
    # "Grow revenue by 12 %": the target is the last twelve months' revenue plus 12 %, read
    # the way the objective measures itself, so its progress starts just below 90 %.
    window = sales_window(customer, reporting_currency=customer.workspace.reporting_currency)
    volume_target = _round(float(window.net_sales) * 1.12) if window.net_sales else Decimal(250000)
    sponsor = next((p for p in plan.account.stakeholders if _is_key(p)), None)
    status_of = {
        HEALTHY: (ObjectiveStatus.ON_TRACK, ObjectiveStatus.ACHIEVED),
        AMBER: (ObjectiveStatus.ON_TRACK, ObjectiveStatus.AT_RISK),
        RED: (ObjectiveStatus.AT_RISK, ObjectiveStatus.NOT_STARTED),
    }.get(plan.state, (ObjectiveStatus.ON_TRACK, ObjectiveStatus.NOT_STARTED))
    rows = []
    for number, (title, horizon, kind, goal_line, target, progress) in enumerate(OBJECTIVES):
        status = status_of[0] if number % 2 == 0 else status_of[1]
        rows.append(
            Objective(
                workspace=customer.workspace,
                customer=customer,
                title=title,
                horizon=horizon,
                kind=kind,
                goal_line=goal_line,
                target=Decimal(target)
                if target is not None
                else (volume_target if kind == "volume" else None),
                stakeholder=sponsor if kind == "win_stakeholder" else None,
                owner=plan.team[number % len(plan.team)] if plan.team else None,
                status=status,
                progress=100
                if status == ObjectiveStatus.ACHIEVED
                else (progress if status != ObjectiveStatus.NOT_STARTED else 0),
            )
        )
    return rows


def _actions(
    plan: _Plan,
    today: datetime.date,
    rng: random.Random,
    swots: list[tuple[SwotItem, str]],
    objectives: list[Objective],
) -> list[Action]:
    """One action per SWOT item, in the state the plan is in; the KAM owns the late ones."""
    customer = plan.account.customer
    live = [
        o
        for o in plan.account.opportunities
        if o.state in (OpportunityState.IN_PROGRESS, OpportunityState.EARLY_STAGE)
    ]
    people = [p for p in plan.account.stakeholders if _is_key(p)]
    overdue = {AMBER: 2, RED: 1, VARIED: 1}.get(plan.state, 0)
    rows = []
    for number, (item, title) in enumerate(swots):
        owner = (
            plan.kam
            if number < overdue
            else (plan.team[number % len(plan.team)] if plan.team else None)
        )
        if number < overdue:
            due, status = today - datetime.timedelta(days=rng.randint(6, 20)), ActionStatus.OPEN
        elif number == overdue:
            due, status = (
                today + datetime.timedelta(days=rng.randint(1, 5)),
                ActionStatus.IN_PROGRESS,
            )
        elif number % 3 == 0:
            due, status = today - datetime.timedelta(days=rng.randint(10, 40)), ActionStatus.DONE
        else:
            due, status = today + datetime.timedelta(days=rng.randint(14, 90)), ActionStatus.OPEN
        rows.append(
            Action(
                workspace=customer.workspace,
                customer=customer,
                title=title,
                owner=owner,
                milestone="Before the framework renewal" if item.kind == "threat" else "",
                due_date=due,
                status=status,
                done_on=due if status == ActionStatus.DONE else None,
                swot_item=item,
                objective=objectives[number % len(objectives)] if objectives else None,
                opportunity=live[number % len(live)] if live and number % 2 == 0 else None,
                stakeholder=people[number % len(people)]
                if people and item.kind == "weakness"
                else None,
            )
        )
    return rows


def _satisfaction(plan: _Plan, today: datetime.date) -> list[SatisfactionEntry]:
    customer = plan.account.customer
    scores = {HEALTHY: (7, 8, 8), AMBER: (7, 7, 6), RED: (6, 5, 4)}.get(plan.state, (6, 7, 7))
    sources = ("Annual survey", "Quarterly review meeting", "Call with the plant manager")
    return [
        SatisfactionEntry(
            workspace=customer.workspace,
            customer=customer,
            measured_on=today - datetime.timedelta(days=days),
            score=score,
            source=source,
        )
        for days, score, source in zip((170, 90, 20), scores, sources, strict=True)
    ]


def _buying_center(plans: Sequence[_Plan], today: datetime.date) -> int:
    """Make the buying center agree with each plan's state; returns concerns made severe."""
    now = _at(today)
    changed: list[Stakeholder] = []
    calm_customers: list[int] = []
    severe: list[StakeholderNeed] = []
    for plan in plans:
        key = [p for p in plan.account.stakeholders if _is_key(p)]
        owners = plan.account.members
        if plan.state in (HEALTHY, AMBER) and key:
            calm_customers.append(plan.account.customer.pk)
            for number, person in enumerate(key):
                if person.owner_id is None and owners:
                    person.owner = owners[number % len(owners)]
                person.relationship_score = max(1, person.relationship_score or 1)
            # Health reads every person's assessment and every opponent, not only the key
            # players': the calm plans are assessed lately and face no powerful opponent.
            for number, person in enumerate(plan.account.stakeholders):
                person.assessed_at = now - datetime.timedelta(days=10 + 3 * (number % 20))
                person.opponent_influencer = False
            # The amber story is the plan's own: stale sections and overdue actions
            # (two signals; a declining margin in the data may add a third).
            changed.extend(plan.account.stakeholders)
        elif plan.state == RED and key:
            decider = next((p for p in key if BuyingRole.DECIDER in p.roles), key[0])
            decider.owner = None
            changed.append(decider)
            live = next(
                (
                    o
                    for o in plan.account.opportunities
                    if o.state in (OpportunityState.IN_PROGRESS, OpportunityState.EARLY_STAGE)
                ),
                None,
            )
            if live is not None:
                severe.append(
                    StakeholderNeed(
                        workspace=plan.account.customer.workspace,
                        opportunity=live,
                        stakeholder=decider,
                        kind=StakeholderNeedKind.CONCERN,
                        nature="relational",
                        description=(
                            "Says our last two call-outs came a day late and that nobody"
                            " from our side has been to see them since the spring."
                        ),
                        severity=Severity.HIGH,
                        status=NeedStatus.OPEN,
                        high_anxiety=["old_objections", "credibility_questioned"],
                        verified_on=today - datetime.timedelta(days=6),
                    )
                )
    if changed:
        Stakeholder.objects.bulk_update(
            changed, ["owner", "assessed_at", "opponent_influencer", "relationship_score"]
        )
    if calm_customers:
        # The calm plans carry no open severe concern nor unmet expectation any more.
        StakeholderNeed.objects.filter(opportunity__customer_id__in=calm_customers).exclude(
            status=NeedStatus.ADDRESSED
        ).filter(severity__in=[Severity.HIGH, ""]).update(status=NeedStatus.ADDRESSED)
    StakeholderNeed.objects.bulk_create(severe)
    return len(severe)


def _erode_margin(demo: DemoWorkspace, plans: Sequence[_Plan]) -> int:
    """The red account's margin declines: its costs rose 3 points last year and 7 this year.

    Two UPDATEs on its sales lines, announced like any change of sales, so the
    scores (and the margin trend of the plan and of health) are computed again.
    """
    ids = [p.account.customer.pk for p in plans]
    if not ids:
        return 0
    lines = SalesLine.objects.filter(workspace=demo.workspace, customer_id__in=ids)
    for year, points in ((demo.period_end.year - 1, "0.03"), (demo.period_end.year, "0.07")):
        lines.filter(date__year=year).update(
            cost_of_goods=F("cost_of_goods") + F("net_sales") * Decimal(points)
        )
    sales_inputs_changed(workspace=demo.workspace, customer_ids=ids)
    return len(ids)


def recompute_health(demo: DemoWorkspace) -> str:
    """Compute every demo key account's health, so the first screen already tells its story."""
    changed = health_recompute(workspace=demo.workspace)
    return f"health computed for {changed} accounts"
