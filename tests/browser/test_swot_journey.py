"""A KAM opens the plan's SWOT, accepts a suggestion with one click and sees it listed."""

from __future__ import annotations

import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import expect

from accounts.models import Customer, CustomerStatus
from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from planning.models import (
    CriticalSuccessFactor,
    OpenSpace,
    OpenSpaceCell,
    OpenSpaceColumn,
    OpenSpaceSegment,
    SwotItem,
)
from tests.factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("KAM_SWOT_SHOTS", "/tmp/shots-swot"))


def _seed() -> tuple[Any, Customer]:
    with transaction.atomic():
        world = build_world()
        with workspace_context(world.a.workspace):
            customer = Customer.objects.create(
                external_id="KA-BOR",
                name="Borealis Steel",
                status=CustomerStatus.KEY_ACCOUNT,
                owner=world.a.user("kam"),
            )
            Stakeholder.objects.create(
                customer=customer, name="Ines Aalto", title="Plant director", roles=["decider"]
            )
            space = OpenSpace.objects.create(customer=customer)
            csf = CriticalSuccessFactor.objects.create(customer=customer, title="Cut downtime")
            segment = OpenSpaceSegment.objects.create(open_space=space, name="Luleå works")
            column = OpenSpaceColumn.objects.create(open_space=space, name="Remote monitoring")
            OpenSpaceCell.objects.create(
                open_space=space,
                segment=segment,
                column=column,
                potential=Decimal("400000"),
                success_factor=csf,
            )
    return world, customer


def test_kam_accepts_a_swot_suggestion_in_one_click(
    open_page: Callable[..., Any], transactional_db: None
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    world, customer = _seed()
    page = open_page(f"/accounts/{customer.pk}/plan/swot/", user=world.a.user("kam"))
    weaknesses = page.locator('[data-quadrant="weakness"]')
    expect(weaknesses.locator(".swot-suggestion")).to_contain_text(
        "Nobody on our side owns the relationship with Ines Aalto (decider)."
    )
    expect(page.locator('[data-quadrant="opportunity"] .swot-suggestion')).to_contain_text(
        "Luleå works x Remote monitoring is open"
    )
    page.screenshot(path=str(SHOTS / "swot-suggestions.png"), full_page=True)

    weaknesses.get_by_role("button", name="Accept").click()
    item = weaknesses.locator(".swot-item")
    expect(item).to_contain_text("Nobody on our side owns the relationship with Ines Aalto")
    expect(item).to_contain_text("Needs an action")
    expect(weaknesses.locator(".swot-suggestion")).to_have_count(0)
    expect(page.get_by_text("1 of 1 item not complete yet")).to_be_visible()
    page.screenshot(path=str(SHOTS / "swot-accepted.png"), full_page=True)

    page.locator('[data-quadrant="opportunity"]').get_by_role("button", name="Dismiss").click()
    expect(page.locator('[data-quadrant="opportunity"] .swot-suggestion')).to_have_count(0)
    with workspace_context(world.a.workspace):
        assert list(SwotItem.objects.values_list("kind", flat=True)) == ["weakness"]


def test_kam_sees_objectives_measured_from_sales_and_deletes_one_keeping_its_action(
    open_page: Callable[..., Any], transactional_db: None
) -> None:
    import datetime

    from accounts.models import Offering, SalesLine
    from planning.models import Action, Objective

    SHOTS.mkdir(parents=True, exist_ok=True)
    world, customer = _seed()
    kam = world.a.user("kam")
    with workspace_context(world.a.workspace):
        offering = Offering.objects.create(code="PUMP-S", name="Pump service")
        SalesLine.objects.create(
            customer=customer,
            offering=offering,
            date=datetime.date(2026, 9, 30),
            net_sales=Decimal("1800000"),
            cost_of_goods=Decimal("1200000"),
            currency=world.a.workspace.reporting_currency,
            source_key="swot-journey-1",
        )
        grow = Objective.objects.create(
            customer=customer,
            title="Grow pump service to 2.4 million a year",
            kind="volume",
            target=Decimal("2400000"),
            horizon="medium",
            goal_line="growth",
            owner=kam,
            status="on_track",
        )
        Objective.objects.create(
            customer=customer,
            title="Win Ines Aalto over",
            kind="win_stakeholder",
            stakeholder=Stakeholder.objects.get(name="Ines Aalto"),
            progress=30,
            status="at_risk",
        )
        Action.objects.create(customer=customer, title="Propose a service day", objective=grow)
    page = open_page(f"/accounts/{customer.pk}/plan/objectives/", user=kam)
    row = page.locator(f"#objective-{grow.pk}")
    expect(row).to_contain_text("1,800,000")
    expect(row).to_contain_text("from sales lines up to 2026-09-30")
    expect(row).to_contain_text("75 %")
    page.screenshot(path=str(SHOTS / "objectives.png"), full_page=True)

    row.get_by_role("link", name=grow.title).click()
    page.get_by_role("button", name="Delete this objective").click()
    expect(page.get_by_text("Propose a service day")).to_be_visible()
    page.screenshot(path=str(SHOTS / "objective-delete.png"), full_page=True)
    page.get_by_role("button", name="Delete the objective").click()
    expect(page.get_by_text("stay on the action plan, no longer linked to it")).to_be_visible()
    with workspace_context(world.a.workspace):
        assert Action.objects.get(title="Propose a service day").objective_id is None


def test_a_refused_objective_keeps_what_was_typed(
    open_page: Callable[..., Any], transactional_db: None
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    world, customer = _seed()
    page = open_page(f"/accounts/{customer.pk}/plan/objectives/new/", user=world.a.user("kam"))
    page.locator("#id_title").fill("Lift the margin")
    page.locator("#id_kind").select_option("margin")
    page.locator("#id_target").fill("140")
    page.locator("#id_progress").fill("-5")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("A margin target is a percentage of sales, 100 at most; you gave 140.")
    ).to_be_visible()
    expect(page.get_by_text("Progress is a per cent from 0 to 100; you gave -5.")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("Lift the margin")
    expect(page.locator("#id_target")).to_be_focused()
    page.screenshot(path=str(SHOTS / "objective-refused.png"), full_page=True)
