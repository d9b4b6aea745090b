"""Health's background work: its job kind is known, the nightly run covers every workspace."""

from __future__ import annotations

from kam.jobs.kinds import job_kind
from kam.tenancy.context import workspace_context
from planning.health.tasks import recompute_health_nightly
from planning.models import AccountHealth, HealthRecord
from tests.factories import WorkspaceWorld
from tests.planning.health.conftest import build_account


def test_the_health_job_kind_is_registered() -> None:
    kind = job_kind("health")
    assert kind.task == "planning.health.tasks.recompute_health"
    assert kind.label == "Recomputing account health"


def test_the_nightly_run_recomputes_every_key_account_of_every_workspace(
    world: WorkspaceWorld,
) -> None:
    for tenant, name in ((world.a, "Borealis Steel"), (world.b, "Fjord Paper")):
        with workspace_context(tenant.workspace):
            build_account(tenant.workspace, name=name, kam=tenant.user("kam"))
    assert recompute_health_nightly() == {"changed": 2}
    for tenant in (world.a, world.b):
        with workspace_context(tenant.workspace):
            assert AccountHealth.objects.get().computed_rating == "green"
            assert HealthRecord.objects.count() == 1
    # The same night again: nothing moved, nothing new in the history.
    assert recompute_health_nightly() == {"changed": 0}
    with workspace_context(world.a.workspace):
        assert HealthRecord.objects.count() == 1
