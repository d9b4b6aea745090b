"""A relationship's owner: one rule, held by the selling center, reached through one seam."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from accounts.models import Customer
from buying_center import owners
from buying_center import services as buying
from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from selling_center.models import SellingCenterMember
from selling_center.services import interfaces
from tests.factories import WorkspaceWorld

pytestmark = pytest.mark.django_db


def _owner_error(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return error.value.message_dict["owner"]


def test_stakeholder_and_interface_owners_are_refused_by_the_same_rule(
    world: WorkspaceWorld, account: Customer, make_member: Callable[..., SellingCenterMember]
) -> None:
    # Per is on the team of workspace A's other account, not of Nordic Ore.
    assert world.a.customer is not None
    per = make_member(world.a.customer, "Per Olsen")
    with workspace_context(world.a.workspace):
        with pytest.raises(ValidationError) as for_stakeholder:
            buying.stakeholder_create(
                workspace=world.a.workspace, customer=account, name="Anna Berg", owner=per
            )
        with pytest.raises(ValidationError) as for_interface:
            interfaces.interface_alignment_create(
                workspace=world.a.workspace,
                customer=account,
                supplier_function="Shipping",
                customer_function="Receiving",
                owner=per,
            )
        assert not Stakeholder.objects.filter(customer=account).exists()

    assert _owner_error(for_stakeholder) == _owner_error(for_interface)
    assert _owner_error(for_stakeholder) == [
        "Per Olsen is on the selling center of another account, not of Nordic Ore:"
        " choose someone from Nordic Ore's selling center, or add them to it first."
    ]


def test_an_owner_of_another_workspace_reads_as_not_existing(
    world: WorkspaceWorld, account: Customer
) -> None:
    with workspace_context(world.b.workspace):
        theirs = SellingCenterMember.objects.filter(workspace=world.b.workspace).first()
    assert theirs is not None
    with workspace_context(world.a.workspace), pytest.raises(ValidationError) as error:
        buying.stakeholder_create(
            workspace=world.a.workspace, customer=account, name="Anna Berg", owner=theirs
        )

    assert _owner_error(error) == [f"Selling center member {theirs.pk} does not exist."]


def test_owner_choices_are_the_accounts_selling_center_in_reading_order(
    world: WorkspaceWorld, account: Customer, make_member: Callable[..., SellingCenterMember]
) -> None:
    kam = make_member(account, "Lena Hartmann", role="kam")
    sponsor = make_member(account, "Erik Lund", role="sponsor")
    assert world.a.customer is not None
    make_member(world.a.customer, "Per Olsen")  # another account's team

    with workspace_context(world.a.workspace):
        choices = owners.owner_choices(workspace=world.a.workspace, customer=account)

    assert [choice.pk for choice in choices] == [kam.pk, sponsor.pk]
    assert [choice.display_name for choice in choices] == ["Lena Hartmann", "Erik Lund"]


def test_without_the_selling_center_the_seam_says_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, world: WorkspaceWorld, account: Customer
) -> None:
    monkeypatch.setattr(owners, "_directory", None)

    with pytest.raises(ImproperlyConfigured, match="selling_center"):
        owners.owner_choices(workspace=world.a.workspace, customer=account)
