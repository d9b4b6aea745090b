"""Workspaces (tenants) and the people in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user")
        ]
        ordering = ["workspace__name"]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} as {self.get_role_display()}"
