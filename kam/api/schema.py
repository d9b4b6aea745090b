"""OpenAPI generation (drf-spectacular): auth scheme, input/output shapes, preconditions."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.drainage import add_trace_message
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers

from kam.api.concurrency import OptimisticConcurrencyMixin

WRITE_METHODS = {"POST", "PUT", "PATCH"}


class AccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "kam.api.authentication.AccessTokenAuthentication"
    name = "accessToken"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "kam_…",
            "description": (
                "A personal access token, created under Settings > API tokens. It acts as"
                " you, in the workspace it was created in, with your role there. Send it as"
                " `Authorization: Bearer kam_…`."
            ),
        }


class WorkspaceFilterExtension(DjangoFilterExtension):
    """django-filter parameters, without touching the fail-closed default manager.

    The stock extension builds ``model._default_manager.none()``, which for a
    workspace model raises (no workspace while generating the schema). The base
    manager gives the same model, and ``.none()`` never queries.
    """

    priority = 1

    def get_schema_operation_parameters(self, auto_schema: Any, *args: Any, **kwargs: Any) -> Any:
        model = getattr(auto_schema.view, "model", None)
        if model is None:
            return super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        view = auto_schema.view
        filterset_class = self.target.get_filterset_class(view, model._base_manager.none())
        if not filterset_class:
            return []
        result: list[Any] = []
        with add_trace_message(filterset_class):
            for field_name, filter_field in filterset_class.base_filters.items():
                result += self.resolve_filter_field(
                    auto_schema, model, filterset_class, field_name, filter_field
                )
        return result


class ErrorOutput(serializers.Serializer):
    detail = serializers.CharField()


def resource_docs(a_noun: str, plural: str, *, update_request: Any = None) -> dict[str, Any]:
    """Summaries of the six actions of a resource viewset, for ``extend_schema_view``.

    ``a_noun`` carries its article ("a stakeholder", "an offering"); pass
    ``update_request`` where changing a row takes another shape than creating it.
    """
    update = {"request": update_request} if update_request is not None else {}
    return {
        "list": extend_schema(summary=f"List {plural}"),
        "retrieve": extend_schema(summary=f"Get {a_noun}"),
        "create": extend_schema(summary=f"Create {a_noun}"),
        "update": extend_schema(summary=f"Replace {a_noun}", **update),
        "partial_update": extend_schema(summary=f"Change some fields of {a_noun}", **update),
        "destroy": extend_schema(summary=f"Delete {a_noun}"),
    }


_conflict_serializers: dict[type, Any] = {}


def _conflict_serializer(output: type[serializers.Serializer]) -> Any:
    # One component per output shape, created once: spectacular reports two
    # different serializers under the same component name as a collision.
    if output not in _conflict_serializers:
        _conflict_serializers[output] = inline_serializer(
            name=f"{output.__name__.removesuffix('Output')}Conflict",
            fields={"detail": serializers.CharField(), "current": output()},
        )
    return _conflict_serializers[output]


class WorkspaceAutoSchema(AutoSchema):
    """Knows the conventions of :class:`kam.api.base.WorkspaceResourceViewSet`.

    Requests are described by ``input_serializer_class`` and responses by
    ``output_serializer_class``; versioned resources document ``If-Match``,
    ``ETag`` and the 412/428 answers.
    """

    def _versioned(self) -> bool:
        return isinstance(self.view, OptimisticConcurrencyMixin)

    def get_request_serializer(self) -> Any:
        input_class = getattr(self.view, "input_serializer_class", None)
        if input_class is not None and self.method in WRITE_METHODS:
            return input_class
        return super().get_request_serializer()

    def get_response_serializers(self) -> Any:
        output_class = getattr(self.view, "output_serializer_class", None)
        if output_class is not None:
            return output_class
        return super().get_response_serializers()

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if not self._versioned():
            return parameters
        if self.method in {"PUT", "PATCH", "DELETE"}:
            required = self.method != "DELETE"
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    required=required,
                    description=(
                        'The ETag from your last read, e.g. `"3"`.'
                        + (" Required." if required else " Optional; refused when stale.")
                    ),
                )
            )
        if self.method in {"GET", "POST", "PUT", "PATCH"} and not self._is_list_view():
            parameters.append(
                OpenApiParameter(
                    "ETag",
                    str,
                    OpenApiParameter.HEADER,
                    response=[200, 201],
                    description="The object's version; send it back as If-Match to change it.",
                )
            )
        return parameters

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if self._versioned() and self.method in {"PUT", "PATCH", "DELETE"}:
            output = getattr(self.view, "output_serializer_class", None)
            if output is None:
                return responses
            responses["412"] = self._get_response_for_code(
                OpenApiResponse(
                    response=_conflict_serializer(output),
                    description="Changed by someone else since your read; `current` shows it.",
                ),
                "412",
                direction=direction,
            )
            if self.method != "DELETE":
                responses["428"] = self._get_response_for_code(
                    OpenApiResponse(response=ErrorOutput, description="If-Match is missing."),
                    "428",
                    direction=direction,
                )
        return responses
