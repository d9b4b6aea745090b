"""Stakeholders, influence links and the stakeholder history in the REST API (``/api/v1/``).

Reads need VIEW, writes EDIT_ACCOUNTS. Stakeholders are versioned: ``ETag`` on
reads, ``If-Match`` required on updates (see ``kam.api.concurrency``). The
history of assessed attributes is read-only: it is written by the services.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.request import Request

from buying_center import services
from buying_center.models import InfluenceLink, Stakeholder, StakeholderChange
from buying_center.serializers import (
    InfluenceLinkInput,
    InfluenceLinkOutput,
    InfluenceLinkUpdateInput,
    StakeholderChangeOutput,
    StakeholderInput,
    StakeholderOutput,
)
from kam.api.base import WorkspaceViewSet
from kam.api.rows import RowServices, ServiceRowViewSet, VersionedRowViewSet
from kam.api.schema import resource_docs


class StakeholderFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Account id.")
    owner = django_filters.NumberFilter(
        field_name="owner_id", help_text="Selling-center member id."
    )
    reports_to = django_filters.NumberFilter(
        field_name="reports_to_id", help_text="Stakeholder id of the manager."
    )

    class Meta:
        model = Stakeholder
        fields = ["customer", "owner", "reports_to"]


@extend_schema_view(**resource_docs("a stakeholder", "stakeholders"))
class StakeholderViewSet(VersionedRowViewSet):
    """People in the buying centers of key accounts.

    Every stakeholder carries a `version`, returned as the `ETag` header. To
    change one, send it back in `If-Match`; if someone else changed the person
    meanwhile the answer is 412 with the current stakeholder. Changing an
    assessed attribute (score, attitude, zone, roles, promoter type, opponent
    influencer, dominant advisor, meeting frequency, owner) is recorded in
    `stakeholder-changes` and sets `assessed_at`.
    """

    model = Stakeholder
    input_serializer_class = StakeholderInput
    output_serializer_class = StakeholderOutput
    filterset_class = StakeholderFilter
    search_fields = ["name", "title", "function", "site"]
    ordering_fields = ["name", "relationship_score", "assessed_at", "created_at"]
    ordering = ["name"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("customer")

    writes = RowServices(
        create=services.stakeholder_create,
        update=services.stakeholder_update,
        delete=services.stakeholder_delete,
        row="stakeholder",
        parent="customer",
        moved="A stakeholder cannot move to another account; create a new one.",
        actor="changed_by",
    )


class InfluenceLinkFilter(django_filters.FilterSet):
    source = django_filters.NumberFilter(field_name="source_id", help_text="Stakeholder id.")
    target = django_filters.NumberFilter(field_name="target_id", help_text="Stakeholder id.")
    customer = django_filters.NumberFilter(
        field_name="source__customer_id", help_text="Account id."
    )

    class Meta:
        model = InfluenceLink
        fields = ["source", "target", "customer"]


@extend_schema_view(
    **resource_docs("an influence link", "influence links"),
)
class InfluenceLinkViewSet(ServiceRowViewSet):
    """Who influences whom in a buying center, with a strength from 1 (weak) to 3 (strong).

    Source and target are fixed once created; change the strength or notes, or
    delete the link and create another.
    """

    model = InfluenceLink
    input_serializer_class = InfluenceLinkInput
    output_serializer_class = InfluenceLinkOutput
    filterset_class = InfluenceLinkFilter
    ordering_fields = ["strength", "id"]
    ordering = ["id"]

    def validated_input(self, request: Request, *, partial: bool = False) -> dict[str, Any]:
        serializer_class = (
            InfluenceLinkInput if self.action == "create" else InfluenceLinkUpdateInput
        )
        serializer = serializer_class(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("source", "target")

    writes = RowServices(
        create=services.influence_link_create,
        update=services.influence_link_update,
        delete=services.influence_link_delete,
        row="link",
    )


# Spectacular documents PUT/PATCH with the input serializer of the viewset;
# influence links take the narrower update shape there.
InfluenceLinkViewSet.update = extend_schema(  # type: ignore[method-assign]
    summary="Replace the strength and notes of an influence link", request=InfluenceLinkUpdateInput
)(InfluenceLinkViewSet.update)
InfluenceLinkViewSet.partial_update = extend_schema(  # type: ignore[method-assign]
    summary="Change the strength or notes of an influence link", request=InfluenceLinkUpdateInput
)(InfluenceLinkViewSet.partial_update)


class StakeholderChangeFilter(django_filters.FilterSet):
    stakeholder = django_filters.NumberFilter(field_name="stakeholder_id")
    field = django_filters.CharFilter(help_text="e.g. relationship_score")

    class Meta:
        model = StakeholderChange
        fields = ["stakeholder", "field"]


@extend_schema_view(
    list=extend_schema(summary="List changes of assessed stakeholder attributes"),
    retrieve=extend_schema(summary="Get one stakeholder change"),
)
class StakeholderChangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    """The dated, attributed history of assessed attributes (read-only).

    Relationship scores are written as numbers (-2 to 2), roles as a
    comma-separated list, the owner by name.
    """

    model = StakeholderChange
    serializer_class = StakeholderChangeOutput
    filterset_class = StakeholderChangeFilter
    ordering_fields = ["changed_at", "id"]
    ordering = ["-changed_at", "-id"]
