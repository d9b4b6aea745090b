"""Selling-center members, required roles, KAM workload, and the checks on bad input."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import ValuationSettings
from selling_center import selectors
from selling_center.models import SellingCenterMember, SellingRole
from selling_center.services import members
from tests.factories import Tenant, WorkspaceWorld
from tests.selling_center.conftest import client_for, key_account, member


def test_gaps_name_the_required_roles_nobody_holds(in_a: Tenant) -> None:
    account = key_account(in_a)
    member(account, SellingRole.KAM, user=in_a.user("kam"))
    member(
        account,
        SellingRole.SPONSOR,
        permanent=False,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2020, 12, 31),
    )

    gaps = selectors.selling_center_gaps(workspace=in_a.workspace, customer=account)

    # The sponsor's period ended, so the role is missing again.
    assert [value for value, _label in gaps.missing_roles] == ["sponsor", "executive"]


def test_a_complete_team_has_no_gaps(in_a: Tenant) -> None:
    account = key_account(in_a)
    for role in (SellingRole.SPONSOR, SellingRole.EXECUTIVE, SellingRole.KAM):
        member(account, role)

    assert not selectors.selling_center_gaps(workspace=in_a.workspace, customer=account)


def test_kam_on_more_accounts_than_allowed_is_flagged(in_a: Tenant) -> None:
    ValuationSettings.objects.update_or_create(
        workspace=in_a.workspace, defaults={"max_accounts_per_kam": 2}
    )
    kam = in_a.user("kam")
    accounts = [key_account(in_a, f"Account {n}") for n in range(3)]
    for account in accounts:
        member(account, SellingRole.KAM, user=kam)
    calm = key_account(in_a, "Calm account")
    member(calm, SellingRole.KAM, user=in_a.user("member"))

    overloaded = selectors.overloaded_kams(workspace=in_a.workspace)

    assert [(k.user, k.account_count, k.limit) for k in overloaded] == [(kam, 3, 2)]
    flagged = selectors.selling_center_gaps(workspace=in_a.workspace, customer=accounts[0])
    assert [k.user for k in flagged.overloaded_kams] == [kam]
    assert (
        selectors.selling_center_gaps(workspace=in_a.workspace, customer=calm).overloaded_kams == []
    )


def test_default_limit_is_five_key_accounts(in_a: Tenant) -> None:
    kam = in_a.user("kam")
    for n in range(5):
        member(key_account(in_a, f"Account {n}"), SellingRole.KAM, user=kam)
    assert selectors.overloaded_kams(workspace=in_a.workspace) == []

    member(key_account(in_a, "Sixth"), SellingRole.KAM, user=kam)

    assert selectors.overloaded_kams(workspace=in_a.workspace)[0].account_count == 6


def test_a_user_from_another_workspace_cannot_join(world: WorkspaceWorld, in_a: Tenant) -> None:
    account = key_account(in_a)

    with pytest.raises(ValidationError) as error:
        members.selling_center_member_create(
            workspace=in_a.workspace, customer=account, role="kam", user=world.b.user("kam")
        )

    assert error.value.message_dict["user"] == ["This person is not a member of this workspace."]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"role": "kam"}, "name", "type the name"),
        ({"role": "kam", "name": "X", "permanent": False}, "ends_on", "needs an end date"),
        ({"role": "contributor", "name": "X"}, "permanent", "Contributors join for a period"),
        (
            {
                "role": "geographic_leader",
                "name": "X",
                "permanent": False,
                "starts_on": datetime.date(2026, 5, 1),
                "ends_on": datetime.date(2026, 4, 1),
            },
            "ends_on",
            "before the start date",
        ),
    ],
)
def test_member_input_mistakes_get_specific_messages(
    in_a: Tenant, fields: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as error:
        members.selling_center_member_create(
            workspace=in_a.workspace,
            customer=key_account(in_a),
            **fields,  # type: ignore[arg-type]
        )

    assert words in error.value.message_dict[field][0]


def test_page_shows_missing_roles_and_adds_a_member(world: WorkspaceWorld) -> None:
    from kam.tenancy.context import workspace_context

    with workspace_context(world.a.workspace):
        account = key_account(world.a)
    client = client_for(world.a)
    url = f"/accounts/{account.pk}/selling-center/"

    page = client.get(url).content.decode()
    assert "Missing on this key account" in page
    assert "Key account sponsor, Key account executive, Key account manager" in page

    response = client.post(
        f"/accounts/{account.pk}/selling-center/members/add/",
        {"role": "kam", "user": world.a.user("kam").pk, "permanent": "on"},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Key account sponsor, Key account executive." in page
    assert "a-kam" in page


def test_page_refuses_a_temporary_member_without_end_date(world: WorkspaceWorld) -> None:
    from kam.tenancy.context import workspace_context

    with workspace_context(world.a.workspace):
        account = key_account(world.a)

    response = client_for(world.a).post(
        f"/accounts/{account.pk}/selling-center/members/add/",
        {"role": "geographic_leader", "name": "Anna Lund"},
    )

    assert response.status_code == 400
    assert "A temporary member needs an end date." in response.content.decode()
    with workspace_context(world.a.workspace):
        assert not SellingCenterMember.objects.filter(customer=account).exists()


def test_viewer_sees_the_team_but_cannot_add(world: WorkspaceWorld) -> None:
    customer = world.a.customer
    assert customer is not None
    client = client_for(world.a, "viewer")

    page = client.get(f"/accounts/{customer.pk}/selling-center/").content.decode()
    response = client.post(
        f"/accounts/{customer.pk}/selling-center/members/add/", {"role": "kam", "name": "X"}
    )

    assert "a-kam" in page and "Add someone" not in page
    assert response.status_code == 403


def test_edit_and_remove_a_member(world: WorkspaceWorld) -> None:
    from kam.tenancy.context import workspace_context

    with workspace_context(world.a.workspace):
        account = key_account(world.a)
        person = member(account, SellingRole.SUBJECT_MATTER_LEADER, name="Lars")
    client = client_for(world.a)
    base = f"/accounts/{account.pk}/selling-center/members/{person.pk}"

    assert client.get(f"{base}/edit/").status_code == 200
    response = client.post(
        f"{base}/edit/",
        {"role": "supply_chain_leader", "name": "Lars Øberg", "permanent": "on", "version": 1},
    )
    assert response.status_code == 302
    stale = client.post(
        f"{base}/edit/",
        {"role": "kam", "name": "Lars", "permanent": "on", "version": 1},
    )
    assert "Someone else changed this member" in stale.content.decode()
    assert client.post(f"{base}/remove/").status_code == 302
    with workspace_context(world.a.workspace):
        assert not SellingCenterMember.objects.filter(pk=person.pk).exists()


def test_kam_load_page_lists_overloaded_kams(world: WorkspaceWorld) -> None:
    from kam.tenancy.context import workspace_context

    with workspace_context(world.a.workspace):
        for n in range(6):
            member(key_account(world.a, f"Account {n}"), SellingRole.KAM, user=world.a.user("kam"))

    page = client_for(world.a, "executive").get("/accounts/kam-load/").content.decode()

    assert "6 of 5" in page and "Account 5" in page
