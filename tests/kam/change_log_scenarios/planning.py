"""Scenarios: the Open Space, opportunities and their analyses."""

from __future__ import annotations

from typing import Any

from tests.kam.change_log_scenarios import Ctx, Expect, expected, lifecycle, scenario

# Open Space ------------------------------------------------------------------------------

OS = "planning.open_space.services"


def _open_space(ctx: Ctx) -> Any:
    from planning.models import OpenSpace

    return OpenSpace.objects.select_related("customer", "workspace").get(customer=ctx.customer)


@scenario(f"{OS}.layout.open_space_notes_update")
def _notes(ctx: Ctx) -> Expect:
    from planning.open_space.services import layout

    space = _open_space(ctx)
    layout.open_space_notes_update(
        open_space=space, notes="Focus on Africa", expected_version=space.version
    )
    return expected(space, ctx.customer.pk)


@scenario(f"{OS}.open_spaces.open_space_delete")
def _delete_open_space(ctx: Ctx) -> Expect:
    from planning.open_space.services import open_spaces

    space = _open_space(ctx)
    expect = expected(space, ctx.customer.pk)
    open_spaces.open_space_delete(open_space=space)
    return expect


@scenario(f"{OS}.cells.cell_save", f"{OS}.cells.cell_save_for_page", f"{OS}.cells.cell_clear")
def _cells(ctx: Ctx) -> Expect:
    from planning.models import OpenSpaceCell
    from planning.open_space.services import cells

    space = _open_space(ctx)
    cell = ctx.first(OpenSpaceCell)
    cell = cells.cell_save(
        open_space=space,
        segment_id=cell.segment_id,
        column_id=cell.column_id,
        changes={"competitor": "Rival AB"},
        expected_version=cell.version,
        user=ctx.actor,
    )
    cell, _ = cells.cell_save_for_page(
        open_space=space,
        segment_id=cell.segment_id,
        column_id=cell.column_id,
        changes={"potential": "600000"},
        expected_version=cell.version,
        user=ctx.actor,
    )
    expect = expected(cell, ctx.customer.pk)
    cells.cell_clear(open_space=space, cell=cell, expected_version=cell.version)
    return expect


@scenario(f"{OS}.clipboard.cells_paste")
def _paste(ctx: Ctx) -> Expect:
    from planning.models import OpenSpaceCell
    from planning.open_space.services import clipboard

    space = _open_space(ctx)
    cell = ctx.first(OpenSpaceCell)
    clipboard.cells_paste(
        open_space=space,
        top_segment_id=cell.segment_id,
        left_column_id=cell.column_id,
        field="potential",
        rows=[["700000", "1000"]],
        expected_versions={f"{cell.segment_id}:{cell.column_id}": cell.version},
        user=ctx.actor,
    )
    return expected(space, ctx.customer.pk)


@scenario(
    f"{OS}.layout.segment_add",
    f"{OS}.layout.segment_update",
    f"{OS}.layout.segment_move",
    f"{OS}.layout.segment_remove",
)
def _segments(ctx: Ctx) -> Expect:
    from planning.open_space.services import layout

    space = _open_space(ctx)
    segment = layout.segment_add(
        open_space=space, name="Mining", group="Africa", expected_open_space_version=space.version
    )
    layout.segment_update(
        open_space=space,
        segment_id=segment.pk,
        name="Mining ops",
        expected_open_space_version=space.version,
    )
    layout.segment_move(
        open_space=space,
        segment_id=segment.pk,
        direction="up",
        expected_open_space_version=space.version,
    )
    expect = expected(segment, ctx.customer.pk)
    layout.segment_remove(
        open_space=space, segment_id=segment.pk, expected_open_space_version=space.version
    )
    return expect


@scenario(
    f"{OS}.layout.co_creation_column_add",
    f"{OS}.layout.column_update",
    f"{OS}.layout.column_move",
    f"{OS}.layout.column_remove",
)
def _columns(ctx: Ctx) -> Expect:
    from planning.open_space.services import layout

    space = _open_space(ctx)
    column = layout.co_creation_column_add(
        open_space=space, name="Drone survey", expected_open_space_version=space.version
    )
    layout.column_update(
        open_space=space,
        column_id=column.pk,
        name="Drone surveys",
        expected_open_space_version=space.version,
    )
    layout.column_move(
        open_space=space,
        column_id=column.pk,
        direction="up",
        expected_open_space_version=space.version,
    )
    expect = expected(column, ctx.customer.pk)
    layout.column_remove(
        open_space=space, column_id=column.pk, expected_open_space_version=space.version
    )
    return expect


@scenario(f"{OS}.layout.catalog_columns_add")
def _catalog_columns(ctx: Ctx) -> Expect:
    from accounts.models import Offering
    from planning.open_space.services import layout

    space = _open_space(ctx)
    offering = Offering.objects.create(code="SEAL", name="Seals")
    layout.catalog_columns_add(
        open_space=space, offering_ids=[offering.pk], expected_open_space_version=space.version
    )
    return expected(space, ctx.customer.pk)


@scenario(
    f"{OS}.success_factors.success_factor_add",
    f"{OS}.success_factors.success_factor_update",
    f"{OS}.success_factors.success_factor_move",
    f"{OS}.success_factors.success_factor_remove",
)
def _success_factors(ctx: Ctx) -> Expect:
    from planning.open_space.services import success_factors

    factor = success_factors.success_factor_add(customer=ctx.customer, title="Cut energy use")
    factor = success_factors.success_factor_update(
        factor=factor, expected_version=factor.version, title="Cut energy use by 10 %"
    )
    success_factors.success_factor_move(factor=factor, direction="up")
    expect = expected(factor, ctx.customer.pk)
    success_factors.success_factor_remove(factor=factor)
    return expect


# opportunities and analyses ------------------------------------------------------------

OPP = "planning.opportunities.services"


def _opportunity(ctx: Ctx) -> Any:
    from planning.models import Opportunity

    return Opportunity.objects.select_related("customer").order_by("pk").first()


@scenario(
    f"{OPP}.opportunities.opportunity_create",
    f"{OPP}.opportunities.opportunity_update",
    f"{OPP}.opportunities.opportunity_delete",
)
def _opportunities(ctx: Ctx) -> Expect:
    from planning.opportunities.services import opportunities

    opportunity = opportunities.opportunity_create(
        workspace=ctx.workspace, customer=ctx.customer, title="Relining", probability=40
    )
    opportunity = opportunities.opportunity_update(
        workspace=ctx.workspace,
        opportunity=opportunity,
        expected_version=opportunity.version,
        buying_stage="proposal_evaluation",
    )
    expect = expected(opportunity, ctx.customer.pk)
    opportunities.opportunity_delete(
        workspace=ctx.workspace, opportunity=opportunity, expected_version=opportunity.version
    )
    return expect


@scenario(
    f"{OPP}.value_drivers.value_driver_create",
    f"{OPP}.value_drivers.value_driver_update",
    f"{OPP}.value_drivers.value_driver_delete",
)
def _value_drivers(ctx: Ctx) -> Expect:
    from planning.opportunities.services import value_drivers

    row = value_drivers.value_driver_create(
        workspace=ctx.workspace, opportunity=_opportunity(ctx), driver="Yield", formula="1 + 1"
    )
    row = value_drivers.value_driver_update(
        workspace=ctx.workspace, value_driver=row, expected_version=row.version, unit="%"
    )
    expect = expected(row, ctx.customer.pk)
    value_drivers.value_driver_delete(
        workspace=ctx.workspace, value_driver=row, expected_version=row.version
    )
    return expect


@scenario(
    f"{OPP}.contributors.contributor_create",
    f"{OPP}.contributors.contributor_update",
    f"{OPP}.contributors.contributor_delete",
)
def _contributors(ctx: Ctx) -> Expect:
    from planning.opportunities.services import contributors
    from selling_center.services import members

    member = members.selling_center_member_create(
        workspace=ctx.workspace,
        customer=ctx.customer,
        role="subject_matter_leader",
        name="Ada Lund",
    )
    row = contributors.contributor_create(
        workspace=ctx.workspace, opportunity=_opportunity(ctx), member=member
    )
    row = contributors.contributor_update(
        workspace=ctx.workspace, contributor=row, contribution="Pricing"
    )
    expect = expected(row, ctx.customer.pk)
    contributors.contributor_delete(workspace=ctx.workspace, contributor=row)
    return expect


@scenario(f"{OPP}.tasks.task_create", f"{OPP}.tasks.task_update", f"{OPP}.tasks.task_delete")
def _tasks(ctx: Ctx) -> Expect:
    from planning.opportunities.services import tasks

    row = tasks.task_create(
        workspace=ctx.workspace, opportunity=_opportunity(ctx), title="Send references"
    )
    row = tasks.task_update(
        workspace=ctx.workspace, task=row, expected_version=row.version, status="done"
    )
    expect = expected(row, ctx.customer.pk)
    tasks.task_delete(workspace=ctx.workspace, task=row, expected_version=row.version)
    return expect


@scenario(f"{OPP}.from_cells.opportunity_create_from_cell")
def _from_cell(ctx: Ctx) -> Expect:
    from planning.models import OpenSpaceCell
    from planning.opportunities.services import from_cells

    opportunity = from_cells.opportunity_create_from_cell(
        workspace=ctx.workspace,
        customer=ctx.customer,
        cell=ctx.first(OpenSpaceCell),
        user=ctx.actor,
    )
    return expected(opportunity, ctx.customer.pk)


AN = "planning.analysis.services"


def _need_fields(ctx: Ctx) -> dict[str, Any]:
    from buying_center.models import Stakeholder

    return {
        "opportunity": _opportunity(ctx),
        "stakeholder": ctx.first(Stakeholder),
        "kind": "expectation",
        "nature": "solution",
        "description": "Faster delivery",
    }


lifecycle(AN, "stakeholder_need", row="need", fields=_need_fields, changes={"status": "addressed"})


lifecycle(
    AN,
    "decision_criterion",
    row="criterion",
    fields=lambda ctx: {
        "opportunity": _opportunity(ctx),
        "role": "buyer",
        "group": "service",
        "name": "Total cost",
        "importance": 5,
        "difference": 3,
    },
    changes={"importance": 7},
)


lifecycle(
    AN,
    "challenge_question",
    row="challenge_question",
    fields=lambda ctx: {
        "opportunity": _opportunity(ctx),
        "category": "customer_issues",
        "question": "Who signs?",
    },
    changes={"note": "Ask the buyer"},
)


@scenario(f"{AN}.challenge_questions_add_standard")
def _standard_questions(ctx: Ctx) -> Expect:
    from planning.analysis import services

    opportunity = _opportunity(ctx)
    services.challenge_questions_add_standard(workspace=ctx.workspace, opportunity=opportunity)
    return expected(opportunity, ctx.customer.pk)
