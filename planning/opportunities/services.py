"""Writes for opportunities and what hangs off them: value drivers, contributors, tasks.

Every function takes the workspace first and checks that each object it is
handed belongs to it *and to the opportunity's account*: the models only check
the workspace, so an opportunity of Borealis Steel could otherwise point at a
cell, a team member or a stakeholder of Acme Mining. Messages name the field
and both accounts. Versioned rows are written with ``update_if_version`` so a
stale edit raises ``VersionConflict`` and nothing is overwritten. Pages and the
API both call these functions.
"""

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
from buying_center.models import Stakeholder
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import VersionConflict, delete_if_version, update_if_version
from kam.workspaces.models import Membership, Workspace
from planning.models import (
    OPEN_STATES,
    GrowthType,
    OpenSpaceCell,
    Opportunity,
    OpportunityContributor,
    OpportunityState,
    OpportunityTask,
    Origin,
    ProjectPhase,
    TaskStatus,
    ValueDriver,
)
from planning.opportunities import formula
from selling_center.models import BuyingStage, SellingCenterMember

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
VALUE_DRIVER_FIELDS = frozenset({"driver", "metric_owner", "formula", "inputs", "unit"})
CONTRIBUTOR_FIELDS = frozenset({"member", "contribution", "until"})
TASK_FIELDS = frozenset({"title", "owner", "due_date", "status"})

_MAX_VALUE = Decimal("1e16")


# -- checks -----------------------------------------------------------------------


def _only(changes: Mapping[str, Any], allowed: frozenset[str], noun: str) -> dict[str, Any]:
    unknown = set(changes) - allowed
    if unknown:
        # A programming error, not bad input: forms and the API pass known fields only.
        raise TypeError(f"cannot set {', '.join(sorted(unknown))} on {noun}")
    return dict(changes)


def _check_workspace(workspace: Workspace, obj: Model | None, noun: str, field: str) -> None:
    if obj is not None and getattr(obj, "workspace_id", None) != workspace.pk:
        # Worded like an id that does not exist: nothing leaks across workspaces.
        raise ValidationError({field: f"{noun} {obj.pk} does not exist."})


def _other_account(field: str, what: str, theirs: str, ours: str, hint: str) -> ValidationError:
    return ValidationError(
        {field: f"{what} belongs to another account ({theirs}), not to {ours}. {hint}"}
    )


def check_cell(*, workspace: Workspace, customer: Customer, cell: OpenSpaceCell | None) -> None:
    if cell is None:
        return
    _check_workspace(workspace, cell, "Open Space cell", "open_space_cell")
    open_space = cell.open_space
    if open_space.customer_id != customer.pk:
        raise _other_account(
            "open_space_cell",
            "That Open Space cell",
            open_space.customer.name,
            customer.name,
            f"Link a cell of {customer.name}'s own Open Space.",
        )


def check_member(
    *, workspace: Workspace, customer: Customer, member: SellingCenterMember, field: str
) -> None:
    _check_workspace(workspace, member, "Selling-center member", field)
    if member.customer_id != customer.pk:
        raise _other_account(
            field,
            f"That team member ({member})",
            member.customer.name,
            customer.name,
            f"Choose someone from {customer.name}'s selling center.",
        )


def check_stakeholder(
    *, workspace: Workspace, customer: Customer, stakeholder: Stakeholder | None, field: str
) -> None:
    if stakeholder is None:
        return
    _check_workspace(workspace, stakeholder, "Stakeholder", field)
    if stakeholder.customer_id != customer.pk:
        raise _other_account(
            field,
            f"That stakeholder ({stakeholder.name})",
            stakeholder.customer.name,
            customer.name,
            f"Choose someone from {customer.name}'s buying center.",
        )


def check_user(*, workspace: Workspace, user: Any, field: str, noun: str) -> None:
    """Owners of opportunities and tasks are people of this workspace."""
    if user is None:
        return
    if not Membership.objects.filter(workspace=workspace, user_id=user.pk).exists():
        raise ValidationError(
            {field: f"{noun} must be a member of this workspace; user {user.pk} is not."}
        )


def _choice(value: Any, choices: Any, field: str, noun: str, *, blank: bool = False) -> str:
    if blank and value in ("", None):
        return ""
    if value not in choices.values:
        shown = ", ".join(f"{v} ({label.lower()})" for v, label in choices.choices)
        raise ValidationError({field: f"{value!r} is not a {noun}. Choose one of: {shown}."})
    return str(value)


def _decimal(value: Any, field: str, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label} must be a number; you gave {value!r}."}) from None
    if not number.is_finite():
        raise ValidationError({field: f"{label} must be a finite number."})
    return number


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


# -- opportunities --------------------------------------------------------------------


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


def cell_title(cell: OpenSpaceCell) -> str:
    """ "<offering or co-creation label> for <segment>", the title of a push opportunity."""
    return f"{cell.column.label} for {cell.segment.name}"[:200]


def growth_type_for_cell(cell: OpenSpaceCell, *, today: datetime.date | None = None) -> str:
    """Expand, extend or enhance, from what the account already buys (the Open Space sales).

    The rule, the same one the UPV uses (planning/open_space/upv.py):

    * the cell itself had sales last year: we sell more of what this segment
      already buys: **enhance**;
    * the column's offering is sold to this account in some other segment: the
      same offering reaches new parts of the customer (up-sell): **expand**;
    * the offering is sold nowhere at this account, or it is a co-creation
      idea not in our catalog (cross-sell / co-creation): **extend**.

    Sales come from H1a's ``open_space_matrix`` (sales lines where they match,
    otherwise the entered sales), so the answer agrees with the matrix on screen.
    """
    from planning.open_space.selectors import open_space_matrix
    from planning.open_space.upv import incumbent_columns

    matrix = open_space_matrix(cell.open_space, today=today)
    view = matrix.cells.get((cell.segment_id, cell.column_id))
    if view is not None and not view.is_open:
        return GrowthType.ENHANCE
    if cell.column.is_co_creation:
        return GrowthType.EXTEND
    if cell.column_id in incumbent_columns(matrix.cells.values()):
        return GrowthType.EXPAND
    return GrowthType.EXTEND


@transaction.atomic
def create_from_cell(*, customer: Customer, cell: OpenSpaceCell, user: Any) -> Opportunity:
    """One step from an Open Space cell to a push opportunity owned by ``user``."""
    workspace = customer.workspace
    check_cell(workspace=workspace, customer=customer, cell=cell)
    cell = (
        OpenSpaceCell.objects.select_related(
            "open_space__customer", "open_space__workspace", "segment", "column__offering"
        )
        .filter(workspace=workspace)
        .get(pk=cell.pk)
    )
    return opportunity_create(
        workspace=workspace,
        customer=customer,
        title=cell_title(cell),
        origin=Origin.PUSH,
        state=OpportunityState.EARLY_STAGE,
        value=cell.potential or Decimal("0"),
        growth_type=growth_type_for_cell(cell),
        owner=user,
        open_space_cell=cell,
    )


# -- value drivers ----------------------------------------------------------------


def _clean_driver(
    workspace: Workspace, opportunity: Opportunity, state: dict[str, Any]
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    driver = str(state.get("driver") or "").strip()
    if not driver:
        errors["driver"] = ["Name the driver, e.g. “Higher wafer yield”."]
    state["driver"] = driver[:200]
    state["unit"] = str(state.get("unit") or "").strip()[:40]
    try:
        check_stakeholder(
            workspace=workspace,
            customer=opportunity.customer,
            stakeholder=state.get("metric_owner"),
            field="metric_owner",
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        state["inputs"] = formula.clean_inputs(state.get("inputs"))
        state["result"] = formula.evaluate(str(state.get("formula") or ""), state["inputs"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    state["formula"] = str(state.get("formula") or "").strip()
    if len(state["formula"]) > 500:
        errors.setdefault("formula", []).append("Keep the formula under 500 characters.")
    if errors:
        raise ValidationError(errors)
    return state


@transaction.atomic
def value_driver_create(
    *, workspace: Workspace, opportunity: Opportunity, **fields: Any
) -> ValueDriver:
    changes = _only(fields, VALUE_DRIVER_FIELDS, "a value driver")
    _check_workspace(workspace, opportunity, "Opportunity", "opportunity")
    clean = _clean_driver(workspace, opportunity, {"metric_owner": None, **changes})
    row = ValueDriver(workspace=workspace, opportunity=opportunity, **clean)
    row.save()
    opportunity_row_log(workspace=workspace, row=row, action=ChangeAction.CREATED, label=row.driver)
    return row


@transaction.atomic
def value_driver_update(
    *, workspace: Workspace, value_driver: ValueDriver, expected_version: int, **fields: Any
) -> ValueDriver:
    changes = _only(fields, VALUE_DRIVER_FIELDS, "a value driver")
    _check_workspace(workspace, value_driver, "Value driver", "value_driver")
    current = {name: getattr(value_driver, name) for name in VALUE_DRIVER_FIELDS}
    clean = _clean_driver(workspace, value_driver.opportunity, {**current, **changes})
    before = change_log_values(value_driver, clean)
    update_if_version(value_driver, expected_version=expected_version, changes=clean)
    opportunity_row_log(
        workspace=workspace,
        row=value_driver,
        action=ChangeAction.CHANGED,
        label=value_driver.driver,
        before=before,
    )
    return value_driver


def value_driver_delete(
    *, workspace: Workspace, value_driver: ValueDriver, expected_version: int | None
) -> None:
    _check_workspace(workspace, value_driver, "Value driver", "value_driver")
    with transaction.atomic():
        opportunity_row_log(
            workspace=workspace,
            row=value_driver,
            action=ChangeAction.DELETED,
            label=value_driver.driver,
        )
        delete_if_version(value_driver, expected_version=expected_version)


# -- contributors ---------------------------------------------------------------------


def _clean_contributor(
    workspace: Workspace,
    opportunity: Opportunity,
    state: dict[str, Any],
    *,
    exclude_pk: int | None = None,
) -> dict[str, Any]:
    member = state.get("member")
    if member is None:
        raise ValidationError({"member": "Choose a member of the account's selling center."})
    check_member(workspace=workspace, customer=opportunity.customer, member=member, field="member")
    taken = OpportunityContributor.objects.filter(
        workspace=workspace, opportunity=opportunity, member=member
    ).exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {"member": f"{member} already contributes to this opportunity; edit that line."}
        )
    state["contribution"] = str(state.get("contribution") or "").strip()[:200]
    until = state.get("until")
    if until is not None and not isinstance(until, datetime.date):
        raise ValidationError({"until": "Give the end of the help as a date."})
    return state


@transaction.atomic
def contributor_create(
    *, workspace: Workspace, opportunity: Opportunity, **fields: Any
) -> OpportunityContributor:
    changes = _only(fields, CONTRIBUTOR_FIELDS, "a contributor")
    _check_workspace(workspace, opportunity, "Opportunity", "opportunity")
    clean = _clean_contributor(workspace, opportunity, changes)
    row = OpportunityContributor(workspace=workspace, opportunity=opportunity, **clean)
    row.save()
    opportunity_row_log(
        workspace=workspace,
        row=row,
        action=ChangeAction.CREATED,
        label=str(row.member.display_name),
    )
    return row


@transaction.atomic
def contributor_update(
    *,
    workspace: Workspace,
    contributor: OpportunityContributor,
    expected: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    **fields: Any,
) -> OpportunityContributor:
    """Change a contributor line; a stale edit is refused and nothing is written.

    Two ways to say what the editor started from: the API sends the row's
    ``expected_version`` (its ETag; a mismatch raises ``VersionConflict``), the
    page form sends the values it showed (``expected``: member id, contribution,
    until; a mismatch raises ``ContributorChanged`` so the form can show both).
    Both are checked under a row lock, and every write moves the version on.
    """
    changes = _only(fields, CONTRIBUTOR_FIELDS, "a contributor")
    _check_workspace(workspace, contributor, "Contributor", "opportunity_contributor")
    locked = (
        OpportunityContributor.objects.select_for_update()
        .filter(workspace=workspace, pk=contributor.pk)
        .first()
    )
    if locked is None or (expected is not None and contributor_snapshot(locked) != dict(expected)):
        raise ContributorChanged(locked)
    if expected_version is not None and locked.version != expected_version:
        raise VersionConflict(locked, expected_version)
    current = {"member": locked.member, "contribution": locked.contribution, "until": locked.until}
    clean = _clean_contributor(
        workspace, contributor.opportunity, {**current, **changes}, exclude_pk=contributor.pk
    )
    before = change_log_values(locked, clean)
    for name, value in clean.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    opportunity_row_log(
        workspace=workspace,
        row=locked,
        action=ChangeAction.CHANGED,
        label=locked.member.display_name,
        before=before,
    )
    return locked


class ContributorChanged(Exception):
    """Someone changed or removed the contributor line since the editor read it."""

    def __init__(self, current: OpportunityContributor | None) -> None:
        super().__init__("contributor changed meanwhile")
        self.current = current


def contributor_snapshot(row: OpportunityContributor) -> dict[str, Any]:
    """What an editor started from: compared on save instead of a version."""
    return {
        "member": row.member_id,
        "contribution": row.contribution,
        "until": row.until.isoformat() if row.until else "",
    }


def contributor_delete(
    *,
    workspace: Workspace,
    contributor: OpportunityContributor,
    expected_version: int | None = None,
) -> None:
    _check_workspace(workspace, contributor, "Contributor", "opportunity_contributor")
    with transaction.atomic():
        opportunity_row_log(
            workspace=workspace,
            row=contributor,
            action=ChangeAction.DELETED,
            label=contributor.member.display_name,
        )
        delete_if_version(contributor, expected_version=expected_version)


# -- tasks ------------------------------------------------------------------------------


def _clean_task(workspace: Workspace, state: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = str(state.get("title") or "").strip()
    if not title:
        errors["title"] = ["Say what needs doing, e.g. “Send the relining references”."]
    state["title"] = title[:300]
    try:
        state["status"] = _choice(
            state.get("status") or TaskStatus.OPEN, TaskStatus, "status", "task status"
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        check_user(workspace=workspace, user=state.get("owner"), field="owner", noun="The owner")
    except ValidationError as error:
        errors.update(error.message_dict)
    due = state.get("due_date")
    if due is not None and not isinstance(due, datetime.date):
        errors["due_date"] = ["Give the due date as a date."]
    if errors:
        raise ValidationError(errors)
    return state


@transaction.atomic
def task_create(
    *, workspace: Workspace, opportunity: Opportunity, **fields: Any
) -> OpportunityTask:
    changes = _only(fields, TASK_FIELDS, "a task")
    _check_workspace(workspace, opportunity, "Opportunity", "opportunity")
    clean = _clean_task(workspace, {"owner": None, "due_date": None, **changes})
    row = OpportunityTask(workspace=workspace, opportunity=opportunity, **clean)
    row.save()
    opportunity_row_log(workspace=workspace, row=row, action=ChangeAction.CREATED, label=row.title)
    return row


@transaction.atomic
def task_update(
    *, workspace: Workspace, task: OpportunityTask, expected_version: int, **fields: Any
) -> OpportunityTask:
    changes = _only(fields, TASK_FIELDS, "a task")
    _check_workspace(workspace, task, "Task", "opportunity_task")
    current = {name: getattr(task, name) for name in TASK_FIELDS}
    clean = _clean_task(workspace, {**current, **changes})
    before = change_log_values(task, clean)
    update_if_version(task, expected_version=expected_version, changes=clean)
    opportunity_row_log(
        workspace=workspace, row=task, action=ChangeAction.CHANGED, label=task.title, before=before
    )
    return task


def task_delete(
    *, workspace: Workspace, task: OpportunityTask, expected_version: int | None
) -> None:
    _check_workspace(workspace, task, "Task", "opportunity_task")
    with transaction.atomic():
        opportunity_row_log(
            workspace=workspace, row=task, action=ChangeAction.DELETED, label=task.title
        )
        delete_if_version(task, expected_version=expected_version)
