"""The request types of workspace views, so the type checker knows what they hold.

The middleware (:mod:`kam.tenancy.resolve`) sets ``workspace``, ``membership``
and ``access_token`` on every request. Plain Django does not know these
attributes; annotating a view's request as :class:`WorkspaceRequest` tells mypy
what ``workspace_view`` guarantees (a signed-in member of a workspace), with no
``type: ignore`` at each use. The API's viewsets see the same through
:class:`WorkspaceApiRequest` (the DRF request around a ``WorkspaceRequest``),
which the API's policy guarantees. Nothing here changes behaviour at run time:
the classes are only ever used in annotations and ``cast``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from kam.api.tokens import AccessToken
    from kam.workspaces.models import Membership, Workspace


class ResolvedRequest(HttpRequest):
    """Any request after the middleware ran: the workspace may be missing."""

    user: User | AnonymousUser
    workspace: Workspace | None
    membership: Membership | None
    access_token: AccessToken | None
    access_token_invalid: bool
    htmx: HtmxDetails


class WorkspaceRequest(HttpRequest):
    """A request inside a workspace view: signed in, a member, allowed to be here."""

    user: User
    workspace: Workspace
    membership: Membership
    access_token: AccessToken | None
    htmx: HtmxDetails


class WorkspaceApiRequest(Request):
    """The DRF request of a workspace viewset, once the API's policy let it through."""

    user: User
    _request: WorkspaceRequest


def resolved(request: HttpRequest) -> ResolvedRequest:
    """The same request, seen with the attributes the middleware set."""
    return cast(ResolvedRequest, request)


def in_workspace(request: HttpRequest) -> WorkspaceRequest:
    """The same request, for code that runs only behind ``workspace_view`` or the API's policy."""
    return cast(WorkspaceRequest, request)
