"""The stale edit: the other person's saved values next to what this person typed.

After a :class:`kam.concurrency.VersionConflict` nothing was saved. The page shows,
per field that differs, the label, their saved value and yours (choices and model
choices by label, so nobody reads ids), and keeps what this person typed in the form,
now based on the current version: "Keep mine" resubmits it, "Take theirs" reloads the
saved row. ``templates/editing/_conflict.html`` draws it for every flow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import forms
from django.http import QueryDict

from kam.editing import sentences


def shown(form_field: forms.Field, value: Any) -> str:
    """A value as the person chose it: the label of a choice, "yes"/"no", "—" for empty."""
    if isinstance(form_field, forms.BooleanField) or isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(shown(form_field, item) for item in value) or "—"
    if value in (None, ""):
        return "—"
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
    same: Callable[[Any, Any], bool] | None = None,
) -> list[dict[str, str]]:
    """Fields where the saved row differs from what this person tried to save.

    Each is ``{"label", "theirs", "yours"}``. ``version`` and the ``expected_*``
    fields (what an editor started from) are bookkeeping, never shown. ``same``
    compares two raw values when their shown text is not enough ("0.1" is "0.10").
    """
    skipped = {"version", *skip}
    rows = []
    for name, form_field in form.fields.items():
        if name in skipped or name.startswith("expected_") or name not in yours:
            continue
        theirs, mine = shown(form_field, saved.get(name)), shown(form_field, yours.get(name))
        if same(yours.get(name), saved.get(name)) if same else theirs == mine:
            continue
        rows.append(
            {
                "label": str(form_field.label or name.replace("_", " ").capitalize()),
                "theirs": theirs,
                "yours": mine,
            }
        )
    return rows


def on_version(
    data: QueryDict | Mapping[str, Any], version: int, *, field: str = "version", **more: Any
) -> QueryDict:
    """What this person posted, now based on ``version``: the form "Keep mine" resubmits.

    ``field`` is the name the version is posted under; ``more`` sets other values too.
    """
    if isinstance(data, QueryDict):
        retry = data.copy()
    else:
        retry = QueryDict(mutable=True)
        for key, value in data.items():
            retry[key] = "" if value is None else str(value)
    retry[field] = str(version)
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

    def __bool__(self) -> bool:
        # A stale edit is shown even when their change touched nothing this person edited.
        return True

    def __iter__(self) -> Iterator[dict[str, str]]:
        return iter(self.rows)


def stale_edit(
    form: forms.BaseForm,
    *,
    current: Any,
    saved: Mapping[str, Any],
    change: str = "saved a change",
    who: str = sentences.SOMEONE_ELSE,
    skip: Iterable[str] = (),
    same: Callable[[Any, Any], bool] | None = None,
    **shown_as: Any,
) -> StaleEdit:
    """The stale edit of ``form`` (already validated) against ``saved`` (the current row)."""
    return StaleEdit(
        headline=sentences.conflict(change, who=who),
        current=current,
        rows=conflict_rows(form, saved, form.cleaned_data, skip=skip, same=same),
        saved_at=getattr(current, "updated_at", None),
        **shown_as,
    )
