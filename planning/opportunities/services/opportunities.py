"""The opportunity itself: its fields checked as a whole, its warnings, its change log."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import Customer
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import delete_if_version, update_if_version
from kam.workspaces.models import Workspace
from planning.models import (
    OPEN_STATES,
    GrowthType,
    Opportunity,
    OpportunityState,
    Origin,
    ProjectPhase,
)
from planning.opportunities.services.checks import (
    _check_workspace,
    _choice,
    _decimal,
    _only,
    check_cell,
    check_user,
)
from selling_center.models import BuyingStage

_MAX_VALUE = Decimal("1e16")

#: The four CABS checkpoints: field -> what the evidence must show (the refusal's wording).
CABS_CHECKPOINTS: dict[str, tuple[str, str]] = {
    "compelling_reason": (
        "Compelling reason",
        "Say what shows the customer has a compelling reason.",
    ),
    "authority_leverage": (
        "Authority leverage",
        "Say what shows we can reach and influence the people who decide.",
    ),
    "budget_availability": (
        "Budget availability",
        "Say what shows the budget is available.",
    ),
    "supporting_allies": (
        "Supporting allies",
        "Say who supports us inside the customer and what shows it.",
    ),
}


VP_FIELDS = (
    "vp_needs_justify_price",
    "vp_strengths_ahead",
    "vp_benefits_demonstrated",
    "vp_more_expensive",
)


OPPORTUNITY_FIELDS = frozenset(
    {
        "title",
        "description",
        "origin",
        "state",
        "value",
        "margin_percent",
        "probability",
        "expected_close",
        "buying_stage",
        "growth_type",
        "phase",
        "economic_objectives",
        "sociopolitical_objectives",
        "open_space_cell",
        "owner",
        *CABS_CHECKPOINTS,
        *(f"{name}_evidence" for name in CABS_CHECKPOINTS),
        *VP_FIELDS,
    }
)


def _clean_opportunity(
    workspace: Workspace, customer: Customer, state: dict[str, Any]
) -> dict[str, Any]:
    """Check the whole would-be row (current values merged with the changes)."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    title = str(state.get("title") or "").strip()
    if not title:
        refuse("title", "Give the opportunity a title, e.g. “Relining of furnace 3”.")
    state["title"] = title[:200]
    for field, choices, noun, blank in (
        ("origin", Origin, "origin", False),
        ("state", OpportunityState, "state", False),
        ("buying_stage", BuyingStage, "buying stage", True),
        ("growth_type", GrowthType, "growth type", True),
        ("phase", ProjectPhase, "project phase", False),
    ):
        try:
            state[field] = _choice(state.get(field), choices, field, noun, blank=blank)
        except ValidationError as error:
            refuse(field, error.message_dict[field][0])
    try:
        value = _decimal(state.get("value"), "value", "The value")
        if value is None:
            value = Decimal("0")
        if value < 0:
            refuse("value", f"The value cannot be below zero; you gave {value}.")
        elif value >= _MAX_VALUE:
            refuse("value", "The value is too large; give it in the reporting currency.")
        state["value"] = value
    except ValidationError as error:
        refuse("value", error.message_dict["value"][0])
    try:
        margin = _decimal(state.get("margin_percent"), "margin_percent", "The margin")
        if margin is not None and not Decimal(-100) <= margin <= Decimal(100):
            refuse(
                "margin_percent",
                f"The margin is a percent of the value between -100 and 100; you gave {margin}.",
            )
        state["margin_percent"] = margin
    except ValidationError as error:
        refuse("margin_percent", error.message_dict["margin_percent"][0])
    probability = state.get("probability")
    if probability in (None, ""):
        refuse("probability", "Give the chance of winning, a percent between 0 and 100.")
    else:
        try:
            number = int(probability)
            if isinstance(probability, bool) or number != Decimal(str(probability)):
                raise ValueError
        except (TypeError, ValueError, InvalidOperation):
            refuse("probability", f"The probability is a whole percent; you gave {probability!r}.")
        else:
            if not 0 <= number <= 100:
                refuse(
                    "probability",
                    f"The probability is a percent between 0 and 100; you gave {number}.",
                )
            state["probability"] = number
    close = state.get("expected_close")
    if close is not None and not isinstance(close, datetime.date):
        refuse("expected_close", "The expected close must be a date.")
    for field, (label, hint) in CABS_CHECKPOINTS.items():
        evidence = str(state.get(f"{field}_evidence") or "").strip()
        state[f"{field}_evidence"] = evidence
        state[field] = bool(state.get(field))
        if state[field] and not evidence:
            # A checkpoint ticked on a hunch is how unqualified deals look qualified.
            refuse(f"{field}_evidence", f"{label} is ticked without evidence. {hint}")
    for field in VP_FIELDS:
        if state.get(field) not in (True, False, None):
            refuse(field, "Answer yes, no, or leave it unanswered.")
    for field in ("description", "economic_objectives", "sociopolitical_objectives"):
        state[field] = str(state.get(field) or "")
    for check in (
        lambda: check_cell(
            workspace=workspace, customer=customer, cell=state.get("open_space_cell")
        ),
        lambda: check_user(
            workspace=workspace, user=state.get("owner"), field="owner", noun="The owner"
        ),
    ):
        try:
            check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    refuse(field, message)
    if errors:
        raise ValidationError(errors)
    return state


def opportunity_warnings(
    opportunity: Opportunity, *, today: datetime.date | None = None
) -> list[str]:
    """Things worth a second look that do not stop a save."""
    today = today or timezone.localdate()
    warnings = []
    if (
        opportunity.state in OPEN_STATES
        and opportunity.expected_close is not None
        and opportunity.expected_close < today
    ):
        warnings.append(
            f"The expected close ({opportunity.expected_close:%d %b %Y}) is in the past while"
            " the opportunity is still open: move the date, or mark it won, lost or delayed."
        )
    return warnings


# -- change log -------------------------------------------------------------------------


#: Fields whose change reads as the deal moving on ("Erik moved X to proposal evaluation").
_PROGRESS_FIELDS = ("buying_stage", "state", "phase")


def _opportunity_summary(opportunity: Opportunity, changes: list[dict[str, str]]) -> str | None:
    if len(changes) == 1 and changes[0]["field"] in _PROGRESS_FIELDS and changes[0]["to"]:
        return f"moved {opportunity.title} to {changes[0]['to'].lower()}"
    return None


def opportunity_row_log(
    *,
    workspace: Workspace,
    row: Model,
    action: str,
    label: str,
    before: Mapping[str, Any] | None = None,
) -> None:
    """Log a change of a row under an opportunity, named "<row> (<opportunity>)".

    Shared by the analyses of ``planning.analysis``, whose rows hang off opportunities too.
    """
    opportunity: Opportunity = row.opportunity  # type: ignore[attr-defined]
    noun = row._meta.verbose_name
    change_log_record(
        workspace=workspace,
        obj=row,
        action=action,
        account_id=opportunity.customer_id,
        label=f"{label} ({opportunity.title})",
        changes=change_log_diff(row, before) if before is not None else None,
        summary=(
            f"added the {noun} {label} to {opportunity.title}"
            if action == ChangeAction.CREATED
            else f"removed the {noun} {label} from {opportunity.title}"
            if action == ChangeAction.DELETED
            else None
        ),
    )


# -- create, change, delete -------------------------------------------------------------


def _opportunity_state(opportunity: Opportunity) -> dict[str, Any]:
    return {name: getattr(opportunity, name) for name in OPPORTUNITY_FIELDS}


@transaction.atomic
def opportunity_create(*, workspace: Workspace, customer: Customer, **fields: Any) -> Opportunity:
    changes = _only(fields, OPPORTUNITY_FIELDS, "an opportunity")
    _check_workspace(workspace, customer, "Account", "customer")
    blank = Opportunity(customer=customer)
    state = {**_opportunity_state(blank), **changes}
    state["open_space_cell"] = changes.get("open_space_cell")
    state["owner"] = changes.get("owner")
    clean = _clean_opportunity(workspace, customer, state)
    opportunity = Opportunity(workspace=workspace, customer=customer, **clean)
    opportunity.save()
    change_log_record(
        workspace=workspace,
        obj=opportunity,
        action=ChangeAction.CREATED,
        account_id=customer.pk,
        summary=f"added the opportunity {opportunity.title}",
    )
    return opportunity


@transaction.atomic
def opportunity_update(
    *, workspace: Workspace, opportunity: Opportunity, expected_version: int, **fields: Any
) -> Opportunity:
    changes = _only(fields, OPPORTUNITY_FIELDS, "an opportunity")
    _check_workspace(workspace, opportunity, "Opportunity", "opportunity")
    state = {**_opportunity_state(opportunity), **changes}
    clean = _clean_opportunity(workspace, opportunity.customer, state)
    written = {name: clean[name] for name in OPPORTUNITY_FIELDS}
    before = change_log_values(opportunity, written)
    update_if_version(opportunity, expected_version=expected_version, changes=written)
    changed = change_log_diff(opportunity, before)
    change_log_record(
        workspace=workspace,
        obj=opportunity,
        action=ChangeAction.CHANGED,
        account_id=opportunity.customer_id,
        changes=changed,
        summary=_opportunity_summary(opportunity, changed),
    )
    return opportunity


def opportunity_delete(
    *, workspace: Workspace, opportunity: Opportunity, expected_version: int | None
) -> None:
    _check_workspace(workspace, opportunity, "Opportunity", "opportunity")
    with transaction.atomic():
        change_log_record(
            workspace=workspace,
            obj=opportunity,
            action=ChangeAction.DELETED,
            account_id=opportunity.customer_id,
            summary=f"deleted the opportunity {opportunity.title}",
        )
        delete_if_version(opportunity, expected_version=expected_version)
