"""A KAM schedules a review, starts it (the plan is frozen) and finds it in the plan's log."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Customer, CustomerStatus
from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from planning.models import Opportunity, Review, ReviewSnapshot
from tests.factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed() -> tuple[Any, Customer]:
    with transaction.atomic():
        world = build_world()
        kam = world.a.user("kam")
        kam.first_name, kam.last_name = "Karin", "Dahl"
        kam.save()
        with workspace_context(world.a.workspace):
            borealis = Customer.objects.create(
                external_id="KA-BOR",
                name="Borealis Steel",
                status=CustomerStatus.KEY_ACCOUNT,
                owner=kam,
            )
            Opportunity.objects.create(
                customer=borealis, title="Furnace relining", value=Decimal("200000")
            )
            Stakeholder.objects.create(customer=borealis, name="Ingrid Ortega", roles=["decider"])
    return world, borealis


def test_schedule_start_and_see_the_review_in_the_plans_log(
    open_page: Callable[..., Any], transactional_db: None
) -> None:
    world, borealis = _seed()
    day = timezone.localdate() + datetime.timedelta(days=3)
    page = open_page(f"/accounts/{borealis.pk}/reviews/", user=world.a.user("kam"), width=1400)
    expect(page.get_by_role("heading", name="Reviews of Borealis Steel")).to_be_visible()

    form = page.locator("#schedule")
    form.locator("#id_kind").select_option(label="60-day review")
    form.locator("#id_scheduled_on").fill(day.isoformat())
    form.get_by_label("Karin Dahl").check()
    form.get_by_label("Ingrid Ortega").check()
    form.locator("#id_agenda").fill("Scorecard\nOpen actions")
    form.get_by_role("button", name="Schedule the review").click()

    log = page.locator("table.review-log")
    row = log.locator("tr", has_text="60-day review")
    expect(row).to_contain_text("Karin Dahl")
    expect(row).to_contain_text("not started")
    row.get_by_role("link", name="60-day review").click()

    expect(page.get_by_role("heading", name="60-day review")).to_be_visible()
    expect(page.locator("#snapshot")).to_contain_text("Not started yet")
    page.get_by_role("button", name="Start the review").click()
    expect(page.locator("#snapshot")).to_contain_text("These figures never change")
    expect(page.get_by_role("button", name="Start the review")).to_have_count(0)
    with workspace_context(world.a.workspace):
        review = Review.objects.get(customer=borealis)
        assert ReviewSnapshot.objects.filter(review=review).count() == 1

    page.goto(page.url.split("/accounts/")[0] + f"/accounts/{borealis.pk}/plan/#reviews")
    plan_log = page.locator("#reviews")
    expect(plan_log.locator("tr", has_text="60-day review")).to_contain_text("frozen")
