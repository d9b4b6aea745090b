"""Scenarios: invitations and memberships."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User

from tests.kam.change_log_scenarios import Ctx, Expect, expected, scenario

# memberships ------------------------------------------------------------------------------

WS = "kam.workspaces.services"


@scenario(f"{WS}.invitation_create", f"{WS}.invitation_revoke")
def _invitations(ctx: Ctx) -> Expect:
    from kam.workspaces import services

    invitation, _ = services.invitation_create(
        workspace=ctx.workspace, invited_by=ctx.actor, email="new@example.com", role="viewer"
    )
    services.invitation_revoke(workspace=ctx.workspace, invitation=invitation, revoked_by=ctx.actor)
    return _last_membership_change(ctx)


@scenario(f"{WS}.invitation_accept")
def _accept(ctx: Ctx) -> Expect:
    from kam.workspaces import services
    from tests.factories import make_user

    invitation, _ = services.invitation_create(
        workspace=ctx.workspace, invited_by=ctx.actor, email="joiner@example.com", role="viewer"
    )
    services.invitation_accept(invitation=invitation, user=cast(User, make_user("joiner")))
    return _last_membership_change(ctx)


@scenario(f"{WS}.invitation_accept_as_new_person")
def _accept_new(ctx: Ctx) -> Expect:
    from kam.workspaces import services

    invitation, _ = services.invitation_create(
        workspace=ctx.workspace, invited_by=ctx.actor, email="fresh@example.com", role="viewer"
    )
    services.invitation_accept_as_new_person(
        invitation=invitation, name="Fresh Person", password="a-long-password-123"
    )
    return _last_membership_change(ctx)


@scenario(f"{WS}.membership_change_role", f"{WS}.membership_remove")
def _memberships(ctx: Ctx) -> Expect:
    from kam.workspaces import services
    from kam.workspaces.models import Membership

    viewer = ctx.world.a.user("viewer")
    membership = Membership.objects.get(workspace=ctx.workspace, user_id=viewer.pk)
    services.membership_change_role(
        workspace=ctx.workspace, membership=membership, role="member", changed_by=ctx.actor
    )
    services.membership_remove(workspace=ctx.workspace, membership=membership, removed_by=ctx.actor)
    return _last_membership_change(ctx)


def _last_membership_change(ctx: Ctx) -> Expect:
    from kam.workspaces.models import MembershipChange

    return expected(MembershipChange.objects.order_by("-pk").first(), None)  # type: ignore[arg-type]
