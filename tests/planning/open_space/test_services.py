"""Open Space services: cells, pastes, rows and columns, CSFs, the UPV feed.

``oil_field_open_space`` (also used by the other test modules here) builds the
oil-field services account map of the seed (Figure 1.1): ten regions by ten
offerings in three of our business units, last year's sales in $1M as sales
lines, plus a few potentials, CSF alignments and competitors.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Customer, Offering, SalesLine
from kam.concurrency import VersionConflict
from kam.tenancy.context import workspace_context
from planning.models import CriticalSuccessFactor, OpenSpace, OpenSpaceCell
from planning.open_space import services
from planning.open_space.selectors import open_space_matrix
from tests.factories import Tenant, WorkspaceWorld

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)
LAST_YEAR = 2025
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
    open_space = services.get_or_create_open_space(customer=customer)
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
    return services.save_cell(
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
    africa = services.add_success_factor(
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
        cell = services.save_cell(
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
        cell = services.save_cell(
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
        services.save_cell(**first, changes={"potential": "100"}, expected_version=0, user=None)
        # Someone else created the row meanwhile: creating again (version 0) is a conflict.
        with pytest.raises(VersionConflict) as created:
            services.save_cell(**first, changes={"potential": "7"}, expected_version=0, user=None)
        assert created.value.instance.potential == Decimal("100.00")
        services.save_cell(**first, changes={"potential": "200"}, expected_version=1, user=None)
        with pytest.raises(VersionConflict) as stale:
            services.save_cell(**first, changes={"potential": "300"}, expected_version=1, user=None)
        assert stale.value.instance.potential == Decimal("200.00")
        assert stale.value.instance.version == 2
        assert (
            OpenSpaceCell.objects.get(segment_id=segment_id, column_id=column_id).potential == 200
        )


def test_csf_of_another_account_is_refused_by_name(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        other = Customer.objects.create(external_id="a-C2", name="Borealis Steel")
        foreign = services.add_success_factor(customer=other, title="Cut energy use")
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
