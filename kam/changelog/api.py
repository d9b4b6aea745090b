"""The change log in the REST API: read-only, by object or by key account."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.exceptions import NotFound, ValidationError

from kam.api.base import WorkspaceViewSet
from kam.changelog import selectors
from kam.changelog.models import ChangeLogEntry

# One changed field. Built with type(): "from" is a Python keyword, and "label"
# would shadow the attribute every DRF field has.
ChangeOutput = type(
    "ChangeOutput",
    (serializers.Serializer,),
    {
        "field": serializers.CharField(help_text="The field's name."),
        "label": serializers.CharField(help_text="The field as people call it."),
        "from": serializers.CharField(help_text="The value before, as shown ('' for none)."),
        "to": serializers.CharField(help_text="The value after, as shown ('' for none)."),
    },
)


class ChangeLogEntryOutput(serializers.ModelSerializer):
    object_type = serializers.SerializerMethodField()
    changes = ChangeOutput(many=True)

    class Meta:
        model = ChangeLogEntry
        fields = [
            "id",
            "at",
            "actor",
            "actor_name",
            "object_type",
            "object_id",
            "object_label",
            "account_id",
            "action",
            "changes",
            "sentence",
        ]

    def get_object_type(self, entry: ChangeLogEntry) -> str:
        return selectors.history_type_label(entry.content_type)


_PARAMETERS = [
    OpenApiParameter(
        "object_type",
        OpenApiTypes.STR,
        description="The object's kind as app_label.model, e.g. buying_center.stakeholder;"
        " with object_id: that object's history.",
    ),
    OpenApiParameter("object_id", OpenApiTypes.INT, description="The object's id."),
    OpenApiParameter(
        "account", OpenApiTypes.INT, description="A customer id: that key account's timeline."
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="List change-log entries, newest first (an object's history or an account's"
        " activity)",
        parameters=_PARAMETERS,
    ),
    retrieve=extend_schema(summary="Get one change-log entry"),
)
class ChangeLogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    """What changed in the workspace: who, when, which object, from what to what.

    Read-only: entries are written by the application and never edited.
    """

    model = ChangeLogEntry
    serializer_class = ChangeLogEntryOutput

    def safely_get_queryset(self, queryset: Any) -> Any:
        queryset = queryset.select_related("content_type").order_by("-at", "-pk")
        if self.action != "list":
            return queryset
        params = self.request.query_params
        object_type, object_id = params.get("object_type"), params.get("object_id")
        if object_type or object_id:
            if not (object_type and object_id and object_id.isdigit()):
                raise ValidationError(
                    {"object_type": "Give object_type (app_label.model) and object_id together."}
                )
            content_type = selectors.history_content_type(object_type)
            if content_type is None:
                raise NotFound(f"{object_type!r} is not a kind of object with a history.")
            # Like the History page: an id that never was in this workspace is not found.
            if (
                selectors.history_subject(
                    workspace=self.workspace, content_type=content_type, object_id=int(object_id)
                )
                is None
            ):
                raise NotFound("No such object in this workspace.")
            queryset = queryset.filter(content_type=content_type, object_id=int(object_id))
        account = params.get("account")
        if account is not None:
            if not account.isdigit():
                raise ValidationError({"account": "Give the customer id, a whole number."})
            queryset = queryset.filter(account_id=int(account))
            # Another workspace's customer id is not found, like its pages; an account
            # deleted since still has its timeline (entries outlive what they describe).
            if not queryset.exists() and not selectors.account_exists(
                workspace=self.workspace, account_id=int(account)
            ):
                raise NotFound("No such account in this workspace.")
        return queryset
