"""The selling-center resources of the REST API: shapes, checks, If-Match, isolation."""

from __future__ import annotations

from kam.tenancy.context import workspace_context
from selling_center.models import InterfaceAlignment, SellingRole
from tests.api.conftest import TokenClient
from tests.factories import WorkspaceWorld
from tests.selling_center.conftest import key_account, member, stakeholder


def test_create_and_list_members_of_an_account(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    with workspace_context(world.a.workspace):
        account = key_account(world.a)
    client = token_client(world.a, "kam")

    created = client.post(
        "/api/v1/selling-center-members/",
        {"customer": account.pk, "role": "kam", "user": world.a.user("kam").pk},
        format="json",
    )
    listed = client.get(f"/api/v1/selling-center-members/?customer={account.pk}")

    assert created.status_code == 201, created.json()
    assert created["ETag"] == '"1"'
    assert [m["display_name"] for m in listed.json()["results"]] == ["a-kam"]


def test_member_user_from_another_workspace_is_unknown(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    customer = world.a.customer
    assert customer is not None

    response = token_client(world.a).post(
        "/api/v1/selling-center-members/",
        {"customer": customer.pk, "role": "kam", "user": world.b.user("kam").pk},
        format="json",
    )

    assert response.status_code == 400
    assert "is not a member of this workspace" in response.json()["errors"]["user"][0]


def test_interface_owner_from_another_account_gets_a_specific_message(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    with workspace_context(world.a.workspace):
        account, other = key_account(world.a), key_account(world.a, "Other Mill")
        stranger = member(other, SellingRole.KAM, name="Jonas Berg")

    response = token_client(world.a).post(
        "/api/v1/interface-alignments/",
        {
            "customer": account.pk,
            "supplier_function": "Shipping",
            "customer_function": "Receiving",
            "owner": stranger.pk,
        },
        format="json",
    )

    assert response.status_code == 400
    assert (
        "Jonas Berg is on the selling center of another account"
        in response.json()["errors"]["owner"][0]
    )


def test_interface_update_needs_if_match_and_refuses_stale_versions(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    with workspace_context(world.a.workspace):
        pair = InterfaceAlignment.objects.filter(workspace=world.a.workspace).get()
    client = token_client(world.a, "kam")
    url = f"/api/v1/interface-alignments/{pair.pk}/"

    missing = client.patch(url, {"status": "issue"}, format="json")
    first = client.patch(url, {"status": "issue"}, format="json", HTTP_IF_MATCH='"1"')
    stale = client.patch(url, {"status": "aligned"}, format="json", HTTP_IF_MATCH='"1"')

    assert missing.status_code == 428
    assert first.status_code == 200 and first["ETag"] == '"2"'
    assert stale.status_code == 412
    assert stale.json()["current"]["status"] == "issue"


def test_connection_across_accounts_is_refused(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    with workspace_context(world.a.workspace):
        account, other = key_account(world.a), key_account(world.a, "Other Mill")
        theirs = stakeholder(account, "Ruth Olsen")
        ours = member(other, SellingRole.KAM, name="Jonas Berg")

    response = token_client(world.a).post(
        "/api/v1/connections/", {"stakeholder": theirs.pk, "member": ours.pk}, format="json"
    )

    assert response.status_code == 400
    assert "another account than Ruth Olsen" in response.json()["errors"]["member"][0]


def test_another_workspaces_member_id_reads_as_unknown(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    with workspace_context(world.b.workspace):
        b_member = member(key_account(world.b), SellingRole.KAM, name="B person")
    with workspace_context(world.a.workspace):
        theirs = stakeholder(key_account(world.a), "Ruth Olsen")
    client = token_client(world.a)

    created = client.post(
        "/api/v1/connections/", {"stakeholder": theirs.pk, "member": b_member.pk}, format="json"
    )
    fetched = client.get(f"/api/v1/selling-center-members/{b_member.pk}/")

    assert created.status_code == 400
    assert created.json()["errors"]["member"] == [
        f"Selling center member {b_member.pk} does not exist."
    ]
    assert fetched.status_code == 404


def test_stage_resources_and_connection_level_decisions(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    with workspace_context(world.a.workspace):
        account = key_account(world.a)
        kam = member(account, SellingRole.KAM, name="Karin")
    client = token_client(world.a, "kam")

    stage = client.post(
        "/api/v1/stage-resources/",
        {"customer": account.pk, "stage": "proposal_requests", "member": kam.pk},
        format="json",
    )
    twice = client.post(
        "/api/v1/stage-resources/",
        {"customer": account.pk, "stage": "proposal_requests", "member": kam.pk},
        format="json",
    )
    no_reason = client.post(
        "/api/v1/connection-level-decisions/",
        {"customer": account.pk, "level": "transformative"},
        format="json",
    )
    agreed = client.post(
        "/api/v1/connection-level-decisions/",
        {"customer": account.pk, "level": "transactional"},
        format="json",
    )

    assert stage.status_code == 201
    assert "already assigned to proposal requests" in twice.json()["errors"]["member"][0]
    assert no_reason.status_code == 400 and "say why" in no_reason.json()["errors"]["reason"][0]
    assert agreed.status_code == 201 and agreed.json()["suggested_level"] == "transactional"
    decision = agreed.json()["id"]
    assert client.delete(f"/api/v1/connection-level-decisions/{decision}/").status_code == 405


def test_viewer_reads_but_cannot_write(world: WorkspaceWorld, token_client: TokenClient) -> None:
    client = token_client(world.a, "viewer")
    customer = world.a.customer
    assert customer is not None

    assert client.get("/api/v1/engagement-plans/").status_code == 200
    response = client.post(
        "/api/v1/selling-center-members/",
        {"customer": customer.pk, "role": "kam", "name": "X"},
        format="json",
    )
    assert response.status_code == 403
