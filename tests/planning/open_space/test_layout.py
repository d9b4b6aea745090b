"""Open Space layout: rows and columns under the layout version."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Offering
from kam.concurrency import VersionConflict
from kam.tenancy.context import workspace_context
from planning.models import Opportunity
from planning.open_space.selectors import open_space_matrix
from planning.open_space.services import layout
from tests.factories import WorkspaceWorld
from tests.planning.open_space.oil_field import (
    LAST_YEAR,
    TODAY,
    add_sales,
    oil_field_open_space,
    set_cell,
)

pytestmark = pytest.mark.django_db


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


def test_segments_suggest_are_distinct_ignoring_case_and_spaces(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        add_sales(world.a, segment=" europe ", offering="Drilling", amount="1")
        add_sales(world.a, segment="Angola", offering="Drilling", amount="1", year=LAST_YEAR - 5)
        suggestions = layout.segments_suggest(customer=open_space.customer)
    assert suggestions[:3] == ["Africa", "Alaska", "Angola"]
    assert len([s for s in suggestions if s.lower() == "europe"]) == 1
