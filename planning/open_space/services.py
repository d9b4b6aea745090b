"""Writes of the Open Space: cells, pasted blocks, rows and columns, CSFs, UPV feed.

Every function is transactional and refuses a stale version with
:class:`kam.concurrency.VersionConflict` whose ``instance`` holds the values
saved meanwhile (re-read, so the caller can show them). Bad input raises
``ValidationError`` with a message naming the cell or field. Every change that
can alter the UPV (potential, sales, rows, columns) calls :func:`feed_upv` in
the same transaction, so the account's scores never lag behind the matrix.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Customer, Offering, SalesLine
from accounts.upv import account_upv_set
from buying_center.models import Stakeholder
from kam.changelog.models import ChangeAction
from kam.changelog.services import (
    change_log_diff,
    change_log_record,
    change_log_values,
    value_text,
)
from kam.concurrency import VersionConflict, delete_if_version, update_if_version
from planning.models import (
    CSF_RECOMMENDED_RANGE,
    CriticalSuccessFactor,
    OpenSpace,
    OpenSpaceCell,
    OpenSpaceColumn,
    OpenSpaceSegment,
)
from planning.open_space.sales import segment_key
from planning.open_space.selectors import (
    Matrix,
    open_space_matrix,
    order_columns,
    order_segments,
)
from planning.open_space.upv import UpvBreakdown

Direction = Literal["up", "down"]

#: Fields a cell edit may change, with the words messages use for them.
CELL_FIELDS: dict[str, str] = {
    "potential": "Potential",
    "entered_sales": "Last year's sales",
    "success_factor": "Critical success factor",
    "competitor": "Competitor",
    "note": "Note",
}
NUMBER_FIELDS = frozenset({"potential", "entered_sales"})
PASTE_FIELDS = frozenset({"potential", "entered_sales", "competitor"})
#: Cell amounts are DecimalField(max_digits=18, decimal_places=2).
MAX_AMOUNT = Decimal("9999999999999999.99")
CENT = Decimal("0.01")
# Thousands separators people paste from Excel: comma, spaces of every kind, apostrophe.
_SEPARATORS = re.compile(r"[, \u00a0\u202f\u2009']")
_DIGITS = re.compile(r"^[0-9]*$")
_GROUPED = re.compile(r"^[0-9]{1,3}(?:[, \u00a0\u202f\u2009'][0-9]{3})+$")
_DECIMAL_COMMA = re.compile(r"^[0-9]+,[0-9]{1,2}$")


class PasteConflict(VersionConflict):
    """Some cells of a pasted block changed since the paste was prepared."""

    def __init__(self, cells: list[OpenSpaceCell], expected_version: int) -> None:
        super().__init__(cells[0], expected_version)
        self.cells = cells


# -- helpers ----------------------------------------------------------------------------


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


OPEN_SPACE_LABEL = "the Open Space"


def _cell_name(segment: OpenSpaceSegment, column: OpenSpaceColumn) -> str:
    """ "Africa > Exploration x Drilling": how messages name a cell."""
    return f"{segment} x {column.label}"


def parse_amount(text: str | None) -> Decimal | None:
    """An amount as typed or pasted ("1200", "1,200.50", "1 200"); ``None`` when blank.

    Thousands separators (comma, space, apostrophe) are accepted only between
    groups of three digits, so "1,5" (a decimal comma) is refused instead of
    being read as 15. Raises ``ValueError`` with the reason in plain words ("is
    not a number", "cannot be below zero", "is too large"); callers add which
    cell it was.
    """
    if text is None:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    sign, body = ("-", raw[1:]) if raw[:1] == "-" else ("", raw.removeprefix("+"))
    whole, _, decimals = body.partition(".")
    if not _DIGITS.match(decimals) or (not whole and not decimals):
        raise ValueError(f"'{raw}' is not a number")
    if not _DIGITS.match(whole):
        if not _GROUPED.match(whole):
            if _DECIMAL_COMMA.match(whole) and not decimals:
                raise ValueError(
                    f"'{raw}' is not a number: write decimals with a point"
                    f" ({whole.replace(',', '.')})"
                )
            raise ValueError(f"'{raw}' is not a number")
        whole = _SEPARATORS.sub("", whole)
    value = Decimal(f"{sign}{whole or '0'}.{decimals or '0'}")
    if value < 0:
        raise ValueError(f"{raw} cannot be below zero")
    if value > MAX_AMOUNT:
        raise ValueError(f"{raw} is too large")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _text(value: str | None, *, limit: int, label: str, where: str) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValueError(f"{label} of {where} is {len(text)} characters long; keep it to {limit}")
    return text


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
        open_space = args[0]
        assert isinstance(open_space, OpenSpace)
        before = (open_space.version, open_space.updated_at)
        try:
            return func(*args, **kwargs)
        except BaseException:
            open_space.version, open_space.updated_at = before
            raise

    return wrapper


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


def _success_factor(open_space: OpenSpace, value: Any) -> CriticalSuccessFactor | None:
    if value in (None, ""):
        return None
    if isinstance(value, CriticalSuccessFactor):
        factor: CriticalSuccessFactor | None = value
    else:
        try:
            factor_id = int(str(value).strip())
        except ValueError:
            raise ValidationError(
                {"success_factor": f"'{value}' is not a critical success factor."}
            ) from None
        factor = (
            CriticalSuccessFactor.objects.select_related("customer")
            .filter(workspace_id=open_space.workspace_id, pk=factor_id)
            .first()
        )
    if factor is None or factor.workspace_id != open_space.workspace_id:
        raise ValidationError(
            {"success_factor": f"Critical success factor {value} does not exist."}
        )
    if factor.customer_id != open_space.customer_id:
        raise ValidationError(
            {
                "success_factor": f'The critical success factor "{factor.title}" belongs to'
                f" another account ({factor.customer.name}), not to {open_space.customer.name}."
            }
        )
    return factor


def _cell_changes(
    open_space: OpenSpace,
    changes: Mapping[str, str | None],
    *,
    where: str,
) -> dict[str, Any]:
    """Typed values of ``changes`` or a ValidationError keyed by field."""
    unknown = set(changes) - set(CELL_FIELDS)
    if unknown:
        raise ValidationError(
            {
                field: f"A cell has no field {field!r}; use one of {', '.join(CELL_FIELDS)}."
                for field in sorted(unknown)
            }
        )
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, raw in changes.items():
        try:
            if field in NUMBER_FIELDS:
                values[field] = parse_amount(raw)
            elif field == "competitor":
                values[field] = _text(raw, limit=120, label="The competitor", where=where)
            elif field == "note":
                values[field] = _text(raw, limit=500, label="The note", where=where)
        except ValueError as error:
            message = str(error)
            if field in NUMBER_FIELDS:
                message = f"{CELL_FIELDS[field]} of {where}: {message}."
            errors[field] = message if message.endswith(".") else message + "."
    if "success_factor" in changes:
        try:
            values["success_factor"] = _success_factor(open_space, changes["success_factor"])
        except ValidationError as error:
            errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return values


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


# -- the open space itself -------------------------------------------------------------


@transaction.atomic
def get_or_create_open_space(*, customer: Customer) -> OpenSpace:
    """The account's Open Space, created empty the first time."""
    existing = OpenSpace.objects.select_related("customer", "workspace").filter(
        customer_id=customer.pk
    )
    open_space = existing.first()
    if open_space is not None:
        return open_space
    try:
        with transaction.atomic():
            OpenSpace.objects.create(customer=customer, workspace_id=customer.workspace_id)
    except IntegrityError:
        pass  # Created by someone else a moment ago: use theirs.
    return existing.get()


def feed_upv(open_space: OpenSpace) -> UpvBreakdown:
    """Compute the matrix's UPV and store it on the account (which marks its scores dirty)."""
    return _feed_upv_matrix(open_space).upv


def _feed_upv_matrix(open_space: OpenSpace) -> Matrix:
    """:func:`feed_upv`, handing back the whole matrix it computed for callers that show it."""
    matrix = open_space_matrix(open_space)
    account_upv_set(
        workspace=open_space.workspace, customer=open_space.customer, upv=matrix.upv.total
    )
    return matrix


@transaction.atomic
def update_open_space_notes(
    open_space: OpenSpace, *, notes: str, expected_version: int
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


@transaction.atomic
def delete_open_space(open_space: OpenSpace, *, expected_version: int | None = None) -> list[str]:
    """Delete the whole matrix; the account's UPV falls back to its own estimate."""
    warnings = _unlinked_opportunities(OpenSpaceCell.objects.filter(open_space_id=open_space.pk))
    customer = open_space.customer
    workspace = open_space.workspace
    _log(open_space, open_space, ChangeAction.DELETED, label=OPEN_SPACE_LABEL)
    try:
        delete_if_version(open_space, expected_version=expected_version)
    except VersionConflict:
        raise VersionConflict(
            OpenSpace.objects.get(pk=open_space.pk), expected_version or 0
        ) from None
    account_upv_set(workspace=workspace, customer=customer, upv=None)
    return warnings


#: Above this many customers a refresh simply looks at every matrix of the
#: workspace (there are only as many as key accounts) instead of a long IN list.
REFRESH_ALL_ABOVE = 500


def refresh_upv(*, workspace_id: int, customer_ids: Iterable[int] | None = None) -> int:
    """Recompute the UPV of every Open Space of a workspace; returns how many changed.

    Sales lines decide which cells are open, so an import of sales or the turn
    of the year can move UPV without anyone touching a matrix. ``accounts``
    cannot call planning (the dependency points one way); a job or the figures
    run calls this instead. Unchanged values write nothing and mark nothing.
    """
    open_spaces = OpenSpace.objects.filter(workspace_id=workspace_id)
    if customer_ids is not None:
        ids = set(customer_ids)
        if len(ids) <= REFRESH_ALL_ABOVE:
            open_spaces = open_spaces.filter(customer_id__in=ids)
    changed = 0
    for open_space in open_spaces.select_related("customer", "workspace"):
        before = Customer.objects.filter(pk=open_space.customer_id).values_list(
            "upv_open_space", flat=True
        )[0]
        total = feed_upv(open_space).total
        changed += before is None or before != total.quantize(CENT)
    return changed


# -- cells ------------------------------------------------------------------------------


@transaction.atomic
def save_cell(
    *,
    open_space: OpenSpace,
    segment_id: int,
    column_id: int,
    changes: Mapping[str, str | None],
    expected_version: int,
    user: AbstractBaseUser | AnonymousUser | None,
) -> OpenSpaceCell:
    """Change one cell (creating its row on the first edit) if nobody else changed it.

    ``expected_version`` is the version the person saw: 0 when the cell had no
    row yet. A row created or changed meanwhile raises ``VersionConflict``
    carrying the cell as it is now.
    """
    return _save_cell(
        open_space=open_space,
        segment_id=segment_id,
        column_id=column_id,
        changes=changes,
        expected_version=expected_version,
        user=user,
    )[0]


@transaction.atomic
def save_cell_for_page(
    *,
    open_space: OpenSpace,
    segment_id: int,
    column_id: int,
    changes: Mapping[str, str | None],
    expected_version: int,
    user: AbstractBaseUser | AnonymousUser | None,
) -> tuple[OpenSpaceCell, Matrix]:
    """:func:`save_cell`, also returning the matrix as it is after the change.

    The spreadsheet page answers every autosave with the new totals and UPV; when
    the change fed the UPV, the matrix computed for it is the one the page needs,
    so it is not built twice.
    """
    cell, matrix = _save_cell(
        open_space=open_space,
        segment_id=segment_id,
        column_id=column_id,
        changes=changes,
        expected_version=expected_version,
        user=user,
    )
    return cell, matrix if matrix is not None else open_space_matrix(open_space)


def _save_cell(
    *,
    open_space: OpenSpace,
    segment_id: int,
    column_id: int,
    changes: Mapping[str, str | None],
    expected_version: int,
    user: AbstractBaseUser | AnonymousUser | None,
) -> tuple[OpenSpaceCell, Matrix | None]:
    """The work of :func:`save_cell`; the matrix when the UPV was fed, else None."""
    segment = _segment(open_space, segment_id)
    column = _column(open_space, column_id)
    values = _cell_changes(open_space, changes, where=_cell_name(segment, column))
    before: dict[str, Any] = dict.fromkeys(values)
    values["updated_by"] = _author(user)
    if expected_version == 0:
        try:
            with transaction.atomic():
                cell = OpenSpaceCell.objects.create(
                    workspace_id=open_space.workspace_id,
                    open_space=open_space,
                    segment=segment,
                    column=column,
                    **values,
                )
        except IntegrityError:
            raise VersionConflict(
                _current_cell(open_space, segment_id, column_id), expected_version
            ) from None
    else:
        cell = _current_cell(open_space, segment_id, column_id)
        if cell.pk is None:
            raise VersionConflict(cell, expected_version)
        before = change_log_values(cell, before)
        try:
            update_if_version(cell, expected_version=expected_version, changes=values)
        except VersionConflict:
            raise VersionConflict(
                _current_cell(open_space, segment_id, column_id), expected_version
            ) from None
    _log(
        open_space,
        cell,
        ChangeAction.CHANGED,
        label=f"the cell {_cell_name(segment, column)}",
        changes=change_log_diff(cell, before),
    )
    if NUMBER_FIELDS & set(changes):
        return cell, _feed_upv_matrix(open_space)
    return cell, None


@transaction.atomic
def clear_cell(
    *, open_space: OpenSpace, cell: OpenSpaceCell, expected_version: int | None
) -> list[str]:
    """Delete a cell's row (all its values); warnings name opportunities that lose the link."""
    if cell.open_space_id != open_space.pk:
        raise ValidationError({"cell": "That cell is not in this Open Space."})
    warnings = _unlinked_opportunities(OpenSpaceCell.objects.filter(pk=cell.pk))
    _log(
        open_space,
        cell,
        ChangeAction.DELETED,
        label=f"the cell {_cell_name(cell.segment, cell.column)}",
        summary=f"cleared the cell {_cell_name(cell.segment, cell.column)}",
    )
    try:
        delete_if_version(cell, expected_version=expected_version)
    except VersionConflict:
        raise VersionConflict(
            _current_cell(open_space, cell.segment_id, cell.column_id), expected_version or 0
        ) from None
    feed_upv(open_space)
    return warnings


@transaction.atomic
def paste_block(
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
        feed_upv(open_space)
    return to_create + to_update


# -- rows -------------------------------------------------------------------------------


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
def add_segment(
    open_space: OpenSpace,
    *,
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
    feed_upv(open_space)
    return segment


@_restores_layout_version
@transaction.atomic
def update_segment(
    open_space: OpenSpace,
    segment_id: int,
    *,
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
    feed_upv(open_space)
    return segment


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


@_restores_layout_version
@transaction.atomic
def move_segment(
    open_space: OpenSpace,
    segment_id: int,
    *,
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
def remove_segment(
    open_space: OpenSpace, segment_id: int, *, expected_open_space_version: int
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
    feed_upv(open_space)
    return warnings


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


# -- columns ----------------------------------------------------------------------------


@_restores_layout_version
@transaction.atomic
def add_catalog_columns(
    open_space: OpenSpace, *, offering_ids: Sequence[int], expected_open_space_version: int
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
    feed_upv(open_space)
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
def add_co_creation_column(
    open_space: OpenSpace, *, name: str, group: str = "", expected_open_space_version: int
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
    feed_upv(open_space)
    return column


@_restores_layout_version
@transaction.atomic
def update_column(
    open_space: OpenSpace,
    column_id: int,
    *,
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
def move_column(
    open_space: OpenSpace,
    column_id: int,
    *,
    direction: Direction,
    expected_open_space_version: int,
) -> OpenSpaceColumn:
    """Swap a column with its neighbour in the same group (left = "up", right = "down")."""
    from planning.open_space.selectors import column_group

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
def remove_column(
    open_space: OpenSpace, column_id: int, *, expected_open_space_version: int
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
    feed_upv(open_space)
    return warnings


def suggest_segments(customer: Customer) -> list[str]:
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


# -- critical success factors -----------------------------------------------------------


def success_factor_warning(count: int) -> str | None:
    """A plain-words warning when an account has fewer than 2 or more than 5 CSFs."""
    low, high = CSF_RECOMMENDED_RANGE
    if count < low:
        have = "no critical success factor" if count == 0 else "only one critical success factor"
        return (
            f"This account has {have}. Name {low} to {high}: the few things the customer must"
            " get right to win in its own market."
        )
    if count > high:
        return (
            f"This account has {count} critical success factors. Keep the {high} that matter"
            " most: with more, everything looks aligned and nothing stands out."
        )
    return None


def _check_success_factor(
    customer: Customer, *, title: str, description: str, owner: Stakeholder | None
) -> dict[str, Any]:
    title, description = title.strip(), description.strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = 'Say what the customer must get right, e.g. "Grow exploration in Africa".'
    elif len(title) > 200:
        errors["title"] = f"The title is {len(title)} characters long; keep it to 200."
    if owner is not None:
        if owner.workspace_id != customer.workspace_id:
            errors["owner"] = f"Stakeholder {owner.pk} does not exist."
        elif owner.customer_id != customer.pk:
            errors["owner"] = (
                f"That stakeholder ({owner.name}) belongs to another account"
                f" ({owner.customer.name}), not to {customer.name}."
            )
    if errors:
        raise ValidationError(errors)
    return {"title": title, "description": description, "owner": owner}


@transaction.atomic
def add_success_factor(
    *, customer: Customer, title: str, description: str = "", owner: Stakeholder | None = None
) -> CriticalSuccessFactor:
    fields = _check_success_factor(customer, title=title, description=description, owner=owner)
    top = CriticalSuccessFactor.objects.filter(customer_id=customer.pk).aggregate(
        top=Max("position")
    )["top"]
    factor = CriticalSuccessFactor.objects.create(
        workspace_id=customer.workspace_id,
        customer=customer,
        position=0 if top is None else top + 1,
        **fields,
    )
    _log_factor(factor, ChangeAction.CREATED, summary=f"added the critical success factor {factor}")
    return factor


def _log_factor(factor: CriticalSuccessFactor, action: str, **more: Any) -> None:
    change_log_record(
        workspace=factor.workspace_id,
        obj=factor,
        action=action,
        account_id=factor.customer_id,
        **more,
    )


@transaction.atomic
def update_success_factor(
    factor: CriticalSuccessFactor,
    *,
    expected_version: int,
    title: str | None = None,
    description: str | None = None,
    owner: Stakeholder | Literal[False] | None = False,
) -> CriticalSuccessFactor:
    """Change a CSF if nobody else did since ``expected_version`` (``owner=False``: keep it)."""
    current = CriticalSuccessFactor.objects.select_related("customer", "owner").get(pk=factor.pk)
    fields = _check_success_factor(
        current.customer,
        title=current.title if title is None else title,
        description=current.description if description is None else description,
        owner=current.owner if owner is False else owner,
    )
    before = change_log_values(current, fields)
    try:
        update_if_version(current, expected_version=expected_version, changes=fields)
    except VersionConflict:
        raise VersionConflict(
            CriticalSuccessFactor.objects.select_related("owner").get(pk=factor.pk),
            expected_version,
        ) from None
    _log_factor(current, ChangeAction.CHANGED, changes=change_log_diff(current, before))
    return current


@transaction.atomic
def remove_success_factor(
    factor: CriticalSuccessFactor, *, expected_version: int | None = None
) -> None:
    """Delete a CSF; the cells aligned with it lose their alignment (not their values)."""
    _log_factor(
        factor, ChangeAction.DELETED, summary=f"removed the critical success factor {factor}"
    )
    try:
        delete_if_version(factor, expected_version=expected_version)
    except VersionConflict:
        raise VersionConflict(
            CriticalSuccessFactor.objects.get(pk=factor.pk), expected_version or 0
        ) from None


@transaction.atomic
def move_success_factor(
    factor: CriticalSuccessFactor, *, direction: Direction
) -> CriticalSuccessFactor:
    """Swap a CSF with its neighbour in the account's order."""
    ordered = list(
        CriticalSuccessFactor.objects.select_for_update()
        .filter(customer_id=factor.customer_id)
        .order_by("position", "pk")
    )
    ordered = _move(ordered, factor.pk, direction, group_of=lambda f: "", noun="factor")
    changed = []
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            changed.append(item)
    # Reordering is not an edit of the factor's content: no version bump, no conflict.
    CriticalSuccessFactor.objects.bulk_update(changed, ["position"])
    moved = next(item for item in ordered if item.pk == factor.pk)
    _log_factor(
        moved,
        ChangeAction.MOVED,
        summary=f"moved the critical success factor {moved} {direction}",
    )
    return moved


__all__ = [
    "PasteConflict",
    "add_catalog_columns",
    "add_co_creation_column",
    "add_segment",
    "add_success_factor",
    "clear_cell",
    "delete_open_space",
    "feed_upv",
    "get_or_create_open_space",
    "move_column",
    "move_segment",
    "move_success_factor",
    "parse_amount",
    "paste_block",
    "refresh_upv",
    "remove_column",
    "remove_segment",
    "remove_success_factor",
    "save_cell",
    "save_cell_for_page",
    "success_factor_warning",
    "suggest_segments",
    "update_column",
    "update_open_space_notes",
    "update_segment",
    "update_success_factor",
]
