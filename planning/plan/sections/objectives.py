"""The plan's objectives section: grouped by horizon, each with its measure and progress.

Volume and margin objectives read their measure from the sales lines (see
:mod:`planning.plan.objective_measures`); the rest show what the team typed.
The context is read in a fixed number of queries, whatever the number of objectives.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.urls import reverse

from accounts.models import Customer
from kam.workspaces.models import Workspace
from planning.models import ECONOMIC_KINDS, Horizon, Objective, ObjectiveKind, ObjectiveStatus
from planning.plan.objective_measures import Measure, SalesWindow, objective_measure, sales_window
from planning.plan.sections.swot import last_change, url_or_blank

#: Statuses that end an objective: it no longer needs driving.
CLOSED_STATUSES = (ObjectiveStatus.ACHIEVED, ObjectiveStatus.DROPPED)


def amount(value: Decimal | None, unit: str) -> str:
    """ "2,400,000 EUR", "18.5 %"; "" for nothing."""
    if value is None:
        return ""
    if unit == "%":
        return f"{value:.1f} %"
    shown = (
        f"{value:,.0f}"
        if value == value.to_integral_value() or abs(value) >= 1000
        else f"{value:,.2f}"
    )
    return f"{shown} {unit}".strip()


@dataclass
class ObjectiveRow:
    objective: Objective
    measure: Measure
    action_count: int
    add_action_url: str
    edit_url: str
    delete_url: str
    currency: str

    @property
    def is_economic(self) -> bool:
        return self.objective.kind in ECONOMIC_KINDS

    @property
    def target_text(self) -> str:
        unit = self._unit()
        return amount(self.objective.target, unit)

    @property
    def measure_text(self) -> str:
        return amount(self.measure.value, self._unit())

    def _unit(self) -> str:
        kind = self.objective.kind
        if kind == ObjectiveKind.MARGIN:
            return "%"
        if kind == ObjectiveKind.VOLUME:
            return self.currency
        return ""

    @property
    def bar(self) -> int | None:
        """The progress bar's width: the progress, capped at 100."""
        progress = self.measure.progress
        return None if progress is None else max(0, min(progress, 100))


@dataclass
class HorizonGroup:
    horizon: str
    label: str
    rows: list[ObjectiveRow] = field(default_factory=list)


def section(
    *, workspace: Workspace, customer: Customer, user: Any, today: datetime.date
) -> dict[str, Any]:
    objectives = list(
        Objective.objects.filter(workspace=workspace, customer_id=customer.pk)
        .select_related("owner", "stakeholder")
        .annotate(action_count=Count("actions"))
        .order_by("pk")
    )
    currency = workspace.reporting_currency.upper()
    # Only read the sales lines when an objective measures itself from them.
    needs_sales = any(o.kind in (ObjectiveKind.VOLUME, ObjectiveKind.MARGIN) for o in objectives)
    window = sales_window(customer, reporting_currency=currency) if needs_sales else None
    groups = {value: HorizonGroup(horizon=value, label=label) for value, label in Horizon.choices}
    empty = SalesWindow(up_to=None, currency=currency)
    for objective in objectives:
        kwargs = {"customer_id": customer.pk, "objective_id": objective.pk}
        groups[objective.horizon].rows.append(
            ObjectiveRow(
                objective=objective,
                measure=objective_measure(objective, window or empty),
                action_count=objective.action_count,
                add_action_url=url_or_blank(
                    "account-plan-action-add", f"objective={objective.pk}", customer_id=customer.pk
                ),
                edit_url=reverse("account-plan-objective-edit", kwargs=kwargs),
                delete_url=reverse("account-plan-objective-delete", kwargs=kwargs),
                currency=currency,
            )
        )
    return {
        "customer": customer,
        "groups": list(groups.values()),
        "objective_count": len(objectives),
        "sales_window": window,
        "last_change": last_change(workspace, customer, ("objective",)),
        "add_url": reverse("account-plan-objective-add", kwargs={"customer_id": customer.pk}),
    }
