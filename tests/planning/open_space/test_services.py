"""Open Space services: cells, pastes, rows and columns, CSFs, the UPV feed.

``oil_field_open_space`` (also used by the other test modules here) builds the
oil-field services account map of the seed (Figure 1.1): ten regions by ten
offerings in three of our business units, last year's sales in $1M as sales
lines, plus a few potentials, CSF alignments and competitors.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Customer, Offering, SalesLine
from accounts.services import sales_line_create
from kam.concurrency import VersionConflict
from kam.tenancy.context import workspace_context
from planning.models import CriticalSuccessFactor, OpenSpace, OpenSpaceCell, Opportunity
from planning.open_space.selectors import open_space_matrix
from planning.open_space.services import cells, clipboard, layout, open_spaces, success_factors
from tests.factories import Tenant, WorkspaceWorld

pytestmark = pytest.mark.django_db

# Saving a cell feeds UPV computed for the real today: the test data follows the calendar.
LAST_YEAR = timezone.localdate().year - 1
TODAY = datetime.date(LAST_YEAR + 1, 6, 1)
MILLION = Decimal("1000000")

OIL_FIELD_COLUMNS: list[tuple[str, list[str]]] = [
    (
        "Exploration BU",
        ["Reservoir Development", "Integrated Operations", "Drilling", "Evaluation"],
    ),
    ("Development BU", ["Completion", "Production", "Pressure Pumping"]),
    ("Production BU", ["Tubular Services", "HPHT", "Hydrocarbon Processing"]),
]
OIL_FIELD_ROWS: list[tuple[str, str]] = [
    ("International", "Africa"),
    ("International", "Asia and Middle East"),
    ("International", "Australasia"),
    ("International", "Europe"),
    ("Americas", "South America"),
    ("Americas", "Canada"),
    ("Americas", "Mexico"),
    ("Americas", "Trinidad and Tobago"),
    ("Americas", "United States"),
    ("Americas", "Alaska"),
]
#: Prior-year sales in $1M (Figure 1.1).
OIL_FIELD_SALES: dict[tuple[str, str], str] = {
    ("Africa", "Integrated Operations"): "2.00",
    ("Africa", "Evaluation"): "0.60",
    ("Africa", "Production"): "9.00",
    ("Asia and Middle East", "Integrated Operations"): "2.00",
    ("Asia and Middle East", "Evaluation"): "0.60",
    ("Asia and Middle East", "Production"): "12.00",
    ("Australasia", "Evaluation"): "0.60",
    ("Australasia", "Production"): "2.00",
    ("Europe", "Integrated Operations"): "2.00",
    ("Europe", "Evaluation"): "0.60",
    ("Europe", "Production"): "7.00",
    ("South America", "Evaluation"): "0.60",
    ("South America", "Production"): "6.00",
    ("Canada", "Evaluation"): "0.60",
    ("Canada", "Completion"): "1.00",
    ("Canada", "HPHT"): "1.00",
    ("Mexico", "Integrated Operations"): "1.00",
    ("Mexico", "Completion"): "1.50",
    ("Trinidad and Tobago", "Reservoir Development"): "1.00",
    ("Trinidad and Tobago", "Completion"): "0.80",
    ("Trinidad and Tobago", "HPHT"): "1.00",
    ("United States", "Drilling"): "2.00",
    ("Alaska", "Drilling"): "1.70",
    ("Alaska", "Completion"): "0.60",
}


def build_open_space(
    tenant: Tenant,
    *,
    rows: list[tuple[str, str]],
    columns: list[tuple[str, list[str]]],
    co_creation: list[str] = (),  # type: ignore[assignment]
    customer: Customer | None = None,
) -> OpenSpace:
    """An Open Space with these rows (group, name) and offering columns (unit, names)."""
    if customer is None:
        # Not the factory's customer: it already has a small Open Space of its own.
        customer = Customer.objects.create(
            external_id=f"{tenant.workspace.slug}-OIL", name="Gulf Oilfield Operations"
        )
    open_space = open_spaces.open_space_get_or_create(customer=customer)
    position = 0
    from planning.models import OpenSpaceColumn, OpenSpaceSegment

    OpenSpaceSegment.objects.bulk_create(
        OpenSpaceSegment(
            workspace=tenant.workspace, open_space=open_space, group=group, name=name, position=i
        )
        for i, (group, name) in enumerate(rows)
    )
    for unit, names in columns:
        for name in names:
            offering, _ = Offering.objects.get_or_create(
                code=f"{tenant.workspace.slug}-{name}"[:64],
                defaults={"name": name, "business_unit": unit},
            )
            OpenSpaceColumn.objects.create(
                open_space=open_space, offering=offering, group=unit, position=position
            )
            position += 1
    for name in co_creation:
        OpenSpaceColumn.objects.create(open_space=open_space, name=name, position=position)
        position += 1
    return open_space


def add_sales(
    tenant: Tenant,
    *,
    segment: str,
    offering: str,
    amount: str | Decimal,
    year: int = LAST_YEAR,
    currency: str = "EUR",
    day: tuple[int, int] = (6, 15),
    customer: Customer | None = None,
) -> SalesLine:
    customer = customer or Customer.objects.get(external_id=f"{tenant.workspace.slug}-OIL")
    number = SalesLine.objects.count() + 1
    return SalesLine.objects.create(
        customer=customer,
        offering=Offering.objects.get(name=offering),
        segment=segment,
        date=datetime.date(year, *day),
        net_sales=Decimal(amount),
        currency=currency,
        source_key=f"test-{tenant.workspace.slug}-{number}-{segment}-{offering}",
    )


def oil_field_open_space(tenant: Tenant) -> OpenSpace:
    """Figure 1.1, with potentials: up-sell 3.5M, cross-sell 5M, co-creation 1.25M."""
    open_space = build_open_space(
        tenant,
        rows=OIL_FIELD_ROWS,
        columns=OIL_FIELD_COLUMNS,
        co_creation=["Digital twin of the field"],
    )
    for (segment, offering), amount in OIL_FIELD_SALES.items():
        add_sales(tenant, segment=segment, offering=offering, amount=Decimal(amount) * MILLION)
    return open_space


def cell_at(open_space: OpenSpace, segment: str, column: str) -> tuple[int, int]:
    matrix = open_space_matrix(open_space, today=TODAY)
    segment_id = next(s.id for s in matrix.segments if s.name == segment)
    column_id = next(c.id for c in matrix.columns if c.label == column)
    return segment_id, column_id


def set_cell(
    open_space: OpenSpace, segment: str, column: str, user: object, **changes: str
) -> OpenSpaceCell:
    segment_id, column_id = cell_at(open_space, segment, column)
    current = OpenSpaceCell.objects.filter(segment_id=segment_id, column_id=column_id).first()
    return cells.cell_save(
        open_space=open_space,
        segment_id=segment_id,
        column_id=column_id,
        changes=changes,
        expected_version=current.version if current else 0,
        user=user,  # type: ignore[arg-type]
    )


def fill_oil_field_potentials(tenant: Tenant, open_space: OpenSpace) -> CriticalSuccessFactor:
    """Potentials, alignment and competitors on the seed's matrix; returns the Africa CSF."""
    kam = tenant.user("kam")
    africa = success_factors.success_factor_add(
        customer=open_space.customer, title="Grow exploration in Africa"
    )
    set_cell(
        open_space, "Africa", "Drilling", kam, potential="1,500,000", success_factor=str(africa.pk)
    )
    set_cell(
        open_space,
        "Africa",
        "Reservoir Development",
        kam,
        potential="2000000",
        success_factor=str(africa.pk),
        competitor="Schlumberger",
    )
    # Incumbent: its potential is not unrealized and stays out of UPV.
    set_cell(open_space, "Africa", "Evaluation", kam, potential="500000")
    set_cell(open_space, "Europe", "Pressure Pumping", kam, potential="3 000 000")
    set_cell(open_space, "United States", "Hydrocarbon Processing", kam, potential="2000000")
    set_cell(open_space, "United States", "Digital twin of the field", kam, potential="1250000")
    return africa


# -- tests ------------------------------------------------------------------------------


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


def test_feed_upv_stores_the_total_and_marks_the_customer_dirty(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        Customer.objects.filter(pk=open_space.customer_id).update(scores_dirty=False)
        fill_oil_field_potentials(world.a, open_space)
        customer = Customer.objects.get(pk=open_space.customer_id)
        assert customer.upv_open_space == Decimal("9750000.00")
        assert customer.scores_dirty is True
        Customer.objects.filter(pk=customer.pk).update(scores_dirty=False)
        # A change that leaves UPV alone (a competitor) marks nothing.
        set_cell(open_space, "Europe", "Pressure Pumping", None, competitor="Baker Hughes")
        assert Customer.objects.get(pk=customer.pk).scores_dirty is False
        set_cell(open_space, "Europe", "Pressure Pumping", None, potential="1000000")
        customer.refresh_from_db()
        assert customer.upv_open_space == Decimal("7750000.00")
        assert customer.scores_dirty is True


# -- pastes -----------------------------------------------------------------------------


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


# -- rows and columns -------------------------------------------------------------------


def test_rows_add_rename_move_remove_with_open_space_versions(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        version = open_space.version
        angola = layout.segment_add(
            open_space=open_space,
            name="Angola",
            group="International",
            expected_open_space_version=version,
        )
        assert open_space.version == version + 1
        with pytest.raises(VersionConflict) as stale:
            layout.segment_add(
                open_space=open_space, name="Chad", expected_open_space_version=version
            )
        assert stale.value.instance.version == version + 1
        with pytest.raises(ValidationError) as duplicate:
            layout.segment_add(
                open_space=open_space,
                name="Angola",
                group="International",
                expected_open_space_version=open_space.version,
            )
        assert duplicate.value.message_dict["name"] == [
            "There is already a row Angola in International; choose another name."
        ]
        matrix = open_space_matrix(open_space, today=TODAY)
        international = matrix.rows_grouped()[0][1]
        assert [s.name for s in international][-1] == "Angola"  # end of its group
        layout.segment_move(
            open_space=open_space,
            segment_id=angola.pk,
            direction="up",
            expected_open_space_version=open_space.version,
        )
        matrix = open_space_matrix(open_space, today=TODAY)
        assert [s.name for s in matrix.rows_grouped()[0][1]][-2:] == ["Angola", "Europe"]
        with pytest.raises(ValidationError) as edge:
            layout.segment_move(
                open_space=open_space,
                segment_id=matrix.segments[0].id,
                direction="up",
                expected_open_space_version=open_space.version,
            )
        assert edge.value.messages == [
            "International > Africa is already the first row of International."
        ]
        # A new sales key: Angola's cells now read the lines written "ANG".
        add_sales(world.a, segment="ANG", offering="Drilling", amount="40")
        layout.segment_update(
            open_space=open_space,
            segment_id=angola.pk,
            sales_segment="ang",
            expected_open_space_version=open_space.version,
        )
        matrix = open_space_matrix(open_space, today=TODAY)
        drilling = next(c.id for c in matrix.columns if c.label == "Drilling")
        assert matrix.cell(angola.pk, drilling).sales == Decimal("40.00")
        cell = set_cell(open_space, "Angola", "Evaluation", None, potential="5")
        opportunity = Opportunity.objects.create(
            customer=open_space.customer, title="Angola evaluation", open_space_cell=cell
        )
        warnings = layout.segment_remove(
            open_space=open_space,
            segment_id=angola.pk,
            expected_open_space_version=open_space.version,
        )
        assert warnings == [
            'The opportunity "Angola evaluation" came from one of the removed cells; it is kept,'
            " no longer linked to the Open Space."
        ]
        opportunity.refresh_from_db()
        assert opportunity.open_space_cell is None


def test_columns_catalog_co_creation_rename_move_remove(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        wireline = Offering.objects.create(
            code="a-wl", name="Wireline", business_unit="Exploration BU"
        )
        drilling = Offering.objects.get(name="Drilling")
        added = layout.catalog_columns_add(
            open_space=open_space,
            offering_ids=[wireline.pk, drilling.pk],
            expected_open_space_version=open_space.version,
        )
        assert [c.offering for c in added] == [wireline]  # drilling already has a column
        matrix = open_space_matrix(open_space, today=TODAY)
        exploration = [c.label for c in matrix.columns_grouped()[0][1]]
        assert exploration[-1] == "Wireline"
        with pytest.raises(ValidationError) as unknown:
            layout.catalog_columns_add(
                open_space=open_space,
                offering_ids=[999999],
                expected_open_space_version=open_space.version,
            )
        assert "999999 does not exist" in unknown.value.message_dict["offerings"][0]
        with pytest.raises(ValidationError) as nameless:
            layout.co_creation_column_add(
                open_space=open_space, name="  ", expected_open_space_version=open_space.version
            )
        assert "Name the co-creation idea" in nameless.value.message_dict["name"][0]
        idea = layout.co_creation_column_add(
            open_space=open_space,
            name="Carbon capture",
            expected_open_space_version=open_space.version,
        )
        matrix = open_space_matrix(open_space, today=TODAY)
        assert [c.label for c in matrix.columns[-2:]] == [
            "Digital twin of the field",
            "Carbon capture",
        ]
        layout.column_move(
            open_space=open_space,
            column_id=idea.pk,
            direction="up",
            expected_open_space_version=open_space.version,
        )
        layout.column_update(
            open_space=open_space,
            column_id=wireline.open_space_columns.get().pk,
            name="Wireline logging",
            expected_open_space_version=open_space.version,
        )
        matrix = open_space_matrix(open_space, today=TODAY)
        assert [c.label for c in matrix.columns[-2:]] == [
            "Carbon capture",
            "Digital twin of the field",
        ]
        assert "Wireline logging" in [c.label for c in matrix.columns]
        assert (
            layout.column_remove(
                open_space=open_space,
                column_id=idea.pk,
                expected_open_space_version=open_space.version,
            )
            == []
        )
        assert len(open_space_matrix(open_space, today=TODAY).columns) == 12


def test_suggest_segments_are_distinct_ignoring_case_and_spaces(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        add_sales(world.a, segment=" europe ", offering="Drilling", amount="1")
        add_sales(world.a, segment="Angola", offering="Drilling", amount="1", year=LAST_YEAR - 5)
        suggestions = layout.segments_suggest(customer=open_space.customer)
    assert suggestions[:3] == ["Africa", "Alaska", "Angola"]
    assert len([s for s in suggestions if s.lower() == "europe"]) == 1


def test_get_or_create_open_space_is_idempotent(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        customer = Customer.objects.create(external_id="a-NEW", name="New")
        first = open_spaces.open_space_get_or_create(customer=customer)
        assert open_spaces.open_space_get_or_create(customer=customer).pk == first.pk
        assert OpenSpace.objects.filter(customer=customer).count() == 1


def test_clearing_a_cell_and_deleting_the_open_space_update_upv(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        fill_oil_field_potentials(world.a, open_space)
        cell = OpenSpaceCell.objects.get(potential=Decimal("1250000"))
        cells.cell_clear(open_space=open_space, cell=cell, expected_version=cell.version)
        customer = Customer.objects.get(pk=open_space.customer_id)
        assert customer.upv_open_space == Decimal("8500000.00")
        open_spaces.open_space_delete(open_space=open_space, expected_version=open_space.version)
        customer.refresh_from_db()
        assert customer.upv_open_space is None


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


def test_refresh_upv_follows_new_sales_lines(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        fill_oil_field_potentials(world.a, open_space)
        assert open_spaces.upv_refresh(workspace_id=world.a.workspace.pk) == 1  # the factory's
        # Pressure pumping is now sold in Europe: its 3M potential is no longer open.
        add_sales(world.a, segment="Europe", offering="Pressure Pumping", amount="10")
        assert open_spaces.upv_refresh(workspace_id=world.a.workspace.pk) == 1
        customer = Customer.objects.get(pk=open_space.customer_id)
        assert customer.upv_open_space == Decimal("6750000.00")
        assert open_spaces.upv_refresh(workspace_id=world.a.workspace.pk) == 0


def test_a_sales_line_entered_through_accounts_refreshes_the_upv(
    world: WorkspaceWorld, django_capture_on_commit_callbacks: Any
) -> None:
    with workspace_context(world.a.workspace), django_capture_on_commit_callbacks() as callbacks:
        open_space = oil_field_open_space(world.a)
        fill_oil_field_potentials(world.a, open_space)
        open_spaces.upv_refresh(workspace_id=world.a.workspace.pk)
        sales_line_create(
            workspace=world.a.workspace,
            customer=Customer.objects.get(pk=open_space.customer_id),
            offering=Offering.objects.get(name="Pressure Pumping"),
            segment="Europe",
            date=datetime.date(LAST_YEAR, 6, 15),
            net_sales=Decimal("10"),
        )
        customer = Customer.objects.get(pk=open_space.customer_id)
    # accounts signals the change; planning refreshes the UPV in the same
    # transaction, and every change in it asks for a single scores run.
    assert customer.upv_open_space == Decimal("6750000.00")
    assert len(callbacks) == 1


def test_paste_of_too_long_competitors_names_the_cell_once(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        with pytest.raises(ValidationError) as error:
            _paste(open_space, "Europe", "Drilling", [["x" * 130]], field="competitor")
    assert error.value.message_dict["rows"] == [
        "Row 1 of the paste (International > Europe), column 1 (Drilling): the competitor of"
        " this cell is 130 characters long; keep it to 120."
    ]
