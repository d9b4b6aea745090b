"""Opportunity services: account checks, CABS evidence, VP alarm, value drivers, from a cell."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kam.concurrency import VersionConflict
from planning.models import GrowthType, Opportunity, OpportunityState, Origin, ValueDriver
from planning.opportunities.services import (
    contributors,
    from_cells,
    opportunities,
    tasks,
    value_drivers,
)
from tests.factories import WorkspaceWorld
from tests.planning.opportunities.conftest import Account

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_workspace")]


def _errors(call: object, **kwargs: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)  # type: ignore[operator]
    return caught.value.message_dict


def test_create_checks_numbers_with_specific_messages(account: Account) -> None:
    errors = _errors(
        opportunities.opportunity_create,
        workspace=account.workspace,
        customer=account.customer,
        title="Relining",
        value=Decimal("-1"),
        probability=120,
        margin_percent=Decimal("150"),
    )
    assert errors["value"] == ["The value cannot be below zero; you gave -1."]
    assert errors["probability"] == [
        "The probability is a percent between 0 and 100; you gave 120."
    ]
    assert "between -100 and 100; you gave 150" in errors["margin_percent"][0]
    assert not Opportunity.objects.filter(title="Relining").exists()


def test_another_accounts_cell_is_refused_naming_both_accounts(account: Account) -> None:
    errors = _errors(
        opportunities.opportunity_create,
        workspace=account.workspace,
        customer=account.customer,
        title="Pumps south",
        open_space_cell=account.other_cell,
    )
    assert errors["open_space_cell"] == [
        "That Open Space cell belongs to another account (Acme Mining), not to Borealis Steel."
        " Link a cell of Borealis Steel's own Open Space."
    ]


def test_another_accounts_contributor_is_refused(account: Account) -> None:
    errors = _errors(
        contributors.contributor_create,
        workspace=account.workspace,
        opportunity=account.opportunity,
        member=account.other_member,
    )
    assert "belongs to another account (Acme Mining), not to Borealis Steel" in errors["member"][0]
    row = contributors.contributor_create(
        workspace=account.workspace,
        opportunity=account.opportunity,
        member=account.expert,
        contribution="Refractory expertise",
    )
    assert row.member == account.expert
    duplicate = _errors(
        contributors.contributor_create,
        workspace=account.workspace,
        opportunity=account.opportunity,
        member=account.expert,
    )
    assert "already contributes" in duplicate["member"][0]


def test_another_accounts_metric_owner_is_refused(account: Account) -> None:
    errors = _errors(
        value_drivers.value_driver_create,
        workspace=account.workspace,
        opportunity=account.opportunity,
        driver="Yield",
        metric_owner=account.stranger,
        formula="1",
    )
    assert errors["metric_owner"] == [
        "That stakeholder (Carl Dahl) belongs to another account (Acme Mining), not to"
        " Borealis Steel. Choose someone from Borealis Steel's buying center."
    ]


def test_another_workspaces_objects_read_as_missing(
    account: Account, world: WorkspaceWorld
) -> None:
    other_workspace = world.b.workspace
    errors = _errors(
        opportunities.opportunity_update,
        workspace=other_workspace,
        opportunity=account.opportunity,
        expected_version=1,
        title="x",
    )
    assert errors == {"opportunity": [f"Opportunity {account.opportunity.pk} does not exist."]}


def test_cabs_tick_needs_evidence_and_qualifies_only_with_all_four(account: Account) -> None:
    o = account.opportunity
    errors = _errors(
        opportunities.opportunity_update,
        workspace=account.workspace,
        opportunity=o,
        expected_version=o.version,
        compelling_reason=True,
        compelling_reason_evidence="  ",
    )
    assert errors["compelling_reason_evidence"] == [
        "Compelling reason is ticked without evidence."
        " Say what shows the customer has a compelling reason."
    ]
    evidence = {
        "compelling_reason": "Furnace 3 fails its safety audit in June",
        "authority_leverage": "The plant director asked us directly",
        "budget_availability": "Capex approved in the 2026 plan",
    }
    for field, text in evidence.items():
        opportunities.opportunity_update(
            workspace=account.workspace,
            opportunity=o,
            expected_version=o.version,
            **{field: True, f"{field}_evidence": text},
        )
    o.refresh_from_db()
    assert not o.is_qualified
    opportunities.opportunity_update(
        workspace=account.workspace,
        opportunity=o,
        expected_version=o.version,
        supporting_allies=True,
        supporting_allies_evidence="Maintenance head backs our bid",
    )
    o.refresh_from_db()
    assert o.is_qualified
    # Clearing the evidence of a ticked checkpoint is refused too.
    errors = _errors(
        opportunities.opportunity_update,
        workspace=account.workspace,
        opportunity=o,
        expected_version=o.version,
        budget_availability_evidence="",
    )
    assert list(errors) == ["budget_availability_evidence"]


def test_value_proposition_alarm_only_for_no_no_no_yes(account: Account) -> None:
    o = account.opportunity
    answers = {
        "vp_needs_justify_price": False,
        "vp_strengths_ahead": False,
        "vp_benefits_demonstrated": False,
        "vp_more_expensive": True,
    }
    opportunities.opportunity_update(
        workspace=account.workspace, opportunity=o, expected_version=o.version, **answers
    )
    o.refresh_from_db()
    assert o.value_proposition_alarm
    opportunities.opportunity_update(
        workspace=account.workspace,
        opportunity=o,
        expected_version=o.version,
        vp_benefits_demonstrated=True,
    )
    o.refresh_from_db()
    assert not o.value_proposition_alarm
    opportunities.opportunity_update(
        workspace=account.workspace,
        opportunity=o,
        expected_version=o.version,
        vp_benefits_demonstrated=None,
    )
    o.refresh_from_db()
    assert not o.value_proposition_alarm  # unanswered is not "no"


def test_stale_update_is_refused_and_nothing_written(account: Account) -> None:
    o = account.opportunity
    opportunities.opportunity_update(
        workspace=account.workspace, opportunity=o, expected_version=1, title="Relining v2"
    )
    stale = Opportunity.objects.get(pk=o.pk)
    stale.version = 1
    with pytest.raises(VersionConflict):
        opportunities.opportunity_update(
            workspace=account.workspace, opportunity=stale, expected_version=1, title="Old"
        )
    assert Opportunity.objects.get(pk=o.pk).title == "Relining v2"


def test_past_close_on_open_state_warns_but_saves(account: Account) -> None:
    o = account.opportunity
    past = datetime.date(2020, 1, 1)
    opportunities.opportunity_update(
        workspace=account.workspace, opportunity=o, expected_version=1, expected_close=past
    )
    assert o.expected_close == past
    assert "is in the past" in opportunities.opportunity_warnings(o)[0]
    opportunities.opportunity_update(
        workspace=account.workspace,
        opportunity=o,
        expected_version=2,
        state=OpportunityState.WON,
    )
    assert opportunities.opportunity_warnings(o) == []


def test_value_driver_stores_result_and_refuses_bad_formula(account: Account) -> None:
    driver = value_drivers.value_driver_create(
        workspace=account.workspace,
        opportunity=account.opportunity,
        driver="Higher wafer yield",
        metric_owner=account.decider,
        formula="wafers_per_month * price_per_wafer * yield_gain",
        inputs={"wafers_per_month": "2,000", "price_per_wafer": 4000, "yield_gain": "3%"},
        unit="USD per month",
    )
    assert driver.result == Decimal("240000.00")
    assert driver.inputs == {
        "wafers_per_month": 2000.0,
        "price_per_wafer": 4000.0,
        "yield_gain": 0.03,
    }
    value_drivers.value_driver_update(
        workspace=account.workspace,
        value_driver=driver,
        expected_version=1,
        formula="wafers_per_month * 12 * price_per_wafer * yield_gain",
        unit="USD per year",
    )
    assert ValueDriver.objects.get(pk=driver.pk).result == Decimal("2880000.00")
    errors = _errors(
        value_drivers.value_driver_update,
        workspace=account.workspace,
        value_driver=driver,
        expected_version=2,
        formula="wafer * 2",
    )
    assert errors["formula"][0].startswith("The formula uses `wafer`, which is not an input.")
    assert ValueDriver.objects.get(pk=driver.pk).formula.startswith("wafers_per_month * 12")


@pytest.mark.parametrize(
    ("cell_name", "growth_type"),
    [
        ("upsell_cell", GrowthType.EXPAND),
        ("crosssell_cell", GrowthType.EXTEND),
        ("cocreation_cell", GrowthType.EXTEND),
        ("sold_cell", GrowthType.ENHANCE),
    ],
)
def test_create_from_cell_sets_growth_type_from_what_the_account_buys(
    account: Account, world: WorkspaceWorld, cell_name: str, growth_type: str
) -> None:
    cell = getattr(account, cell_name)
    user = world.a.user("kam")
    o = from_cells.opportunity_create_from_cell(
        workspace=account.customer.workspace, customer=account.customer, cell=cell, user=user
    )
    assert o.growth_type == growth_type
    assert (o.origin, o.state, o.owner, o.open_space_cell) == (
        Origin.PUSH,
        OpportunityState.EARLY_STAGE,
        user,
        cell,
    )
    assert o.value == (cell.potential or 0)


def test_create_from_cell_title_and_other_accounts_cell(
    account: Account, world: WorkspaceWorld
) -> None:
    o = from_cells.opportunity_create_from_cell(
        workspace=account.customer.workspace,
        customer=account.customer,
        cell=account.upsell_cell,
        user=world.a.user("kam"),
    )
    assert o.title == "Pump maintenance for South"
    o = from_cells.opportunity_create_from_cell(
        workspace=account.customer.workspace,
        customer=account.customer,
        cell=account.cocreation_cell,
        user=world.a.user("kam"),
    )
    assert o.title == "Digital twin for North"
    errors = _errors(
        from_cells.opportunity_create_from_cell,
        workspace=account.customer.workspace,
        customer=account.customer,
        cell=account.other_cell,
        user=world.a.user("kam"),
    )
    assert "another account (Acme Mining)" in errors["open_space_cell"][0]


def test_tasks_owner_must_be_a_member_and_stale_edit_refused(
    account: Account, world: WorkspaceWorld
) -> None:
    errors = _errors(
        tasks.task_create,
        workspace=account.workspace,
        opportunity=account.opportunity,
        title="Send references",
        owner=world.b.user("kam"),
    )
    assert "must be a member of this workspace" in errors["owner"][0]
    task = tasks.task_create(
        workspace=account.workspace,
        opportunity=account.opportunity,
        title="Send references",
        owner=world.a.user("kam"),
        due_date=datetime.date(2020, 1, 1),
    )
    tasks.task_update(workspace=account.workspace, task=task, expected_version=1, status="done")
    with pytest.raises(VersionConflict):
        tasks.task_update(workspace=account.workspace, task=task, expected_version=1, title="Older")
