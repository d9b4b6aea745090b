"""The SWOT section: items, completeness, one-click suggestions, editing, conflicts, API."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Customer
from kam.changelog.models import ChangeLogEntry
from kam.tenancy.context import workspace_context
from planning.models import SwotDismissal, SwotItem
from planning.plan.sections import swot as swot_section
from planning.plan.sections.swot import url_or_blank
from planning.plan.services import swot as services
from tests.api.conftest import _generous_rate_limit, bearer_client, token_for  # noqa: F401
from tests.factories import WorkspaceWorld
from tests.model_factories.accounts import CustomerFactory
from tests.model_factories.buying_center import StakeholderFactory
from tests.model_factories.plan import ActionFactory, SwotItemFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def customer(world: WorkspaceWorld) -> Customer:
    with workspace_context(world.a.workspace):
        return CustomerFactory.create(name="Borealis Steel", status="key_account")


@pytest.fixture(autouse=True)
def _in_workspace_a(world: WorkspaceWorld) -> Iterator[None]:
    """Checks read workspace A's rows, as its people see them."""
    with workspace_context(world.a.workspace):
        yield


@pytest.fixture
def kam(world: WorkspaceWorld) -> Client:
    client = Client()
    client.force_login(world.a.kam)
    return client


def _page(customer: Customer) -> str:
    return reverse("account-plan-swot", kwargs={"customer_id": customer.pk})


def _url(name: str, customer: Customer, item: SwotItem | None = None) -> str:
    kwargs = {"customer_id": customer.pk}
    if item is not None:
        kwargs["swot_item_id"] = item.pk
    return reverse(name, kwargs=kwargs)


def _section(customer: Customer) -> dict[str, object]:
    with workspace_context(customer.workspace):
        return swot_section.section(
            workspace=customer.workspace, customer=customer, user=None, today=TODAY
        )


# -- completeness -----------------------------------------------------------------------


def test_an_item_is_complete_with_an_implication_and_a_linked_action(customer: Customer) -> None:
    done = SwotItemFactory.create(customer=customer, text="Trusted engineers")
    ActionFactory.create(customer=customer, swot_item=done)
    no_action = SwotItemFactory.create(customer=customer, kind="threat", text="Rival AB")
    bare = SwotItemFactory.create(customer=customer, kind="weakness", text="No CFO", implication="")
    context = _section(customer)
    incomplete = {row.item.text: row.missing for row in context["incomplete"]}  # type: ignore[attr-defined]
    assert incomplete == {
        no_action.text: ["an action"],
        bare.text: ["an implication", "an action"],
    }
    assert context["complete"] is False
    ActionFactory.create(customer=customer, swot_item=no_action)
    with workspace_context(customer.workspace):
        bare.implication = "Meet the CFO"
        bare.save()
    ActionFactory.create(customer=customer, swot_item=bare)
    assert _section(customer)["complete"] is True


def test_the_section_shows_quadrants_incomplete_items_and_the_rule(
    customer: Customer, kam: Client
) -> None:
    SwotItemFactory.create(customer=customer, kind="opportunity", text="New smelter in 2027")
    html = unescape(kam.get(_page(customer)).content.decode())
    for heading in ("Strengths", "Weaknesses", "Opportunities", "Threats"):
        assert heading in html
    assert "New smelter in 2027" in html
    assert "The plan counts as complete when each strength" in html
    assert "1 of 1 item not complete yet" in html
    assert "needs an action" in html


def test_add_an_action_links_carry_the_item_in_the_query(customer: Customer) -> None:
    item = SwotItemFactory.create(customer=customer)
    [row] = _section(customer)["incomplete"]  # type: ignore[misc]
    # The action list's page may not exist on every branch: then the link is left out.
    assert row.add_action_url == "" or row.add_action_url.endswith(f"?swot_item={item.pk}")
    assert url_or_blank("no-such-page", "swot_item=1") == ""
    edit = url_or_blank(
        "account-plan-swot-edit", f"swot_item={item.pk}", customer_id=1, swot_item_id=2
    )
    assert edit == f"/accounts/1/plan/swot/2/edit/?swot_item={item.pk}"


def test_an_empty_swot_says_what_to_do(customer: Customer, kam: Client) -> None:
    html = kam.get(_page(customer)).content.decode()
    assert "No SWOT items yet" in html and "Add the first item" in html


def test_the_section_reads_in_a_fixed_number_of_queries(customer: Customer) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _section(customer)
        return len(queries)

    for _ in range(2):
        item = SwotItemFactory.create(customer=customer)
        ActionFactory.create(customer=customer, swot_item=item)
        StakeholderFactory.create(customer=customer, roles=["decider"])
    small = count()
    for _ in range(18):
        item = SwotItemFactory.create(customer=customer, kind="threat")
        ActionFactory.create(customer=customer, swot_item=item)
        StakeholderFactory.create(customer=customer, roles=["decider"])
    assert count() == small


# -- suggestions: one click to accept or dismiss -------------------------------------------


def test_accepting_a_suggestion_adds_the_item_with_one_click(
    customer: Customer, kam: Client, world: WorkspaceWorld
) -> None:
    person = StakeholderFactory.create(customer=customer, name="Astrid Berg", roles=["decider"])
    key = f"weakness:unowned:{person.pk}"
    page = kam.get(_page(customer)).content.decode()
    assert f'value="{key}"' in page
    answer = kam.post(_url("account-plan-swot-accept", customer), {"key": key, "from": "section"})
    assert answer.status_code == 302
    assert answer["Location"].endswith("/plan/swot/#swot")
    item = SwotItem.objects.get(customer=customer)
    assert item.kind == "weakness" and item.suggestion_key == key
    assert "Astrid Berg" in item.text and item.implication
    entry = ChangeLogEntry.objects.get(object_id=item.pk, account_id=customer.pk)
    assert "accepted the suggested weakness" in entry.sentence
    after = kam.get(_page(customer)).content.decode()
    assert f'value="{key}"' not in after
    assert "by a-kam" in after  # who last changed the SWOT, and when
    # A second click on a page still showing it adds nothing and says why.
    again = kam.post(_url("account-plan-swot-accept", customer), {"key": key}, follow=False)
    assert again.status_code == 302
    assert SwotItem.objects.filter(customer=customer).count() == 1


def test_dismissing_a_suggestion_hides_it_for_good(customer: Customer, kam: Client) -> None:
    person = StakeholderFactory.create(customer=customer, roles=["facilitator"])
    key = f"weakness:unowned:{person.pk}"
    answer = kam.post(_url("account-plan-swot-dismiss", customer), {"key": key})
    assert answer.status_code == 302 and answer["Location"].endswith("#swot")
    dismissal = SwotDismissal.objects.get(customer=customer)
    assert dismissal.suggestion_key == key
    entry = ChangeLogEntry.objects.get(object_id=dismissal.pk, account_id=customer.pk)
    assert "dismissed the suggested weakness" in entry.sentence
    assert f'value="{key}"' not in kam.get(_page(customer)).content.decode()
    assert not SwotItem.objects.filter(customer=customer).exists()


def test_a_suggestion_no_longer_offered_cannot_be_accepted(
    customer: Customer, world: WorkspaceWorld
) -> None:
    from django.core.exceptions import ValidationError

    with workspace_context(customer.workspace), pytest.raises(ValidationError) as refused:
        services.swot_suggestion_accept(
            workspace=customer.workspace, customer=customer, key="weakness:unowned:999999"
        )
    assert "no longer offered" in refused.value.message_dict["suggestion"][0]


def test_a_viewer_cannot_accept(customer: Customer, world: WorkspaceWorld) -> None:
    person = StakeholderFactory.create(customer=customer, roles=["decider"])
    viewer = Client()
    viewer.force_login(world.a.viewer)
    answer = viewer.post(
        _url("account-plan-swot-accept", customer), {"key": f"weakness:unowned:{person.pk}"}
    )
    assert answer.status_code == 403
    assert not SwotItem.objects.filter(customer=customer).exists()


# -- add, edit, delete, stale edits ------------------------------------------------------------


def test_add_refuses_an_empty_item_with_messages_and_keeps_the_input(
    customer: Customer, kam: Client
) -> None:
    answer = kam.post(
        _url("account-plan-swot-add", customer), {"kind": "", "text": "", "implication": "Keep"}
    )
    html = unescape(answer.content.decode())
    assert "Choose the quadrant: strength, weakness, opportunity or threat." in html
    assert "Keep</textarea>" in html
    answer = kam.post(
        _url("account-plan-swot-add", customer), {"kind": "strength", "text": "", "implication": ""}
    )
    assert "Say what the strength, weakness, opportunity or threat is" in unescape(
        answer.content.decode()
    )
    assert not SwotItem.objects.filter(customer=customer).exists()


def test_add_edit_and_delete_an_item(customer: Customer, kam: Client) -> None:
    answer = kam.post(
        _url("account-plan-swot-add", customer),
        {"kind": "strength", "text": "Trusted engineers", "implication": "Use them"},
    )
    assert answer.status_code == 302
    assert answer["Location"].endswith("#swot")
    assert f"/accounts/{customer.pk}/plan/" in answer["Location"]
    item = SwotItem.objects.get(customer=customer)
    edit = _url("account-plan-swot-edit", customer, item)
    assert "Trusted engineers" in kam.get(edit).content.decode()
    answer = kam.post(
        edit,
        {"kind": "strength", "text": "Trusted engineers", "implication": "Lend one", "version": 1},
    )
    assert answer.status_code == 302
    item.refresh_from_db()
    assert item.implication == "Lend one" and item.version == 2
    stale = kam.post(_url("account-plan-swot-delete", customer, item), {"version": 1})
    assert stale.status_code == 302 and SwotItem.objects.filter(pk=item.pk).exists()
    kam.post(_url("account-plan-swot-delete", customer, item), {"version": 2})
    assert not SwotItem.objects.filter(pk=item.pk).exists()


def test_a_stale_edit_is_refused_with_the_conflict_page(customer: Customer, kam: Client) -> None:
    item = SwotItemFactory.create(customer=customer, text="Trusted engineers")
    with workspace_context(customer.workspace):
        services.swot_item_update(
            workspace=customer.workspace,
            swot_item=item,
            expected_version=1,
            implication="Theirs",
        )
    answer = kam.post(
        _url("account-plan-swot-edit", customer, item),
        {"kind": "strength", "text": "Trusted engineers", "implication": "Mine", "version": 1},
    )
    assert answer.status_code == 409
    html = unescape(answer.content.decode())
    assert "Keep mine" in html and "Take theirs" in html and "Theirs" in html
    item.refresh_from_db()
    assert item.implication == "Theirs"


def test_another_accounts_item_answers_404(customer: Customer, kam: Client) -> None:
    other = CustomerFactory.create(workspace=customer.workspace)
    item = SwotItemFactory.create(customer=other)
    assert kam.get(_url("account-plan-swot-edit", customer, item)).status_code == 404


# -- API -----------------------------------------------------------------------------------


def test_swot_items_through_the_api(customer: Customer, world: WorkspaceWorld) -> None:
    _, raw = token_for(world.a, "kam")
    api: APIClient = bearer_client(raw)
    created = api.post(
        "/api/v1/swot-items/",
        {"customer": customer.pk, "kind": "threat", "text": "Rival AB cuts prices"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["complete"] is False and body["action_count"] == 0
    url = f"/api/v1/swot-items/{body['id']}/"
    listed = api.get(f"/api/v1/swot-items/?customer={customer.pk}").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert api.patch(url, {"implication": "x"}, format="json").status_code == 428
    changed = api.patch(url, {"implication": "Defend"}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200 and changed.json()["implication"] == "Defend"
    bad = api.patch(url, {"text": ""}, format="json", HTTP_IF_MATCH='"2"')
    assert bad.status_code == 400 and "text" in bad.json()["errors"]
    assert api.delete(url, HTTP_IF_MATCH='"2"').status_code == 204


def test_swot_suggestions_through_the_api(customer: Customer, world: WorkspaceWorld) -> None:
    person = StakeholderFactory.create(customer=customer, roles=["decider"])
    _, raw = token_for(world.a, "viewer")
    api: APIClient = bearer_client(raw)
    found = api.get(f"/api/v1/swot-suggestions/?customer={customer.pk}")
    assert found.status_code == 200, found.json()
    assert [s["key"] for s in found.json()] == [f"weakness:unowned:{person.pk}"]
    assert api.get("/api/v1/swot-suggestions/").status_code == 400
    other_side = world.b.customer
    assert other_side is not None
    assert api.get(f"/api/v1/swot-suggestions/?customer={other_side.pk}").status_code == 400


def test_a_viewer_sees_the_swot_without_editing_controls(
    customer: Customer, world: WorkspaceWorld
) -> None:
    SwotItemFactory.create(customer=customer, text="Trusted engineers")
    StakeholderFactory.create(customer=customer, roles=["decider"])
    viewer = Client()
    viewer.force_login(world.a.viewer)
    html = viewer.get(_page(customer)).content.decode()
    assert "Trusted engineers" in html and "Suggested" in html
    assert "Accept" not in html and "Add an item" not in html


def test_a_large_account_shows_three_suggestions_per_quadrant_and_counts_the_rest(
    customer: Customer, kam: Client
) -> None:
    for number in range(5):
        StakeholderFactory.create(customer=customer, name=f"Decider {number}", roles=["decider"])
    context = _section(customer)
    weaknesses = next(q for q in context["quadrants"] if q.kind == "weakness")  # type: ignore[attr-defined]
    assert len(weaknesses.suggestions) == 3
    assert weaknesses.more_suggestions == 2
    page = unescape(kam.get(_page(customer)).content.decode())
    assert "2 more suggestions of this kind appear as you accept or dismiss these." in page
    # Dismissing one brings the next into view.
    first = weaknesses.suggestions[0]
    services.swot_suggestion_dismiss(workspace=customer.workspace, customer=customer, key=first.key)
    after = next(q for q in _section(customer)["quadrants"] if q.kind == "weakness")  # type: ignore[attr-defined]
    assert len(after.suggestions) == 3 and after.more_suggestions == 1
