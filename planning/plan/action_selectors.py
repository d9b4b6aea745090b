"""Reading the action list: overdue, owners who left, and one account's actions.

Every reader of actions (the plan, the opportunity page, the pipeline, health,
My week) uses :func:`action_is_overdue` (in Python) or :func:`overdue_q` (in a
query), so "overdue" means the same thing everywhere: still to do (open or in
progress) and past its due date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from accounts.models import Customer
from kam.changelog.services import person_name
from kam.workspaces.models import Membership, Workspace
from planning.models import ACTION_OPEN_STATUSES, Action
from planning.plan.links import plan_url

#: How many finished actions the plan shows under "Recently done".
RECENT_DONE = 10


def action_is_overdue(action: Any, today: datetime.date) -> bool:
    """Still to do and past its due date."""
    return bool(
        action.status in ACTION_OPEN_STATUSES
        and action.due_date is not None
        and action.due_date < today
    )


def overdue_q(today: datetime.date) -> Q:
    """:func:`action_is_overdue` in the database, for querysets of actions."""
    return Q(status__in=ACTION_OPEN_STATUSES, due_date__lt=today)


def current_member_ids(workspace_id: int) -> set[int]:
    """Ids of the people who are members of the workspace now (one query)."""
    return set(
        Membership.objects.filter(workspace_id=workspace_id, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def _section_url(customer_id: int, anchor: str, page: str) -> str:
    """The plan at ``anchor``, or the section's own ``page`` while there is no plan page."""
    try:
        reverse("account-plan", kwargs={"customer_id": customer_id})
    except NoReverseMatch:
        try:
            return f"{reverse(page, kwargs={'customer_id': customer_id})}#{anchor}"
        except NoReverseMatch:
            pass
    return plan_url(customer_id, anchor)


@dataclass(frozen=True)
class ActionLink:
    """What an action serves, answers or concerns, and where to see it."""

    kind: str
    text: str
    url: str


@dataclass(frozen=True)
class ActionRow:
    action: Action
    owner_name: str
    owner_left: bool
    overdue: bool
    links: list[ActionLink] = field(default_factory=list)


@dataclass
class AccountActions:
    """One account's actions: still to do (overdue first, then by date), and recently done."""

    open: list[ActionRow]
    done: list[ActionRow]
    done_total: int

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in self.open if row.overdue)

    @property
    def older_done(self) -> int:
        return self.done_total - len(self.done)


def _links(action: Action) -> list[ActionLink]:
    customer_id = action.customer_id
    links: list[ActionLink] = []
    if action.objective is not None:
        links.append(
            ActionLink(
                "Objective",
                action.objective.title,
                _section_url(customer_id, "objectives", "account-plan-objectives"),
            )
        )
    if action.swot_item is not None:
        item = action.swot_item
        links.append(ActionLink(item.get_kind_display(), item.text, plan_url(customer_id, "swot")))
    if action.opportunity is not None:
        links.append(
            ActionLink(
                "Opportunity",
                action.opportunity.title,
                reverse(
                    "account-opportunity",
                    kwargs={"customer_id": customer_id, "opportunity_id": action.opportunity_id},
                ),
            )
        )
    if action.stakeholder is not None:
        links.append(
            ActionLink(
                "Stakeholder",
                action.stakeholder.name,
                reverse(
                    "stakeholder-detail",
                    kwargs={"customer_id": customer_id, "stakeholder_id": action.stakeholder_id},
                ),
            )
        )
    if action.concern is not None:
        concern = action.concern
        url = reverse(
            "account-opportunity",
            kwargs={"customer_id": customer_id, "opportunity_id": concern.opportunity_id},
        )
        links.append(ActionLink("Concern", _short(concern.description), f"{url}#needs"))
    return links


def _short(text: str, size: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _with_links(queryset: QuerySet[Action]) -> QuerySet[Action]:
    return queryset.select_related(
        "owner", "objective", "swot_item", "opportunity", "stakeholder", "concern"
    )


def account_actions(
    *, workspace: Workspace, customer: Customer, today: datetime.date
) -> AccountActions:
    """Four queries whatever the number of actions: members, open, recently done, done count."""
    base = Action.objects.filter(workspace=workspace, customer=customer)
    members = current_member_ids(workspace.pk)

    def row(action: Action) -> ActionRow:
        return ActionRow(
            action=action,
            owner_name=person_name(action.owner),
            owner_left=action.owner_id is not None and action.owner_id not in members,
            overdue=action_is_overdue(action, today),
            links=_links(action),
        )

    still_to_do = [
        row(a)
        for a in _with_links(base.filter(status__in=ACTION_OPEN_STATUSES)).order_by(
            F("due_date").asc(nulls_last=True), "pk"
        )
    ]
    # Overdue first (already by date among themselves), then the rest by date.
    still_to_do.sort(key=lambda r: not r.overdue)
    finished = list(
        _with_links(base.exclude(status__in=ACTION_OPEN_STATUSES)).order_by(
            F("done_on").desc(nulls_last=True), "-updated_at", "-pk"
        )[:RECENT_DONE]
    )
    return AccountActions(
        open=still_to_do,
        done=[row(a) for a in finished],
        done_total=base.exclude(status__in=ACTION_OPEN_STATUSES).count(),
    )
