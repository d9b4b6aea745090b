"""The generic add/edit/delete flow for one kind of versioned row under a parent.

A :class:`RowKind` says how to edit the rows of one model (its form, services and
wording); :func:`row_edit` and :func:`row_delete` are the views' bodies. The page
around the form stays the caller's: ``page`` draws it from an :class:`EditPage`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from kam.concurrency import VersionConflict
from kam.editing import sentences
from kam.editing.conflict import StaleEdit, on_version, stale_edit
from kam.editing.lookups import row_or_404
from kam.editing.saving import attempt, render_edit
from kam.editing.versions import posted_version
from kam.permissions import Capability
from kam.tenancy.request import in_workspace
from kam.tenancy.views import ViewFunc, workspace_view

# build_form(request, parent, data, initial=...) -> a form with service_fields().
FormBuilder = Callable[..., forms.Form]


@dataclass(frozen=True)
class RowKind:
    """How to edit one kind of row: its model and parent, form, services and wording.

    ``create(workspace=, <parent_field>=parent, **fields)``,
    ``update(workspace=, <row_argument>=row, expected_version=, **fields)`` and
    ``delete(workspace=, <row_argument>=row, expected_version=)`` are the services.
    """

    model: type[Model]
    noun: str
    parent_field: str
    build_form: FormBuilder
    initial: Callable[[Any], dict[str, Any]]
    create: Callable[..., Any]
    update: Callable[..., Any]
    label: Callable[[Any], str]
    # The services' keyword for the row, e.g. "task" for task_update(task=...).
    row_argument: str = "row"
    delete: Callable[..., None] | None = None
    # The headline of a stale edit after "Someone else".
    change: str = ""
    # The service's fields from a valid form; by default ``form.service_fields()``.
    fields: Callable[[forms.Form], dict[str, Any]] | None = None
    # One sentence describing the row as saved now, shown above the comparison.
    summary: Callable[[Any], str] | None = None
    # Adding prefills the form from the link's query ("add a concern for this person").
    prefill_from_query: bool = False
    select_related: tuple[str, ...] = ()

    @property
    def conflict_change(self) -> str:
        return self.change or f"changed this {self.noun}"

    def service_fields(self, form: forms.Form) -> dict[str, Any]:
        if self.fields is not None:
            return self.fields(form)
        return form.service_fields()  # type: ignore[attr-defined]

    def row(self, request: HttpRequest, parent: Model, row_id: int) -> Any:
        queryset = self.model._default_manager.all()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return row_or_404(
            in_workspace(request).workspace, queryset, pk=row_id, **{self.parent_field: parent}
        )


@dataclass
class EditPage:
    """What the page of one edit shows: the form, the row (None when adding), a stale edit."""

    form: forms.Form
    row: Any
    conflict: StaleEdit | None

    @property
    def refused(self) -> bool:
        return bool(self.form.is_bound and self.form.errors)

    def status(self, *, refused: int = 200) -> int:
        """409 for a stale edit; ``refused`` (200 or 400, as the page always did) for errors."""
        if self.conflict:
            return 409
        return refused if self.refused else 200

    def context(self) -> dict[str, Any]:
        return {"form": self.form, "row": self.row, "conflict": self.conflict}


def row_edit(
    request: HttpRequest,
    kind: RowKind,
    *,
    parent: Model,
    row_id: int | None,
    back: str,
    page: Callable[[EditPage], HttpResponse],
    form_id: str = "",
    on_saved: Callable[[Any], None] | None = None,
) -> HttpResponse:
    """Add (``row_id`` None) or edit one row under ``parent``; success returns to ``back``."""
    workspace = in_workspace(request).workspace
    row = kind.row(request, parent, row_id) if row_id is not None else None
    initial: Mapping[str, Any] | None = None
    if row is not None:
        initial = kind.initial(row)
    elif kind.prefill_from_query:
        initial = {key: value for key, value in request.GET.items() if key != "next"}
    posted = request.method == "POST"
    form = kind.build_form(request, parent, request.POST if posted else None, initial=initial)
    conflict: StaleEdit | None = None
    if posted and form.is_valid():
        existing = row

        def save() -> Any:
            # service_fields() may refuse too (an id that is not this account's).
            fields = kind.service_fields(form)
            if existing is None:
                return kind.create(workspace=workspace, **{kind.parent_field: parent}, **fields)
            return kind.update(
                workspace=workspace,
                **{kind.row_argument: existing},
                expected_version=form.cleaned_data.get("version") or 0,
                **fields,
            )

        outcome = attempt(form, save)
        if outcome.stale:
            assert row is not None  # only an update names a version
            try:
                current = kind.row(request, parent, row.pk)
            except Http404:
                messages.error(request, sentences.deleted_meanwhile(kind.label(row)))
                return redirect(back)
            conflict = stale_edit(
                form,
                current=current,
                saved=kind.initial(current),
                change=kind.conflict_change,
                form_id=form_id,
                reload_url=request.get_full_path(),
                summary=kind.summary(current) if kind.summary else "",
            )
            form = kind.build_form(request, parent, on_version(request.POST, current.version))
            form.is_valid()
            row = current
        elif outcome.done:
            what = kind.label(outcome.saved)
            messages.success(
                request, sentences.added(what) if row is None else sentences.saved(what)
            )
            if on_saved is not None:
                on_saved(outcome.saved)
            return redirect(back)
    return page(EditPage(form=form, row=row, conflict=conflict))


def delete_with_version(
    request: HttpRequest,
    delete: Callable[[int | None], object],
    *,
    what: str,
    back: str,
    kept: str = "",
    removed: str = "",
) -> HttpResponse:
    """Delete with the version the page posted: ``delete(expected_version)``.

    A stale delete removes nothing, says so and returns to ``kept`` (default ``back``);
    a done one says ``removed`` (default "X was removed.") and returns to ``back``.
    """
    try:
        delete(posted_version(request))
    except VersionConflict:
        messages.error(request, sentences.not_removed(what))
        return redirect(kept or back)
    messages.success(request, removed or sentences.removed(what))
    return redirect(back)


def row_delete(
    request: HttpRequest,
    kind: RowKind,
    *,
    parent: Model,
    row_id: int,
    back: str,
    label: Callable[[Any], str] | None = None,
    removed: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """Delete one row under ``parent`` with the posted version; a stale one is kept."""
    row = kind.row(request, parent, row_id)
    workspace = in_workspace(request).workspace
    delete = kind.delete
    assert delete is not None, f"{kind.noun} rows are not deleted here"
    return delete_with_version(
        request,
        lambda version: delete(
            workspace=workspace, **{kind.row_argument: row}, expected_version=version
        ),
        what=(label or kind.label)(row),
        back=back,
        removed=removed(row) if removed else "",
    )


def row_views(
    *,
    edit: Callable[..., HttpResponse],
    delete: Callable[..., HttpResponse],
    argument: str,
    capability: Capability,
) -> tuple[ViewFunc, ViewFunc, ViewFunc]:
    """The add, edit and delete views of one kind of row, for its URLs.

    ``edit(request, row_id, **parent)`` (``row_id`` None to add) and
    ``delete(request, row_id, **parent)`` get the parent's URL arguments by name;
    ``argument`` names the row's own (e.g. ``value_driver_id``). Delete is POST only.
    """

    @workspace_view(capability)
    def add(request: HttpRequest, **parent: int) -> HttpResponse:
        return edit(request, None, **parent)

    @workspace_view(capability)
    def change(request: HttpRequest, **arguments: int) -> HttpResponse:
        row_id = arguments.pop(argument)
        return edit(request, row_id, **arguments)

    @require_POST
    @workspace_view(capability)
    def remove(request: HttpRequest, **arguments: int) -> HttpResponse:
        row_id = arguments.pop(argument)
        return delete(request, row_id, **arguments)

    return add, change, remove


def row_edit_view(
    kind: RowKind,
    *,
    argument: str,
    parent: Callable[..., Model],
    back: Callable[[Any], str],
    template: str,
    row_name: str,
    context: Callable[[Any], dict[str, Any]],
    refused: int = 400,
    stale: int = 409,
    capability: Capability = Capability.EDIT_ACCOUNTS,
) -> ViewFunc:
    """The edit view of a row on a template of its own (see :func:`render_edit`).

    ``parent(request, **arguments)`` finds the parent from the URL's other arguments
    (404 otherwise); ``back(parent)`` is where a save, "Cancel" and a refusal return.
    """

    @workspace_view(capability)
    def edit(request: HttpRequest, **arguments: int) -> HttpResponse:
        row_id = arguments.pop(argument)
        owner = parent(request, **arguments)
        url = back(owner)
        page = render_edit(
            request,
            template,
            {**context(owner), "cancel_url": url},
            row_name=row_name,
            refused=refused,
            stale=stale,
        )
        return row_edit(
            request, kind, parent=owner, row_id=row_id, back=url, page=page, form_id="edit-form"
        )

    return edit
