"""The Open Space's layout: its rows (segments), columns and notes, guarded by one version.

Every layout change bumps the Open Space's version (the "layout version") first,
so two people rearranging the same matrix cannot both win; a stale one raises
:class:`kam.concurrency.VersionConflict` carrying the Open Space as it is now.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.models import Customer, Offering, SalesLine
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_values
from kam.concurrency import VersionConflict, update_if_version
from planning.models import OpenSpace, OpenSpaceCell, OpenSpaceColumn, OpenSpaceSegment
from planning.open_space.sales import segment_key
from planning.open_space.selectors import column_group, order_columns, order_segments
from planning.open_space.services._base import (
    OPEN_SPACE_LABEL,
    Direction,
    _column,
    _log,
    _move,
    _segment,
    _unlinked_opportunities,
)
from planning.open_space.services.open_spaces import upv_feed


def _lock_open_space(open_space: OpenSpace, expected_version: int) -> None:
    """Bump the layout version if still at ``expected_version``; else conflict with the current."""
    try:
        update_if_version(open_space, expected_version=expected_version, changes={})
    except VersionConflict:
        current = OpenSpace.objects.get(pk=open_space.pk)
        raise VersionConflict(current, expected_version) from None


def _restores_layout_version[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """Undo the in-memory version bump when the change fails and its transaction rolls back.

    Otherwise the caller's ``open_space`` would claim a version the database never
    reached, and its next change would be refused as stale.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        open_space = kwargs["open_space"]
        assert isinstance(open_space, OpenSpace)
        before = (open_space.version, open_space.updated_at)
        try:
            return func(*args, **kwargs)
        except BaseException:
            open_space.version, open_space.updated_at = before
            raise

    return wrapper


@transaction.atomic
def open_space_notes_update(
    *, open_space: OpenSpace, notes: str, expected_version: int
) -> OpenSpace:
    """Change the notes of the matrix (its version guards them like its layout)."""
    before = change_log_values(open_space, ["notes"])
    try:
        update_if_version(open_space, expected_version=expected_version, changes={"notes": notes})
    except VersionConflict:
        raise VersionConflict(OpenSpace.objects.get(pk=open_space.pk), expected_version) from None
    _log(
        open_space,
        open_space,
        ChangeAction.CHANGED,
        label=OPEN_SPACE_LABEL,
        changes=change_log_diff(open_space, before),
    )
    return open_space


# -- rows -----------------------------------------------------------------------------------


def _check_segment_fields(
    open_space: OpenSpace, *, name: str, group: str, sales_segment: str, exclude: int | None
) -> dict[str, str]:
    name, group, sales_segment = name.strip(), group.strip(), sales_segment.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the row a name, e.g. the site, business unit or region."
    elif len(name) > 120:
        errors["name"] = f"The name is {len(name)} characters long; keep it to 120."
    if len(group) > 120:
        errors["group"] = f"The group is {len(group)} characters long; keep it to 120."
    if len(sales_segment) > 100:
        errors["sales_segment"] = (
            f"The sales segment is {len(sales_segment)} characters long; keep it to 100."
        )
    if name and not errors:
        clash = OpenSpaceSegment.objects.filter(
            open_space_id=open_space.pk, group=group, name=name
        ).exclude(pk=exclude)
        if clash.exists():
            where = f" in {group}" if group else ""
            errors["name"] = f"There is already a row {name}{where}; choose another name."
    if errors:
        raise ValidationError(errors)
    return {"name": name, "group": group, "sales_segment": sales_segment}


def _renumber(rows: Sequence[OpenSpaceSegment | OpenSpaceColumn]) -> None:
    changed = []
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            changed.append(row)
    if changed:
        type(changed[0]).objects.bulk_update(changed, ["position"])


def _next_position(model: type[OpenSpaceSegment | OpenSpaceColumn], open_space: OpenSpace) -> int:
    top = model.objects.filter(open_space_id=open_space.pk).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


@_restores_layout_version
@transaction.atomic
def segment_add(
    *,
    open_space: OpenSpace,
    name: str,
    group: str = "",
    sales_segment: str = "",
    expected_open_space_version: int,
) -> OpenSpaceSegment:
    """A new row, at the end of its group (a new group goes last)."""
    _lock_open_space(open_space, expected_open_space_version)
    fields = _check_segment_fields(
        open_space, name=name, group=group, sales_segment=sales_segment, exclude=None
    )
    segment = OpenSpaceSegment.objects.create(
        workspace_id=open_space.workspace_id,
        open_space=open_space,
        position=_next_position(OpenSpaceSegment, open_space),
        **fields,
    )
    _log(
        open_space,
        segment,
        ChangeAction.CREATED,
        summary=f"added the row {segment} to the Open Space",
    )
    upv_feed(open_space=open_space)
    return segment


@_restores_layout_version
@transaction.atomic
def segment_update(
    *,
    open_space: OpenSpace,
    segment_id: int,
    name: str | None = None,
    group: str | None = None,
    sales_segment: str | None = None,
    expected_open_space_version: int,
) -> OpenSpaceSegment:
    """Rename a row, move it to another group or change the segment its sales come from."""
    _lock_open_space(open_space, expected_open_space_version)
    segment = _segment(open_space, segment_id)
    fields = _check_segment_fields(
        open_space,
        name=segment.name if name is None else name,
        group=segment.group if group is None else group,
        sales_segment=segment.sales_segment if sales_segment is None else sales_segment,
        exclude=segment.pk,
    )
    before = change_log_values(segment, fields)
    for key, value in fields.items():
        setattr(segment, key, value)
    segment.save(update_fields=list(fields))
    _log(
        open_space,
        segment,
        ChangeAction.CHANGED,
        label=f"the row {segment}",
        changes=change_log_diff(segment, before),
    )
    # A new group goes where the row was: keep the display order in the positions.
    _renumber(order_segments(OpenSpaceSegment.objects.filter(open_space_id=open_space.pk)))
    upv_feed(open_space=open_space)
    return segment


@_restores_layout_version
@transaction.atomic
def segment_move(
    *,
    open_space: OpenSpace,
    segment_id: int,
    direction: Direction,
    expected_open_space_version: int,
) -> OpenSpaceSegment:
    """Swap a row with its neighbour in the same group."""
    _lock_open_space(open_space, expected_open_space_version)
    segment = _segment(open_space, segment_id)
    ordered = order_segments(OpenSpaceSegment.objects.filter(open_space_id=open_space.pk))
    _renumber(_move(ordered, segment.pk, direction, group_of=lambda s: s.group, noun="row"))
    _log(open_space, segment, ChangeAction.MOVED, summary=f"moved the row {segment} {direction}")
    return segment


@_restores_layout_version
@transaction.atomic
def segment_remove(
    *, open_space: OpenSpace, segment_id: int, expected_open_space_version: int
) -> list[str]:
    """Delete a row and its cells; the warnings name opportunities that lose their cell link."""
    _lock_open_space(open_space, expected_open_space_version)
    segment = _segment(open_space, segment_id)
    warnings = _unlinked_opportunities(OpenSpaceCell.objects.filter(segment_id=segment.pk))
    _log(
        open_space,
        segment,
        ChangeAction.DELETED,
        summary=f"removed the row {segment} (and its cells) from the Open Space",
    )
    segment.delete()
    upv_feed(open_space=open_space)
    return warnings


def segments_suggest(*, customer: Customer) -> list[str]:
    """The account's distinct sales-line segments (as first written), to offer as rows."""
    seen: dict[str, str] = {}
    for segment in (
        SalesLine.objects.filter(customer_id=customer.pk)
        .exclude(segment="")
        .order_by("segment")
        .values_list("segment", flat=True)
        .distinct()
    ):
        text = segment.strip()
        if text and segment_key(text) not in seen:
            seen[segment_key(text)] = text
    return sorted(seen.values(), key=str.lower)


# -- columns --------------------------------------------------------------------------------


@_restores_layout_version
@transaction.atomic
def catalog_columns_add(
    *, open_space: OpenSpace, offering_ids: Sequence[int], expected_open_space_version: int
) -> list[OpenSpaceColumn]:
    """One column per offering not yet in the matrix, grouped by the offering's business unit."""
    _lock_open_space(open_space, expected_open_space_version)
    wanted = list(dict.fromkeys(int(i) for i in offering_ids))
    offerings = {o.pk: o for o in Offering.objects.filter(pk__in=wanted)}
    unknown = [str(i) for i in wanted if i not in offerings]
    if unknown:
        raise ValidationError(
            {"offerings": f"Offering {', '.join(unknown)} does not exist in the catalog."}
        )
    present = set(
        OpenSpaceColumn.objects.filter(
            open_space_id=open_space.pk, offering_id__in=wanted
        ).values_list("offering_id", flat=True)
    )
    position = _next_position(OpenSpaceColumn, open_space)
    created = []
    for offering_id in wanted:
        if offering_id in present:
            continue
        offering = offerings[offering_id]
        created.append(
            OpenSpaceColumn(
                workspace_id=open_space.workspace_id,
                open_space=open_space,
                offering=offering,
                group=offering.business_unit,
                position=position,
            )
        )
        position += 1
    OpenSpaceColumn.objects.bulk_create(created)
    if created:
        _log(
            open_space,
            open_space,
            ChangeAction.CHANGED,
            label=OPEN_SPACE_LABEL,
            summary="added the column"
            + ("s " if len(created) > 1 else " ")
            + ", ".join(column.label for column in created)
            + " to the Open Space",
        )
    upv_feed(open_space=open_space)
    return created


def _check_column_fields(*, name: str, group: str, co_creation: bool) -> dict[str, str]:
    name, group = name.strip(), group.strip()
    errors: dict[str, str] = {}
    if co_creation and not name:
        errors["name"] = 'Name the co-creation idea, e.g. "Remote well monitoring".'
    elif len(name) > 200:
        errors["name"] = f"The name is {len(name)} characters long; keep it to 200."
    if len(group) > 120:
        errors["group"] = f"The group is {len(group)} characters long; keep it to 120."
    if errors:
        raise ValidationError(errors)
    return {"name": name, "group": group}


@_restores_layout_version
@transaction.atomic
def co_creation_column_add(
    *, open_space: OpenSpace, name: str, group: str = "", expected_open_space_version: int
) -> OpenSpaceColumn:
    """A column for an offering not in the catalog, shown after the catalog columns."""
    _lock_open_space(open_space, expected_open_space_version)
    fields = _check_column_fields(name=name, group=group, co_creation=True)
    column = OpenSpaceColumn.objects.create(
        workspace_id=open_space.workspace_id,
        open_space=open_space,
        position=_next_position(OpenSpaceColumn, open_space),
        **fields,
    )
    _log(
        open_space,
        column,
        ChangeAction.CREATED,
        summary=f"added the co-creation column {column} to the Open Space",
    )
    upv_feed(open_space=open_space)
    return column


@_restores_layout_version
@transaction.atomic
def column_update(
    *,
    open_space: OpenSpace,
    column_id: int,
    name: str | None = None,
    group: str | None = None,
    expected_open_space_version: int,
) -> OpenSpaceColumn:
    """Rename a column (a catalog column's name overrides the offering's) or regroup it."""
    _lock_open_space(open_space, expected_open_space_version)
    column = _column(open_space, column_id)
    fields = _check_column_fields(
        name=column.name if name is None else name,
        group=column.group if group is None else group,
        co_creation=column.is_co_creation,
    )
    before = change_log_values(column, fields)
    for key, value in fields.items():
        setattr(column, key, value)
    column.save(update_fields=list(fields))
    _log(
        open_space,
        column,
        ChangeAction.CHANGED,
        label=f"the column {column}",
        changes=change_log_diff(column, before),
    )
    _renumber(
        order_columns(
            OpenSpaceColumn.objects.filter(open_space_id=open_space.pk).select_related("offering")
        )
    )
    return column


@_restores_layout_version
@transaction.atomic
def column_move(
    *,
    open_space: OpenSpace,
    column_id: int,
    direction: Direction,
    expected_open_space_version: int,
) -> OpenSpaceColumn:
    """Swap a column with its neighbour in the same group (left = "up", right = "down")."""
    _lock_open_space(open_space, expected_open_space_version)
    column = _column(open_space, column_id)
    ordered = order_columns(
        OpenSpaceColumn.objects.filter(open_space_id=open_space.pk).select_related("offering")
    )
    _renumber(_move(ordered, column.pk, direction, group_of=column_group, noun="column"))
    side = "left" if direction == "up" else "right"
    _log(open_space, column, ChangeAction.MOVED, summary=f"moved the column {column} {side}")
    return column


@_restores_layout_version
@transaction.atomic
def column_remove(
    *, open_space: OpenSpace, column_id: int, expected_open_space_version: int
) -> list[str]:
    """Delete a column and its cells; warnings name opportunities that lose their cell link."""
    _lock_open_space(open_space, expected_open_space_version)
    column = _column(open_space, column_id)
    warnings = _unlinked_opportunities(OpenSpaceCell.objects.filter(column_id=column.pk))
    _log(
        open_space,
        column,
        ChangeAction.DELETED,
        summary=f"removed the column {column} (and its cells) from the Open Space",
    )
    column.delete()
    upv_feed(open_space=open_space)
    return warnings
