"""The home page: my key accounts, portfolio counts, reviews; constant query count."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Customer, CustomerStatus
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Role
from planning.plan.links import plan_url
from tests.factories import WorkspaceWorld


def _key_account(world: WorkspaceWorld, name: str, owner: object, **extra: object) -> Customer:
    with workspace_context(world.a.workspace):
        return Customer.objects.create(
            external_id=f"ext-{name}",
            name=name,
            status=CustomerStatus.KEY_ACCOUNT,
            owner=owner,
            **extra,
        )


def test_my_accounts_lists_the_key_accounts_i_own(client: Client, world: WorkspaceWorld) -> None:
    kam = world.a.user(Role.KAM)
    _key_account(world, "Nordic Mining Group", kam, region="North", tier=1)
    _key_account(world, "Atlas Cement", world.a.user(Role.EXECUTIVE), region="South")
    with workspace_context(world.a.workspace):
        Customer.objects.create(external_id="c-own", name="Plain Customer Ltd", owner=kam)
    client.force_login(kam)
    html = client.get(reverse("home")).content.decode()
    assert "Nordic Mining Group" in html
    assert "North" in html
    assert "Tier 1" in html
    assert "Atlas Cement" not in html  # someone else's key account
    assert "Plain Customer Ltd" not in html  # owned, but not a key account
    assert "No key accounts are assigned to you yet" not in html


def test_my_accounts_empty_state_explains_how_accounts_arrive(
    client: Client, world: WorkspaceWorld
) -> None:
    client.force_login(world.a.user(Role.KAM))
    html = client.get(reverse("home")).content.decode()
    assert "No key accounts are assigned to you yet" in html
    assert "selection review" in html


def test_portfolio_counts_the_workspace_only(client: Client, world: WorkspaceWorld) -> None:
    _key_account(world, "Nordic Mining Group", None)
    with workspace_context(world.a.workspace):
        Customer.objects.create(
            external_id="cand", name="Helios Energy", status=CustomerStatus.CANDIDATE
        )
    client.force_login(world.a.user(Role.KAM))
    response = client.get(reverse("home"))
    portfolio = response.context["portfolio"]
    # world.a has one plain customer already; workspace B's customer is not counted.
    assert (portfolio.customers, portfolio.key_accounts, portfolio.candidates) == (3, 1, 1)
    html = response.content.decode()
    assert '<dd class="stat-value">3</dd>' in html


def test_portfolio_empty_state_without_customers(client: Client, world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        Customer.objects.all().delete()
    client.force_login(world.a.user(Role.EXECUTIVE))
    html = client.get(reverse("home")).content.decode()
    assert "No customers in this workspace yet" in html
    assert "which you can run" in html


def test_roles_without_portfolio_see_why_not_counts(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.a.user(Role.VIEWER))
    response = client.get(reverse("home"))
    assert response.context["portfolio"] is None
    assert "The portfolio view is not part of your role" in response.content.decode()


def test_reviews_empty_state(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.a.user(Role.KAM))
    html = client.get(reverse("home")).content.decode()
    assert "No reviews scheduled." in html
    assert "Starting an account plan schedules its management, 60-day and 90-day reviews" in html


def test_home_needs_sign_in(client: Client, world: WorkspaceWorld) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_query_count_does_not_grow_with_the_data(client: Client, world: WorkspaceWorld) -> None:
    kam = world.a.user(Role.KAM)
    client.force_login(kam)
    _key_account(world, "First Account", kam)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        return len(queries)

    count_queries()  # the first visit also stores the chosen workspace in the session
    few = count_queries()
    for number in range(25):
        _key_account(world, f"Account {number:02}", kam, tier=1 + number % 3)
    with workspace_context(world.a.workspace):
        for number in range(25):
            Customer.objects.create(external_id=f"plain-{number}", name=f"Customer {number}")
    many = count_queries()
    assert many == few
    assert "Account 24" in client.get(reverse("home")).content.decode()


def test_my_accounts_link_to_each_account_plan(client: Client, world: WorkspaceWorld) -> None:
    kam = world.a.user("kam")
    with workspace_context(world.a.workspace):
        account = Customer.objects.create(
            external_id="KA-LINK", name="Linked Key Account", status="key_account", owner=kam
        )
    client.force_login(kam)
    html = client.get("/").content.decode()
    # Links to a key account land on its plan (the account shell while no plan page exists).
    assert f'href="{plan_url(account.pk)}"' in html
