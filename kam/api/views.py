"""The API's own endpoints: the root listing, "me", and personal access tokens."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, URLResolver, reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.api.base import WorkspaceViewSet
from kam.api.serializers import AccessTokenOutput, MeOutput
from kam.api.services import access_token_revoke
from kam.api.tokens import AccessToken
from kam.permissions import Capability, role_can
from kam.tenancy.request import in_workspace

LIST_SUFFIX = "-list"


def _list_routes(
    patterns: Iterable[URLPattern | URLResolver],
) -> Iterator[tuple[str, Capability]]:
    """Each collection's route name, with the capability its viewset needs to be read."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _list_routes(pattern.url_patterns)
        elif pattern.name and pattern.name.endswith(LIST_SUFFIX):
            viewset = getattr(pattern.callback, "cls", None)
            yield pattern.name, getattr(viewset, "read_capability", Capability.VIEW)


def api_resources(request: Request) -> dict[str, str]:
    """Every collection of the API this caller may read, by name, found from the URL map.

    Each app contributes routes in its own ``api_urls.py``; reading them here
    means a new resource appears in the root without anyone editing it. A
    collection the caller's role may not read (imports for a KAM) is left out:
    the index never offers a link that answers 403.
    """
    from kam.api import urls

    role = in_workspace(request._request).membership.role
    root = reverse("api-root")
    resources: dict[str, str] = {"me": request.build_absolute_uri(reverse("api-me"))}
    allowed = {name for name, needs in _list_routes(urls.urlpatterns) if role_can(role, needs)}
    for name in sorted(allowed):
        path = reverse(name)
        # Named by its URL ("sales-lines"), which is what a client types.
        resources[path.removeprefix(root).strip("/")] = request.build_absolute_uri(path)
    for label, name in (("schema", "api-schema"), ("docs", "api-docs"), ("redoc", "api-redoc")):
        resources[label] = request.build_absolute_uri(reverse(name))
    return resources


class ApiRootView(APIView):
    """Entry point of the API: a link to every resource the caller may use."""

    @extend_schema(
        summary="List the API's resources",
        tags=["api"],
        responses=inline_serializer(
            "ApiRoot", fields={"resources": serializers.DictField(child=serializers.URLField())}
        ),
    )
    def get(self, request: Request) -> Response:
        return Response({"resources": api_resources(request)})


class MeView(APIView):
    """Who is calling, in which workspace, with which role and rights."""

    @extend_schema(summary="The caller: user, workspace, role and capabilities", responses=MeOutput)
    def get(self, request: Request) -> Response:
        membership = in_workspace(request._request).membership
        token = getattr(request._request, "access_token", None)
        data = {
            "user": request.user,
            "workspace": membership.workspace,
            "role": membership.role,
            "role_label": membership.get_role_display(),
            "capabilities": [c.value for c in Capability if role_can(membership.role, c)],
            "authenticated_by": "token" if token is not None else "session",
            "token": token,
        }
        return Response(MeOutput(data, context={"request": request}).data)


class AccessTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    """The caller's own personal access tokens in this workspace.

    Creating a token is done on the settings page, where the secret can be
    shown once to a person. ``DELETE`` revokes: the token stops working at
    once and stays listed, with its revocation time, for the record.
    """

    model = AccessToken
    serializer_class = AccessTokenOutput
    read_capability = Capability.USE_API
    write_capability = Capability.USE_API
    filter_backends: list[Any] = []

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Own tokens only: somebody else's id answers 404 like a missing one.
        return queryset.filter(user=self.request.user).order_by("-created_at", "-pk")

    @extend_schema(summary="Revoke one of your tokens", responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        access_token_revoke(workspace=self.workspace, token=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
