"""Viewset bases for every workspace resource of the REST API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.http import Http404
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import MethodMapper
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from kam.api.permissions import WorkspacePolicyPermission
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceApiRequest
from kam.workspaces.models import Workspace

#: What a subclass may not redefine, and the hook it uses instead. Each of these decides
#: which rows a request reaches or whether the workspace policy runs at all.
_PROTECTED: dict[str, str] = {
    "queryset": "safely_get_queryset()",
    "get_queryset": "safely_get_queryset()",
    "get_object": "safely_get_object()",
    "permission_classes": "extra_permission_classes",
    "get_permissions": "extra_permission_classes",
    "check_permissions": "extra_permission_classes",
    "check_object_permissions": "extra_permission_classes",
}


class WorkspaceViewSet(viewsets.GenericViewSet):
    """Scoped by construction, like ``@workspace_view`` for pages.

    Subclasses set ``model`` and may refine the scoped queryset in
    ``safely_get_queryset``, find a detail route's object another way in
    ``safely_get_object`` (a per-workspace singleton, say) and add permissions in
    ``extra_permission_classes``. Redefining ``get_queryset``, ``get_object``,
    ``get_permissions`` or ``permission_classes`` (in the class, a mixin or an
    ``@action``) is refused when the class is created, so no subclass can drop the
    workspace scope or the policy (``WorkspacePolicyPermission``). Serializers find
    the request's workspace in their context under ``"workspace"`` (used by
    :class:`kam.api.fields.WorkspaceRelatedField`).
    """

    model: type[Model]
    lookup_value_converter = "int"
    read_capability: Capability = Capability.VIEW
    write_capability: Capability = Capability.EDIT_ACCOUNTS
    #: Checked after the workspace policy, never instead of it.
    extra_permission_classes: ClassVar[Sequence[type[BasePermission]]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Mixins listed before this base come earlier in the MRO: check them too.
        for klass in cls.__mro__:
            if klass is WorkspaceViewSet:
                break
            for name, instead in _PROTECTED.items():
                if name in klass.__dict__:
                    raise TypeError(
                        f"{cls.__name__} sets {name} (in {klass.__name__}); use {instead}:"
                        " the workspace scope and policy cannot be replaced"
                    )
            for attribute, value in klass.__dict__.items():
                # An @action carries its initkwargs, which would replace permission_classes.
                is_action = isinstance(getattr(value, "mapping", None), MethodMapper)
                if is_action and "permission_classes" in value.kwargs:
                    raise TypeError(
                        f"{cls.__name__}.{attribute} is an action with its own"
                        " permission_classes; use extra_permission_classes"
                    )

    # The API's policy (``WorkspacePolicyPermission``) lets only a signed-in
    # member through, so every action sees a user and a workspace.
    request: WorkspaceApiRequest

    @property
    def workspace(self) -> Workspace:
        return self.request._request.workspace

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            # Schema generation runs without a request workspace; it only needs
            # the model, and .none() never reaches the database.
            return self.model._base_manager.none()
        queryset = self.model._default_manager.filter(workspace=self.workspace)
        return self.safely_get_queryset(queryset)

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset

    def get_object(self) -> Any:
        instance = self.safely_get_object()
        # Whatever the hook did, an object of another workspace is one that does not exist.
        if getattr(instance, "workspace_id", None) != self.workspace.pk:
            raise Http404
        self.check_object_permissions(self.request, instance)
        return instance

    def safely_get_object(self) -> Any:
        """The detail route's object: by default looked up in the scoped queryset (404)."""
        return super().get_object()

    def get_permissions(self) -> list[BasePermission]:
        return [WorkspacePolicyPermission(), *(cls() for cls in self.extra_permission_classes)]

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["workspace"] = getattr(self.request._request, "workspace", None)
        return context


class WorkspaceResourceViewSet(WorkspaceViewSet):
    """List, retrieve, create, update and delete through services.

    The HackSoft shape: a small input serializer validates the request, a
    service function (``create_object``/``update_object``/``delete_object``,
    implemented by the subclass) writes, and an output serializer renders.
    Serializers hold no business logic and never ``save()``.
    """

    input_serializer_class: ClassVar[type[serializers.Serializer]]
    output_serializer_class: ClassVar[type[serializers.Serializer]]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        # The browsable/schema default: the output shape. Writes pick the input
        # serializer explicitly (and kam.api.schema documents both).
        return self.output_serializer_class

    # -- hooks for subclasses (call services here) -------------------------
    def create_object(self, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def delete_object(self, instance: Any) -> None:
        raise NotImplementedError

    # -- actions -----------------------------------------------------------
    def render(self, instance: Model) -> dict[str, Any]:
        return self.output_serializer_class(instance, context=self.get_serializer_context()).data

    def validated_input(self, request: Request, *, partial: bool = False) -> dict[str, Any]:
        serializer = self.input_serializer_class(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        context = self.get_serializer_context()
        if page is not None:
            data = self.output_serializer_class(page, many=True, context=context).data
            return self.get_paginated_response(data)
        return Response(self.output_serializer_class(queryset, many=True, context=context).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.render(self.get_object()))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.create_object(self.validated_input(request))
        return Response(self.render(instance), status=status.HTTP_201_CREATED)

    def update(
        self, request: Request, *args: Any, partial: bool = False, **kwargs: Any
    ) -> Response:
        instance = self.get_object()
        instance = self.update_object(instance, self.validated_input(request, partial=partial))
        return Response(self.render(instance))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.delete_object(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
