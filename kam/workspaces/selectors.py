"""Reads about workspaces and their people."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from kam.api.tokens import hash_token
from kam.workspaces.models import Invitation, Membership, MembershipChange, Role, Workspace

HISTORY_LENGTH = 50


def members_of(workspace: Workspace) -> QuerySet[Membership]:
    """The workspace's members, most powerful role first, then by name."""
    rank = Case(
        *(When(role=role, then=Value(position)) for position, role in enumerate(Role.values)),
        output_field=IntegerField(),
    )
    return (
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .annotate(role_rank=rank)
        .order_by("role_rank", "user__first_name", "user__last_name", "user__username")
    )


def pending_invitations(workspace: Workspace) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            workspace=workspace,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .order_by("-created_at")
    )


def membership_history(workspace: Workspace) -> list[MembershipChange]:
    """The latest changes to the workspace's people (caller runs inside the workspace)."""
    return list(
        MembershipChange.objects.filter(workspace=workspace).select_related("actor")[
            :HISTORY_LENGTH
        ]
    )


def invitation_for_token(raw_token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("workspace")
