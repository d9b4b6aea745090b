"""Change-log scenarios of the account plan (health).

The computation itself (``health_recompute``) is not a person's change and logs
nothing; its name carries no write verb, so the completeness test does not take
it for a writing service. What people write is logged: the override and the settings.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from tests.kam.change_log_scenarios import Ctx, Expect, expected, scenario

HEALTH = "planning.health.services"


@scenario(f"{HEALTH}.health_override_set", f"{HEALTH}.health_override_clear")
def _override(ctx: Ctx) -> Expect:
    from planning.health import services

    health = services.health_override_set(
        workspace=ctx.workspace,
        customer=ctx.customer,
        rating="red",
        reason="The tender was announced this morning.",
        until=timezone.localdate() + datetime.timedelta(days=30),
        expected_version=1,
        user=ctx.actor,
    )
    services.health_override_clear(
        workspace=ctx.workspace, customer=ctx.customer, expected_version=health.version
    )
    return expected(health, ctx.customer.pk)


@scenario(f"{HEALTH}.health_settings_update")
def _settings(ctx: Ctx) -> Expect:
    from planning.health import services

    settings = services.health_settings_get(workspace=ctx.workspace)
    services.health_settings_update(
        workspace=ctx.workspace,
        expected_version=settings.version,
        weights={"severe_concerns": "4"},
        amber_at="3",
        red_at="7",
    )
    return expected(settings, None)
