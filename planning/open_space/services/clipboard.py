"""Blocks pasted from a spreadsheet into the Open Space, written all or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kam.changelog.models import ChangeAction
from kam.changelog.services import value_text
from kam.concurrency import VersionConflict
from planning.models import OpenSpace, OpenSpaceCell, OpenSpaceColumn, OpenSpaceSegment
from planning.open_space.selectors import order_columns, order_segments
from planning.open_space.services._base import (
    OPEN_SPACE_LABEL,
    _author,
    _cell_name,
    _current_cell,
    _log,
    _text,
)
from planning.open_space.services.cells import (
    CELL_FIELDS,
    NUMBER_FIELDS,
    PASTE_FIELDS,
    parse_amount,
)
from planning.open_space.services.open_spaces import upv_feed


class PasteConflict(VersionConflict):
    """Some cells of a pasted block changed since the paste was prepared."""

    def __init__(self, cells: list[OpenSpaceCell], expected_version: int) -> None:
        super().__init__(cells[0], expected_version)
        self.cells = cells


@transaction.atomic
def cells_paste(
    *,
    open_space: OpenSpace,
    top_segment_id: int,
    left_column_id: int,
    field: str,
    rows: Sequence[Sequence[str]],
    expected_versions: Mapping[str, int],
    user: AbstractBaseUser | AnonymousUser | None,
) -> list[OpenSpaceCell]:
    """Write a block pasted from a spreadsheet, all or nothing.

    The block's top-left value goes to (top segment, left column) in display
    order. Every bad value is collected and reported in one ValidationError;
    if any cell changed since the paste was prepared (``expected_versions``,
    keyed "segmentId:columnId", 0 or absent for cells with no row), a
    :class:`PasteConflict` lists them. Either way nothing is saved.
    """
    if field not in PASTE_FIELDS:
        raise ValidationError(
            {"field": f"Only {', '.join(sorted(PASTE_FIELDS))} can be pasted, not {field!r}."}
        )
    block = [list(row) for row in rows]
    # Excel ends a copied block with a line break: a last empty line is not a row.
    while block and all(not str(value).strip() for value in block[-1]) and len(block[-1]) <= 1:
        block.pop()
    if not block:
        raise ValidationError({"rows": "The pasted block is empty."})
    segments = order_segments(OpenSpaceSegment.objects.filter(open_space_id=open_space.pk))
    columns = order_columns(
        OpenSpaceColumn.objects.filter(open_space_id=open_space.pk).select_related("offering")
    )
    top = next((i for i, s in enumerate(segments) if s.pk == top_segment_id), None)
    left = next((i for i, c in enumerate(columns) if c.pk == left_column_id), None)
    if top is None or left is None:
        raise ValidationError(
            {"rows": "The paste starts at a cell that is not in this Open Space (any more)."}
        )
    height, width = len(block), max(len(row) for row in block)
    rows_over = top + height - len(segments)
    columns_over = left + width - len(columns)
    if rows_over > 0 or columns_over > 0:
        parts = []
        if rows_over > 0:
            parts.append(f"{rows_over} row{'s' if rows_over > 1 else ''} too many")
        if columns_over > 0:
            parts.append(f"{columns_over} column{'s' if columns_over > 1 else ''} too many")
        raise ValidationError(
            {
                "rows": f"The pasted block ({height} x {width}) does not fit: starting at"
                f" {_cell_name(segments[top], columns[left])} it has {' and '.join(parts)}."
                " Start further up or left, or add rows or columns first."
            }
        )
    label = CELL_FIELDS[field].lower()
    values: dict[tuple[int, int], Any] = {}
    errors: list[str] = []
    for r, row in enumerate(block):
        segment = segments[top + r]
        for c, raw in enumerate(row):
            column = columns[left + c]
            where = f"Row {r + 1} of the paste ({segment}), column {c + 1} ({column.label})"
            try:
                if field in NUMBER_FIELDS:
                    values[(segment.pk, column.pk)] = parse_amount(raw)
                else:
                    values[(segment.pk, column.pk)] = _text(
                        raw, limit=120, label="the competitor", where="this cell"
                    )
            except ValueError as error:
                reason = str(error)
                if field in NUMBER_FIELDS and "below zero" in reason:
                    reason = f"{label} {reason}"
                errors.append(f"{where}: {reason}.")
    if errors:
        raise ValidationError({"rows": errors})
    existing = {
        (cell.segment_id, cell.column_id): cell
        for cell in OpenSpaceCell.objects.select_for_update().filter(
            open_space_id=open_space.pk,
            segment_id__in={key[0] for key in values},
            column_id__in={key[1] for key in values},
        )
    }
    stale: list[OpenSpaceCell] = []
    for key in values:
        expected = int(expected_versions.get(f"{key[0]}:{key[1]}", 0) or 0)
        cell = existing.get(key)
        if (cell.version if cell else 0) != expected:
            stale.append(cell or _current_cell(open_space, *key))
    if stale:
        raise PasteConflict(stale, 0)
    to_update, to_create = [], []
    now = timezone.now()  # bulk_update skips auto_now: keep "updated at" truthful by hand
    # One log entry for the whole paste, listing its cells (no query per cell).
    segment_of = {segment.pk: segment for segment in segments}
    column_of = {column.pk: column for column in columns}
    model_field = OpenSpaceCell._meta.get_field(field)
    pasted: list[dict[str, str]] = []
    for key, value in values.items():
        cell = existing.get(key)
        old = getattr(cell, field) if cell is not None else None
        if old != value:
            pasted.append(
                {
                    "field": f"{key[0]}:{key[1]}",
                    "label": _cell_name(segment_of[key[0]], column_of[key[1]]),
                    "from": value_text(model_field, old),
                    "to": value_text(model_field, value),
                }
            )
        if cell is None:
            cell = OpenSpaceCell(
                workspace_id=open_space.workspace_id,
                open_space=open_space,
                segment_id=key[0],
                column_id=key[1],
                updated_by=_author(user),
                **{field: value},
            )
            to_create.append(cell)
        else:
            setattr(cell, field, value)
            cell.version += 1
            cell.updated_by = _author(user)
            cell.updated_at = now
            to_update.append(cell)
    try:
        with transaction.atomic():
            OpenSpaceCell.objects.bulk_create(to_create)
    except IntegrityError:
        # Someone created one of these cells between our read and our write.
        raise PasteConflict(
            [_current_cell(open_space, c.segment_id, c.column_id) for c in to_create], 0
        ) from None
    if to_update:
        OpenSpaceCell.objects.bulk_update(
            to_update, [field, "version", "updated_by", "updated_at"], batch_size=500
        )
    _log(
        open_space,
        open_space,
        ChangeAction.PASTED,
        label=OPEN_SPACE_LABEL,
        summary=f"pasted {height} x {width} values of {label} into the Open Space"
        f" at {_cell_name(segments[top], columns[left])} ({len(pasted)} changed)",
        changes=pasted,
    )
    if field in NUMBER_FIELDS:
        upv_feed(open_space=open_space)
    return to_create + to_update
