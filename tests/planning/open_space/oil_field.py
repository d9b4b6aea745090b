"""The oil-field services account map of the seed (Figure 1.1), built for the Open Space tests.

``oil_field_open_space`` builds ten regions by ten offerings in three of our
business units, last year's sales in $1M as sales lines, plus a few potentials,
CSF alignments and competitors.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Customer, Offering, SalesLine
from planning.models import CriticalSuccessFactor, OpenSpace, OpenSpaceCell
from planning.open_space.selectors import open_space_matrix
from planning.open_space.services import cells, open_spaces, success_factors
from tests.factories import Tenant

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
