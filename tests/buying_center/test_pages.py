"""The account shell, the buying-center tab, the stakeholder form and page."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Customer
from buying_center.models import Stakeholder, StakeholderChange
from kam.tenancy.context import workspace_context
from planning.plan.links import plan_url
from tests.factories import WorkspaceWorld

pytestmark = pytest.mark.django_db


def _client(world: WorkspaceWorld, role: str = "kam") -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client


def test_my_accounts_lists_the_kams_key_accounts_first(
    world: WorkspaceWorld, account: Customer
) -> None:
    page = _client(world).get(reverse("my-accounts"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nordic Ore" in html
    assert f'href="{plan_url(account.pk)}"' in html  # a key account opens on its plan


def test_buying_center_tab_shows_every_column_and_filters(
    world: WorkspaceWorld,
    account: Customer,
    make_person: Callable[..., Stakeholder],
    make_member: Callable[..., object],
) -> None:
    owner = make_member(account, "Lena Hartmann")
    make_person(
        account,
        "Anna Berg",
        title="Plant director",
        function="Operations",
        roles=["decider"],
        relationship_score=2,
        attitude="champion",
        zone="power",
        owner=owner,
    )
    make_person(
        account,
        "Tom Li",
        roles=["buyer"],
        assessed_at=timezone.now() - datetime.timedelta(days=200),
    )
    client = _client(world)
    url = reverse("account-detail", kwargs={"customer_id": account.pk})
    html = client.get(url).content.decode()
    for text in [
        "Anna Berg",
        "Plant director",
        "Operations",
        "Decider",
        "++",
        "Champion",
        "Power",
        "Lena Hartmann",
        "Tom Li",
        "Stale",
        "No owner",
        "Key account",
    ]:
        assert text in html, text
    stale = client.get(url, {"stale": "1"}).content.decode()
    assert "Tom Li" in stale and "Anna Berg" not in stale
    deciders = client.get(url, {"role": "decider"}).content.decode()
    assert "Anna Berg" in deciders and "Tom Li" not in deciders
    uncovered = client.get(url, {"uncovered": "1"}).content.decode()
    assert "Tom Li" in uncovered and "Anna Berg" not in uncovered


def test_account_tabs_link_every_section(world: WorkspaceWorld, account: Customer) -> None:
    html = _client(world).get(reverse("account-detail", kwargs={"customer_id": account.pk}))
    text = html.content.decode()
    for name, label in [("account-map", ">Map<"), ("account-selling-center", ">Selling center<")]:
        assert label in text
        assert reverse(name, kwargs={"customer_id": account.pk}) in text


def test_query_count_does_not_grow_with_stakeholders(
    world: WorkspaceWorld, account: Customer, make_member: Callable[..., object]
) -> None:
    owner = make_member(account, "Lena Hartmann")
    client = _client(world)
    url = reverse("account-detail", kwargs={"customer_id": account.pk})

    def add(count: int) -> None:
        with workspace_context(world.a.workspace):
            boss = Stakeholder.objects.create(customer=account, name="Boss", owner=owner)
            Stakeholder.objects.bulk_create(
                Stakeholder(
                    workspace=world.a.workspace,
                    customer=account,
                    name=f"Person {i}",
                    roles=["user", "influencer"],
                    reports_to=boss,
                    owner=owner if i % 2 else None,
                    relationship_score=i % 5 - 2,
                )
                for i in range(count)
            )

    add(19)
    client.get(url)  # the first request of a session does one-off work (session, caches)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add(179)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.content.decode().count('id="stakeholder-') == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_create_from_the_form_with_save_and_add_another(
    world: WorkspaceWorld, account: Customer
) -> None:
    client = _client(world)
    url = reverse("stakeholder-create", kwargs={"customer_id": account.pk})
    form = client.get(url).content.decode()
    assert "autofocus" in form and 'type="radio"' in form and 'type="checkbox"' in form
    response = client.post(
        url,
        {
            "name": "Eva Lund",
            "roles": ["decider", "advisor"],
            "relationship_score": "1",
            "then": "add",
        },
    )
    assert response.status_code == 302 and response.url == url
    with workspace_context(world.a.workspace):
        eva = Stakeholder.objects.get(name="Eva Lund")
        assert eva.roles == ["advisor", "decider"]
        assert eva.relationship_score == 1
        assert eva.assessed_at is not None


def test_form_shows_the_cycle_message(
    world: WorkspaceWorld, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    anna = make_person(account, "Anna Berg")
    tom = make_person(account, "Tom Li", reports_to=anna)
    url = reverse("stakeholder-edit", kwargs={"customer_id": account.pk, "stakeholder_id": anna.pk})
    response = _client(world).post(url, {"name": "Anna Berg", "reports_to": tom.pk, "version": 1})
    assert response.status_code == 200
    assert "Anna Berg cannot report to Tom Li: Tom already reports to Anna (Tom -&gt; Anna)." in (
        response.content.decode()
    )


def test_stale_save_is_refused_and_shows_both_versions(
    world: WorkspaceWorld, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    anna = make_person(account, "Anna Berg", attitude="neutral")
    url = reverse("stakeholder-edit", kwargs={"customer_id": account.pk, "stakeholder_id": anna.pk})
    colleague = Client()
    colleague.force_login(world.a.user("member"))
    assert (
        colleague.post(url, {"name": "Anna Berg", "attitude": "champion", "version": 1}).status_code
        == 302
    )
    response = _client(world).post(url, {"name": "Anna Berg", "attitude": "opposed", "version": 1})
    assert response.status_code == 409
    html = response.content.decode()
    assert "a-member changed Anna Berg while you were editing" in html
    assert "Champion" in html and "Opposed" in html
    assert 'name="version" value="2"' in html
    with workspace_context(world.a.workspace):
        anna.refresh_from_db()
    assert anna.attitude == "champion"


def test_inline_score_edit_returns_the_row_and_writes_history(
    world: WorkspaceWorld, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    anna = make_person(account, "Anna Berg", relationship_score=0)
    url = reverse(
        "stakeholder-score", kwargs={"customer_id": account.pk, "stakeholder_id": anna.pk}
    )
    response = _client(world).post(
        url, {"relationship_score": "-2", "version": 1}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="stakeholder-' in response.content.decode() and "--" in response.content.decode()
    with workspace_context(world.a.workspace):
        change = StakeholderChange.objects.get(stakeholder=anna)
    assert (change.old_value, change.new_value, change.changed_by) == (
        "0",
        "-2",
        world.a.user("kam"),
    )


def test_stakeholder_page_shows_history_trend_and_influence(
    world: WorkspaceWorld, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    anna = make_person(account, "Anna Berg")
    tom = make_person(account, "Tom Li")
    client = _client(world)
    score_url = reverse(
        "stakeholder-score", kwargs={"customer_id": account.pk, "stakeholder_id": anna.pk}
    )
    client.post(score_url, {"relationship_score": "-1", "version": 1})
    client.post(score_url, {"relationship_score": "2", "version": 2})
    link_url = reverse(
        "influence-link-create", kwargs={"customer_id": account.pk, "stakeholder_id": anna.pk}
    )
    client.post(link_url, {"target": tom.pk, "strength": 3})
    page = client.get(
        reverse("stakeholder-detail", kwargs={"customer_id": account.pk, "stakeholder_id": anna.pk})
    )
    html = page.content.decode()
    assert "Relationship score over time: -, ++" in html
    assert "Tom Li" in html and "strength 3" in html
    assert "a-kam" in html


def test_viewer_reads_but_cannot_edit(world: WorkspaceWorld, account: Customer) -> None:
    client = _client(world, "viewer")
    assert (
        client.get(reverse("account-detail", kwargs={"customer_id": account.pk})).status_code == 200
    )
    assert (
        client.get(reverse("stakeholder-create", kwargs={"customer_id": account.pk})).status_code
        == 403
    )


def test_another_workspaces_account_is_404(world: WorkspaceWorld) -> None:
    assert world.b.customer is not None
    url = reverse("account-detail", kwargs={"customer_id": world.b.customer.pk})
    assert _client(world).get(url).status_code == 404
