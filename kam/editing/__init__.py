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
``service_fields()`` and a hidden ``version`` field, an ``initial(row)`` function, the
three services, and then::

    OBJECTIVE = RowKind(
        model=Objective, noun="objective", parent_field="plan",
        build_form=lambda request, plan, data, **kw: ObjectiveForm(data, **kw),
        initial=objective_initial,
        create=services.objective_create,  # (workspace=, plan=, **fields)
        update=lambda **kw: services.objective_update(objective=kw.pop("row"), **kw),
        delete=lambda **kw: services.objective_delete(objective=kw.pop("row"), **kw),
        label=lambda row: f"The objective “{row.title}”",
    )

    @workspace_view(Capability.EDIT_ACCOUNTS)
    def objective_edit(request: WorkspaceRequest, plan_id: int, objective_id: int):
        plan = ...  # the parent, looked up in the workspace (404 otherwise)
        return row_edit(request, OBJECTIVE, parent=plan, row_id=objective_id,
                        back=plan_url, form_id="edit-form",
                        page=render_edit(request, "plan/objective_edit.html",
                                         {"plan": plan}, row_name="objective"))

and ``row_delete(request, OBJECTIVE, parent=plan, row_id=objective_id, back=plan_url)``
behind ``require_POST``. The page template includes ``editing/_conflict.html`` with
``conflict`` in its context and renders ``form.version``.
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
