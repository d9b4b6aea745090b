"""The fail-closed manager and scoped lookups."""

from __future__ import annotations

import pytest
from django.http import Http404

from accounts.models import Customer
from kam.tenancy.context import WorkspaceContextMissing, current_workspace_id, workspace_context
from kam.tenancy.views import workspace_get_object_or_404
from tests.factories import WorkspaceWorld


def test_query_without_workspace_raises(world: WorkspaceWorld) -> None:
    with pytest.raises(WorkspaceContextMissing):
        list(Customer.objects.all())


def test_query_sees_only_current_workspace(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        names = list(Customer.objects.values_list("name", flat=True))
    assert names == ["A Mining Group"]


def test_context_is_restored_after_block(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        with workspace_context(world.b.workspace):
            assert current_workspace_id() == world.b.workspace.pk
        assert current_workspace_id() == world.a.workspace.pk
    assert current_workspace_id() is None


def test_saving_into_another_workspace_is_refused(world: WorkspaceWorld) -> None:
    customer_of_b = world.b.customer
    assert customer_of_b is not None
    with workspace_context(world.a.workspace), pytest.raises(ValueError, match="belongs to"):
        customer_of_b.name = "hijacked"
        customer_of_b.save()


def test_scoped_get_object_or_404_hides_other_workspace(world: WorkspaceWorld) -> None:
    assert world.b.customer is not None
    with workspace_context(world.a.workspace), pytest.raises(Http404):
        workspace_get_object_or_404(world.a.workspace, Customer, pk=world.b.customer.pk)


def test_foreign_key_to_another_workspace_is_refused(world: WorkspaceWorld) -> None:
    from accounts.models import SalesLine
    from kam.tenancy.models import CrossWorkspaceReference

    assert world.b.customer is not None
    with workspace_context(world.a.workspace):
        line = SalesLine(
            customer_id=world.b.customer.pk,
            date="2025-01-01",
            net_sales=1,
            source_key="smuggled",
        )
        with pytest.raises(CrossWorkspaceReference, match="does not exist in this workspace"):
            line.save()
        assert not SalesLine.objects.filter(source_key="smuggled").exists()
