"""Selling center and SCAP alignment in the REST API (``/api/v1/``).

Reads need VIEW, writes EDIT_ACCOUNTS. Members, interface alignments and
engagement plans are versioned: ``ETag`` on reads, ``If-Match`` required on
updates (see ``kam.api.concurrency``). Links across accounts are refused with
400 and a message naming both sides (services raise Django's ValidationError, which
``kam.api.exceptions`` answers like a serializer's); another workspace's ids read as unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_filters
from django.db.models import Model
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request

from kam.api.base import WorkspaceResourceViewSet
from kam.api.rows import RowServices, ServiceRowViewSet, VersionedRowViewSet
from kam.api.schema import resource_docs
from selling_center import serializers as shapes
from selling_center.models import (
    AlignmentStatus,
    BuyingStage,
    Connection,
    ConnectionLevelDecision,
    EngagementPlan,
    InterfaceAlignment,
    SellingCenterMember,
    SellingRole,
    StageResource,
)
from selling_center.services import (
    connections,
    engagement_plans,
    interfaces,
    members,
    stage_resources,
)


class CustomerFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id.")


class SellingCenterMemberFilter(CustomerFilter):
    role = django_filters.ChoiceFilter(choices=SellingRole.choices)

    class Meta:
        model = SellingCenterMember
        fields = ["customer", "role"]


@extend_schema_view(**resource_docs("a selling-center member", "selling-center members"))
class SellingCenterMemberViewSet(VersionedRowViewSet):
    """Our people on each key account, in the eight selling-center roles."""

    model = SellingCenterMember
    input_serializer_class = shapes.SellingCenterMemberInput
    output_serializer_class = shapes.SellingCenterMemberOutput
    filterset_class = SellingCenterMemberFilter
    ordering = ["customer", "role", "id"]

    def safely_get_queryset(self, queryset: Any) -> Any:
        return queryset.select_related("user")

    writes = RowServices(
        create=members.selling_center_member_create,
        update=members.selling_center_member_update,
        delete=members.selling_center_member_delete,
        row="member",
        parent="customer",
        moved="A member stays on their account; add a new one.",
    )


class InterfaceAlignmentFilter(CustomerFilter):
    # Every filter declared: generated ones would query the fail-closed manager at import.
    status = django_filters.ChoiceFilter(choices=AlignmentStatus.choices)

    class Meta:
        model = InterfaceAlignment
        fields = ["customer", "status"]


@extend_schema_view(**resource_docs("an interface alignment", "interface alignments"))
class InterfaceAlignmentViewSet(VersionedRowViewSet):
    """Pairs of our functions and theirs (e.g. invoicing and payables) and how they work."""

    model = InterfaceAlignment
    input_serializer_class = shapes.InterfaceAlignmentInput
    output_serializer_class = shapes.InterfaceAlignmentOutput
    filterset_class = InterfaceAlignmentFilter
    ordering = ["customer", "supplier_function", "id"]

    writes = RowServices(
        create=interfaces.interface_alignment_create,
        update=interfaces.interface_alignment_update,
        delete=interfaces.interface_alignment_delete,
        row="interface_alignment",
        parent="customer",
        moved="A pair stays with its account; add a new one.",
    )


if TYPE_CHECKING:
    # Only ever put in front of a WorkspaceResourceViewSet; the type checker sees one.
    _ResourceViewSet = WorkspaceResourceViewSet
else:
    _ResourceViewSet = object


class _SplitInput(_ResourceViewSet):
    """Creation and change take different shapes (the pair itself cannot change)."""

    update_serializer_class: type[serializers.Serializer]

    def validated_input(self, request: Request, *, partial: bool = False) -> dict[str, Any]:
        if getattr(self, "action", None) in {"update", "partial_update"}:
            serializer = self.update_serializer_class(
                data=request.data,
                partial=partial,
                context=self.get_serializer_context(),
            )
            serializer.is_valid(raise_exception=True)
            return dict(serializer.validated_data)
        return super().validated_input(request, partial=partial)


class ConnectionFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(
        field_name="stakeholder__customer_id", help_text="Customer id."
    )
    stakeholder = django_filters.NumberFilter(field_name="stakeholder_id")
    member = django_filters.NumberFilter(field_name="member_id")
    executive_pair = django_filters.BooleanFilter()

    class Meta:
        model = Connection
        fields = ["customer", "stakeholder", "member", "executive_pair"]


@extend_schema_view(
    **resource_docs("a connection", "connections", update_request=shapes.ConnectionUpdateInput)
)
class ConnectionViewSet(_SplitInput, ServiceRowViewSet):
    """Who on our side knows whom on theirs; executive-to-executive pairs are marked."""

    model = Connection
    input_serializer_class = shapes.ConnectionInput
    update_serializer_class = shapes.ConnectionUpdateInput
    output_serializer_class = shapes.ConnectionOutput
    filterset_class = ConnectionFilter
    ordering = ["id"]

    writes = RowServices(
        create=connections.connection_create,
        update=connections.connection_update,
        delete=connections.connection_delete,
        row="connection",
    )


class EngagementPlanFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(
        field_name="stakeholder__customer_id", help_text="Customer id."
    )
    stakeholder = django_filters.NumberFilter(field_name="stakeholder_id")

    class Meta:
        model = EngagementPlan
        fields = ["customer", "stakeholder"]


@extend_schema_view(**resource_docs("an engagement plan", "engagement plans"))
class EngagementPlanViewSet(VersionedRowViewSet):
    """How we engage each customer executive: objective, cadence, next step and due date."""

    model = EngagementPlan
    input_serializer_class = shapes.EngagementPlanInput
    output_serializer_class = shapes.EngagementPlanOutput
    filterset_class = EngagementPlanFilter
    ordering = ["next_step_due", "id"]

    writes = RowServices(
        create=engagement_plans.engagement_plan_create,
        update=engagement_plans.engagement_plan_update,
        delete=engagement_plans.engagement_plan_delete,
        row="engagement_plan",
    )


class StageResourceFilter(CustomerFilter):
    stage = django_filters.ChoiceFilter(choices=BuyingStage.choices)

    class Meta:
        model = StageResource
        fields = ["customer", "stage"]


@extend_schema_view(
    **resource_docs(
        "a stage resource", "stage resources", update_request=shapes.StageResourceUpdateInput
    )
)
class StageResourceViewSet(_SplitInput, WorkspaceResourceViewSet):
    """Who on our side accompanies each stage of the customer's buying process."""

    model = StageResource
    input_serializer_class = shapes.StageResourceInput
    update_serializer_class = shapes.StageResourceUpdateInput
    output_serializer_class = shapes.StageResourceOutput
    filterset_class = StageResourceFilter
    ordering = ["customer", "stage", "id"]

    def create_object(self, data: dict[str, Any]) -> Model:
        return stage_resources.stage_resource_add(workspace=self.workspace, **data)

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        return stage_resources.stage_resource_update(
            workspace=self.workspace, stage_resource=instance, notes=data.get("notes", "")
        )

    def delete_object(self, instance: Any) -> None:
        stage_resources.stage_resource_remove(workspace=self.workspace, stage_resource=instance)


class ConnectionLevelDecisionFilter(CustomerFilter):
    class Meta:
        model = ConnectionLevelDecision
        fields = ["customer"]


@extend_schema_view(
    list=extend_schema(summary="List connection level decisions (newest first)"),
    retrieve=extend_schema(summary="Get one connection level decision"),
    create=extend_schema(summary="Record the account's connection level"),
)
class ConnectionLevelDecisionViewSet(WorkspaceResourceViewSet):
    """The KAM's calls on each account's connection level, kept as history.

    The suggestion is computed when the decision is recorded; a level other than
    the suggestion needs a reason. Decisions are never changed or deleted.
    """

    model = ConnectionLevelDecision
    input_serializer_class = shapes.ConnectionLevelDecisionInput
    output_serializer_class = shapes.ConnectionLevelDecisionOutput
    filterset_class = ConnectionLevelDecisionFilter
    http_method_names = ["get", "post", "head", "options"]
    ordering = ["-decided_at", "-id"]

    def create_object(self, data: dict[str, Any]) -> Model:
        return connections.connection_level_decide(
            workspace=self.workspace,
            decided_by=self.request.user,
            **data,
        )
