"""My week: overdue and due actions, stale texts and assessments, uncovered deciders."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Customer, CustomerStatus
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Role
from planning.models import ActionStatus, PlanTopic
from planning.plan.my_week import (
    LineKind,
    MyWeek,
    action_url,
    key_accounts,
    my_week,
    plan_url,
    week_lines,
)
from tests.factories import WorkspaceWorld
from tests.model_factories.accounts import CustomerFactory
from tests.model_factories.buying_center import StakeholderFactory
from tests.model_factories.plan import ActionFactory, PlanTextFactory
from tests.model_factories.selling_center import SellingCenterMemberFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _days(count: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=count)


def _key_account(world: WorkspaceWorld, name: str, owner: User | None) -> Customer:
    with workspace_context(world.a.workspace):
        customer = CustomerFactory.create(
            name=name, status=CustomerStatus.KEY_ACCOUNT, owner=owner, external_id=f"ext-{name}"
        )
        # A fresh profile, so only what a test adds shows up.
        PlanTextFactory.create(customer=customer, topic=PlanTopic.MARKET, confirmed_on=TODAY)
        return customer


def _week(world: WorkspaceWorld, user: User) -> MyWeek:
    with workspace_context(world.a.workspace):
        return my_week(workspace=world.a.workspace, user=user, today=TODAY)


def _kinds(week: MyWeek) -> list[tuple[str, str]]:
    return [(line.kind, line.text) for line in week.lines]


def test_overdue_and_due_actions_of_my_accounts_and_of_mine_elsewhere(
    world: WorkspaceWorld,
) -> None:
    kam, other_kam = world.a.user(Role.KAM), world.a.user(Role.EXECUTIVE)
    mine = _key_account(world, "Nordic Ore", kam)
    theirs = _key_account(world, "Atlas Cement", other_kam)
    with workspace_context(world.a.workspace):
        late = ActionFactory.create(
            customer=mine, title="Send the pilot report", due_date=_days(-4), owner=kam
        )
        ActionFactory.create(
            customer=mine, title="Book the plant visit", due_date=_days(3), owner=other_kam
        )
        ActionFactory.create(customer=mine, title="Far away", due_date=_days(30), owner=kam)
        ActionFactory.create(
            customer=mine, title="Finished", due_date=_days(-2), status=ActionStatus.DONE
        )
        ActionFactory.create(customer=mine, title="No date", owner=kam)
        ActionFactory.create(customer=theirs, title="Brief the CFO", due_date=TODAY, owner=kam)
        ActionFactory.create(customer=theirs, title="Not mine", due_date=_days(-1), owner=other_kam)

    week = _week(world, kam)
    assert _kinds(week)[:3] == [
        (LineKind.OVERDUE, "Send the pilot report"),
        (LineKind.DUE, "Brief the CFO"),
        (LineKind.DUE, "Book the plant visit"),
    ]
    overdue = week.lines[0]
    assert overdue.overdue
    assert overdue.detail.endswith("4 days overdue")
    assert overdue.owner_name == ""  # my own action: no need to name me
    assert overdue.url == action_url(mine.pk, late.pk)
    assert week.lines[1].detail == "Due today"
    assert week.lines[2].owner_name == other_kam.get_username()
    titles = [line.text for line in week.lines]
    assert "Not mine" not in titles
    assert "Far away" not in titles
    assert "Finished" not in titles
    assert week.overdue_count == 1


def test_stale_texts_and_a_profile_not_written_yet(world: WorkspaceWorld) -> None:
    kam = world.a.user(Role.KAM)
    written = _key_account(world, "Nordic Ore", kam)
    with workspace_context(world.a.workspace):
        PlanTextFactory.create(customer=written, topic=PlanTopic.TRENDS, confirmed_on=_days(-120))
        PlanTextFactory.create(customer=written, topic=PlanTopic.EXPAND, confirmed_on=_days(-91))
        PlanTextFactory.create(customer=written, topic=PlanTopic.STRATEGY, confirmed_on=_days(-89))
        blank = CustomerFactory.create(
            name="Blank Page AG", status=CustomerStatus.KEY_ACCOUNT, owner=kam
        )

    week = _week(world, kam)
    stale = [line for line in week.lines if line.kind == LineKind.STALE_TEXT]
    assert [(line.text, line.url) for line in stale] == [
        ("Expand (offerings they do not buy yet)", plan_url(written.pk, "growth")),
        ("Trends", plan_url(written.pk, "profile")),
    ]
    assert stale[1].detail.endswith("120 days ago")
    missing = [line for line in week.lines if line.kind == LineKind.NO_PROFILE]
    assert [(line.customer_name, line.detail) for line in missing] == [
        ("Blank Page AG", "Profile not written yet")
    ]
    assert missing[0].url == plan_url(blank.pk, "profile")


def test_uncovered_deciders_and_stale_assessments_of_key_players(world: WorkspaceWorld) -> None:
    kam = world.a.user(Role.KAM)
    account = _key_account(world, "Nordic Ore", kam)
    old = timezone.now() - datetime.timedelta(days=200)
    with workspace_context(world.a.workspace):
        owner = SellingCenterMemberFactory.create(customer=account, user=kam)
        lone = StakeholderFactory.create(
            customer=account, name="Anna Berg", roles=["decider"], assessed_at=timezone.now()
        )
        faded = StakeholderFactory.create(
            customer=account,
            name="Tom Li",
            roles=["user", "facilitator"],
            owner=owner,
            assessed_at=old,
        )
        StakeholderFactory.create(customer=account, name="Per Buyer", roles=["buyer"])
        StakeholderFactory.create(
            customer=account,
            name="Fine Decider",
            roles=["decider"],
            owner=owner,
            assessed_at=timezone.now(),
        )

    week = _week(world, kam)
    people = [(line.kind, line.text) for line in week.lines if line.kind != LineKind.STALE_TEXT]
    assert people == [(LineKind.UNCOVERED, "Anna Berg"), (LineKind.STALE_ASSESSMENT, "Tom Li")]
    uncovered, stale = week.lines
    assert uncovered.url == reverse(
        "stakeholder-edit", kwargs={"customer_id": account.pk, "stakeholder_id": lone.pk}
    )
    assert uncovered.detail == "Decider without an owner on our side"
    assert stale.url == reverse(
        "stakeholder-detail", kwargs={"customer_id": account.pk, "stakeholder_id": faded.pk}
    )
    assert stale.detail.startswith("Facilitator: last assessed")
    assert stale.detail.endswith("200 days ago")
    assert [group.title for group in week.groups] == [
        "Deciders nobody owns",
        "Assessments to redo",
    ]


def test_another_workspace_never_shows(world: WorkspaceWorld) -> None:
    kam = world.a.user(Role.KAM)
    _key_account(world, "Nordic Ore", kam)
    with workspace_context(world.b.workspace):
        theirs = CustomerFactory.create(
            name="Other Tenant", status=CustomerStatus.KEY_ACCOUNT, owner=kam
        )
        ActionFactory.create(customer=theirs, title="Foreign", due_date=_days(-1), owner=kam)
    assert _week(world, kam).lines == []


def test_query_count_is_the_same_for_one_account_and_many(world: WorkspaceWorld) -> None:
    kam = world.a.user(Role.KAM)

    def add_account(number: int) -> None:
        account = _key_account(world, f"Account {number:02}", kam)
        with workspace_context(world.a.workspace):
            ActionFactory.create(customer=account, due_date=_days(-number), owner=kam)
            PlanTextFactory.create(
                customer=account, topic=PlanTopic.TRENDS, confirmed_on=_days(-200)
            )
            StakeholderFactory.create(customer=account, roles=["decider"])

    def count() -> tuple[int, int]:
        with workspace_context(world.a.workspace), CaptureQueriesContext(connection) as queries:
            everyone = key_accounts(workspace=world.a.workspace)
            lines = week_lines(workspace=world.a.workspace, accounts=everyone, today=TODAY)
        return len(queries), len(lines)

    add_account(1)
    few, few_lines = count()
    for number in range(2, 12):
        add_account(number)
    many, many_lines = count()
    assert many == few == 5  # accounts, actions, texts, stakeholders, reviews
    assert many_lines == few_lines * 11


def _client(world: WorkspaceWorld, role: str) -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client


def test_home_shows_my_week_with_an_overdue_action_linked_to_its_place(
    world: WorkspaceWorld,
) -> None:
    kam = world.a.user(Role.KAM)
    account = _key_account(world, "Nordic Ore", kam)
    with workspace_context(world.a.workspace):
        action = ActionFactory.create(
            customer=account, title="Send the pilot report", due_date=_days(-2), owner=kam
        )
    html = _client(world, Role.KAM).get(reverse("home")).content.decode()
    assert 'id="my-week"' in html
    assert "Send the pilot report" in html
    assert f'href="{action_url(account.pk, action.pk)}"' in html
    assert "2 days overdue" in html
    assert "badge-danger" in html


def test_home_says_nothing_is_due_when_all_is_current(world: WorkspaceWorld) -> None:
    _key_account(world, "Nordic Ore", world.a.user(Role.KAM))
    html = _client(world, Role.KAM).get(reverse("home")).content.decode()
    assert "Nothing due this week." in html


def test_my_week_page(world: WorkspaceWorld) -> None:
    kam = world.a.user(Role.KAM)
    account = _key_account(world, "Nordic Ore", kam)
    with workspace_context(world.a.workspace):
        ActionFactory.create(customer=account, title="Call Anna", due_date=_days(1), owner=kam)
    response = _client(world, Role.KAM).get(reverse("my-week"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Call Anna" in html
    assert "Each KAM&#x27;s week" not in html  # a KAM sees their own week only
