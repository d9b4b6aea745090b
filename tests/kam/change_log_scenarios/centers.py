"""Scenarios: the buying center and the selling center."""

from __future__ import annotations

from typing import Any

from tests.kam.change_log_scenarios import Ctx, Expect, expected, lifecycle, scenario

# buying center ------------------------------------------------------------------------------

BC = "buying_center.services"


@scenario(f"{BC}.stakeholder_create")
def _stakeholder_create(ctx: Ctx) -> Expect:
    from buying_center import services

    person = services.stakeholder_create(
        workspace=ctx.workspace, customer=ctx.customer, name="Ingrid Ortega", relationship_score=0
    )
    return expected(person, ctx.customer.pk)


@scenario(f"{BC}.stakeholder_update", f"{BC}.stakeholder_confirm_assessment")
def _stakeholder_update(ctx: Ctx) -> Expect:
    from buying_center import services
    from buying_center.models import Stakeholder

    person = ctx.first(Stakeholder)
    person = services.stakeholder_update(
        workspace=ctx.workspace,
        stakeholder=person,
        expected_version=person.version,
        relationship_score=1,
    )
    services.stakeholder_confirm_assessment(
        workspace=ctx.workspace, stakeholder=person, expected_version=person.version
    )
    return expected(person, ctx.customer.pk)


@scenario(f"{BC}.stakeholder_delete")
def _stakeholder_delete(ctx: Ctx) -> Expect:
    from buying_center import services

    person = services.stakeholder_create(
        workspace=ctx.workspace, customer=ctx.customer, name="Short Stay"
    )
    expect = expected(person, ctx.customer.pk)
    services.stakeholder_delete(workspace=ctx.workspace, stakeholder=person)
    return expect


def _link_ends(ctx: Ctx) -> dict[str, Any]:
    from buying_center.models import Stakeholder

    source, target = list(Stakeholder.objects.order_by("pk"))[:2]
    return {"source": target, "target": source, "strength": 1}


lifecycle(
    BC, "influence_link", row="link", fields=_link_ends, changes={"strength": 3}, versioned=False
)


@scenario("buying_center.grids.analysis_grid_update")
def _analysis_grid(ctx: Ctx) -> Expect:
    from buying_center import grids
    from buying_center.models import AnalysisGrid

    grid = ctx.first(AnalysisGrid)
    grids.analysis_grid_update(
        workspace=ctx.workspace,
        analysis_grid=grid,
        expected_version=grid.version,
        changes={"assessment": "They fear downtime."},
    )
    return expected(grid, ctx.customer.pk)


# selling center ----------------------------------------------------------------------------

SC = "selling_center.services"


lifecycle(
    f"{SC}.members",
    "selling_center_member",
    row="member",
    fields=lambda ctx: {
        "customer": ctx.customer,
        "role": "subject_matter_leader",
        "name": "Erik Berg",
    },
    changes={"title": "Engineer"},
)


lifecycle(
    f"{SC}.interfaces",
    "interface_alignment",
    row="interface_alignment",
    fields=lambda ctx: {
        "customer": ctx.customer,
        "supplier_function": "Logistics",
        "customer_function": "Receiving",
    },
    changes={"status": "issue"},
)


@scenario(f"{SC}.interfaces.interface_alignment_add_common")
def _interface_common(ctx: Ctx) -> Expect:
    from selling_center.services import interfaces

    interface = interfaces.interface_alignment_add_common(
        workspace=ctx.workspace, customer=ctx.customer, pair_index=2
    )
    return expected(interface, ctx.customer.pk)


@scenario(
    f"{SC}.connections.connection_create",
    f"{SC}.connections.connection_update",
    f"{SC}.connections.connection_delete",
    f"{SC}.connections.connection_toggle",
)
def _connections(ctx: Ctx) -> Expect:
    from buying_center.models import Stakeholder
    from selling_center.models import SellingCenterMember
    from selling_center.services import connections

    decider = ctx.first(Stakeholder)
    member = ctx.first(SellingCenterMember)
    connection = connections.connection_create(
        workspace=ctx.workspace, stakeholder=decider, member=member
    )
    connection = connections.connection_update(
        workspace=ctx.workspace, connection=connection, notes="Monthly call"
    )
    connections.connection_delete(workspace=ctx.workspace, connection=connection)
    toggled = connections.connection_toggle(
        workspace=ctx.workspace, stakeholder=decider, member=member
    )
    assert toggled is not None
    return expected(toggled, ctx.customer.pk)


def _plan_fields(ctx: Ctx) -> dict[str, Any]:
    from buying_center.models import Stakeholder

    return {"stakeholder": ctx.first(Stakeholder), "objective": "Meet the board"}


lifecycle(
    f"{SC}.engagement_plans",
    "engagement_plan",
    row="engagement_plan",
    fields=_plan_fields,
    changes={"cadence": "quarterly"},
)


@scenario(
    f"{SC}.stage_resources.stage_resource_add",
    f"{SC}.stage_resources.stage_resource_update",
    f"{SC}.stage_resources.stage_resource_remove",
)
def _stage_resources(ctx: Ctx) -> Expect:
    from selling_center.models import SellingCenterMember
    from selling_center.services import stage_resources

    resource = stage_resources.stage_resource_add(
        workspace=ctx.workspace,
        customer=ctx.customer,
        stage="proposal_evaluation",
        member=ctx.first(SellingCenterMember),
    )
    resource = stage_resources.stage_resource_update(
        workspace=ctx.workspace, stage_resource=resource, notes="Leads the demo"
    )
    expect = expected(resource, ctx.customer.pk)
    stage_resources.stage_resource_remove(workspace=ctx.workspace, stage_resource=resource)
    return expect


@scenario(f"{SC}.connections.connection_level_decide")
def _connection_level(ctx: Ctx) -> Expect:
    from selling_center.services import connections

    decision = connections.connection_level_decide(
        workspace=ctx.workspace,
        customer=ctx.customer,
        level="transformative",
        reason="Joint roadmap agreed",
        decided_by=ctx.actor,
    )
    return expected(decision, ctx.customer.pk)
