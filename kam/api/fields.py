"""Serializer fields that only accept objects of the request's workspace."""

from __future__ import annotations

from typing import Any, NoReturn

from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def _workspace_of(field: serializers.Field) -> Any:
    workspace = field.context.get("workspace")
    if workspace is None:
        raise RuntimeError(f"{type(field).__name__} needs 'workspace' in the serializer context")
    return workspace


@extend_schema_field(OpenApiTypes.INT)
class WorkspaceRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key by id, looked up in the request's workspace only.

    An id that belongs to another workspace is answered exactly like an id that
    does not exist ("does not exist"), so the input cannot link across
    workspaces nor tell which ids exist elsewhere.
    """

    default_error_messages = {
        "does_not_exist": "{noun} {pk_value} does not exist.",
        "incorrect_type": "Expected the id (a number) of a {noun}, got {data_type}.",
    }

    def __init__(self, model: type[Model], **kwargs: Any) -> None:
        self.model = model
        kwargs.setdefault("queryset", None)
        kwargs.pop("read_only", None)
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return self.model._default_manager.filter(workspace=_workspace_of(self))

    def fail(self, key: str, **kwargs: Any) -> NoReturn:
        noun = str(self.model._meta.verbose_name)
        kwargs.setdefault("noun", noun[:1].upper() + noun[1:])
        super().fail(key, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)

    def use_pk_only_optimization(self) -> bool:
        return True


@extend_schema_field(OpenApiTypes.INT)
class WorkspaceMemberField(serializers.PrimaryKeyRelatedField):
    """A person by user id who is a member of the request's workspace."""

    default_error_messages = {
        "does_not_exist": "User {pk_value} is not a member of this workspace.",
        "incorrect_type": "Expected a user id (a number), got {data_type}.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", None)
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return get_user_model()._default_manager.filter(
            memberships__workspace=_workspace_of(self), is_active=True
        )
