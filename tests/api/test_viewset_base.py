"""The API viewset base: a subclass can add permissions, never drop the scope or the policy."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from accounts.models import Customer
from kam.api.base import WorkspaceViewSet
from kam.permissions import Capability
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Membership
from tests.factories import Tenant, WorkspaceWorld


class CustomerIds(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id"]


class AllowEveryone(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return True


class NobodyToday(BasePermission):
    message = "Closed today."

    def has_permission(self, request: Request, view: Any) -> bool:
        return False


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("get_object", lambda self: None),
        ("get_permissions", lambda self: [AllowAny()]),
        ("check_permissions", lambda self, request: None),
        ("permission_classes", [AllowAny]),
        ("get_queryset", lambda self: None),
    ],
)
def test_a_subclass_redefining_the_scope_or_the_policy_is_refused(name: str, value: Any) -> None:
    with pytest.raises(TypeError, match=name):
        type("Sneaky", (WorkspaceViewSet,), {"model": Customer, name: value})


def test_a_mixin_or_an_action_cannot_drop_the_policy_either() -> None:
    class Lenient:
        def get_permissions(self) -> list[BasePermission]:
            return [AllowAny()]

    with pytest.raises(TypeError, match="get_permissions"):

        class ThroughAMixin(Lenient, WorkspaceViewSet):
            model = Customer

    with pytest.raises(TypeError, match="permission_classes"):

        class ThroughAnAction(WorkspaceViewSet):
            model = Customer

            @action(detail=False, permission_classes=[AllowAny])
            def everyone(self, request: Request) -> Response:
                return Response({})


class SettingsReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    model = Customer
    serializer_class = CustomerIds
    pagination_class = None
    read_capability = Capability.MANAGE_SETTINGS
    extra_permission_classes = (AllowEveryone,)


class ClosedToday(SettingsReadOnly):
    extra_permission_classes = (NobodyToday,)


def _get(tenant: Tenant, role: str, viewset: type[WorkspaceViewSet], **kwargs: Any) -> Response:
    """GET as the workspace middleware would leave the request: workspace and membership set."""
    user = tenant.user(role)
    request = APIRequestFactory().get("/")
    force_authenticate(request, user=user)
    request.workspace = tenant.workspace  # type: ignore[attr-defined]
    request.membership = Membership.objects.get(  # type: ignore[attr-defined]
        workspace=tenant.workspace, user=user
    )
    actions = {"get": "retrieve" if kwargs else "list"}
    with workspace_context(tenant.workspace):
        response = viewset.as_view(actions)(request, **kwargs)
        response.render()
    return response


@pytest.mark.django_db
def test_an_added_permission_comes_on_top_of_the_policy(world: WorkspaceWorld) -> None:
    # AllowEveryone does not let a viewer past a capability the policy refuses them.
    assert _get(world.a, "viewer", SettingsReadOnly).status_code == 403
    assert _get(world.a, "admin", SettingsReadOnly).status_code == 200
    # And an added permission that refuses is heard even by an admin.
    closed = _get(world.a, "admin", ClosedToday)
    assert closed.status_code == 403
    assert closed.data["detail"] == "Closed today."


@pytest.mark.django_db
def test_an_object_hook_cannot_hand_out_another_workspaces_object(world: WorkspaceWorld) -> None:
    assert world.a.customer is not None and world.b.customer is not None
    # Loaded beforehand, in B: on PostgreSQL row-level security would hide it from A's request.
    theirs = world.b.customer

    class FindsAnything(SettingsReadOnly):
        def safely_get_object(self) -> Customer:
            return theirs

    assert _get(world.a, "admin", SettingsReadOnly, pk=world.a.customer.pk).status_code == 200
    assert _get(world.a, "admin", SettingsReadOnly, pk=theirs.pk).status_code == 404
    assert _get(world.a, "admin", FindsAnything, pk=theirs.pk).status_code == 404
