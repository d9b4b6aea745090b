"""Writes for customers, offerings and sales lines.

Every function takes the workspace first and refuses objects of another one.
Customers carry a version: updates go through ``update_if_version`` so a
stale edit is refused (``VersionConflict``) instead of overwriting a newer one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from accounts.dirty import SCORE_INPUT_FIELDS, mark_customers_dirty, sales_inputs_changed
from accounts.models import COST_TO_SERVE_KINDS, Customer, Offering, SalesLine
from accounts.valuation_settings import check_customer_inputs
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import delete_if_version, update_if_version
from kam.workspaces.models import Workspace

CUSTOMER_FIELDS = frozenset(
    {
        "external_id",
        "name",
        "parent_group",
        "industry",
        "region",
        "size_measure",
        "status",
        "tier",
        "owner",
        # Scorecard inputs and CLV overrides, checked by check_customer_inputs.
        "strategic_importance",
        "strategic_importance_reason",
        "fit_strategic",
        "fit_operational",
        "fit_cultural",
        "upv_estimate",
        "discount_rate_override",
        "retention_override",
        "horizon_years_override",
        "acquisition_cost_override",
    }
)
OFFERING_FIELDS = frozenset({"code", "name", "business_unit"})
SALES_LINE_FIELDS = frozenset(
    {
        "customer",
        "offering",
        "date",
        "segment",
        "quantity",
        "net_sales",
        "cost_of_goods",
        *COST_TO_SERVE_KINDS,
        "currency",
        "source_key",
    }
)


def _check_in_workspace(workspace: Workspace, *objects: Model | None) -> None:
    for obj in objects:
        if obj is not None and obj.workspace_id != workspace.pk:  # type: ignore[attr-defined]
            raise ValueError(f"{obj!r} belongs to another workspace")


def _only(allowed: frozenset[str], changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")
    return dict(changes)


def _check_free(
    queryset: Any, *, field: str, value: str, message: str, exclude_pk: int | None = None
) -> None:
    clash = queryset.filter(**{field: value})
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({field: message})


# -- customers ---------------------------------------------------------------


@transaction.atomic
def customer_create(*, workspace: Workspace, **fields: Any) -> Customer:
    fields = _only(CUSTOMER_FIELDS, fields)
    check_customer_inputs(fields)
    _check_free(
        Customer.objects.filter(workspace=workspace),
        field="external_id",
        value=fields["external_id"],
        message="Another customer of this workspace already has this external id.",
    )
    customer = Customer(workspace=workspace, **fields)
    customer.save()
    change_log_record(
        workspace=workspace, obj=customer, action=ChangeAction.CREATED, account_id=customer.pk
    )
    # A new customer starts dirty (model default); ask for the run that scores it.
    mark_customers_dirty(workspace=workspace, customer_ids=[customer.pk])
    return customer


@transaction.atomic
def customer_update(
    *, workspace: Workspace, customer: Customer, expected_version: int, **changes: Any
) -> Customer:
    """Apply ``changes`` if nobody changed the customer since ``expected_version``."""
    _check_in_workspace(workspace, customer)
    changes = _only(CUSTOMER_FIELDS, changes)
    check_customer_inputs(changes, current=customer)
    if "external_id" in changes:
        _check_free(
            Customer.objects.filter(workspace=workspace),
            field="external_id",
            value=changes["external_id"],
            message="Another customer of this workspace already has this external id.",
            exclude_pk=customer.pk,
        )
    before = change_log_values(customer, changes)
    update_if_version(customer, expected_version=expected_version, changes=changes)
    change_log_record(
        workspace=workspace,
        obj=customer,
        action=ChangeAction.CHANGED,
        account_id=customer.pk,
        changes=change_log_diff(customer, before),
    )
    if SCORE_INPUT_FIELDS.intersection(changes):
        mark_customers_dirty(workspace=workspace, customer_ids=[customer.pk])
        customer.scores_dirty = True  # the mark is an UPDATE; keep the instance truthful
    return customer


@transaction.atomic
def customer_delete(
    *, workspace: Workspace, customer: Customer, expected_version: int | None = None
) -> None:
    """Delete the customer and its sales lines (their history goes with it)."""
    _check_in_workspace(workspace, customer)
    change_log_record(
        workspace=workspace, obj=customer, action=ChangeAction.DELETED, account_id=customer.pk
    )
    delete_if_version(customer, expected_version=expected_version)


# -- offerings ---------------------------------------------------------------


@transaction.atomic
def offering_create(*, workspace: Workspace, **fields: Any) -> Offering:
    fields = _only(OFFERING_FIELDS, fields)
    _check_free(
        Offering.objects.filter(workspace=workspace),
        field="code",
        value=fields["code"],
        message="Another offering of this workspace already has this code.",
    )
    offering = Offering(workspace=workspace, **fields)
    offering.save()
    change_log_record(workspace=workspace, obj=offering, action=ChangeAction.CREATED)
    return offering


@transaction.atomic
def offering_update(*, workspace: Workspace, offering: Offering, **changes: Any) -> Offering:
    _check_in_workspace(workspace, offering)
    changes = _only(OFFERING_FIELDS, changes)
    if "code" in changes:
        _check_free(
            Offering.objects.filter(workspace=workspace),
            field="code",
            value=changes["code"],
            message="Another offering of this workspace already has this code.",
            exclude_pk=offering.pk,
        )
    before = change_log_values(offering, changes)
    for name, value in changes.items():
        setattr(offering, name, value)
    offering.save()
    change_log_record(
        workspace=workspace,
        obj=offering,
        action=ChangeAction.CHANGED,
        changes=change_log_diff(offering, before),
    )
    return offering


@transaction.atomic
def offering_delete(*, workspace: Workspace, offering: Offering) -> None:
    """Delete an offering; refused (ProtectedError, 409 in the API) while sales use it."""
    _check_in_workspace(workspace, offering)
    change_log_record(workspace=workspace, obj=offering, action=ChangeAction.DELETED)
    offering.delete()


# -- sales lines -------------------------------------------------------------


@transaction.atomic
def sales_line_create(*, workspace: Workspace, **fields: Any) -> SalesLine:
    fields = _only(SALES_LINE_FIELDS, fields)
    _check_in_workspace(workspace, fields["customer"], fields.get("offering"))
    # Lines entered by hand have no natural key from a file; give them one so
    # the uniqueness that protects re-imports still holds.
    fields.setdefault("source_key", f"api-{uuid.uuid4().hex}")
    _check_free(
        SalesLine.objects.filter(workspace=workspace),
        field="source_key",
        value=fields["source_key"],
        message="Another sales line of this workspace already has this source key.",
    )
    line = SalesLine(workspace=workspace, **fields)
    line.save()
    change_log_record(
        workspace=workspace,
        obj=line,
        action=ChangeAction.CREATED,
        account_id=line.customer_id,
        label=_sales_line_label(line),
    )
    # One debounced "scores" job per change: it also recomputes the yearly
    # customer figures, so no separate figures job is requested.
    sales_inputs_changed(workspace=workspace, customer_ids=[line.customer_id])
    return line


@transaction.atomic
def sales_line_update(*, workspace: Workspace, sales_line: SalesLine, **changes: Any) -> SalesLine:
    changes = _only(SALES_LINE_FIELDS, changes)
    _check_in_workspace(workspace, sales_line, changes.get("customer"), changes.get("offering"))
    if "source_key" in changes:
        _check_free(
            SalesLine.objects.filter(workspace=workspace),
            field="source_key",
            value=changes["source_key"],
            message="Another sales line of this workspace already has this source key.",
            exclude_pk=sales_line.pk,
        )
    previous_customer_id = sales_line.customer_id
    before = change_log_values(sales_line, changes)
    for name, value in changes.items():
        setattr(sales_line, name, value)
    sales_line.save()
    change_log_record(
        workspace=workspace,
        obj=sales_line,
        action=ChangeAction.CHANGED,
        account_id=sales_line.customer_id,
        changes=change_log_diff(sales_line, before),
        label=_sales_line_label(sales_line),
    )
    # Moving a line to another customer changes both customers' numbers.
    affected = {previous_customer_id, sales_line.customer_id}
    sales_inputs_changed(workspace=workspace, customer_ids=affected)
    return sales_line


@transaction.atomic
def sales_line_delete(*, workspace: Workspace, sales_line: SalesLine) -> None:
    _check_in_workspace(workspace, sales_line)
    customer_id = sales_line.customer_id
    change_log_record(
        workspace=workspace,
        obj=sales_line,
        action=ChangeAction.DELETED,
        account_id=customer_id,
        label=_sales_line_label(sales_line),
    )
    sales_line.delete()
    sales_inputs_changed(workspace=workspace, customer_ids=[customer_id])


def _sales_line_label(line: SalesLine) -> str:
    return f"the sales line of {line.date} ({line.net_sales} {line.currency})"
