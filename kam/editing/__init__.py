"""One way to edit a versioned row on a page: look it up, save it, show a stale edit, delete it.

Every editable row carries a ``version`` (inherit :class:`kam.tenancy.models.Versioned`);
services write it only through :func:`kam.concurrency.update_if_version` and
:func:`kam.concurrency.delete_if_version`, raising :class:`kam.concurrency.VersionConflict`
when somebody saved in between. This package is the page side of that contract and
imports no domain app.

The parts, each usable on its own:

- :func:`row_or_404` finds a row under its parent in the request's workspace (another
  workspace's or another parent's id answers 404).
- :func:`apply_errors` puts a service's ``ValidationError`` onto the form;
  :func:`attempt` runs one save and says whether it went through, was refused or stale.
- :func:`stale_edit` builds what ``templates/editing/_conflict.html`` shows after a
  ``VersionConflict``: per field the label, their saved value and yours (choices by
  label), "Keep mine" (the form, resubmitted on the current version, see
  :func:`on_version`) and "Take theirs" (reload the saved row).
- :func:`posted_version` reads the version a delete or a one-click change posted.
- :mod:`kam.editing.sentences` holds the standard messages ("X was saved." ...).
- :func:`delete_with_version` deletes with the posted version (a stale delete removes
  nothing and says so).
- :class:`RowKind` with :func:`row_edit` / :func:`row_delete` is the whole add/edit/delete
  flow for one kind of row under a parent, for plain POST pages and htmx fragments;
  :func:`row_views` turns the two into the add, edit and delete views of its URLs, and
  :func:`row_edit_view` makes the edit view of a row on a template of its own.

A new kind of row (say the account plan's objectives) needs a form with
``service_fields()`` and a hidden ``version`` field, an ``initial(row)`` function and
the services ``objective_create(*, workspace, plan, **fields)``,
``objective_update(*, workspace, objective, expected_version, **fields)`` and
``objective_delete(*, workspace, objective, expected_version)``; then::

    OBJECTIVE = RowKind(
        model=Objective, noun="objective", parent_field="plan", row_argument="objective",
        build_form=lambda request, plan, data, **kw: ObjectiveForm(data, **kw),
        initial=objective_initial, label=lambda row: f"The objective “{row.title}”",
        create=services.objective_create, update=services.objective_update,
        delete=services.objective_delete,
    )

    def _edit(request, row_id, *, plan_id):  # the parent, looked up (404 otherwise)
        plan = plan_or_404(request, plan_id)
        return row_edit(request, OBJECTIVE, parent=plan, row_id=row_id,
                        back=plan_url(plan), form_id="edit-form",
                        page=render_edit(request, "plan/objective_edit.html",
                                         {"plan": plan}, row_name="objective"))

    def _delete(request, row_id, *, plan_id):
        plan = plan_or_404(request, plan_id)
        return row_delete(request, OBJECTIVE, parent=plan, row_id=row_id,
                          back=plan_url(plan))

    objective_add, objective_edit, objective_delete = row_views(
        edit=_edit, delete=_delete, argument="objective_id",
        capability=Capability.EDIT_ACCOUNTS)

The page template includes ``editing/_conflict.html`` (``conflict`` in its context),
renders ``form.version`` in a form with the id given as ``form_id``, and
``editing/_delete.html`` for "Delete this ..." with the row's version. An htmx flow
answers its fragment from ``page`` and passes ``hx_target`` to :func:`stale_edit` so that
"Take theirs" swaps the saved row in place (see ``buying_center/grid_views.py``);
:mod:`planning.analysis.views` and :mod:`planning.opportunities.row_views` are the
reference uses of :func:`row_views`.
"""

from kam.editing.conflict import StaleEdit, conflict_rows, on_version, shown, stale_edit
from kam.editing.errors import apply_errors
from kam.editing.lookups import row_or_404
from kam.editing.rows import (
    EditPage,
    RowKind,
    delete_with_version,
    row_delete,
    row_edit,
    row_edit_view,
    row_views,
)
from kam.editing.saving import Attempt, attempt, render_edit
from kam.editing.versions import posted_version

__all__ = [
    "Attempt",
    "EditPage",
    "RowKind",
    "StaleEdit",
    "apply_errors",
    "attempt",
    "conflict_rows",
    "delete_with_version",
    "on_version",
    "posted_version",
    "render_edit",
    "row_delete",
    "row_edit",
    "row_edit_view",
    "row_or_404",
    "row_views",
    "shown",
    "stale_edit",
]
