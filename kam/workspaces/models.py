"""Workspaces (tenants) and the people in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from kam.tenancy.models import WorkspaceOwned


class Role(models.TextChoices):
    """A member's role in one workspace. Order matters: most powerful first."""

    ADMIN = "admin", "Workspace admin"
    EXECUTIVE = "executive", "Key account executive"
    KAM = "kam", "Key account manager"
    MEMBER = "member", "Selling-center member"
    VIEWER = "viewer", "Viewer"


class Workspace(models.Model):
    """One supplier company running its key account program (the tenant)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    reporting_currency = models.CharField(
        max_length=3, default="EUR", help_text="ISO 4217 code every analysis is reported in."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's role in a workspace.

    Deliberately global (not workspace-owned): the workspace switcher lists a
    person's memberships across workspaces, and sign-in resolves them before
    any workspace is selected. Every query filters by user or workspace.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the person last chose this workspace; a new session opens the latest.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user")
        ]
        ordering = ["workspace__name"]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} as {self.get_role_display()}"


class Invitation(models.Model):
    """An e-mailed offer to join a workspace with a role.

    Global on purpose (listed in ``kam.tenancy.registry.GLOBAL_MODELS``): the
    person opening the link is not a member yet, so the invitation is found by
    its token before any workspace is selected. Only a hash of the token is
    stored; the link in the e-mail is the one copy of the secret.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="The address the invitation was sent to.")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "email"])]

    def __str__(self) -> str:
        return f"{self.email} to {self.workspace} as {self.get_role_display()}"

    @property
    def status(self) -> str:
        """One of ``accepted``, ``revoked``, ``expired`` or ``pending``."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"


class LoginAttempt(models.Model):
    """One failed sign-in for a user name, kept only as long as the lockout window.

    Global on purpose: throttling happens before anyone is signed in or any
    workspace is chosen. A successful sign-in deletes the user name's failures.
    """

    username = models.CharField(
        max_length=254, help_text="The user name the attempt was for, lower-cased."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-attempted_at"]
        indexes = [models.Index(fields=["username", "attempted_at"])]

    def __str__(self) -> str:
        return f"{self.username} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"


class MembershipChange(WorkspaceOwned):
    """History of the workspace's people: who changed whose access, and when.

    The person's name and e-mail are copied into ``member_label`` so the entry
    still reads well after their account is deleted.
    """

    class Action(models.TextChoices):
        INVITED = "invited", "Invited"
        INVITATION_REVOKED = "invitation_revoked", "Invitation revoked"
        JOINED = "joined", "Joined"
        ROLE_CHANGED = "role_changed", "Role changed"
        REMOVED = "removed", "Removed"

    action = models.CharField(max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who made the change.",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Whose access changed (empty for an invitation not yet accepted).",
    )
    member_label = models.CharField(max_length=254)
    old_role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    new_role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.member_label}"
