"""The daily refresh of every Open Space's UPV, across workspaces."""

from __future__ import annotations

from decimal import Decimal

from accounts.models import Customer
from kam.tenancy.context import workspace_context
from planning.tasks import refresh_open_space_upv
from tests.factories import WorkspaceWorld


def _upv(tenant: object) -> Decimal | None:
    with workspace_context(tenant.workspace):  # type: ignore[attr-defined]
        return Customer.objects.get(pk=tenant.customer.pk).upv_open_space  # type: ignore[attr-defined]


def test_every_workspace_gets_its_own_upv_and_a_second_run_changes_nothing(
    world: WorkspaceWorld,
) -> None:
    for tenant in (world.a, world.b):
        with workspace_context(tenant.workspace):
            Customer.objects.filter(pk=tenant.customer.pk).update(upv_open_space=None)

    # The factory's matrix has one open cell with a potential of 500,000 (its
    # sales line is in another segment), in each workspace.
    assert refresh_open_space_upv() == {"changed": 2}
    assert _upv(world.a) == Decimal("500000.00")
    assert _upv(world.b) == Decimal("500000.00")
    assert refresh_open_space_upv() == {"changed": 0}
