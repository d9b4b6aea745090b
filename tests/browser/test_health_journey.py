"""A KAM sees why an account is amber, fixes the reason, sees health change, then overrides it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Customer, CustomerStatus
from buying_center.models import Stakeholder
from buying_center.services import stakeholder_update
from kam.tenancy.context import workspace_context
from planning.health.services import health_recompute
from planning.models import AccountHealth
from selling_center.models import SellingCenterMember
from tests.factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed() -> tuple[Any, Customer, Stakeholder, SellingCenterMember]:
    with transaction.atomic():
        world = build_world()
        with workspace_context(world.a.workspace):
            customer = Customer.objects.create(
                external_id="KA-BOR",
                name="Borealis Steel",
                status=CustomerStatus.KEY_ACCOUNT,
                owner=world.a.user("kam"),
            )
            owner = SellingCenterMember.objects.create(customer=customer, user=world.a.user("kam"))
            decider = Stakeholder.objects.create(
                customer=customer,
                name="Ines Aalto",
                roles=["decider"],
                relationship_score=1,
                assessed_at=timezone.now(),
            )
            health_recompute(workspace=world.a.workspace)
    return world, customer, decider, owner


def test_kam_fixes_a_reason_and_overrides_health(
    open_page: Callable[..., Any], eager_tasks: None
) -> None:
    world, customer, decider, owner = _seed()
    kam = world.a.user("kam")
    page = open_page(f"/accounts/{customer.pk}/health/", user=kam)
    section = page.locator("#health")
    expect(section.get_by_text("Needs attention")).to_be_visible()
    expect(section.get_by_text("Ines Aalto (decider) has no owner on our side")).to_be_visible()

    # The KAM names an owner (the stakeholder service, as the buying-center page does);
    # the debounced health run follows the commit.
    with workspace_context(world.a.workspace), transaction.atomic():
        stakeholder_update(
            workspace=world.a.workspace,
            stakeholder=Stakeholder.objects.get(pk=decider.pk),
            expected_version=decider.version,
            owner=owner,
        )
    page.reload()
    expect(section.get_by_text("Healthy")).to_be_visible()

    # Something the data does not show: the rating is set by hand, with a reason and a date.
    section.get_by_text("Set the rating by hand").click()
    section.get_by_label("Rating by hand").select_option("red")
    section.get_by_label("Why").fill("They announced a tender for every service contract.")
    until = timezone.localdate() + datetime.timedelta(days=30)
    section.get_by_label("Holds until").fill(until.isoformat())
    section.get_by_role("button", name="Set by hand").click()
    expect(page.locator("#health").get_by_text("At risk (set by hand)")).to_be_visible()
    notice = page.locator("#health .notice")
    expect(notice).to_contain_text("They announced a tender for every service contract.")
    expect(notice).to_contain_text("Computed from the data: healthy")
    with workspace_context(world.a.workspace):
        health = AccountHealth.objects.get(customer=customer)
    assert (health.computed_rating, health.override_rating) == ("green", "red")
