"""Blocks pasted into the Open Space: all or nothing, every bad value named."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Customer
from kam.tenancy.context import workspace_context
from planning.models import OpenSpace, OpenSpaceCell
from planning.open_space.services import clipboard
from tests.factories import WorkspaceWorld
from tests.planning.open_space.oil_field import (
    cell_at,
    oil_field_open_space,
    set_cell,
)

pytestmark = pytest.mark.django_db


def _paste(open_space: OpenSpace, top: str, left: str, rows: list[list[str]], **extra: object):  # type: ignore[no-untyped-def]
    segment_id, column_id = cell_at(open_space, top, left)
    arguments = {
        "open_space": open_space,
        "top_segment_id": segment_id,
        "left_column_id": column_id,
        "field": "potential",
        "rows": rows,
        "expected_versions": {},
        "user": None,
        **extra,
    }
    return clipboard.cells_paste(**arguments)  # type: ignore[arg-type]


def test_paste_refuses_text_and_negatives_listing_every_cell_and_saves_nothing(
    world: WorkspaceWorld,
) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        set_cell(open_space, "Europe", "Drilling", None, potential="77")
        with pytest.raises(ValidationError) as error:
            _paste(
                open_space,
                "Australasia",
                "Drilling",
                [["1,000", "2"], ["n/a", "4"], ["-5", "abc"]],
            )
        assert error.value.message_dict["rows"] == [
            "Row 2 of the paste (International > Europe), column 1 (Drilling):"
            " 'n/a' is not a number.",
            "Row 3 of the paste (Americas > South America), column 1 (Drilling):"
            " potential -5 cannot be below zero.",
            "Row 3 of the paste (Americas > South America), column 2 (Evaluation):"
            " 'abc' is not a number.",
        ]
        # Nothing applied: the valid values of the block were not written either.
        assert OpenSpaceCell.objects.filter(open_space=open_space).count() == 1
        assert OpenSpaceCell.objects.get(open_space=open_space).potential == Decimal("77.00")


def test_paste_off_the_edge_says_how_many_rows_and_columns_too_many(
    world: WorkspaceWorld,
) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        with pytest.raises(ValidationError) as error:
            _paste(
                open_space,
                "Alaska",
                "HPHT",
                [["1", "2", "3", "4", "5"], ["6", "7", "8", "9", "10"]],
            )
        message = error.value.message_dict["rows"][0]
        assert "1 row too many and 2 columns too many" in message
        assert "Americas > Alaska x HPHT" in message
        assert not OpenSpaceCell.objects.filter(open_space=open_space).exists()


def test_paste_writes_creates_and_updates_then_refuses_stale_versions(
    world: WorkspaceWorld,
) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        existing = set_cell(open_space, "Europe", "Drilling", None, potential="77")
        europe, drilling = existing.segment_id, existing.column_id
        saved_before = existing.updated_at
        cells = _paste(
            open_space,
            "Australasia",
            "Drilling",
            [["1 000", ""], ["3", "4"], [""]],  # Excel's trailing line break is no row
            expected_versions={f"{europe}:{drilling}": 1},
        )
        assert len(cells) == 4
        existing.refresh_from_db()
        assert (existing.potential, existing.version) == (Decimal("3.00"), 2)
        assert existing.updated_at > saved_before
        with pytest.raises(clipboard.PasteConflict) as conflict:
            _paste(
                open_space,
                "Europe",
                "Drilling",
                [["9"]],
                field="competitor",
                expected_versions={f"{europe}:{drilling}": 1},
            )
        assert [c.potential for c in conflict.value.cells] == [Decimal("3.00")]
        existing.refresh_from_db()
        assert existing.competitor == ""
        _paste(
            open_space,
            "Europe",
            "Drilling",
            [["Halliburton"]],
            field="competitor",
            expected_versions={f"{europe}:{drilling}": 2},
        )
        existing.refresh_from_db()
        assert (existing.competitor, existing.potential, existing.version) == (
            "Halliburton",
            Decimal("3.00"),
            3,
        )
        customer = Customer.objects.get(pk=open_space.customer_id)
        # 1000 on Australasia x Drilling and 3 on Europe x Drilling: both open (up-sell).
        assert customer.upv_open_space == Decimal("1003.00")


def test_paste_refuses_a_field_that_cannot_be_pasted(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        with pytest.raises(ValidationError) as error:
            _paste(open_space, "Europe", "Drilling", [["x"]], field="note")
        assert "can be pasted" in error.value.message_dict["field"][0]


def test_paste_of_too_long_competitors_names_the_cell_once(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        with pytest.raises(ValidationError) as error:
            _paste(open_space, "Europe", "Drilling", [["x" * 130]], field="competitor")
    assert error.value.message_dict["rows"] == [
        "Row 1 of the paste (International > Europe), column 1 (Drilling): the competitor of"
        " this cell is 130 characters long; keep it to 120."
    ]
