"""Selection pages as people use them: list, candidate, promote, review; rights and isolation."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import (
    Customer,
    CustomerScore,
    CustomerStatus,
    SelectionDecision,
    SelectionReview,
)
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Role
from tests.accounts.selection_factories import scored_customer
from tests.factories import WorkspaceWorld

pytestmark = pytest.mark.django_db


def _client(world: WorkspaceWorld, role: str = Role.EXECUTIVE) -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.content.decode())


def test_list_shows_numbers_with_their_currency_and_age(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        Customer.objects.filter(workspace=world.a.workspace).update(scores_dirty=False)
        CustomerScore.objects.filter(workspace=world.a.workspace).delete()
        scored_customer(world.a.workspace, name="Nordic Mining", revenue=1234567, composite=0.72)
    html = _text(_client(world).get(reverse("selection")))
    assert "Nordic Mining" in html
    assert '1,234,567&nbsp;<span class="money-currency">EUR</span>' in html
    assert "72</strong>" in html
    assert "Scores computed 3 hours ago" in html
    assert "Recomputing" not in html
    # No transactional CLV: a dash whose tooltip says why.
    assert 'title="Too few repeat buyers to fit the purchase model."' in html


def test_dirty_customer_is_greyed_and_the_page_polls(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        customer = scored_customer(world.a.workspace, name="Helios", dirty=True)
    html = _text(_client(world).get(reverse("selection")))
    assert "Recomputing…" in html
    assert 'hx-trigger="every 3s"' in html
    row = re.search(rf'<tr class="is-stale" data-customer="{customer.pk}">.*?</tr>', html)
    assert row is not None and "updating" in row.group(0)


def test_list_query_count_does_not_grow_with_rows(world: WorkspaceWorld) -> None:
    client = _client(world)
    client.get(reverse("selection"))  # warm up settings row, caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("selection")).status_code == 200
        return len(captured)

    with workspace_context(world.a.workspace):
        for n in range(3):
            scored_customer(world.a.workspace, name=f"Few {n}", region="North")
    few = queries()
    with workspace_context(world.a.workspace):
        for n in range(60):
            scored_customer(world.a.workspace, name=f"Many {n}", region=f"R{n}")
    assert queries() == few


def test_sorting_and_filters_through_the_page(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        scored_customer(world.a.workspace, name="Small", revenue=10, composite=0.9)
        scored_customer(world.a.workspace, name="Large", revenue=999, composite=0.1)
    client = _client(world)
    html = _text(client.get(reverse("selection") + "?sort=revenue"))
    assert html.index(">Large<") < html.index(">Small<")
    assert 'aria-sort="descending"' in html
    html = _text(client.get(reverse("selection") + "?q=smal"))
    assert ">Small<" in html and ">Large<" not in html


def test_pareto_basis_switch_fragment(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        scored_customer(world.a.workspace, name="Big", revenue=800)
        scored_customer(world.a.workspace, name="Small", revenue=200)
    html = _text(_client(world).get(reverse("selection-pareto") + "?basis=margin"))
    assert "of 3-year margin" in html
    assert 'data-vega-spec="pareto-chart-spec"' in html
    assert "<noscript><svg" in html


def test_candidate_page_explains_the_criteria(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        customer = scored_customer(
            world.a.workspace, name="Nordic", quadrant="butterfly", loyalty=0.5
        )
        Customer.objects.filter(pk=customer.pk).update(
            strategic_importance=4, strategic_importance_reason="Reference in mining."
        )
    html = _text(
        _client(world, Role.VIEWER).get(reverse("selection-candidate", args=[customer.pk]))
    )
    for words in (
        "Rated 4 of 5: “Reference in mining.”",
        "Loyalty 50 % (loyal from 75 %)",
        "estimated (no Open Space yet)",
        "Sales by year (EUR)",
    ):
        assert words in html, words
    assert "Promote to key account" not in html  # a viewer may not
    assert "Save judgement" not in html


def test_another_workspaces_customer_is_not_found(world: WorkspaceWorld) -> None:
    other = world.b.customer
    client = _client(world, Role.ADMIN)
    for name in ("selection-candidate", "selection-promote", "selection-demote"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    response = client.post(
        reverse("selection-promote", args=[other.pk]),
        {"reason": "x", "acknowledge_warnings": "on", "version": "1"},
    )
    assert response.status_code == 404
    with workspace_context(world.b.workspace):
        assert Customer.objects.get(pk=other.pk).status == CustomerStatus.CUSTOMER


@pytest.mark.parametrize("role", [Role.VIEWER, Role.KAM, Role.MEMBER])
def test_only_selection_managers_promote(world: WorkspaceWorld, role: str) -> None:
    customer = world.a.customer
    client = _client(world, role)
    assert client.get(reverse("selection-promote", args=[customer.pk])).status_code == 403
    response = client.post(
        reverse("selection-promote", args=[customer.pk]),
        {"reason": "Because.", "acknowledge_warnings": "on", "version": str(customer.version)},
    )
    assert response.status_code == 403
    with workspace_context(world.a.workspace):
        assert Customer.objects.get(pk=customer.pk).status == CustomerStatus.CUSTOMER


def test_promote_with_warnings_and_reason(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        customer = scored_customer(world.a.workspace, name="Atlas", quadrant="stranger")
    client = _client(world)
    url = reverse("selection-promote", args=[customer.pk])
    page = _text(client.get(url))
    assert "Atlas is a stranger, not a friend" in page
    assert "I have read the warnings" in page

    missing = client.post(url, {"reason": "", "version": str(customer.version)})
    assert missing.status_code == 400
    assert "Give a reason" in _text(missing)

    unread = client.post(url, {"reason": "Opens cement.", "version": str(customer.version)})
    assert unread.status_code == 400
    assert "Tick “I have read the warnings”" in _text(unread)

    done = client.post(
        url,
        {"reason": "Opens cement.", "acknowledge_warnings": "on", "version": str(customer.version)},
    )
    assert done.status_code == 302
    with workspace_context(world.a.workspace):
        decision = SelectionDecision.objects.get(customer=customer)
    assert decision.reason == "Opens cement."
    assert any("stranger" in w for w in decision.warnings)
    history = _text(client.get(reverse("selection-history")))
    assert "Opens cement." in history and "Atlas" in history
    candidate = _text(client.get(reverse("selection-candidate", args=[customer.pk])))
    assert "Opens cement." in candidate


def test_stale_judgement_save_is_refused_and_shows_the_other_change(
    world: WorkspaceWorld,
) -> None:
    with workspace_context(world.a.workspace):
        customer = scored_customer(world.a.workspace, name="Nordic")
    url = reverse("selection-judgement", args=[customer.pk])
    first, second = _client(world, Role.ADMIN), _client(world, Role.EXECUTIVE)
    fields = {"fit_strategic": "", "fit_operational": "", "upv_estimate": "", "version": "1"}
    ok = first.post(url, {**fields, "fit_cultural": "2"})
    assert ok.status_code == 302
    stale = second.post(url, {**fields, "fit_cultural": "5"})
    assert stale.status_code == 409
    html = _text(stale)
    assert "Somebody saved this customer while you were editing" in html
    assert "cultural 5" in html  # what this person tried
    assert '<option value="2" selected>2</option>' in html  # the other person's value
    with workspace_context(world.a.workspace):
        assert Customer.objects.get(pk=customer.pk).fit_cultural == 2


def test_kam_cannot_change_scoring_inputs(world: WorkspaceWorld) -> None:
    url = reverse("selection-judgement", args=[world.a.customer.pk])
    assert _client(world, Role.KAM).post(url, {"version": "1"}).status_code == 403


def test_review_page_and_close(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        scored_customer(world.a.workspace, name="Alpha", composite=0.9)
    client = _client(world)
    page = _text(client.get(reverse("selection-review")))
    assert "What changed since the review of 2025-Q4" in page
    assert "Alpha" in page
    closed = client.post(reverse("selection-review-close"), {"notes": "Kept the program."})
    assert closed.status_code == 302
    with workspace_context(world.a.workspace):
        review = SelectionReview.objects.exclude(period="2025-Q4").get()
    assert review.notes == "Kept the program."
    again = client.post(reverse("selection-review-close"), {"notes": ""})
    assert again.status_code == 400
    assert "is closed already" in _text(again)
    assert _client(world, Role.VIEWER).post(reverse("selection-review-close")).status_code == 403


def test_my_accounts_lands_on_my_key_accounts(world: WorkspaceWorld) -> None:
    kam = world.a.user(Role.KAM)
    response = _client(world, Role.KAM).get(reverse("selection-mine"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"?owner={kam.pk}&status=key_account")
