"""A KAM fills the three analyses from the keyboard in a real browser; screenshots of each."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Customer, CustomerStatus
from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from planning.analysis import services
from planning.models import Opportunity
from selling_center.models import SellingCenterMember
from tests.factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("KAM_ANALYSIS_SHOTS", "/tmp/shots-h3"))


def _seed() -> tuple[Any, Customer, Opportunity]:
    with transaction.atomic():
        world = build_world()
        workspace = world.a.workspace
        with workspace_context(workspace):
            customer = Customer.objects.create(
                external_id="KA-BOR",
                name="Borealis Steel",
                status=CustomerStatus.KEY_ACCOUNT,
                owner=world.a.user("kam"),
            )
            people = [
                Stakeholder.objects.create(
                    customer=customer, name=name, title=title, roles=roles, relationship_score=s
                )
                for name, title, roles, s in [
                    ("Ines Aalto", "Plant director", ["decider"], 1),
                    ("Bo Berg", "Head of purchasing", ["buyer", "gatekeeper"], -1),
                    ("Mia Koski", "Maintenance lead", ["user", "influencer"], 2),
                ]
            ]
            SellingCenterMember.objects.create(
                customer=customer, user=world.a.user("member"), role="contributor"
            )
            opportunity = Opportunity.objects.create(customer=customer, title="Furnace relining")
            old = timezone.localdate() - datetime.timedelta(days=120)
            for person, kind, nature, text, severity, anxiety, verified in [
                (
                    people[1],
                    "concern",
                    "solution",
                    "Price rise of 8 % over the contract",
                    "high",
                    ["many_requests", "old_objections", "credibility_questioned"],
                    old,
                ),
                (
                    people[1],
                    "expectation",
                    "relational",
                    "Quarterly business reviews",
                    "",
                    [],
                    timezone.localdate(),
                ),
                (
                    people[0],
                    "concern",
                    "solution",
                    "Downtime during the relining",
                    "medium",
                    [],
                    None,
                ),
                (
                    people[2],
                    "expectation",
                    "solution",
                    "Remote monitoring of the lining",
                    "",
                    [],
                    timezone.localdate(),
                ),
            ]:
                services.stakeholder_need_create(
                    workspace=workspace,
                    opportunity=opportunity,
                    stakeholder=person,
                    kind=kind,
                    nature=nature,
                    description=text,
                    severity=severity,
                    high_anxiety=anxiety,
                    verified_on=verified,
                    owner=world.a.user("kam"),
                )
            for role, group, name, importance, difference, strategy in [
                ("buyer", "core_transactional", "Price per tonne", 7, 2, ""),
                ("buyer", "service", "Delivery reliability", 6, 5, ""),
                ("buyer", "process", "Easy ordering", 3, 4, ""),
                ("decider", "buyer_seller_fit", "Safety record", 7, 6, ""),
                ("decider", "service", "Response time on site", 5, 3, "accentuate_difference"),
                ("user", "service", "Training of the crew", 4, 6, ""),
            ]:
                services.decision_criterion_create(
                    workspace=workspace,
                    opportunity=opportunity,
                    role=role,
                    group=group,
                    name=name,
                    importance=importance,
                    difference=difference,
                    vulnerability_strategy=strategy,
                )
            questions = services.challenge_questions_add_standard(
                workspace=workspace, opportunity=opportunity
            )
            for i, question in enumerate(questions[:8]):
                services.challenge_question_update(
                    workspace=workspace,
                    challenge_question=question,
                    expected_version=1,
                    team_confidence=5 - i % 3,
                    team_implications=4 - i % 2,
                    team_actions=3 + i % 2,
                    reviewer=world.a.user("member" if i == 0 else "executive"),
                    reviewer_confidence=2 + i % 3,
                    reviewer_implications=3,
                    reviewer_actions=2 + i % 2,
                )
    return world, customer, opportunity


def test_kam_adds_a_concern_and_scores_a_question_by_keyboard(
    open_page: Callable[..., Any], transactional_db: None
) -> None:
    world, customer, opportunity = _seed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = f"/accounts/{customer.pk}/opportunities/{opportunity.pk}"
    page = open_page(f"{base}/needs/", user=world.a.user("kam"))
    expect(page.get_by_text("shows high anxiety: 3 of 5 signs")).to_be_visible()
    page.get_by_role("link", name="Add an expectation or concern").click()
    page.wait_for_url(f"**{base}/needs/new/**")
    page.get_by_label("Stakeholder").select_option(label="Mia Koski (Maintenance lead)")
    page.get_by_role("radio", name="Concern").check()
    page.get_by_label("Description").fill("Crew not trained on the new lining")
    page.get_by_label("Severity").select_option("medium")
    page.screenshot(path=str(SHOTS / "need-form-light.png"), full_page=True)
    page.get_by_role("button", name="Save").press("Enter")
    page.wait_for_url(f"**{base}/needs/**")
    expect(page.get_by_text("Crew not trained on the new lining")).to_be_visible()
    for section in ("needs", "criteria", "challenge"):
        page.goto(f"{base}/{section}/")
        page.screenshot(path=str(SHOTS / f"{section}-light.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{base}/criteria/")
    page.screenshot(path=str(SHOTS / "criteria-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    with page.expect_response("**/ui/theme/"):
        page.keyboard.press("t")
    for section in ("needs", "criteria", "challenge"):
        page.goto(f"{base}/{section}/")
        page.screenshot(path=str(SHOTS / f"{section}-projector.png"), full_page=True)
    # A weak criterion's strategy is chosen in its row; the warning goes away.
    page.goto(f"{base}/criteria/")
    expect(page.get_by_text("1 weak criterion has no vulnerability strategy")).to_be_visible()
    with page.expect_response("**/strategy/"):
        page.get_by_label("Vulnerability strategy for Price per tonne").select_option(
            "change_importance"
        )
    expect(page.locator("#criteria")).not_to_contain_text("has no vulnerability strategy")
    # Scores typed into the table save on leaving the box; the averages follow, focus stays.
    page.goto(f"{base}/challenge/")
    box = page.get_by_label("Team confidence: What happens to them if they do nothing?")
    box.fill("1")
    with page.expect_response("**/scores/"):
        box.press("Tab")
    expect(page.locator("#challenge")).to_contain_text("Team overall")
    next_box = page.get_by_label("Team implications: What happens to them if they do nothing?")
    expect(next_box).to_be_focused()
    row = page.locator("tr", has_text="What happens to them if they do nothing?")
    expect(row).to_contain_text("2.7 amber")
    next_box.fill("7")
    with page.expect_response("**/scores/"):
        next_box.press("Tab")
    expect(row).to_contain_text("between 1 and 5; 7 is not")
    expect(next_box).to_have_value("7")
    # Enter saves too, without leaving the box.
    next_box.fill("2")
    with page.expect_response("**/scores/"):
        next_box.press("Enter")
    expect(row).to_contain_text("2.3 red")
    page.screenshot(path=str(SHOTS / "challenge-inline-error-projector.png"), full_page=True)
    page.get_by_role("link", name="Edit: Why did the customer start").click()
    page.get_by_label("Team: confidence").fill("9")
    page.get_by_label("Team: confidence").press("Enter")
    expect(page.get_by_text("between 1 and 5; 9 is not")).to_be_visible()
    page.screenshot(path=str(SHOTS / "question-error-projector.png"), full_page=True)
