"""Analysis grids: four per key account, edited in place, never silently overwritten."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from accounts.models import Customer
from buying_center.grids import role_groups_of
from buying_center.models import AnalysisGrid, Stakeholder
from kam.tenancy.context import workspace_context
from tests.factories import WorkspaceWorld


def _client(world: WorkspaceWorld, role: str = "kam") -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client


def _grid(world: WorkspaceWorld, account: Customer, group: str) -> AnalysisGrid:
    with workspace_context(world.a.workspace):
        return AnalysisGrid.objects.get(customer=account, role_group=group)


def test_page_shows_four_grids_with_their_people(
    world: WorkspaceWorld, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    make_person(account, "Dag Decider", roles=["decider"])
    make_person(account, "Pia Promoter", roles=["influencer"], promoter_type="good_buddy")
    make_person(account, "Otto Against", roles=["influencer"], opponent_influencer=True)

    response = _client(world, "viewer").get(
        reverse("account-grids", kwargs={"customer_id": account.pk})
    )

    assert response.status_code == 200
    with workspace_context(world.a.workspace):
        groups = set(
            AnalysisGrid.objects.filter(customer=account).values_list("role_group", flat=True)
        )
    assert groups == {"buyers", "users", "deciders", "promoters"}
    html = response.content.decode()
    assert "Dag Decider" in html and "Pia Promoter" in html and "Otto Against" not in html


def test_promoters_are_supportive_influencers_advisors_and_facilitators() -> None:
    assert role_groups_of(Stakeholder(roles=["advisor"], attitude="champion")) == {"promoters"}
    assert role_groups_of(Stakeholder(roles=["facilitator"], attitude="neutral")) == set()
    assert (
        role_groups_of(
            Stakeholder(
                roles=["influencer"], promoter_type="inner_salesperson", opponent_influencer=True
            )
        )
        == set()
    )
    assert role_groups_of(Stakeholder(roles=["buyer", "decider"])) == {"buyers", "deciders"}


def test_edit_in_place_then_a_stale_save_is_refused_with_the_other_change(
    world: WorkspaceWorld, account: Customer
) -> None:
    client = _client(world)
    client.get(reverse("account-grids", kwargs={"customer_id": account.pk}))
    grid = _grid(world, account, "deciders")
    url = reverse(
        "analysis-grid-edit", kwargs={"customer_id": account.pk, "analysis_grid_id": grid.pk}
    )

    saved = client.post(
        url,
        {"version": grid.version, "actions": "Invite the CFO to the plant"},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200
    assert "Invite the CFO to the plant" in saved.content.decode()
    assert _grid(world, account, "deciders").version == grid.version + 1

    stale = client.post(url, {"version": grid.version, "actions": "Send a brochure"})
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "Someone else saved this grid" in text
    assert "Invite the CFO to the plant" in text  # their change, shown
    assert "Send a brochure" in text  # yours, kept in the form
    assert _grid(world, account, "deciders").actions == "Invite the CFO to the plant"


def test_viewers_cannot_edit_and_other_workspaces_grids_are_404(
    world: WorkspaceWorld, account: Customer
) -> None:
    _client(world).get(reverse("account-grids", kwargs={"customer_id": account.pk}))
    grid = _grid(world, account, "users")
    url = reverse(
        "analysis-grid-edit", kwargs={"customer_id": account.pk, "analysis_grid_id": grid.pk}
    )
    assert _client(world, "viewer").post(url, {"version": 1, "actions": "x"}).status_code == 403

    with workspace_context(world.b.workspace):
        grid_b = AnalysisGrid.objects.get(customer=world.b.customer, role_group="buyers")
    foreign = reverse(
        "analysis-grid-edit", kwargs={"customer_id": account.pk, "analysis_grid_id": grid_b.pk}
    )
    assert _client(world).get(foreign).status_code == 404
    assert world.b.customer is not None
    other = reverse("account-grids", kwargs={"customer_id": world.b.customer.pk})
    assert _client(world).get(other).status_code == 404


def test_api_update_needs_if_match_and_refuses_a_stale_one(
    world: WorkspaceWorld, account: Customer
) -> None:
    client = _client(world)
    listed = client.get("/api/v1/analysis-grids/", {"customer": account.pk})
    assert listed.status_code == 200
    grid = _grid(world, account, "buyers")
    url = f"/api/v1/analysis-grids/{grid.pk}/"

    got = client.get(url)
    assert got["ETag"] == f'"{grid.version}"'
    assert (
        client.patch(url, {"assessment": "x"}, content_type="application/json").status_code == 428
    )
    ok = client.patch(
        url,
        {"assessment": "Price-driven"},
        content_type="application/json",
        HTTP_IF_MATCH=got["ETag"],
    )
    assert ok.status_code == 200 and ok.json()["assessment"] == "Price-driven"
    stale = client.patch(
        url, {"assessment": "Other"}, content_type="application/json", HTTP_IF_MATCH=got["ETag"]
    )
    assert stale.status_code == 412
    assert stale.json()["current"]["assessment"] == "Price-driven"
    assert (
        client.post("/api/v1/analysis-grids/", {}, content_type="application/json").status_code
        == 405
    )
