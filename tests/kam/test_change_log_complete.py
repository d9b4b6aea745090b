"""Every service that writes leaves a change-log row: the review reads "what happened" from it.

The test discovers the writing services itself (see :func:`writing_services`), so
a new service without a scenario below fails until someone writes one, or says
in :data:`NOT_A_PLAN_CHANGE` why it changes nothing a person would call a change.
Each scenario calls its service (the call is checked, not assumed) and must
leave a new entry naming the right object and key account, with a sentence that
starts with the acting person's name.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse

from kam.changelog.models import ChangeLogEntry
from kam.changelog.services import person_name
from kam.tenancy.context import actor_context, workspace_context
from kam.tenancy.registry import DOMAIN_APPS
from tests.factories import WorkspaceWorld

# -- which functions are writing services -----------------------------------------------

#: Writers that live outside a module named ``services``.
EXTRA_WRITER_MODULES = (
    "accounts.selection",
    "accounts.valuation_settings",
    "buying_center.grids",
)

#: ``services`` modules of the foundation that change nothing of a plan.
NOT_PLAN_MODULES = {
    "kam.jobs.services": "background-job bookkeeping",
    "kam.api.services": "personal access tokens (credentials, not plan content)",
    "kam.changelog.services": "the change log itself",
}

#: A public function is a writing service when its name contains one of these words.
WRITE_VERBS = frozenset(
    {
        "accept",
        "add",
        "apply",
        "change",
        "clear",
        "close",
        "confirm",
        "create",
        "decide",
        "delete",
        "demote",
        "ensure",
        "move",
        "paste",
        "promote",
        "remove",
        "revoke",
        "save",
        "set",
        "toggle",
        "update",
    }
)

#: Writing functions that are not a person's change of the plan, with the reason.
NOT_A_PLAN_CHANGE = {
    "planning.open_space.services.get_or_create_open_space": (
        "creates the empty matrix the first time the page is opened"
    ),
    "buying_center.grids.analysis_grids_ensure": (
        "creates the four empty grids the first time the page is opened"
    ),
    "accounts.imports.services.import_batch_create": (
        "stores an uploaded file to check; nothing is applied (the apply logs the batch)"
    ),
    "accounts.imports.services.import_batch_delete_work": "removes temporary files",
    "buying_center.services.change_text": "formats a value for the stakeholder's history",
}

#: Writing services that do not log yet. Every name here is reported by the test;
#: the list must only ever shrink.
NOT_YET_LOGGED: dict[str, str] = {}


def _modules() -> Iterator[str]:
    for app in DOMAIN_APPS:
        package = importlib.import_module(app)
        yield from (
            info.name
            for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}.")
            if info.name.rsplit(".", 1)[-1] == "services" and ".migrations" not in info.name
        )
    yield from EXTRA_WRITER_MODULES


def writing_services() -> list[str]:
    """``module.function`` of every public writing function defined in a writer module."""
    found = []
    for name in _modules():
        if name in NOT_PLAN_MODULES:
            continue
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if attribute.startswith("_") or not inspect.isfunction(value):
                continue
            if value.__module__ != name:
                continue
            if WRITE_VERBS & set(attribute.split("_")):
                found.append(f"{name}.{attribute}")
    return sorted(found)


# -- the scenarios -----------------------------------------------------------------------


@dataclass
class Ctx:
    """Workspace A of the test world, with the acting person and lookups."""

    world: WorkspaceWorld
    client: Client
    capture: Any

    @property
    def workspace(self) -> Any:
        return self.world.a.workspace

    @property
    def customer(self) -> Any:
        return self.world.a.customer

    @property
    def actor(self) -> Any:
        return self.world.a.user("kam")

    def first(self, model: type[models.Model], **lookup: Any) -> Any:
        return model.objects.filter(**lookup).order_by("pk").first()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Expect:
    """The entry a scenario must leave: about this object, of this account."""

    model: type[models.Model]
    object_id: int
    account_id: int | None


def _expect(obj: models.Model, account_id: int | None) -> Expect:
    assert obj.pk is not None
    return Expect(type(obj), obj.pk, account_id)


Scenario = Callable[[Ctx], Expect]
SCENARIOS: dict[str, Scenario] = {}


def scenario(*names: str) -> Callable[[Scenario], Scenario]:
    def register(func: Scenario) -> Scenario:
        for name in names:
            assert name not in SCENARIOS, name
            SCENARIOS[name] = func
        return func

    return register


# accounts ---------------------------------------------------------------------------------

ACC = "accounts.services"


@scenario(f"{ACC}.customer_create")
def _customer_create(ctx: Ctx) -> Expect:
    from accounts import services

    customer = services.customer_create(
        workspace=ctx.workspace, external_id="C-NEW", name="Nordic Steel"
    )
    return _expect(customer, customer.pk)


@scenario(f"{ACC}.customer_update")
def _customer_update(ctx: Ctx) -> Expect:
    from accounts import services

    customer = services.customer_update(
        workspace=ctx.workspace,
        customer=ctx.customer,
        expected_version=ctx.customer.version,
        region="South",
    )
    return _expect(customer, customer.pk)


@scenario(f"{ACC}.customer_delete")
def _customer_delete(ctx: Ctx) -> Expect:
    from accounts import services

    customer = services.customer_create(workspace=ctx.workspace, external_id="C-GONE", name="Gone")
    expect = _expect(customer, customer.pk)
    services.customer_delete(workspace=ctx.workspace, customer=customer)
    return expect


@scenario(f"{ACC}.offering_create", f"{ACC}.offering_update", f"{ACC}.offering_delete")
def _offerings(ctx: Ctx) -> Expect:
    from accounts import services

    offering = services.offering_create(workspace=ctx.workspace, code="VALVE", name="Valves")
    offering = services.offering_update(workspace=ctx.workspace, offering=offering, name="Valve")
    expect = _expect(offering, None)
    services.offering_delete(workspace=ctx.workspace, offering=offering)
    return expect


@scenario(f"{ACC}.sales_line_create", f"{ACC}.sales_line_update", f"{ACC}.sales_line_delete")
def _sales_lines(ctx: Ctx) -> Expect:
    from accounts import services

    line = services.sales_line_create(
        workspace=ctx.workspace,
        customer=ctx.customer,
        offering=ctx.world.a.offering,
        date=datetime.date(2025, 6, 1),
        net_sales=Decimal("100.00"),
        cost_of_goods=Decimal("60.00"),
    )
    line = services.sales_line_update(
        workspace=ctx.workspace, sales_line=line, net_sales=Decimal("120.00")
    )
    expect = _expect(line, ctx.customer.pk)
    services.sales_line_delete(workspace=ctx.workspace, sales_line=line)
    return expect


SEL = "accounts.selection"


@scenario(f"{SEL}.customer_promote", f"{SEL}.customer_demote")
def _promote_demote(ctx: Ctx) -> Expect:
    from accounts import selection

    selection.customer_promote(
        workspace=ctx.workspace,
        customer=ctx.customer,
        reason="Large and growing",
        user=ctx.actor,
        acknowledge_warnings=True,
    )
    selection.customer_demote(
        workspace=ctx.workspace, customer=ctx.customer, reason="Not this year", user=ctx.actor
    )
    return _expect(ctx.customer, ctx.customer.pk)


@scenario(f"{SEL}.customer_judgement_update")
def _judgement(ctx: Ctx) -> Expect:
    from accounts import selection

    selection.customer_judgement_update(
        workspace=ctx.workspace,
        customer=ctx.customer,
        expected_version=ctx.customer.version,
        changes={"fit_cultural": 4},
    )
    return _expect(ctx.customer, ctx.customer.pk)


@scenario(f"{SEL}.selection_review_close")
def _review_close(ctx: Ctx) -> Expect:
    from accounts import selection

    review = selection.selection_review_close(
        workspace=ctx.workspace, user=ctx.actor, period="2026-Q1"
    )
    return _expect(review, None)


VAL = "accounts.valuation_settings"


@scenario(f"{VAL}.valuation_settings_update")
def _valuation_settings(ctx: Ctx) -> Expect:
    from accounts import valuation_settings

    settings = valuation_settings.valuation_settings_get(workspace=ctx.workspace)
    settings = valuation_settings.valuation_settings_update(
        workspace=ctx.workspace,
        expected_version=settings.version,
        changes={"horizon_years": settings.horizon_years + 1},
    )
    return _expect(settings, None)


@scenario(f"{VAL}.exchange_rate_set", f"{VAL}.exchange_rate_update", f"{VAL}.exchange_rate_delete")
def _exchange_rates(ctx: Ctx) -> Expect:
    from accounts import valuation_settings

    rate = valuation_settings.exchange_rate_set(
        workspace=ctx.workspace, currency="USD", valid_from="2025-01-01", rate="0.92"
    )
    rate = valuation_settings.exchange_rate_update(
        workspace=ctx.workspace,
        exchange_rate=rate,
        currency="USD",
        valid_from="2025-01-01",
        rate="0.93",
    )
    expect = _expect(rate, None)
    valuation_settings.exchange_rate_delete(workspace=ctx.workspace, exchange_rate=rate)
    return expect


IMP = "accounts.imports.services"


@scenario(f"{IMP}.import_batch_apply")
def _import_apply(ctx: Ctx) -> Expect:
    from accounts.imports import services
    from accounts.models import Customer, ImportBatch

    upload = ctx.client.post(
        reverse("imports:upload"),
        {
            "kind": "customers",
            "file": SimpleUploadedFile(
                "customers.csv", b"external_id,name\nC-IMP,Imported Mining\n"
            ),
        },
    )
    assert upload.status_code == 302
    with workspace_context(ctx.workspace):
        batch = ImportBatch.objects.order_by("-pk").first()
    assert batch is not None
    data = {f"map_{field}": column for field, column in batch.mapping.items()}
    data.update(date_format="auto", decimal_separator="auto")
    assert ctx.client.post(reverse("imports:mapping", args=[batch.pk]), data).status_code == 302
    with workspace_context(ctx.workspace):
        batch.refresh_from_db()
        with ctx.capture(execute=True):  # the job is sent on commit: run it here
            services.import_batch_apply(workspace=ctx.workspace, batch=batch, user=ctx.actor)
        imported = Customer.objects.get(external_id="C-IMP")
    # A batch that touched one account belongs to its timeline.
    return _expect(batch, imported.pk)


# buying center ------------------------------------------------------------------------------

BC = "buying_center.services"


@scenario(f"{BC}.stakeholder_create")
def _stakeholder_create(ctx: Ctx) -> Expect:
    from buying_center import services

    person = services.stakeholder_create(
        workspace=ctx.workspace, customer=ctx.customer, name="Ingrid Ortega", relationship_score=0
    )
    return _expect(person, ctx.customer.pk)


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
    return _expect(person, ctx.customer.pk)


@scenario(f"{BC}.stakeholder_delete")
def _stakeholder_delete(ctx: Ctx) -> Expect:
    from buying_center import services

    person = services.stakeholder_create(
        workspace=ctx.workspace, customer=ctx.customer, name="Short Stay"
    )
    expect = _expect(person, ctx.customer.pk)
    services.stakeholder_delete(workspace=ctx.workspace, stakeholder=person)
    return expect


@scenario(
    f"{BC}.influence_link_create", f"{BC}.influence_link_update", f"{BC}.influence_link_delete"
)
def _influence_links(ctx: Ctx) -> Expect:
    from buying_center import services
    from buying_center.models import Stakeholder

    source, target = list(Stakeholder.objects.order_by("pk"))[:2]
    link = services.influence_link_create(
        workspace=ctx.workspace, source=target, target=source, strength=1
    )
    link = services.influence_link_update(workspace=ctx.workspace, link=link, strength=3)
    expect = _expect(link, ctx.customer.pk)
    services.influence_link_delete(workspace=ctx.workspace, link=link)
    return expect


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
    return _expect(grid, ctx.customer.pk)


# selling center ----------------------------------------------------------------------------

SC = "selling_center.services"


@scenario(
    f"{SC}.selling_center_member_create",
    f"{SC}.selling_center_member_update",
    f"{SC}.selling_center_member_delete",
)
def _members(ctx: Ctx) -> Expect:
    from selling_center import services

    member = services.selling_center_member_create(
        workspace=ctx.workspace,
        customer=ctx.customer,
        role="subject_matter_leader",
        name="Erik Berg",
    )
    member = services.selling_center_member_update(
        workspace=ctx.workspace, member=member, expected_version=member.version, title="Engineer"
    )
    expect = _expect(member, ctx.customer.pk)
    services.selling_center_member_delete(workspace=ctx.workspace, member=member)
    return expect


@scenario(
    f"{SC}.interface_alignment_create",
    f"{SC}.interface_alignment_update",
    f"{SC}.interface_alignment_delete",
)
def _interfaces(ctx: Ctx) -> Expect:
    from selling_center import services

    interface = services.interface_alignment_create(
        workspace=ctx.workspace,
        customer=ctx.customer,
        supplier_function="Logistics",
        customer_function="Receiving",
    )
    interface = services.interface_alignment_update(
        workspace=ctx.workspace,
        interface_alignment=interface,
        expected_version=interface.version,
        status="issue",
    )
    expect = _expect(interface, ctx.customer.pk)
    services.interface_alignment_delete(workspace=ctx.workspace, interface_alignment=interface)
    return expect


@scenario(f"{SC}.interface_alignment_add_common")
def _interface_common(ctx: Ctx) -> Expect:
    from selling_center import services

    interface = services.interface_alignment_add_common(
        workspace=ctx.workspace, customer=ctx.customer, pair_index=2
    )
    return _expect(interface, ctx.customer.pk)


@scenario(
    f"{SC}.connection_create",
    f"{SC}.connection_update",
    f"{SC}.connection_delete",
    f"{SC}.connection_toggle",
)
def _connections(ctx: Ctx) -> Expect:
    from buying_center.models import Stakeholder
    from selling_center import services
    from selling_center.models import SellingCenterMember

    decider = ctx.first(Stakeholder)
    member = ctx.first(SellingCenterMember)
    connection = services.connection_create(
        workspace=ctx.workspace, stakeholder=decider, member=member
    )
    connection = services.connection_update(
        workspace=ctx.workspace, connection=connection, notes="Monthly call"
    )
    services.connection_delete(workspace=ctx.workspace, connection=connection)
    toggled = services.connection_toggle(
        workspace=ctx.workspace, stakeholder=decider, member=member
    )
    assert toggled is not None
    return _expect(toggled, ctx.customer.pk)


@scenario(
    f"{SC}.engagement_plan_create", f"{SC}.engagement_plan_update", f"{SC}.engagement_plan_delete"
)
def _engagement_plans(ctx: Ctx) -> Expect:
    from buying_center.models import Stakeholder
    from selling_center import services

    plan = services.engagement_plan_create(
        workspace=ctx.workspace, stakeholder=ctx.first(Stakeholder), objective="Meet the board"
    )
    plan = services.engagement_plan_update(
        workspace=ctx.workspace,
        engagement_plan=plan,
        expected_version=plan.version,
        cadence="quarterly",
    )
    expect = _expect(plan, ctx.customer.pk)
    services.engagement_plan_delete(workspace=ctx.workspace, engagement_plan=plan)
    return expect


@scenario(f"{SC}.stage_resource_add", f"{SC}.stage_resource_update", f"{SC}.stage_resource_remove")
def _stage_resources(ctx: Ctx) -> Expect:
    from selling_center import services
    from selling_center.models import SellingCenterMember

    resource = services.stage_resource_add(
        workspace=ctx.workspace,
        customer=ctx.customer,
        stage="proposal_evaluation",
        member=ctx.first(SellingCenterMember),
    )
    resource = services.stage_resource_update(
        workspace=ctx.workspace, stage_resource=resource, notes="Leads the demo"
    )
    expect = _expect(resource, ctx.customer.pk)
    services.stage_resource_remove(workspace=ctx.workspace, stage_resource=resource)
    return expect


@scenario(f"{SC}.connection_level_decide")
def _connection_level(ctx: Ctx) -> Expect:
    from selling_center import services

    decision = services.connection_level_decide(
        workspace=ctx.workspace,
        customer=ctx.customer,
        level="transformative",
        reason="Joint roadmap agreed",
        decided_by=ctx.actor,
    )
    return _expect(decision, ctx.customer.pk)


# Open Space ------------------------------------------------------------------------------

OS = "planning.open_space.services"


def _open_space(ctx: Ctx) -> Any:
    from planning.models import OpenSpace

    return OpenSpace.objects.select_related("customer", "workspace").get(customer=ctx.customer)


@scenario(f"{OS}.update_open_space_notes")
def _notes(ctx: Ctx) -> Expect:
    from planning.open_space import services

    space = _open_space(ctx)
    services.update_open_space_notes(space, notes="Focus on Africa", expected_version=space.version)
    return _expect(space, ctx.customer.pk)


@scenario(f"{OS}.delete_open_space")
def _delete_open_space(ctx: Ctx) -> Expect:
    from planning.open_space import services

    space = _open_space(ctx)
    expect = _expect(space, ctx.customer.pk)
    services.delete_open_space(space)
    return expect


@scenario(f"{OS}.save_cell", f"{OS}.save_cell_for_page", f"{OS}.clear_cell")
def _cells(ctx: Ctx) -> Expect:
    from planning.models import OpenSpaceCell
    from planning.open_space import services

    space = _open_space(ctx)
    cell = ctx.first(OpenSpaceCell)
    cell = services.save_cell(
        open_space=space,
        segment_id=cell.segment_id,
        column_id=cell.column_id,
        changes={"competitor": "Rival AB"},
        expected_version=cell.version,
        user=ctx.actor,
    )
    cell, _ = services.save_cell_for_page(
        open_space=space,
        segment_id=cell.segment_id,
        column_id=cell.column_id,
        changes={"potential": "600000"},
        expected_version=cell.version,
        user=ctx.actor,
    )
    expect = _expect(cell, ctx.customer.pk)
    services.clear_cell(open_space=space, cell=cell, expected_version=cell.version)
    return expect


@scenario(f"{OS}.paste_block")
def _paste(ctx: Ctx) -> Expect:
    from planning.models import OpenSpaceCell
    from planning.open_space import services

    space = _open_space(ctx)
    cell = ctx.first(OpenSpaceCell)
    services.paste_block(
        open_space=space,
        top_segment_id=cell.segment_id,
        left_column_id=cell.column_id,
        field="potential",
        rows=[["700000", "1000"]],
        expected_versions={f"{cell.segment_id}:{cell.column_id}": cell.version},
        user=ctx.actor,
    )
    return _expect(space, ctx.customer.pk)


@scenario(f"{OS}.add_segment", f"{OS}.update_segment", f"{OS}.move_segment", f"{OS}.remove_segment")
def _segments(ctx: Ctx) -> Expect:
    from planning.open_space import services

    space = _open_space(ctx)
    segment = services.add_segment(
        space, name="Mining", group="Africa", expected_open_space_version=space.version
    )
    services.update_segment(
        space, segment.pk, name="Mining ops", expected_open_space_version=space.version
    )
    services.move_segment(
        space, segment.pk, direction="up", expected_open_space_version=space.version
    )
    expect = _expect(segment, ctx.customer.pk)
    services.remove_segment(space, segment.pk, expected_open_space_version=space.version)
    return expect


@scenario(
    f"{OS}.add_co_creation_column",
    f"{OS}.update_column",
    f"{OS}.move_column",
    f"{OS}.remove_column",
)
def _columns(ctx: Ctx) -> Expect:
    from planning.open_space import services

    space = _open_space(ctx)
    column = services.add_co_creation_column(
        space, name="Drone survey", expected_open_space_version=space.version
    )
    services.update_column(
        space, column.pk, name="Drone surveys", expected_open_space_version=space.version
    )
    services.move_column(
        space, column.pk, direction="up", expected_open_space_version=space.version
    )
    expect = _expect(column, ctx.customer.pk)
    services.remove_column(space, column.pk, expected_open_space_version=space.version)
    return expect


@scenario(f"{OS}.add_catalog_columns")
def _catalog_columns(ctx: Ctx) -> Expect:
    from accounts.models import Offering
    from planning.open_space import services

    space = _open_space(ctx)
    offering = Offering.objects.create(code="SEAL", name="Seals")
    services.add_catalog_columns(
        space, offering_ids=[offering.pk], expected_open_space_version=space.version
    )
    return _expect(space, ctx.customer.pk)


@scenario(
    f"{OS}.add_success_factor",
    f"{OS}.update_success_factor",
    f"{OS}.move_success_factor",
    f"{OS}.remove_success_factor",
)
def _success_factors(ctx: Ctx) -> Expect:
    from planning.open_space import services

    factor = services.add_success_factor(customer=ctx.customer, title="Cut energy use")
    factor = services.update_success_factor(
        factor, expected_version=factor.version, title="Cut energy use by 10 %"
    )
    services.move_success_factor(factor, direction="up")
    expect = _expect(factor, ctx.customer.pk)
    services.remove_success_factor(factor)
    return expect


# opportunities and analyses ------------------------------------------------------------

OPP = "planning.opportunities.services"


def _opportunity(ctx: Ctx) -> Any:
    from planning.models import Opportunity

    return Opportunity.objects.select_related("customer").order_by("pk").first()


@scenario(f"{OPP}.opportunity_create", f"{OPP}.opportunity_update", f"{OPP}.opportunity_delete")
def _opportunities(ctx: Ctx) -> Expect:
    from planning.opportunities import services

    opportunity = services.opportunity_create(
        workspace=ctx.workspace, customer=ctx.customer, title="Relining", probability=40
    )
    opportunity = services.opportunity_update(
        workspace=ctx.workspace,
        opportunity=opportunity,
        expected_version=opportunity.version,
        buying_stage="proposal_evaluation",
    )
    expect = _expect(opportunity, ctx.customer.pk)
    services.opportunity_delete(
        workspace=ctx.workspace, opportunity=opportunity, expected_version=opportunity.version
    )
    return expect


@scenario(f"{OPP}.value_driver_create", f"{OPP}.value_driver_update", f"{OPP}.value_driver_delete")
def _value_drivers(ctx: Ctx) -> Expect:
    from planning.opportunities import services

    row = services.value_driver_create(
        workspace=ctx.workspace, opportunity=_opportunity(ctx), driver="Yield", formula="1 + 1"
    )
    row = services.value_driver_update(
        workspace=ctx.workspace, value_driver=row, expected_version=row.version, unit="%"
    )
    expect = _expect(row, ctx.customer.pk)
    services.value_driver_delete(
        workspace=ctx.workspace, value_driver=row, expected_version=row.version
    )
    return expect


@scenario(f"{OPP}.contributor_create", f"{OPP}.contributor_update", f"{OPP}.contributor_delete")
def _contributors(ctx: Ctx) -> Expect:
    from planning.opportunities import services
    from selling_center import services as selling

    member = selling.selling_center_member_create(
        workspace=ctx.workspace,
        customer=ctx.customer,
        role="subject_matter_leader",
        name="Ada Lund",
    )
    row = services.contributor_create(
        workspace=ctx.workspace, opportunity=_opportunity(ctx), member=member
    )
    row = services.contributor_update(
        workspace=ctx.workspace, contributor=row, contribution="Pricing"
    )
    expect = _expect(row, ctx.customer.pk)
    services.contributor_delete(workspace=ctx.workspace, contributor=row)
    return expect


@scenario(f"{OPP}.task_create", f"{OPP}.task_update", f"{OPP}.task_delete")
def _tasks(ctx: Ctx) -> Expect:
    from planning.opportunities import services

    row = services.task_create(
        workspace=ctx.workspace, opportunity=_opportunity(ctx), title="Send references"
    )
    row = services.task_update(
        workspace=ctx.workspace, task=row, expected_version=row.version, status="done"
    )
    expect = _expect(row, ctx.customer.pk)
    services.task_delete(workspace=ctx.workspace, task=row, expected_version=row.version)
    return expect


@scenario(f"{OPP}.create_from_cell")
def _from_cell(ctx: Ctx) -> Expect:
    from planning.models import OpenSpaceCell
    from planning.opportunities import services

    opportunity = services.create_from_cell(
        customer=ctx.customer, cell=ctx.first(OpenSpaceCell), user=ctx.actor
    )
    return _expect(opportunity, ctx.customer.pk)


AN = "planning.analysis.services"


@scenario(
    f"{AN}.stakeholder_need_create",
    f"{AN}.stakeholder_need_update",
    f"{AN}.stakeholder_need_delete",
)
def _needs(ctx: Ctx) -> Expect:
    from buying_center.models import Stakeholder
    from planning.analysis import services

    need = services.stakeholder_need_create(
        workspace=ctx.workspace,
        opportunity=_opportunity(ctx),
        stakeholder=ctx.first(Stakeholder),
        kind="expectation",
        nature="solution",
        description="Faster delivery",
    )
    need = services.stakeholder_need_update(
        workspace=ctx.workspace, need=need, expected_version=need.version, status="addressed"
    )
    expect = _expect(need, ctx.customer.pk)
    services.stakeholder_need_delete(workspace=ctx.workspace, need=need)
    return expect


@scenario(
    f"{AN}.decision_criterion_create",
    f"{AN}.decision_criterion_update",
    f"{AN}.decision_criterion_delete",
)
def _criteria(ctx: Ctx) -> Expect:
    from planning.analysis import services

    criterion = services.decision_criterion_create(
        workspace=ctx.workspace,
        opportunity=_opportunity(ctx),
        role="buyer",
        group="service",
        name="Total cost",
        importance=5,
        difference=3,
    )
    criterion = services.decision_criterion_update(
        workspace=ctx.workspace,
        criterion=criterion,
        expected_version=criterion.version,
        importance=7,
    )
    expect = _expect(criterion, ctx.customer.pk)
    services.decision_criterion_delete(workspace=ctx.workspace, criterion=criterion)
    return expect


@scenario(
    f"{AN}.challenge_question_create",
    f"{AN}.challenge_question_update",
    f"{AN}.challenge_question_delete",
)
def _questions(ctx: Ctx) -> Expect:
    from planning.analysis import services

    question = services.challenge_question_create(
        workspace=ctx.workspace,
        opportunity=_opportunity(ctx),
        category="customer_issues",
        question="Who signs?",
    )
    question = services.challenge_question_update(
        workspace=ctx.workspace,
        challenge_question=question,
        expected_version=question.version,
        note="Ask the buyer",
    )
    expect = _expect(question, ctx.customer.pk)
    services.challenge_question_delete(workspace=ctx.workspace, challenge_question=question)
    return expect


@scenario(f"{AN}.challenge_questions_add_standard")
def _standard_questions(ctx: Ctx) -> Expect:
    from planning.analysis import services

    opportunity = _opportunity(ctx)
    services.challenge_questions_add_standard(workspace=ctx.workspace, opportunity=opportunity)
    return _expect(opportunity, ctx.customer.pk)


# memberships ------------------------------------------------------------------------------

WS = "kam.workspaces.services"


@scenario(f"{WS}.invitation_create", f"{WS}.invitation_revoke")
def _invitations(ctx: Ctx) -> Expect:
    from kam.workspaces import services

    invitation, _ = services.invitation_create(
        workspace=ctx.workspace, invited_by=ctx.actor, email="new@example.com", role="viewer"
    )
    services.invitation_revoke(workspace=ctx.workspace, invitation=invitation, revoked_by=ctx.actor)
    return _last_membership_change(ctx)


@scenario(f"{WS}.invitation_accept")
def _accept(ctx: Ctx) -> Expect:
    from kam.workspaces import services
    from tests.factories import make_user

    invitation, _ = services.invitation_create(
        workspace=ctx.workspace, invited_by=ctx.actor, email="joiner@example.com", role="viewer"
    )
    services.invitation_accept(invitation=invitation, user=cast(User, make_user("joiner")))
    return _last_membership_change(ctx)


@scenario(f"{WS}.invitation_accept_as_new_person")
def _accept_new(ctx: Ctx) -> Expect:
    from kam.workspaces import services

    invitation, _ = services.invitation_create(
        workspace=ctx.workspace, invited_by=ctx.actor, email="fresh@example.com", role="viewer"
    )
    services.invitation_accept_as_new_person(
        invitation=invitation, name="Fresh Person", password="a-long-password-123"
    )
    return _last_membership_change(ctx)


@scenario(f"{WS}.membership_change_role", f"{WS}.membership_remove")
def _memberships(ctx: Ctx) -> Expect:
    from kam.workspaces import services
    from kam.workspaces.models import Membership

    viewer = ctx.world.a.user("viewer")
    membership = Membership.objects.get(workspace=ctx.workspace, user_id=viewer.pk)
    services.membership_change_role(
        workspace=ctx.workspace, membership=membership, role="member", changed_by=ctx.actor
    )
    services.membership_remove(workspace=ctx.workspace, membership=membership, removed_by=ctx.actor)
    return _last_membership_change(ctx)


def _last_membership_change(ctx: Ctx) -> Expect:
    from kam.workspaces.models import MembershipChange

    return _expect(MembershipChange.objects.order_by("-pk").first(), None)  # type: ignore[arg-type]


# -- the tests ---------------------------------------------------------------------------


def test_discovery_finds_the_writing_services() -> None:
    """Guard the guard: the rule must see services of every domain app."""
    found = writing_services()
    for expected in (
        "accounts.services.customer_update",
        "buying_center.services.stakeholder_update",
        "selling_center.services.connection_level_decide",
        "planning.open_space.services.paste_block",
        "planning.opportunities.services.opportunity_update",
        "planning.analysis.services.challenge_question_create",
        "kam.workspaces.services.membership_change_role",
        "accounts.valuation_settings.exchange_rate_set",
    ):
        assert expected in found
    assert not any(name.startswith(tuple(NOT_PLAN_MODULES)) for name in found)


def test_every_scenario_and_exception_names_a_real_service() -> None:
    found = set(writing_services())
    stale = sorted((set(SCENARIOS) | set(NOT_A_PLAN_CHANGE) | set(NOT_YET_LOGGED)) - found)
    assert stale == [], "these are no longer writing services: drop them here"


def test_not_yet_logged_is_empty() -> None:
    """Reported on its own so the gap is visible in every run, not hidden in a skip."""
    assert NOT_YET_LOGGED == {}, f"services that do not log yet: {sorted(NOT_YET_LOGGED)}"


@pytest.fixture
def media_root(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize("service", writing_services())
def test_every_writing_service_leaves_a_change_log_row(
    service: str,
    world: WorkspaceWorld,
    media_root: Path,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if service in NOT_A_PLAN_CHANGE:
        pytest.skip(f"not a plan change: {NOT_A_PLAN_CHANGE[service]}")
    if service in NOT_YET_LOGGED:
        pytest.xfail(f"not yet logged: {NOT_YET_LOGGED[service]}")
    assert service in SCENARIOS, (
        f"{service} writes but has no scenario in {__name__}: add one that calls it"
        " and expects its change-log entry (or list it in NOT_A_PLAN_CHANGE with the reason)"
    )
    module_name, function_name = service.rsplit(".", 1)
    module = importlib.import_module(module_name)
    original = getattr(module, function_name)
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, function_name, counted)
    client = Client()
    client.force_login(cast(User, world.a.user("admin")))
    ctx = Ctx(world=world, client=client, capture=django_capture_on_commit_callbacks)
    with workspace_context(world.a.workspace):
        before = ChangeLogEntry.objects.aggregate(models.Max("pk"))["pk__max"] or 0
        with actor_context(ctx.actor):
            expect = SCENARIOS[service](ctx)
        new = list(ChangeLogEntry.objects.filter(pk__gt=before).select_related("content_type"))
    assert calls, f"the scenario for {service} does not call it"
    about = [
        entry
        for entry in new
        if entry.content_type.model_class() is expect.model and entry.object_id == expect.object_id
    ]
    assert about, f"{service} left no change-log entry about {expect}: {new}"
    for entry in about:
        assert entry.account_id == expect.account_id, entry
        assert entry.sentence.strip() and entry.object_label.strip()
        assert entry.workspace_id == world.a.workspace.pk
    if not service.startswith("kam.workspaces.services.invitation_accept"):
        # The person who acted is named first (joining names the person who joined).
        name = person_name(ctx.actor)
        assert all(entry.actor == ctx.actor and entry.actor_name == name for entry in about)
        assert all(entry.sentence.startswith(f"{name} ") for entry in about), about
