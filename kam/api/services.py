"""Writes for personal access tokens."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from kam.api.tokens import AccessToken
from kam.workspaces.models import Workspace


@transaction.atomic
def access_token_issue(*, workspace: Workspace, user: User, name: str) -> tuple[AccessToken, str]:
    """Create a token for ``user`` in ``workspace``; the secret is returned once, never stored."""
    return AccessToken.issue(user=user, workspace=workspace, name=name.strip())


@transaction.atomic
def access_token_revoke(*, workspace: Workspace, token: AccessToken) -> AccessToken:
    """Revoke ``token`` for good (kept, with its revocation time, for the record)."""
    if token.workspace_id != workspace.pk:
        raise ValueError("the token belongs to another workspace")
    token.revoke()
    return token
