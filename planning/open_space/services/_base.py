"""What the Open Space's writers share: who acts, the log entry, how a cell is named."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError

from kam.changelog.services import change_log_record
from planning.models import OpenSpace, OpenSpaceCell, OpenSpaceColumn, OpenSpaceSegment

Direction = Literal["up", "down"]

OPEN_SPACE_LABEL = "the Open Space"
CENT = Decimal("0.01")


def _author(user: AbstractBaseUser | AnonymousUser | None) -> Any:
    """The user to record as ``updated_by``: nobody for anonymous callers."""
    return user if isinstance(user, AbstractBaseUser) else None


def _log(
    open_space: OpenSpace,
    obj: Any,
    action: str,
    *,
    label: str | None = None,
    summary: str | None = None,
    changes: list[dict[str, str]] | None = None,
) -> None:
    """One change-log entry about ``obj`` of this Open Space's account."""
    change_log_record(
        workspace=open_space.workspace_id,
        obj=obj,
        action=action,
        account_id=open_space.customer_id,
        label=label,
        summary=summary,
        changes=changes,
    )


def _cell_name(segment: OpenSpaceSegment, column: OpenSpaceColumn) -> str:
    """ "Africa > Exploration x Drilling": how messages name a cell."""
    return f"{segment} x {column.label}"


def _text(value: str | None, *, limit: int, label: str, where: str) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValueError(f"{label} of {where} is {len(text)} characters long; keep it to {limit}")
    return text


def _segment(open_space: OpenSpace, segment_id: int) -> OpenSpaceSegment:
    segment = OpenSpaceSegment.objects.filter(open_space_id=open_space.pk, pk=segment_id).first()
    if segment is None:
        raise ValidationError({"segment": f"Row {segment_id} is not in this Open Space."})
    return segment


def _column(open_space: OpenSpace, column_id: int) -> OpenSpaceColumn:
    column = (
        OpenSpaceColumn.objects.select_related("offering")
        .filter(open_space_id=open_space.pk, pk=column_id)
        .first()
    )
    if column is None:
        raise ValidationError({"column": f"Column {column_id} is not in this Open Space."})
    return column


def _current_cell(open_space: OpenSpace, segment_id: int, column_id: int) -> OpenSpaceCell:
    cell = OpenSpaceCell.objects.filter(
        open_space_id=open_space.pk, segment_id=segment_id, column_id=column_id
    ).first()
    if cell is None:
        # The cell has no row (any more): a conflict against "empty", version 0.
        cell = OpenSpaceCell(
            workspace_id=open_space.workspace_id,
            open_space=open_space,
            segment_id=segment_id,
            column_id=column_id,
            version=0,
        )
    return cell


def _move(
    ordered: list[Any], item_id: int, direction: Direction, *, group_of: Any, noun: str
) -> list[Any]:
    index = next(i for i, item in enumerate(ordered) if item.pk == item_id)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move up or down."})
    item = ordered[index]
    if other < 0 or other >= len(ordered) or group_of(ordered[other]) != group_of(item):
        edge = "first" if direction == "up" else "last"
        where = f" of {group_of(item)}" if group_of(item) else ""
        raise ValidationError({"direction": f"{item} is already the {edge} {noun}{where}."})
    ordered[index], ordered[other] = ordered[other], ordered[index]
    return ordered


def _unlinked_opportunities(cells: Any) -> list[str]:
    from planning.models import Opportunity

    titles = list(
        Opportunity.objects.filter(open_space_cell__in=cells)
        .order_by("title")
        .values_list("title", flat=True)
    )
    return [
        f'The opportunity "{title}" came from one of the removed cells; it is kept, no longer'
        " linked to the Open Space."
        for title in titles
    ]
