"""A new workspace's home page walks its admin through the first steps until all are done."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Customer, CustomerStatus
from kam.tenancy.context import workspace_context
from kam.workspaces.first_steps import first_steps_done
from kam.workspaces.models import Membership, Role, Workspace
from tests.factories import WorkspaceWorld, make_user
from tests.model_factories import accounts as accounts_factories

pytestmark = pytest.mark.django_db


def _empty_workspace() -> tuple[Workspace, Client]:
    workspace = Workspace.objects.create(name="Acme Pumps", slug="acme-pumps")
    admin = make_user("acme-admin")
    Membership.objects.create(workspace=workspace, user=admin, role=Role.ADMIN)
    client = Client()
    client.force_login(admin)
    return workspace, client


def _steps(page: str) -> dict[str, str]:
    return dict(
        re.findall(r'id="first-step-(\w+)"[^>]*>\s*<span class="badge[^"]*">([^<]+)<', page)
    )


def test_an_empty_workspace_shows_every_step_to_do_with_its_link() -> None:
    _workspace, client = _empty_workspace()
    page = client.get(reverse("home")).content.decode()
    assert "First steps" in page
    assert "0 of 5 done" in page
    assert _steps(page) == {
        "customers": "To do",
        "offerings": "To do",
        "sales": "To do",
        "candidates": "To do",
        "team": "To do",
    }
    assert f'href="{reverse("imports:upload")}?kind=customers"' in page
    assert f'href="{reverse("selection")}"' in page
    assert f'href="{reverse("members")}"' in page
    # The import page opens with that kind chosen.
    upload = client.get(f"{reverse('imports:upload')}?kind=customers").content.decode()
    assert '<option value="customers" selected>' in upload


def test_steps_tick_as_the_data_arrives_and_the_card_goes_when_all_are_done() -> None:
    workspace, client = _empty_workspace()
    with workspace_context(workspace):
        customer = accounts_factories.CustomerFactory.create(external_id="K-1", name="Nordwerk")
        accounts_factories.OfferingFactory.create(code="P-1", name="Pump")
    page = client.get(reverse("home")).content.decode()
    steps = _steps(page)
    assert steps["customers"] == steps["offerings"] == "Done"
    assert steps["sales"] == steps["candidates"] == steps["team"] == "To do"
    assert "2 of 5 done" in page

    with workspace_context(workspace):
        accounts_factories.SalesLineFactory.create(customer=customer, source_key="L-1")
        Customer.objects.filter(pk=customer.pk).update(status=CustomerStatus.CANDIDATE)
    Membership.objects.create(workspace=workspace, user=make_user("acme-kam"), role=Role.KAM)
    page = client.get(reverse("home")).content.decode()
    assert 'id="first-steps"' not in page


def test_people_who_are_not_admins_do_not_see_the_steps() -> None:
    workspace, _client = _empty_workspace()
    kam = make_user("acme-kam")
    Membership.objects.create(workspace=workspace, user=kam, role=Role.KAM)
    client = Client()
    client.force_login(kam)
    assert 'id="first-steps"' not in client.get(reverse("home")).content.decode()


def test_the_steps_take_one_query_however_much_data(world: WorkspaceWorld) -> None:
    workspace = world.a.workspace
    # Inside the workspace, as in a request: on PostgreSQL row-level security needs it.
    with workspace_context(workspace), CaptureQueriesContext(connection) as few:
        first_steps_done(workspace=workspace, user_id=world.a.admin.pk)
    with workspace_context(workspace):
        for number in range(5):
            accounts_factories.CustomerFactory.create(external_id=f"more-{number}")
    with workspace_context(workspace), CaptureQueriesContext(connection) as more:
        done = first_steps_done(workspace=workspace, user_id=world.a.admin.pk)
    assert len(few) == len(more) == 1
    assert done["customers"] and done["team"]
