"""Changes to who belongs to a workspace: invitations, roles, removals.

Every change writes a :class:`MembershipChange` entry in the same transaction,
so the history cannot miss a change that happened. E-mails go out only after
the transaction commits: a rolled-back invitation must not reach anyone.
"""

from __future__ import annotations

import datetime
import functools
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User as UserType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kam.api.tokens import hash_token
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_record
from kam.permissions import ROLE_SUMMARIES
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Invitation, Membership, MembershipChange, Role, Workspace

User = get_user_model()


class InvitationNotUsable(Exception):
    """The invitation link cannot be used: it is unknown, expired, revoked or used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def person_label(user: UserType) -> str:
    name = user.get_full_name() or user.get_username()
    email = getattr(user, "email", "")
    return f"{name} <{email}>" if email and email.lower() != name.lower() else name


def _record(
    *,
    workspace: Workspace,
    action: str,
    actor: UserType | None,
    member: UserType | None,
    member_label: str,
    old_role: str = "",
    new_role: str = "",
) -> MembershipChange:
    # Also called from the invitation link, where no workspace is selected yet.
    with workspace_context(workspace):
        change = MembershipChange.objects.create(
            action=action,
            actor=actor,
            member=member,
            member_label=member_label[:254],
            old_role=old_role,
            new_role=new_role,
        )
        _log_membership_change(workspace=workspace, change=change)
        return change


def _log_membership_change(*, workspace: Workspace, change: MembershipChange) -> None:
    """The change log names the membership change itself (memberships are global rows).

    The actor is the one ``MembershipChange`` names, passed explicitly: someone
    joining through an invitation link acts outside any workspace request.
    """
    label, action = change.member_label, MembershipChange.Action
    old = Role(change.old_role).label if change.old_role else ""
    new = Role(change.new_role).label if change.new_role else ""
    summaries = {
        action.INVITED: (ChangeAction.CREATED, f"invited {label} as {new}"),
        action.INVITATION_REVOKED: (ChangeAction.DELETED, f"revoked the invitation of {label}"),
        action.JOINED: (ChangeAction.CREATED, f"joined the workspace as {new}"),
        action.ROLE_CHANGED: (
            ChangeAction.CHANGED,
            f"changed {label}'s role from {old} to {new}",
        ),
        action.REMOVED: (ChangeAction.DELETED, f"removed {label} from the workspace"),
    }
    verb, summary = summaries[action(change.action)]
    change_log_record(
        workspace=workspace,
        obj=change,
        action=verb,
        label=f"the membership of {label}",
        summary=summary,
        actor=change.member if change.action == action.JOINED else change.actor,
    )


def invitation_url(raw_token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("invitation-accept", args=[raw_token])


def _send_invitation_email(invitation: Invitation, raw_token: str) -> None:
    context = {
        "invitation": invitation,
        "workspace": invitation.workspace,
        "inviter": invitation.invited_by.get_full_name() or invitation.invited_by.get_username()
        if invitation.invited_by
        else "A workspace admin",
        "role": invitation.get_role_display(),
        "role_summary": ROLE_SUMMARIES.get(invitation.role, ""),
        "url": invitation_url(raw_token),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    subject = " ".join(render_to_string("workspaces/invitation_subject.txt", context).split())
    body = render_to_string("workspaces/invitation_email.txt", context)
    transaction.on_commit(
        functools.partial(send_mail, subject, body, None, [invitation.email]),
    )


def _revoke(invitation: Invitation, *, revoked_by: UserType | None) -> None:
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = revoked_by
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    _record(
        workspace=invitation.workspace,
        action=MembershipChange.Action.INVITATION_REVOKED,
        actor=revoked_by,
        member=None,
        member_label=invitation.email,
        new_role=invitation.role,
    )


@transaction.atomic
def invitation_create(
    *, workspace: Workspace, invited_by: UserType | None, email: str, role: str
) -> tuple[Invitation, str]:
    """Invite ``email`` to ``workspace`` and e-mail the link; returns the invitation and token.

    Inviting an address again replaces its pending invitation (the old link
    stops working), which is how an admin re-sends a lost e-mail.
    """
    email = email.strip().lower()
    if Membership.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": "This person is already a member of the workspace."}, code="member"
        )
    now = timezone.now()
    for previous in Invitation.objects.select_for_update().filter(
        workspace=workspace,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ):
        _revoke(previous, revoked_by=invited_by)
    raw_token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=workspace,
        email=email,
        role=Role(role),
        token_hash=hash_token(raw_token),
        invited_by=invited_by,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    _record(
        workspace=workspace,
        action=MembershipChange.Action.INVITED,
        actor=invited_by,
        member=None,
        member_label=email,
        new_role=invitation.role,
    )
    _send_invitation_email(invitation, raw_token)
    return invitation, raw_token


@transaction.atomic
def invitation_revoke(
    *, workspace: Workspace, invitation: Invitation, revoked_by: UserType
) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk, workspace=workspace)
    if not invitation.is_pending:
        raise ValidationError(
            f"This invitation can no longer be revoked: it is {invitation.status}.", code="state"
        )
    _revoke(invitation, revoked_by=revoked_by)


def _lock_pending(invitation: Invitation) -> Invitation:
    """Lock the invitation row and check it is still usable.

    The lock makes two simultaneous uses of one link wait for each other, so
    the second finds it accepted and creates nothing.
    """
    locked = (
        Invitation.objects.select_for_update().select_related("workspace").get(pk=invitation.pk)
    )
    if not locked.is_pending:
        raise InvitationNotUsable(locked.status)
    return locked


def _join(invitation: Invitation, user: UserType) -> Membership:
    membership, created = Membership.objects.get_or_create(
        workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if created:
        _record(
            workspace=invitation.workspace,
            action=MembershipChange.Action.JOINED,
            actor=invitation.invited_by,
            member=user,
            member_label=person_label(user),
            new_role=membership.role,
        )
    return membership


def email_has_account(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: UserType) -> Membership:
    """A signed-in person accepts an invitation sent to their e-mail address.

    Someone who is already a member keeps their current role: an old
    invitation must not silently change it.
    """
    invitation = _lock_pending(invitation)
    if getattr(user, "email", "").lower() != invitation.email.lower():
        raise InvitationNotUsable("other_person")
    return _join(invitation, user)


@transaction.atomic
def invitation_accept_as_new_person(
    *, invitation: Invitation, name: str, password: str
) -> UserType:
    """Create the invited person's account and membership; returns the new user.

    The e-mail address becomes the user name: it is what the person knows
    and it is unique in practice; they can sign in with it either way.
    """
    invitation = _lock_pending(invitation)
    email = invitation.email.lower()
    if (
        User.objects.filter(username__iexact=email).exists()
        or User.objects.filter(email__iexact=email).exists()
    ):
        raise InvitationNotUsable("has_account")
    first_name, _, last_name = name.partition(" ")
    user = User.objects.create_user(
        username=email,
        email=email,
        password=password,
        first_name=first_name[:150],
        last_name=last_name[:150],
    )
    _join(invitation, user)
    return user


def _admin_count(workspace: Workspace) -> int:
    # Locking every admin row serialises two admins demoting each other at
    # the same moment; the second then sees one admin left and is refused.
    return len(Membership.objects.select_for_update().filter(workspace=workspace, role=Role.ADMIN))


def _last_admin_error(membership: Membership, doing: str) -> ValidationError:
    return ValidationError(
        f"{person_label(membership.user)} is the only admin of this workspace, so you cannot"
        f" {doing}. Make someone else an admin first.",
        code="last_admin",
    )


@transaction.atomic
def membership_change_role(
    *, workspace: Workspace, membership: Membership, role: str, changed_by: UserType
) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .get(pk=membership.pk, workspace=workspace)
    )
    new_role = Role(role)
    old_role = membership.role
    if new_role == old_role:
        return membership
    if old_role == Role.ADMIN and _admin_count(workspace) <= 1:
        raise _last_admin_error(membership, "change their role")
    membership.role = new_role
    membership.save(update_fields=["role"])
    _record(
        workspace=workspace,
        action=MembershipChange.Action.ROLE_CHANGED,
        actor=changed_by,
        member=membership.user,
        member_label=person_label(membership.user),
        old_role=old_role,
        new_role=new_role,
    )
    return membership


@transaction.atomic
def membership_remove(
    *, workspace: Workspace, membership: Membership, removed_by: UserType
) -> None:
    """Take a person out of the workspace; their account stays for other workspaces.

    Their API tokens stop working at once, because every token request checks
    the membership.
    """
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .get(pk=membership.pk, workspace=workspace)
    )
    if membership.role == Role.ADMIN and _admin_count(workspace) <= 1:
        raise _last_admin_error(membership, "remove them")
    _record(
        workspace=workspace,
        action=MembershipChange.Action.REMOVED,
        actor=removed_by,
        member=membership.user,
        member_label=person_label(membership.user),
        old_role=membership.role,
    )
    membership.delete()


def membership_mark_used(*, membership: Membership) -> None:
    """Remember that the person chose this workspace now: their next session opens it.

    Not in the change log: it is where someone works, not a change to the workspace.
    """
    Membership.objects.filter(pk=membership.pk).update(last_used_at=timezone.now())
