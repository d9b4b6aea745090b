"""My week: what needs doing on a person's key accounts, each line pointing at its fix.

A KAM sees, across the key accounts they own (and the actions they own on
other accounts): actions overdue or due in the next seven days, hand-typed plan
texts nobody confirmed for :data:`~planning.models.plan.STALE_AFTER_DAYS`,
stakeholder assessments gone stale, deciders and facilitators nobody on our side
owns, and reviews due. An executive sees the same lines for every key account,
grouped per KAM.

Everything is read in a fixed number of queries whatever the number of
accounts (one per kind of line), so the home page costs the same for a KAM
with two accounts and an executive with two hundred.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Customer, CustomerStatus
from buying_center.models import BuyingRole, Stakeholder
from buying_center.selectors import stale_cutoff
from kam.workspaces.models import Workspace
from planning.health.selectors import HealthBadge, health_badges
from planning.models import (
    ACTION_OPEN_STATUSES,
    GROWTH_TOPICS,
    STALE_AFTER_DAYS,
    Action,
    PlanText,
    PlanTopic,
)
from planning.plan.links import plan_url
from planning.reviews.selectors import reviews_due as due_reviews

#: "Due this week" looks this many days ahead, today included.
DUE_WINDOW_DAYS = 7

#: The buying roles whose assessment and coverage My week watches: the people who decide.
KEY_ROLES: tuple[str, ...] = (BuyingRole.DECIDER, BuyingRole.FACILITATOR)


class LineKind:
    """What a line of My week is about; also its group on the page, in this order."""

    OVERDUE = "overdue"
    DUE = "due"
    STALE_TEXT = "stale_text"
    NO_PROFILE = "no_profile"
    STALE_ASSESSMENT = "stale_assessment"
    UNCOVERED = "uncovered"
    REVIEW_DUE = "review_due"


#: The page's groups: (title, the kinds of line in it).
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Actions", (LineKind.OVERDUE, LineKind.DUE)),
    ("Plan sections to confirm", (LineKind.NO_PROFILE, LineKind.STALE_TEXT)),
    ("Deciders nobody owns", (LineKind.UNCOVERED,)),
    ("Assessments to redo", (LineKind.STALE_ASSESSMENT,)),
    ("Reviews due", (LineKind.REVIEW_DUE,)),
)


@dataclass(frozen=True)
class WeekLine:
    kind: str  # a LineKind value
    customer_id: int
    customer_name: str
    text: str  # what it is about: the action's title, the section's name, the person's name
    detail: str  # why it is listed, with its date
    url: str  # the exact place to fix it
    overdue: bool = False
    owner_name: str = ""  # for actions: who owns it, when it is not the reader
    sort_date: datetime.date | None = None


@dataclass(frozen=True)
class WeekGroup:
    title: str
    lines: list[WeekLine]


@dataclass
class AccountFlags:
    """What a list of accounts marks per account: overdue actions and stale texts."""

    overdue_actions: int = 0
    stale_texts: int = 0
    no_profile: bool = False


@dataclass
class MyWeek:
    lines: list[WeekLine] = field(default_factory=list)

    @property
    def groups(self) -> list[WeekGroup]:
        groups = []
        for title, kinds in GROUPS:
            lines = [line for line in self.lines if line.kind in kinds]
            if lines:
                groups.append(WeekGroup(title, lines))
        return groups

    @property
    def overdue_count(self) -> int:
        return sum(1 for line in self.lines if line.kind == LineKind.OVERDUE)

    def __len__(self) -> int:
        return len(self.lines)


@dataclass(frozen=True)
class KamWeek:
    """One KAM's accounts and their week, as an executive sees it."""

    name: str
    user_id: int | None
    accounts: list[Customer]
    week: MyWeek


# -- links -------------------------------------------------------------------------


def url_or_blank(name: str, **kwargs: object) -> str:
    """The URL of a page, or "" while that page does not exist in this build."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def action_url(customer_id: int, action_id: int) -> str:
    return url_or_blank(
        "account-plan-action-edit", customer_id=customer_id, action_id=action_id
    ) or plan_url(customer_id, "actions")


def topic_anchor(topic: str) -> str:
    """The plan section a hand-typed text sits in."""
    if topic in GROWTH_TOPICS:
        return "growth"
    if topic == PlanTopic.VALUE_PROPOSITION:
        return "value-proposition"
    return "profile"


# -- reading -------------------------------------------------------------------------


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _day(date: datetime.date) -> str:
    return f"{date.day} {date:%b %Y}"


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def reviews_due(
    *, workspace: Workspace, customer_ids: Sequence[int], today: datetime.date
) -> list[WeekLine]:
    """Scheduled reviews on these accounts, overdue or due in the next seven days (1 query)."""
    lines = []
    for review in due_reviews(workspace=workspace, customer_ids=customer_ids, today=today):
        late = (today - review.scheduled_on).days
        if late > 0:
            detail = f"overdue: planned for {_day(review.scheduled_on)}, {_days(late)} ago"
        elif late == 0:
            detail = "today"
        else:
            detail = f"on {_day(review.scheduled_on)}"
        lines.append(
            WeekLine(
                kind=LineKind.REVIEW_DUE,
                customer_id=review.customer_id,
                customer_name=review.customer.name,
                text=review.get_kind_display(),
                detail=detail,
                url=reverse(
                    "account-review",
                    kwargs={"customer_id": review.customer_id, "review_id": review.pk},
                ),
                overdue=late > 0,
                sort_date=review.scheduled_on,
            )
        )
    return lines


def _action_lines(
    *,
    workspace: Workspace,
    customer_ids: Sequence[int],
    also_owner: User | None,
    reader: User | None,
    today: datetime.date,
) -> list[WeekLine]:
    horizon = today + datetime.timedelta(days=DUE_WINDOW_DAYS - 1)
    scope = Q(customer_id__in=list(customer_ids))
    if also_owner is not None:
        scope |= Q(owner_id=also_owner.pk)
    actions = (
        Action.objects.filter(
            workspace=workspace,
            status__in=ACTION_OPEN_STATUSES,
            due_date__isnull=False,
            due_date__lte=horizon,
        )
        .filter(scope)
        .select_related("customer", "owner")
        .order_by("due_date", "pk")
    )
    lines = []
    for action in actions:
        assert action.due_date is not None  # filtered above
        late = (today - action.due_date).days
        if late > 0:
            kind, detail = LineKind.OVERDUE, f"Due {_day(action.due_date)}, {_days(late)} overdue"
        elif late == 0:
            kind, detail = LineKind.DUE, "Due today"
        else:
            kind, detail = LineKind.DUE, f"Due {action.due_date:%A} {_day(action.due_date)}"
        owner = "" if reader is not None and action.owner_id == reader.pk else _name(action.owner)
        if action.owner_id is None:
            owner = "nobody"
        lines.append(
            WeekLine(
                kind=kind,
                customer_id=action.customer_id,
                customer_name=action.customer.name,
                text=action.title,
                detail=detail,
                url=action_url(action.customer_id, action.pk),
                overdue=late > 0,
                owner_name=owner,
                sort_date=action.due_date,
            )
        )
    return lines


def _text_lines(
    *, workspace: Workspace, accounts: Sequence[Customer], today: datetime.date
) -> list[WeekLine]:
    cutoff = today - datetime.timedelta(days=STALE_AFTER_DAYS)
    texts: dict[int, list[tuple[str, datetime.date | None]]] = defaultdict(list)
    for customer_id, topic, confirmed_on in (
        PlanText.objects.filter(workspace=workspace, customer__in=[a.pk for a in accounts])
        .values_list("customer_id", "topic", "confirmed_on")
        .order_by("customer_id", "topic")
    ):
        texts[customer_id].append((topic, confirmed_on))
    labels = dict(PlanTopic.choices)
    lines = []
    for account in accounts:
        if not texts[account.pk]:
            lines.append(
                WeekLine(
                    kind=LineKind.NO_PROFILE,
                    customer_id=account.pk,
                    customer_name=account.name,
                    text="Customer profile",
                    detail="Profile not written yet",
                    url=plan_url(account.pk, "profile"),
                )
            )
            continue
        for topic, confirmed_on in texts[account.pk]:
            if confirmed_on is not None and confirmed_on >= cutoff:
                continue
            if confirmed_on is None:
                detail = "Never confirmed"
            else:
                age = _days((today - confirmed_on).days)
                detail = f"Last confirmed {_day(confirmed_on)}, {age} ago"
            lines.append(
                WeekLine(
                    kind=LineKind.STALE_TEXT,
                    customer_id=account.pk,
                    customer_name=account.name,
                    text=labels.get(topic, topic),
                    detail=detail,
                    url=plan_url(account.pk, topic_anchor(topic)),
                    sort_date=confirmed_on,
                )
            )
    return lines


def _stakeholder_lines(
    *, workspace: Workspace, accounts: Sequence[Customer], today: datetime.date
) -> list[WeekLine]:
    names = {a.pk: a.name for a in accounts}
    # Roles are a JSON list, which SQLite cannot search: read the few columns of
    # every stakeholder of these accounts and keep the key players here.
    people = Stakeholder.objects.filter(workspace=workspace, customer__in=list(names)).only(
        "id", "customer_id", "name", "roles", "owner_id", "assessed_at"
    )
    cutoff = stale_cutoff()
    role_names = dict(BuyingRole.choices)
    uncovered, stale = [], []
    for person in people.order_by("customer_id", "name", "pk"):
        roles = [role for role in KEY_ROLES if role in (person.roles or [])]
        if not roles:
            continue
        role = " and ".join(role_names[r].lower() for r in roles)
        if person.owner_id is None:
            uncovered.append(
                WeekLine(
                    kind=LineKind.UNCOVERED,
                    customer_id=person.customer_id,
                    customer_name=names[person.customer_id],
                    text=person.name,
                    detail=f"{role.capitalize()} without an owner on our side",
                    url=reverse(
                        "stakeholder-edit",
                        kwargs={"customer_id": person.customer_id, "stakeholder_id": person.pk},
                    ),
                )
            )
        if person.assessed_at is None or person.assessed_at < cutoff:
            assessed = person.assessed_at
            detail = (
                "Never assessed"
                if assessed is None
                else f"Last assessed {_day(assessed.date())},"
                f" {_days((today - assessed.date()).days)} ago"
            )
            stale.append(
                WeekLine(
                    kind=LineKind.STALE_ASSESSMENT,
                    customer_id=person.customer_id,
                    customer_name=names[person.customer_id],
                    text=person.name,
                    detail=f"{role.capitalize()}: {detail[0].lower()}{detail[1:]}",
                    url=reverse(
                        "stakeholder-detail",
                        kwargs={"customer_id": person.customer_id, "stakeholder_id": person.pk},
                    ),
                    sort_date=assessed.date() if assessed else None,
                )
            )
    return uncovered + stale


def week_lines(
    *,
    workspace: Workspace,
    accounts: Sequence[Customer],
    also_owner: User | None = None,
    reader: User | None = None,
    today: datetime.date | None = None,
) -> list[WeekLine]:
    """Every line of these accounts' week (plus ``also_owner``'s actions elsewhere). 4 queries."""
    today = today or timezone.localdate()
    ids = [a.pk for a in accounts]
    return [
        *_action_lines(
            workspace=workspace, customer_ids=ids, also_owner=also_owner, reader=reader, today=today
        ),
        *_text_lines(workspace=workspace, accounts=accounts, today=today),
        *_stakeholder_lines(workspace=workspace, accounts=accounts, today=today),
        *reviews_due(workspace=workspace, customer_ids=ids, today=today),
    ]


def key_accounts(*, workspace: Workspace, owner: User | None = None) -> list[Customer]:
    """Key accounts by name, with their KAM; only ``owner``'s when given. One query."""
    accounts = Customer.objects.filter(
        workspace=workspace, status=CustomerStatus.KEY_ACCOUNT
    ).select_related("owner")
    if owner is not None:
        accounts = accounts.filter(owner_id=owner.pk)
    return list(accounts.order_by("name", "pk"))


def my_week(
    *,
    workspace: Workspace,
    user: User,
    accounts: Sequence[Customer] | None = None,
    today: datetime.date | None = None,
) -> MyWeek:
    """The week of one KAM: their key accounts, and the actions they own anywhere."""
    if accounts is None:
        accounts = key_accounts(workspace=workspace, owner=user)
    return MyWeek(
        week_lines(
            workspace=workspace, accounts=accounts, also_owner=user, reader=user, today=today
        )
    )


def account_flags(lines: Iterable[WeekLine]) -> dict[int, AccountFlags]:
    """Per account, what a list marks: overdue actions, stale texts, profile missing."""
    flags: dict[int, AccountFlags] = defaultdict(AccountFlags)
    for line in lines:
        if line.kind == LineKind.OVERDUE:
            flags[line.customer_id].overdue_actions += 1
        elif line.kind == LineKind.STALE_TEXT:
            flags[line.customer_id].stale_texts += 1
        elif line.kind == LineKind.NO_PROFILE:
            flags[line.customer_id].no_profile = True
    return flags


def weeks_per_kam(*, accounts: Sequence[Customer], lines: Iterable[WeekLine]) -> list[KamWeek]:
    """The lines of every key account grouped per KAM (accounts nobody owns last). No query."""
    ordered = list(lines)
    per_owner: dict[int | None, list[Customer]] = defaultdict(list)
    for account in accounts:
        per_owner[account.owner_id].append(account)
    weeks = []
    for owner_id, owned in per_owner.items():
        owner = owned[0].owner
        ids = {account.pk for account in owned}
        # In the order the lines came in (most overdue first), not account by account.
        name = _name(owner)
        # Under the KAM's own heading their name on each action says nothing new.
        week = MyWeek(
            [
                replace(line, owner_name="") if name and line.owner_name == name else line
                for line in ordered
                if line.customer_id in ids
            ]
        )
        weeks.append(KamWeek(name or "No KAM named", owner_id, owned, week))
    weeks.sort(key=lambda kam: (kam.user_id is None, kam.name.lower()))
    return weeks


# -- account lists -------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    """One key account in a list: where it links, its health, and what is late on it."""

    customer: Customer
    url: str
    badge: HealthBadge | None
    flags: AccountFlags


def account_rows(
    *, workspace: Workspace, accounts: Sequence[Customer], lines: Iterable[WeekLine]
) -> list[AccountRow]:
    """The rows of an account list, with health badges read in one query."""
    flags = account_flags(lines)
    badges = health_badges(workspace=workspace, customer_ids=[a.pk for a in accounts])
    return [
        AccountRow(
            customer=account,
            url=plan_url(account.pk),
            badge=badges.get(account.pk),
            flags=flags.get(account.pk) or AccountFlags(),
        )
        for account in accounts
    ]
