"""Rows of an opportunity: value drivers, tasks (the editing toolkit's rows) and contributors.

Each row is edited on a page of its own and comes back to its section of the
opportunity page. Another opportunity's or another workspace's row ids answer 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from kam.concurrency import VersionConflict
from kam.editing import (
    EditPage,
    RowKind,
    StaleEdit,
    apply_errors,
    on_version,
    posted_version,
    row_delete,
    row_edit,
    row_or_404,
    row_views,
    stale_edit,
)
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import ViewFunc, workspace_view
from planning.models import Opportunity, OpportunityContributor, OpportunityTask, ValueDriver
from planning.opportunities import forms as opp_forms
from planning.opportunities.services import contributors, tasks, value_drivers
from planning.opportunities.view_parts import (
    account_and_opportunity,
    detail_url,
    form_page,
    row_url,
)


def _driver_form(
    request: WorkspaceRequest, opportunity: Opportunity, data: Any, **kwargs: Any
) -> forms.Form:
    return opp_forms.ValueDriverForm(
        data, workspace=request.workspace, customer=opportunity.customer, **kwargs
    )


def _task_form(
    request: WorkspaceRequest, opportunity: Opportunity, data: Any, **kwargs: Any
) -> forms.Form:
    return opp_forms.TaskForm(data, workspace=request.workspace, **kwargs)


def _driver_label(row: ValueDriver) -> str:
    return f"The value driver “{row.driver}” ({row.result:,.2f} {row.unit})".replace(" )", ")")


VALUE_DRIVER = RowKind(
    model=ValueDriver,
    noun="value driver",
    parent_field="opportunity",
    build_form=_driver_form,
    initial=opp_forms.value_driver_initial,
    create=value_drivers.value_driver_create,
    update=value_drivers.value_driver_update,
    delete=value_drivers.value_driver_delete,
    row_argument="value_driver",
    label=_driver_label,
    change="saved a change",
    select_related=("opportunity__customer",),
)
TASK = RowKind(
    model=OpportunityTask,
    noun="task",
    parent_field="opportunity",
    build_form=_task_form,
    initial=opp_forms.task_initial,
    create=tasks.task_create,
    update=tasks.task_update,
    delete=tasks.task_delete,
    row_argument="task",
    label=lambda task: f"The task “{task.title}”",
    change="saved a change",
    select_related=("opportunity__customer",),
)
# Where each kind lives on the opportunity page, and its delete URL and argument.
_PLACES: dict[str, tuple[str, str, str]] = {
    "value driver": ("value-drivers", "opportunity-value-driver-delete", "value_driver_id"),
    "task": ("tasks", "opportunity-task-delete", "opportunity_task_id"),
}


def _edit(
    kind: RowKind,
    request: WorkspaceRequest,
    row_id: int | None,
    *,
    customer_id: int,
    opportunity_id: int,
) -> HttpResponse:
    customer, opportunity = account_and_opportunity(request, customer_id, opportunity_id)
    anchor, delete_name, argument = _PLACES[kind.noun]

    def page(edit: EditPage) -> HttpResponse:
        return form_page(
            request,
            customer=customer,
            opportunity=opportunity,
            form=edit.form,
            title=f"{'Edit the' if edit.row else 'Add a'} {kind.noun}",
            template_form="planning/opportunities/_plain_fields.html",
            cancel_url=detail_url(opportunity, anchor),
            conflict=edit.conflict,
            delete_url=row_url(delete_name, opportunity, argument, edit.row),
            row=edit.row,
            noun=kind.noun,
        )

    return row_edit(
        request,
        kind,
        parent=opportunity,
        row_id=row_id,
        back=detail_url(opportunity, anchor),
        page=page,
        form_id="edit-form",
    )


def _delete(
    kind: RowKind,
    label: Callable[[Any], str],
    request: WorkspaceRequest,
    row_id: int,
    *,
    customer_id: int,
    opportunity_id: int,
) -> HttpResponse:
    _, opportunity = account_and_opportunity(request, customer_id, opportunity_id)
    back = detail_url(opportunity, _PLACES[kind.noun][0])
    return row_delete(request, kind, parent=opportunity, row_id=row_id, back=back, label=label)


def _views(kind: RowKind, label: Callable[[Any], str]) -> tuple[ViewFunc, ViewFunc, ViewFunc]:
    return row_views(
        edit=partial(_edit, kind),
        delete=partial(_delete, kind, label),
        argument=_PLACES[kind.noun][2],
        capability=Capability.EDIT_ACCOUNTS,
    )


# A removed driver is named without its result, which no longer counts.
value_driver_add, value_driver_edit, value_driver_delete = _views(
    VALUE_DRIVER, lambda row: f"The value driver “{row.driver}”"
)
task_add, task_edit, task_delete = _views(TASK, TASK.label)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def task_status(
    request: WorkspaceRequest, customer_id: int, opportunity_id: int, opportunity_task_id: int
) -> HttpResponse:
    """Mark a task done or open again in one click (refused if it changed meanwhile)."""
    _, opportunity = account_and_opportunity(request, customer_id, opportunity_id)
    task = TASK.row(request, opportunity, opportunity_task_id)
    try:
        tasks.task_update(
            workspace=request.workspace,
            task=task,
            expected_version=posted_version(request) or 0,
            status=request.POST.get("status", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except VersionConflict:
        messages.error(
            request,
            f"The task “{task.title}” was changed by someone else meanwhile; nothing was saved."
            " Look at it again below.",
        )
    else:
        done = task.status == "done"
        messages.success(request, f"The task “{task.title}” is {'done' if done else 'open again'}.")
    return redirect(detail_url(opportunity, "tasks"))


# -- contributors (compared against what the editor started from, not a version) ----------------


def _contributor_row(
    request: WorkspaceRequest, opportunity: Opportunity, row_id: int
) -> OpportunityContributor:
    return row_or_404(
        request.workspace,
        OpportunityContributor.objects.select_related("opportunity__customer", "member"),
        pk=row_id,
        opportunity=opportunity,
    )


def _contributor(
    request: WorkspaceRequest, customer_id: int, opportunity_id: int, row_id: int | None
) -> HttpResponse:
    customer, opportunity = account_and_opportunity(request, customer_id, opportunity_id)
    workspace = request.workspace
    back = detail_url(opportunity, "contributors")
    row = _contributor_row(request, opportunity, row_id) if row_id is not None else None
    conflict: StaleEdit | None = None

    def build(data: Any, **kwargs: Any) -> opp_forms.ContributorForm:
        return opp_forms.ContributorForm(data, workspace=workspace, customer=customer, **kwargs)

    if request.method == "POST":
        form = build(request.POST)
        if form.is_valid():
            try:
                if row is None:
                    saved = contributors.contributor_create(
                        workspace=workspace, opportunity=opportunity, **form.service_fields()
                    )
                else:
                    saved = contributors.contributor_update(
                        workspace=workspace,
                        contributor=row,
                        expected=form.expected(),
                        **form.service_fields(),
                    )
            except ValidationError as error:
                apply_errors(form, error)
            except contributors.ContributorChanged as changed:
                if changed.current is None:
                    messages.error(request, "That contributor was removed meanwhile.")
                    return redirect(back)
                current = changed.current
                saved_now = opp_forms.contributor_initial(current)
                conflict = stale_edit(
                    form,
                    current=current,
                    saved=saved_now,
                    form_id="edit-form",
                    reload_url=request.get_full_path(),
                )
                started_from = {k: v for k, v in saved_now.items() if k.startswith("expected_")}
                form = build(on_version(request.POST, current.version, **started_from))
                form.is_valid()
                row = current
            else:
                done = "now contributes" if row is None else "was saved"
                messages.success(request, f"{saved.member.display_name} {done}.")
                return redirect(back)
    else:
        form = build(None, initial=opp_forms.contributor_initial(row) if row else None)
    return form_page(
        request,
        customer=customer,
        opportunity=opportunity,
        form=form,
        title="Edit the contributor" if row else "Add a contributor",
        template_form="planning/opportunities/_plain_fields.html",
        cancel_url=back,
        conflict=conflict,
        delete_url=row_url(
            "opportunity-contributor-delete", opportunity, "opportunity_contributor_id", row
        ),
        row=row,
        noun="contributor",
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
def contributor_add(
    request: WorkspaceRequest, customer_id: int, opportunity_id: int
) -> HttpResponse:
    return _contributor(request, customer_id, opportunity_id, None)


@workspace_view(Capability.EDIT_ACCOUNTS)
def contributor_edit(
    request: WorkspaceRequest,
    customer_id: int,
    opportunity_id: int,
    opportunity_contributor_id: int,
) -> HttpResponse:
    return _contributor(request, customer_id, opportunity_id, opportunity_contributor_id)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def contributor_delete(
    request: WorkspaceRequest,
    customer_id: int,
    opportunity_id: int,
    opportunity_contributor_id: int,
) -> HttpResponse:
    _, opportunity = account_and_opportunity(request, customer_id, opportunity_id)
    row = _contributor_row(request, opportunity, opportunity_contributor_id)
    name = row.member.display_name
    contributors.contributor_delete(workspace=request.workspace, contributor=row)
    messages.success(request, f"{name} no longer contributes to this opportunity.")
    return redirect(detail_url(opportunity, "contributors"))
