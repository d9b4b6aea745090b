"""The stale edit: the other person's saved values next to what this person typed.

After a :class:`kam.concurrency.VersionConflict` nothing was saved. The page shows,
per field that differs, the label, their saved value and yours (choices and model
choices by label, so nobody reads ids), and keeps what this person typed in the form,
now based on the current version: "Keep mine" resubmits it, "Take theirs" reloads the
saved row. ``templates/editing/_conflict.html`` draws it for every flow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import forms
from django.http import QueryDict

from kam.editing import sentences


def shown(form_field: forms.Field, value: Any) -> str:
    """A value as the person chose it: the label of a choice, "yes"/"no", "—" for empty."""
    if isinstance(value, list | tuple):
        return ", ".join(shown(form_field, item) for item in value) or "—"
    if value in (None, ""):
        return "—"
    if isinstance(form_field, forms.BooleanField) or isinstance(value, bool):
        return "yes" if value else "no"
    key = str(getattr(value, "pk", value))
    for choice_value, label in getattr(form_field, "choices", None) or []:
        if str(getattr(choice_value, "value", choice_value)) == key:
            return str(label)
    return str(value)


def conflict_rows(
    form: forms.BaseForm,
    saved: Mapping[str, Any],
    yours: Mapping[str, Any],
    *,
    skip: Iterable[str] = (),
) -> list[dict[str, str]]:
    """Fields where the saved row differs from what this person tried to save.

    ``version`` and the ``expected_*`` fields (what an editor started from) are
    bookkeeping, never shown.
    """
    skipped = {"version", *skip}
    rows = []
    for name, form_field in form.fields.items():
        if name in skipped or name.startswith("expected_") or name not in yours:
            continue
        theirs, mine = shown(form_field, saved.get(name)), shown(form_field, yours.get(name))
        if theirs != mine:
            rows.append(
                {
                    "label": str(form_field.label or name.replace("_", " ").capitalize()),
                    "saved": theirs,
                    "yours": mine,
                }
            )
    return rows


def on_version(data: QueryDict | Mapping[str, Any], version: int, **more: Any) -> QueryDict:
    """What this person posted, now based on ``version``: the form "Keep mine" resubmits."""
    if isinstance(data, QueryDict):
        retry = data.copy()
    else:
        retry = QueryDict(mutable=True)
        for key, value in data.items():
            retry[key] = "" if value is None else str(value)
    retry["version"] = str(version)
    for key, value in more.items():
        retry[key] = "" if value is None else str(value)
    return retry


@dataclass
class StaleEdit:
    """What ``editing/_conflict.html`` shows; ``current`` is the row as saved now."""

    headline: str
    current: Any
    rows: list[dict[str, str]] = field(default_factory=list)
    saved_at: datetime | None = None
    # "Keep mine" submits the form with this id; "Take theirs" follows reload_url
    # (with hx_target, htmx swaps the fresh form in place).
    form_id: str = ""
    reload_url: str = ""
    hx_target: str = ""
    # One sentence describing their version, for rows best read as a whole.
    summary: str = ""
    last_change: Any = None

    @property
    def has_rows(self) -> bool:
        return bool(self.rows)


def stale_edit(
    form: forms.BaseForm,
    *,
    current: Any,
    saved: Mapping[str, Any],
    change: str = "saved a change",
    who: str = sentences.SOMEONE_ELSE,
    skip: Iterable[str] = (),
    **shown_as: Any,
) -> StaleEdit:
    """The stale edit of ``form`` (already validated) against ``saved`` (the current row)."""
    return StaleEdit(
        headline=sentences.conflict(change, who=who),
        current=current,
        rows=conflict_rows(form, saved, form.cleaned_data, skip=skip),
        saved_at=getattr(current, "updated_at", None),
        **shown_as,
    )
