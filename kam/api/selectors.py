"""Reads for personal access tokens."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from kam.api.tokens import AccessToken
from kam.workspaces.models import Workspace


def access_token_list(*, workspace: Workspace, user: User) -> QuerySet[AccessToken]:
    """A person's own tokens in one workspace, newest first (revoked ones included)."""
    return AccessToken.objects.filter(workspace=workspace, user=user).order_by("-created_at", "-pk")


def access_token_get_own(*, workspace: Workspace, user: User, pk: int) -> AccessToken:
    """One of the person's own tokens; anybody else's, or another workspace's, is a 404."""
    token = access_token_list(workspace=workspace, user=user).filter(pk=pk).first()
    if token is None:
        raise Http404("No such access token.")
    return token
