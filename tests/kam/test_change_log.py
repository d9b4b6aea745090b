"""The change log as people meet it: sentences, History pages, the Activity tab, the API."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Customer
from buying_center import services as buying
from buying_center.models import Stakeholder
from kam.changelog.models import ChangeAction, ChangeLogEntry
from kam.changelog.services import change_log_record
from kam.tenancy.context import actor_context, current_actor, workspace_context
from planning.models import Opportunity
from planning.opportunities.services import opportunities
from tests.factories import WorkspaceWorld


@pytest.fixture
def karin(world: WorkspaceWorld) -> Any:
    user = world.a.user("kam")
    user.first_name, user.last_name = "Karin", "Holm"
    user.save()
    return user


def _account(world: WorkspaceWorld) -> Customer:
    assert world.a.customer is not None
    return world.a.customer


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _history_url(obj: Any) -> str:
    meta = obj._meta
    return reverse("object-history", args=[f"{meta.app_label}.{meta.model_name}", obj.pk])


# -- what is written -------------------------------------------------------------------


def test_a_score_change_reads_as_a_sentence_with_the_values_people_use(
    world: WorkspaceWorld, karin: Any
) -> None:
    with workspace_context(world.a.workspace), actor_context(karin):
        ingrid = buying.stakeholder_create(
            workspace=world.a.workspace,
            customer=_account(world),
            name="Ingrid Ortega",
            relationship_score=0,
        )
        buying.stakeholder_update(
            workspace=world.a.workspace,
            stakeholder=ingrid,
            expected_version=ingrid.version,
            relationship_score=1,
        )
        entry = ChangeLogEntry.objects.filter(object_id=ingrid.pk, action="changed").get()
        # The stakeholder's own score history stays, next to the log.
        assert ingrid.changes.filter(field="relationship_score").count() == 1
    assert entry.sentence == "Karin Holm raised Ingrid Ortega's relationship from 0 to +"
    assert entry.changes == [
        {"field": "relationship_score", "label": "relationship score", "from": "0", "to": "+"}
    ]
    assert entry.actor == karin and entry.actor_name == "Karin Holm"
    assert entry.account_id == _account(world).pk


def test_moving_an_opportunity_names_the_stage_label(world: WorkspaceWorld, karin: Any) -> None:
    with workspace_context(world.a.workspace), actor_context(karin):
        deal = Opportunity.objects.order_by("pk").first()
        assert deal is not None
        opportunities.opportunity_update(
            workspace=world.a.workspace,
            opportunity=deal,
            expected_version=deal.version,
            buying_stage="proposal_evaluation",
        )
        entry = ChangeLogEntry.objects.latest("pk")
    assert entry.sentence == f"Karin Holm moved {deal.title} to proposal evaluation"


def test_an_edit_names_changed_fields_by_label_and_related_objects_by_name(
    world: WorkspaceWorld, karin: Any
) -> None:
    with workspace_context(world.a.workspace), actor_context(karin):
        buyer = Stakeholder.objects.get(name="A Buyer")
        buying.stakeholder_update(
            workspace=world.a.workspace,
            stakeholder=buyer,
            expected_version=buyer.version,
            title="Head of purchasing",
            attitude="supportive",
            reports_to=None,
        )
        entry = ChangeLogEntry.objects.latest("pk")
    changes = {change["field"]: (change["from"], change["to"]) for change in entry.changes}
    assert changes["title"] == ("", "Head of purchasing")
    assert changes["reports_to"] == ("A Plant Director", "")
    assert changes["attitude"][1] == "Supportive"  # the choice label, not the code
    assert entry.sentence.startswith("Karin Holm changed A Buyer's ")


def test_an_edit_that_changes_nothing_writes_nothing(world: WorkspaceWorld, karin: Any) -> None:
    with workspace_context(world.a.workspace), actor_context(karin):
        buyer = Stakeholder.objects.get(name="A Buyer")
        before = ChangeLogEntry.objects.count()
        buying.stakeholder_update(
            workspace=world.a.workspace,
            stakeholder=buyer,
            expected_version=buyer.version,
            title=buyer.title,
        )
        assert ChangeLogEntry.objects.count() == before


def test_a_failed_change_leaves_no_entry(world: WorkspaceWorld, karin: Any) -> None:
    from kam.concurrency import VersionConflict

    with workspace_context(world.a.workspace), actor_context(karin):
        buyer = Stakeholder.objects.get(name="A Buyer")
        before = ChangeLogEntry.objects.count()
        with pytest.raises(VersionConflict):
            buying.stakeholder_delete(
                workspace=world.a.workspace, stakeholder=buyer, expected_version=buyer.version + 5
            )
        assert ChangeLogEntry.objects.count() == before


def test_requests_name_the_signed_in_person_and_the_token_owner(world: WorkspaceWorld) -> None:
    admin = world.a.user("admin")
    client = Client(headers={"Authorization": f"Bearer {world.a.access_token_secret}"})
    response = client.post(
        "/api/v1/customers/",
        {"external_id": "C-API", "name": "Token Mining"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    with workspace_context(world.a.workspace):
        entry = ChangeLogEntry.objects.latest("pk")
    assert entry.actor == world.a.access_token.user == admin  # type: ignore[union-attr]
    assert entry.sentence == f"{admin.get_username()} added customer Token Mining"
    assert current_actor() is None  # nothing leaks out of the request


# -- History page --------------------------------------------------------------------------


def _log_many(world: WorkspaceWorld, obj: Any, count: int, *, account_id: int | None) -> None:
    with workspace_context(world.a.workspace):
        for number in range(count):
            change_log_record(
                workspace=world.a.workspace,
                obj=obj,
                action=ChangeAction.CHANGED,
                account_id=account_id,
                summary=f"changed {obj} (note {number})",
                actor=world.a.user("kam"),
            )


def test_history_page_lists_an_objects_changes_and_survives_its_deletion(
    world: WorkspaceWorld, karin: Any
) -> None:
    with workspace_context(world.a.workspace), actor_context(karin):
        person = buying.stakeholder_create(
            workspace=world.a.workspace, customer=_account(world), name="Per Lind"
        )
        url = _history_url(person)
        buying.stakeholder_delete(workspace=world.a.workspace, stakeholder=person)
    page = _client(world.a.user("viewer")).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "History of Per Lind" in text and "has been deleted" in text
    assert "Karin Holm added Per Lind to the buying center" in text
    assert "Karin Holm removed Per Lind from the buying center" in text
    assert "cannot be edited" in text


def test_history_link_on_the_stakeholder_and_opportunity_pages(world: WorkspaceWorld) -> None:
    client = _client(world.a.user("viewer"))
    with workspace_context(world.a.workspace):
        person = Stakeholder.objects.get(name="A Buyer")
        deal = Opportunity.objects.order_by("pk").first()
    assert deal is not None
    customer = world.a.customer
    assert customer is not None
    pages = {
        reverse("stakeholder-detail", args=[customer.pk, person.pk]): person,
        reverse("account-opportunity", args=[customer.pk, deal.pk]): deal,
    }
    for url, obj in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'href="{_history_url(obj)}"' in response.content.decode(), url


def test_history_page_answers_404_for_unknown_types_and_other_workspaces(
    world: WorkspaceWorld,
) -> None:
    client = _client(world.a.user("admin"))
    b_customer = world.b.customer
    assert b_customer is not None and world.a.customer is not None
    for url in (
        reverse("object-history", args=["accounts.nosuchmodel", 1]),
        reverse("object-history", args=["auth.user", world.a.user().pk]),  # not a workspace row
        reverse("object-history", args=["kam.changelogentry", 1]),
        reverse("object-history", args=["nodot", 1]),
        _history_url(b_customer),
        reverse("object-history", args=["accounts.customer", 987654]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(_history_url(world.a.customer)).status_code == 200


@pytest.mark.parametrize("url_name", ["history", "activity"])
def test_page_queries_do_not_grow_with_the_number_of_entries(
    world: WorkspaceWorld, url_name: str
) -> None:
    customer = world.a.customer
    assert customer is not None
    url = (
        _history_url(customer)
        if url_name == "history"
        else reverse("account-activity", args=[customer.pk])
    )
    client = _client(world.a.user("viewer"))
    counts = []
    for entries in (3, 40):
        _log_many(world, customer, entries, account_id=customer.pk)
        client.get(url)  # warm caches (content types, session)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# -- Activity tab ----------------------------------------------------------------------------


def test_activity_timeline_is_newest_first_grouped_by_day_and_paginated(
    world: WorkspaceWorld,
) -> None:
    customer = world.a.customer
    assert customer is not None
    _log_many(world, customer, 55, account_id=customer.pk)
    with workspace_context(world.a.workspace):
        ChangeLogEntry.objects.filter(sentence__endswith="(note 0)").update(
            at=timezone.now() - datetime.timedelta(days=3)
        )
        # Another account's entry stays off this timeline.
        change_log_record(
            workspace=world.a.workspace,
            obj=customer,
            action=ChangeAction.CHANGED,
            account_id=customer.pk + 1000,
            summary="did something elsewhere",
        )
    client = _client(world.a.user("viewer"))
    url = reverse("account-activity", args=[customer.pk])
    first = client.get(url).content.decode()
    assert 'aria-current="page">Activity</a>' in first
    assert first.index("(note 54)") < first.index("(note 53)")  # newest first
    assert "did something elsewhere" not in first
    assert f'href="{_history_url(customer)}">History of {customer.name}</a>' in first
    assert "Page 1 of 2" in first
    last = client.get(url, {"page": 2}).content.decode()
    days = [line for line in last.splitlines() if line.strip().startswith('<h3 id="day-')]
    assert len(days) == 2  # today's last entries, then the day three days ago
    assert "(note 0)" in last


def test_the_account_header_has_an_activity_tab(world: WorkspaceWorld) -> None:
    customer = world.a.customer
    assert customer is not None
    page = _client(world.a.user("viewer")).get(reverse("account-detail", args=[customer.pk]))
    assert f'href="{reverse("account-activity", args=[customer.pk])}"' in page.content.decode()


def test_activity_of_another_workspaces_account_is_404(world: WorkspaceWorld) -> None:
    b_customer = world.b.customer
    assert b_customer is not None
    client = _client(world.a.user("admin"))
    assert client.get(reverse("account-activity", args=[b_customer.pk])).status_code == 404


# -- API --------------------------------------------------------------------------------


def test_api_lists_an_objects_history_and_an_accounts_timeline(world: WorkspaceWorld) -> None:
    customer = world.a.customer
    assert customer is not None
    _log_many(world, customer, 3, account_id=customer.pk)
    client = Client(headers={"Authorization": f"Bearer {world.a.access_token_secret}"})
    by_object = client.get(
        "/api/v1/change-log/", {"object_type": "accounts.customer", "object_id": str(customer.pk)}
    ).json()
    assert by_object["count"] == 4  # the factory's "created" entry and three changes
    newest = by_object["results"][0]
    assert newest["object_type"] == "accounts.customer"
    assert newest["sentence"].endswith("(note 2)")
    assert newest["actor_name"] == world.a.user("kam").get_username()
    by_account = client.get(
        "/api/v1/change-log/", {"account": str(customer.pk), "page_size": "2"}
    ).json()
    assert by_account["count"] == 4 and len(by_account["results"]) == 2
    detail = client.get(f"/api/v1/change-log/{newest['id']}/")
    assert detail.status_code == 200 and detail.json()["id"] == newest["id"]
    # An account of this workspace with nothing logged yet is an empty timeline, not 404.
    with workspace_context(world.a.workspace):
        ChangeLogEntry.objects.filter(account_id=customer.pk).delete()
    empty = client.get("/api/v1/change-log/", {"account": str(customer.pk)})
    assert empty.status_code == 200 and empty.json()["count"] == 0


def test_api_refuses_unknown_types_other_workspaces_and_edits(world: WorkspaceWorld) -> None:
    b_customer = world.b.customer
    assert b_customer is not None
    client = Client(headers={"Authorization": f"Bearer {world.a.access_token_secret}"})
    unknown = client.get("/api/v1/change-log/", {"object_type": "x.y", "object_id": "1"})
    assert unknown.status_code == 404
    other = client.get(
        "/api/v1/change-log/", {"object_type": "accounts.customer", "object_id": str(b_customer.pk)}
    )
    assert other.status_code == 404
    assert (
        client.get("/api/v1/change-log/", {"object_type": "accounts.customer"}).status_code == 400
    )
    # Another workspace's account is not found, as on its Activity page.
    assert client.get("/api/v1/change-log/", {"account": b_customer.pk}).status_code == 404
    with workspace_context(world.b.workspace):
        b_entry = ChangeLogEntry.objects.get()
    assert client.get(f"/api/v1/change-log/{b_entry.pk}/").status_code == 404
    with workspace_context(world.a.workspace):
        a_entry = ChangeLogEntry.objects.get()
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(
            f"/api/v1/change-log/{a_entry.pk}/", {}, content_type="application/json"
        )
        assert response.status_code == 405, method
    assert client.post("/api/v1/change-log/", {}).status_code == 405


def test_the_isolation_sweep_covers_the_new_routes() -> None:
    """tests/kam/test_isolation_sweep.py tries B's ids on these; make sure it sees them."""
    from tests.kam.test_isolation_sweep import _object_routes

    names = {route.name for route in _object_routes()}
    assert {"object-history", "account-activity", "api-change-log-detail"} <= names


def test_the_log_is_a_workspace_table_with_row_level_security() -> None:
    """It inherits WorkspaceOwned, so migrate gives it the isolation policy (kam.tenancy.rls)."""
    from kam.tenancy.rls import workspace_tables

    assert ChangeLogEntry._meta.db_table in workspace_tables()


def test_a_stakeholder_file_logs_every_person_in_one_insert(world: WorkspaceWorld) -> None:
    from tests.buying_center.test_import import ORG, _post_step, _upload

    client = _client(world.a.user("kam"))
    url, html = _upload(client, _account(world), "org.csv", ORG.encode())
    with CaptureQueriesContext(connection) as queries:
        assert _post_step(client, url, html, "apply") == "REDIRECT"
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "kam_changelogentry"')]
    assert len(inserts) == 1
    with workspace_context(world.a.workspace):
        added = ChangeLogEntry.objects.filter(sentence__endswith="to the buying center")
        assert {entry.object_label for entry in added} >= {"Anna Berg", "Mia Holm", "Tom Li"}
