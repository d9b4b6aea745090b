"""Open Space cells: one edit at a time, its versions and the amounts people type."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Customer
from kam.concurrency import VersionConflict
from kam.tenancy.context import workspace_context
from planning.models import CriticalSuccessFactor, OpenSpaceCell
from planning.open_space.services import cells, success_factors
from tests.factories import WorkspaceWorld
from tests.planning.open_space.oil_field import (
    cell_at,
    oil_field_open_space,
    set_cell,
)

pytestmark = pytest.mark.django_db


def test_save_cell_creates_then_updates_with_versions(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        segment_id, column_id = cell_at(open_space, "Europe", "Drilling")
        cell = cells.cell_save(
            open_space=open_space,
            segment_id=segment_id,
            column_id=column_id,
            changes={"potential": "1,200.50", "competitor": "  Halliburton "},
            expected_version=0,
            user=world.a.user("kam"),
        )
        assert (cell.potential, cell.competitor, cell.version) == (
            Decimal("1200.50"),
            "Halliburton",
            1,
        )
        cell = cells.cell_save(
            open_space=open_space,
            segment_id=segment_id,
            column_id=column_id,
            changes={"potential": ""},
            expected_version=1,
            user=world.a.user("kam"),
        )
        cell.refresh_from_db()
        assert (cell.potential, cell.competitor, cell.version) == (None, "Halliburton", 2)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("lots", "Potential of International > Africa x Drilling: 'lots' is not a number."),
        ("-5", "Potential of International > Africa x Drilling: -5 cannot be below zero."),
        ("1e5", "'1e5' is not a number"),
        ("NaN", "'NaN' is not a number"),
    ],
)
def test_save_cell_refuses_bad_numbers_naming_the_cell(
    world: WorkspaceWorld, typed: str, message: str
) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        with pytest.raises(ValidationError) as error:
            set_cell(open_space, "Africa", "Drilling", world.a.user("kam"), potential=typed)
        assert message in " ".join(error.value.message_dict["potential"])
        assert not OpenSpaceCell.objects.filter(open_space=open_space).exists()


def test_stale_cell_version_is_a_conflict_carrying_the_other_value(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        segment_id, column_id = cell_at(open_space, "Europe", "Drilling")
        first = dict(open_space=open_space, segment_id=segment_id, column_id=column_id)
        cells.cell_save(**first, changes={"potential": "100"}, expected_version=0, user=None)
        # Someone else created the row meanwhile: creating again (version 0) is a conflict.
        with pytest.raises(VersionConflict) as created:
            cells.cell_save(**first, changes={"potential": "7"}, expected_version=0, user=None)
        assert created.value.instance.potential == Decimal("100.00")
        cells.cell_save(**first, changes={"potential": "200"}, expected_version=1, user=None)
        with pytest.raises(VersionConflict) as stale:
            cells.cell_save(**first, changes={"potential": "300"}, expected_version=1, user=None)
        assert stale.value.instance.potential == Decimal("200.00")
        assert stale.value.instance.version == 2
        assert (
            OpenSpaceCell.objects.get(segment_id=segment_id, column_id=column_id).potential == 200
        )


def test_csf_of_another_account_is_refused_by_name(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        other = Customer.objects.create(external_id="a-C2", name="Borealis Steel")
        foreign = success_factors.success_factor_add(customer=other, title="Cut energy use")
        with pytest.raises(ValidationError) as error:
            set_cell(open_space, "Africa", "Drilling", None, success_factor=str(foreign.pk))
        assert error.value.message_dict["success_factor"] == [
            'The critical success factor "Cut energy use" belongs to another account'
            " (Borealis Steel), not to Gulf Oilfield Operations."
        ]
    with workspace_context(world.b.workspace):
        b_factor = CriticalSuccessFactor.objects.get()
    with workspace_context(world.a.workspace):
        with pytest.raises(ValidationError) as error:
            set_cell(open_space, "Africa", "Drilling", None, success_factor=str(b_factor.pk))
        assert "does not exist" in error.value.message_dict["success_factor"][0]


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1200", "1200.00"),
        ("1,200.50", "1200.50"),
        ("1 200", "1200.00"),
        ("1\u00a0200", "1200.00"),
        ("12,345,678.9", "12345678.90"),
        (" .5 ", "0.50"),
        ("1.005", "1.01"),
        ("", None),
        (None, None),
    ],
)
def test_amounts_as_typed_in_a_spreadsheet(typed: str | None, value: str | None) -> None:
    assert cells.parse_amount(typed) == (None if value is None else Decimal(value))


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1,5", "'1,5' is not a number: write decimals with a point (1.5)"),
        ("1.200,50", "'1.200,50' is not a number"),
        ("1 2", "'1 2' is not a number"),
        ("1.2.3", "'1.2.3' is not a number"),
        ("1e5", "'1e5' is not a number"),
        ("Infinity", "'Infinity' is not a number"),
        ("-0.01", "-0.01 cannot be below zero"),
        ("99999999999999999", "99999999999999999 is too large"),
    ],
)
def test_amounts_refused_with_the_reason(typed: str, reason: str) -> None:
    with pytest.raises(ValueError) as error:
        cells.parse_amount(typed)
    assert str(error.value) == reason
