"""Personal access tokens: one per user and workspace, stored hashed, shown once."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "kam_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class AccessToken(models.Model):
    """A revocable API credential acting as one user inside one workspace.

    Global on purpose (listed in ``kam.tenancy.registry.GLOBAL_MODELS``): the
    token is looked up by its hash before any workspace is known, and the
    workspace it grants is the one it names.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    workspace = models.ForeignKey("kam.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'ERP sync'.")
    key_prefix = models.CharField(max_length=16, help_text="First characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, *, user: object, workspace: object, name: str) -> tuple[AccessToken, str]:
        """Create a token and return it with its secret, which is never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, workspace=workspace, name=name, key_prefix=raw[:12], key_hash=hash_token(raw)
        )
        return token, raw

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
