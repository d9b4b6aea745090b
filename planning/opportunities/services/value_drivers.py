"""Value drivers of an opportunity: what the customer gains, with the formula that shows it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_values
from kam.concurrency import delete_if_version, update_if_version
from kam.workspaces.models import Workspace
from planning.models import (
    Opportunity,
    ValueDriver,
)
from planning.opportunities import formula
from planning.opportunities.services.checks import (
    _check_workspace,
    _only,
    check_stakeholder,
)
from planning.opportunities.services.opportunities import opportunity_row_log

VALUE_DRIVER_FIELDS = frozenset({"driver", "metric_owner", "formula", "inputs", "unit"})


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
