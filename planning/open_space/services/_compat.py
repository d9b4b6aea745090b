"""The old names of the Open Space's services, for the page views only.

``planning/open_space/views.py`` and ``csf_views.py`` are being rewritten on
another branch and still call these names, some with positional arguments.
Once that branch calls the ``noun_verb`` services, delete this module and its
re-export in ``__init__``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from accounts.models import Customer
from buying_center.models import Stakeholder
from planning.models import CriticalSuccessFactor, OpenSpace, OpenSpaceColumn, OpenSpaceSegment
from planning.open_space.services import layout, success_factors
from planning.open_space.services._base import Direction


def suggest_segments(customer: Customer) -> list[str]:
    return layout.segments_suggest(customer=customer)


def add_segment(
    open_space: OpenSpace,
    *,
    name: str,
    group: str = "",
    sales_segment: str = "",
    expected_open_space_version: int,
) -> OpenSpaceSegment:
    return layout.segment_add(
        open_space=open_space,
        name=name,
        group=group,
        sales_segment=sales_segment,
        expected_open_space_version=expected_open_space_version,
    )


def update_segment(
    open_space: OpenSpace,
    segment_id: int,
    *,
    name: str | None = None,
    group: str | None = None,
    sales_segment: str | None = None,
    expected_open_space_version: int,
) -> OpenSpaceSegment:
    return layout.segment_update(
        open_space=open_space,
        segment_id=segment_id,
        name=name,
        group=group,
        sales_segment=sales_segment,
        expected_open_space_version=expected_open_space_version,
    )


def move_segment(
    open_space: OpenSpace,
    segment_id: int,
    *,
    direction: Direction,
    expected_open_space_version: int,
) -> OpenSpaceSegment:
    return layout.segment_move(
        open_space=open_space,
        segment_id=segment_id,
        direction=direction,
        expected_open_space_version=expected_open_space_version,
    )


def remove_segment(
    open_space: OpenSpace, segment_id: int, *, expected_open_space_version: int
) -> list[str]:
    return layout.segment_remove(
        open_space=open_space,
        segment_id=segment_id,
        expected_open_space_version=expected_open_space_version,
    )


def add_catalog_columns(
    open_space: OpenSpace, *, offering_ids: Sequence[int], expected_open_space_version: int
) -> list[OpenSpaceColumn]:
    return layout.catalog_columns_add(
        open_space=open_space,
        offering_ids=offering_ids,
        expected_open_space_version=expected_open_space_version,
    )


def add_co_creation_column(
    open_space: OpenSpace, *, name: str, group: str = "", expected_open_space_version: int
) -> OpenSpaceColumn:
    return layout.co_creation_column_add(
        open_space=open_space,
        name=name,
        group=group,
        expected_open_space_version=expected_open_space_version,
    )


def update_column(
    open_space: OpenSpace,
    column_id: int,
    *,
    name: str | None = None,
    group: str | None = None,
    expected_open_space_version: int,
) -> OpenSpaceColumn:
    return layout.column_update(
        open_space=open_space,
        column_id=column_id,
        name=name,
        group=group,
        expected_open_space_version=expected_open_space_version,
    )


def move_column(
    open_space: OpenSpace,
    column_id: int,
    *,
    direction: Direction,
    expected_open_space_version: int,
) -> OpenSpaceColumn:
    return layout.column_move(
        open_space=open_space,
        column_id=column_id,
        direction=direction,
        expected_open_space_version=expected_open_space_version,
    )


def remove_column(
    open_space: OpenSpace, column_id: int, *, expected_open_space_version: int
) -> list[str]:
    return layout.column_remove(
        open_space=open_space,
        column_id=column_id,
        expected_open_space_version=expected_open_space_version,
    )


def update_success_factor(
    factor: CriticalSuccessFactor,
    *,
    expected_version: int,
    title: str | None = None,
    description: str | None = None,
    owner: Stakeholder | Literal[False] | None = False,
) -> CriticalSuccessFactor:
    return success_factors.success_factor_update(
        factor=factor,
        expected_version=expected_version,
        title=title,
        description=description,
        owner=owner,
    )


def remove_success_factor(
    factor: CriticalSuccessFactor, *, expected_version: int | None = None
) -> None:
    success_factors.success_factor_remove(factor=factor, expected_version=expected_version)


def move_success_factor(
    factor: CriticalSuccessFactor, *, direction: Direction
) -> CriticalSuccessFactor:
    return success_factors.success_factor_move(factor=factor, direction=direction)
