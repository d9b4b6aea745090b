"""The plan's SWOT section: items in four quadrants, what is incomplete, and suggestions.

An item is complete when it says what it means for us (an implication) and at
least one action answers it; the plan counts as complete when every item is.
The context is read in a fixed number of queries, whatever the number of
items, stakeholders or Open Space cells.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from accounts.models import Customer
from kam.changelog.models import ChangeLogEntry
from kam.changelog.selectors import change_log_for_account
from kam.workspaces.models import Workspace
from planning.models import SwotDismissal, SwotItem, SwotKind
from planning.open_space.selectors import Matrix
from planning.plan.swot_suggestions import Suggestion, swot_suggestions

#: What each quadrant holds, said once under its heading.
QUADRANT_HELP: dict[str, str] = {
    SwotKind.STRENGTH: "What we do well at this account.",
    SwotKind.WEAKNESS: "Where we are exposed at this account.",
    SwotKind.OPPORTUNITY: "What the customer or their market opens up for us.",
    SwotKind.THREAT: "What could cost us business here.",
}
#: Suggestions shown per quadrant: on a large account every unowned decider would be one,
#: and a wall of them helps nobody. The next ones appear as these are accepted or dismissed.
SUGGESTIONS_SHOWN = 3

QUADRANT_TITLES: dict[str, str] = {
    SwotKind.STRENGTH: "Strengths",
    SwotKind.WEAKNESS: "Weaknesses",
    SwotKind.OPPORTUNITY: "Opportunities",
    SwotKind.THREAT: "Threats",
}


def url_or_blank(name: str, query: str = "", **kwargs: Any) -> str:
    """``reverse(name)`` with ``?query``, or "" while that page does not exist yet."""
    try:
        url = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""
    return f"{url}?{query}" if query else url


def last_change(
    workspace: Workspace, customer: Customer, models: tuple[str, ...]
) -> ChangeLogEntry | None:
    """The latest change-log entry of this account about rows of ``models`` (one query).

    Read through the content type's names, not its id, so that no content-type
    lookup adds a query the first time.
    """
    return (
        change_log_for_account(workspace=workspace, account_id=customer.pk)
        .filter(content_type__app_label="planning", content_type__model__in=models)
        .order_by("-at", "-pk")
        .first()
    )


@dataclass
class ItemRow:
    item: SwotItem
    action_count: int
    add_action_url: str
    edit_url: str

    @property
    def missing(self) -> list[str]:
        """What the item still needs to count as complete, in plain words."""
        needs = []
        if not self.item.implication.strip():
            needs.append("an implication")
        if not self.action_count:
            needs.append("an action")
        return needs

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass
class Quadrant:
    kind: str
    label: str
    help: str
    rows: list[ItemRow] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    more_suggestions: int = 0


def section(
    *,
    workspace: Workspace,
    customer: Customer,
    user: Any,
    today: datetime.date,
    matrix: Matrix | None = None,
) -> dict[str, Any]:
    """``matrix``: the account's Open Space matrix if the caller built it (else read here)."""
    items = list(
        SwotItem.objects.filter(workspace=workspace, customer_id=customer.pk)
        .annotate(action_count=Count("actions"))
        .order_by("kind", "pk")
    )
    taken = {item.suggestion_key for item in items if item.suggestion_key}
    taken |= set(
        SwotDismissal.objects.filter(workspace=workspace, customer_id=customer.pk).values_list(
            "suggestion_key", flat=True
        )
    )
    suggestions = swot_suggestions(customer, today=today, taken=taken, matrix=matrix)
    quadrants = {
        kind: Quadrant(kind=kind, label=QUADRANT_TITLES[kind], help=QUADRANT_HELP[kind])
        for kind in SwotKind.values
    }
    rows: list[ItemRow] = []
    for item in items:
        row = ItemRow(
            item=item,
            action_count=item.action_count,
            add_action_url=url_or_blank(
                "account-plan-action-add", f"swot_item={item.pk}", customer_id=customer.pk
            ),
            edit_url=reverse(
                "account-plan-swot-edit",
                kwargs={"customer_id": customer.pk, "swot_item_id": item.pk},
            ),
        )
        quadrants[item.kind].rows.append(row)
        rows.append(row)
    for suggestion in suggestions:
        quadrant = quadrants[suggestion.kind]
        if len(quadrant.suggestions) < SUGGESTIONS_SHOWN:
            quadrant.suggestions.append(suggestion)
        else:
            quadrant.more_suggestions += 1
    incomplete = [row for row in rows if not row.complete]
    return {
        "customer": customer,
        "quadrants": list(quadrants.values()),
        "item_count": len(rows),
        "incomplete": incomplete,
        "complete": bool(rows) and not incomplete,
        "suggestions": suggestions,
        "last_change": last_change(workspace, customer, ("swotitem", "swotdismissal")),
        "add_url": reverse("account-plan-swot-add", kwargs={"customer_id": customer.pk}),
        "accept_url": reverse("account-plan-swot-accept", kwargs={"customer_id": customer.pk}),
        "dismiss_url": reverse("account-plan-swot-dismiss", kwargs={"customer_id": customer.pk}),
    }
