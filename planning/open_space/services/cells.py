"""Cells of the Open Space: one edit at a time, and the amounts people type.

Every function is transactional and refuses a stale version with
:class:`kam.concurrency.VersionConflict` whose ``instance`` holds the values
saved meanwhile (re-read, so the caller can show them). Bad input raises
``ValidationError`` with a message naming the cell or field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_values
from kam.concurrency import VersionConflict, delete_if_version, update_if_version
from planning.models import CriticalSuccessFactor, OpenSpace, OpenSpaceCell
from planning.open_space.selectors import Matrix, open_space_matrix
from planning.open_space.services._base import (
    CENT,
    _author,
    _cell_name,
    _column,
    _current_cell,
    _log,
    _segment,
    _text,
    _unlinked_opportunities,
)
from planning.open_space.services.open_spaces import _upv_feed_matrix, upv_feed

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
# Thousands separators people paste from Excel: comma, spaces of every kind, apostrophe.
_SEPARATORS = re.compile(r"[, \u00a0\u202f\u2009']")
_DIGITS = re.compile(r"^[0-9]*$")
_GROUPED = re.compile(r"^[0-9]{1,3}(?:[, \u00a0\u202f\u2009'][0-9]{3})+$")
_DECIMAL_COMMA = re.compile(r"^[0-9]+,[0-9]{1,2}$")


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


@transaction.atomic
def cell_save(
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
    return _cell_save(
        open_space=open_space,
        segment_id=segment_id,
        column_id=column_id,
        changes=changes,
        expected_version=expected_version,
        user=user,
    )[0]


@transaction.atomic
def cell_save_for_page(
    *,
    open_space: OpenSpace,
    segment_id: int,
    column_id: int,
    changes: Mapping[str, str | None],
    expected_version: int,
    user: AbstractBaseUser | AnonymousUser | None,
) -> tuple[OpenSpaceCell, Matrix]:
    """:func:`cell_save`, also returning the matrix as it is after the change.

    The spreadsheet page answers every autosave with the new totals and UPV; when
    the change fed the UPV, the matrix computed for it is the one the page needs,
    so it is not built twice.
    """
    cell, matrix = _cell_save(
        open_space=open_space,
        segment_id=segment_id,
        column_id=column_id,
        changes=changes,
        expected_version=expected_version,
        user=user,
    )
    return cell, matrix if matrix is not None else open_space_matrix(open_space)


def _cell_save(
    *,
    open_space: OpenSpace,
    segment_id: int,
    column_id: int,
    changes: Mapping[str, str | None],
    expected_version: int,
    user: AbstractBaseUser | AnonymousUser | None,
) -> tuple[OpenSpaceCell, Matrix | None]:
    """The work of :func:`cell_save`; the matrix when the UPV was fed, else None."""
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
        return cell, _upv_feed_matrix(open_space=open_space)
    return cell, None


@transaction.atomic
def cell_clear(
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
    upv_feed(open_space=open_space)
    return warnings
