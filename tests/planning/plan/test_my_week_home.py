"""The executive's home and the accounts list: every key account, health, what is late."""

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
from planning.models import PlanTopic
from planning.plan.links import plan_url
from tests.factories import WorkspaceWorld
from tests.model_factories.accounts import CustomerFactory
from tests.model_factories.plan import ActionFactory, PlanTextFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _client(world: WorkspaceWorld, role: str) -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client


def _account(
    world: WorkspaceWorld, name: str, owner: User | None, *, overdue: int = 0, stale: int = 0
) -> Customer:
    topics = [PlanTopic.MARKET, PlanTopic.TRENDS, PlanTopic.STRATEGY, PlanTopic.HISTORY]
    with workspace_context(world.a.workspace):
        customer = CustomerFactory.create(
            name=name, status=CustomerStatus.KEY_ACCOUNT, owner=owner, external_id=f"ext-{name}"
        )
        PlanTextFactory.create(customer=customer, topic=PlanTopic.BUYING, confirmed_on=TODAY)
        for topic in topics[:stale]:
            PlanTextFactory.create(
                customer=customer, topic=topic, confirmed_on=TODAY - datetime.timedelta(days=150)
            )
        for number in range(overdue):
            ActionFactory.create(
                customer=customer,
                title=f"{name} late {number}",
                due_date=TODAY - datetime.timedelta(days=number + 1),
                owner=owner,
            )
        return customer


def test_executive_home_lists_every_key_account_with_health_kam_and_counts(
    world: WorkspaceWorld,
) -> None:
    kam = world.a.user(Role.KAM)
    amber = _account(world, "Amber Mining", kam, overdue=2, stale=3)
    _account(world, "Green Paper", world.a.user(Role.MEMBER))
    _account(world, "Nobody's Steel", None)
    response = _client(world, Role.EXECUTIVE).get(reverse("home"))
    html = response.content.decode()
    assert "No key accounts are assigned to you yet" not in html
    assert 'id="key-accounts"' in html
    rows = {row.customer.name: row for row in response.context["every_account"]}
    assert set(rows) == {"Amber Mining", "Green Paper", "Nobody's Steel"}
    assert rows["Amber Mining"].flags.overdue_actions == 2
    assert rows["Amber Mining"].flags.stale_texts == 3
    assert rows["Green Paper"].flags.overdue_actions == 0
    assert f'href="{plan_url(amber.pk)}"' in html
    assert "Health unknown" in html  # nothing computed yet: shown as unknown, never as green
    assert kam.get_username() in html
    # The portfolio counters stay.
    assert response.context["portfolio"].key_accounts == 3


def test_executive_home_has_each_kams_week_collapsed(world: WorkspaceWorld) -> None:
    kam = world.a.user(Role.KAM)
    _account(world, "Amber Mining", kam, overdue=1)
    _account(world, "Nobody's Steel", None, overdue=1)
    response = _client(world, Role.EXECUTIVE).get(reverse("home"))
    weeks = response.context["weeks_per_kam"]
    assert [week.name for week in weeks] == [kam.get_username(), "No KAM named"]
    assert weeks[0].week.overdue_count == 1
    html = response.content.decode()
    assert '<details class="my-week-kam">' in html  # collapsed: no "open"
    assert "Amber Mining late 0" in html


def test_admin_lands_on_the_executive_home_too(world: WorkspaceWorld) -> None:
    _account(world, "Amber Mining", world.a.user(Role.KAM))
    response = _client(world, Role.ADMIN).get(reverse("home"))
    assert response.context["executive_home"] is True
    assert "Amber Mining" in response.content.decode()


def test_kam_home_shows_their_week_and_accounts_not_everyone(world: WorkspaceWorld) -> None:
    _account(world, "Mine Mining", world.a.user(Role.KAM))
    _account(world, "Someone Else AG", world.a.user(Role.MEMBER))
    response = _client(world, Role.KAM).get(reverse("home"))
    html = response.content.decode()
    assert response.context["executive_home"] is False
    assert 'id="my-week"' in html
    assert "Mine Mining" in html
    assert "Someone Else AG" not in html


def test_executive_home_query_count_does_not_grow(world: WorkspaceWorld) -> None:
    client = _client(world, Role.EXECUTIVE)
    _account(world, "First", world.a.user(Role.KAM), overdue=1, stale=1)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        return len(queries)

    count()
    few = count()
    for number in range(12):
        owner = world.a.user(Role.KAM if number % 2 else Role.MEMBER)
        _account(world, f"Account {number:02}", owner, overdue=2, stale=2)
    assert count() == few


def test_accounts_list_marks_health_overdue_and_stale_and_links_to_plans(
    world: WorkspaceWorld,
) -> None:
    kam = world.a.user(Role.KAM)
    amber = _account(world, "Amber Mining", kam, overdue=2, stale=1)
    _account(world, "Calm Paper", world.a.user(Role.MEMBER))
    with workspace_context(world.a.workspace):
        CustomerFactory.create(name="Unwritten AG", status=CustomerStatus.KEY_ACCOUNT, owner=kam)
    response = _client(world, Role.KAM).get(reverse("my-accounts"))
    assert response.status_code == 200
    html = response.content.decode()
    assert [row.customer.name for row in response.context["mine"]] == [
        "Amber Mining",
        "Unwritten AG",
    ]
    assert [row.customer.name for row in response.context["others"]] == ["Calm Paper"]
    assert "2 overdue" in html
    assert "1 stale" in html
    assert "Profile not written" in html
    assert "Up to date" in html
    assert "Health unknown" in html
    assert f'href="{plan_url(amber.pk)}"' in html


def test_executive_sees_every_key_account_in_the_list(world: WorkspaceWorld) -> None:
    _account(world, "Amber Mining", world.a.user(Role.KAM))
    _account(world, "Calm Paper", world.a.user(Role.MEMBER))
    response = _client(world, Role.EXECUTIVE).get(reverse("my-accounts"))
    names = [row.customer.name for row in response.context["others"]]
    assert names == ["Amber Mining", "Calm Paper"]


def test_no_week_card_for_someone_who_owns_nothing(world: WorkspaceWorld) -> None:
    html = _client(world, Role.KAM).get(reverse("home")).content.decode()
    assert 'id="my-week"' not in html
    assert "No key accounts are assigned to you yet" in html


def test_an_action_owned_elsewhere_brings_the_week_card(world: WorkspaceWorld) -> None:
    account = _account(world, "Someone Else AG", world.a.user(Role.EXECUTIVE))
    with workspace_context(world.a.workspace):
        ActionFactory.create(
            customer=account,
            title="Prepare the demo",
            owner=world.a.user(Role.MEMBER),
            due_date=TODAY,
        )
    html = _client(world, Role.MEMBER).get(reverse("home")).content.decode()
    assert 'id="my-week"' in html
    assert "Prepare the demo" in html
