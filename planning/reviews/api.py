"""Review meetings and their frozen snapshots in the REST API.

``/api/v1/reviews/``: reads need VIEW, writes EDIT_ACCOUNTS; every change names
the version read (``If-Match``) and goes through :mod:`planning.reviews.services`,
so a closed review refuses changes with the pages' message.
``/api/v1/review-snapshots/``: read-only; a snapshot is never changed.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.api.base import WorkspaceResourceViewSet
from kam.api.fields import WorkspaceMemberField, WorkspaceRelatedField
from kam.api.rows import RowServices, VersionedRowViewSet
from kam.api.schema import resource_docs
from kam.permissions import Capability
from planning.analysis.serializers import named_choice
from planning.models import Review, ReviewAttendee, ReviewKind, ReviewSnapshot, ReviewStatus
from planning.reviews import services


class ReviewInput(serializers.Serializer):
    customer = WorkspaceRelatedField(
        Customer, help_text="Id of the account; it cannot change once created."
    )
    kind = named_choice("ReviewKindEnum", ReviewKind)
    scheduled_on = serializers.DateField()
    status = serializers.ChoiceField(
        choices=[(ReviewStatus.SCHEDULED, "Scheduled"), (ReviewStatus.CANCELLED, "Cancelled")],
        required=False,
        help_text="Scheduled or cancelled; a review becomes held when it is closed on its page.",
    )
    agenda = serializers.CharField(required=False, allow_blank=True)
    minutes = serializers.CharField(required=False, allow_blank=True)
    our_attendees = serializers.ListField(
        child=WorkspaceMemberField(), required=False, help_text="User ids of our people."
    )
    customer_attendees = serializers.ListField(
        child=WorkspaceRelatedField(Stakeholder),
        required=False,
        help_text="Stakeholder ids of the account's buying center.",
    )


class ReviewOutput(serializers.ModelSerializer):
    kind = named_choice("ReviewKindEnum", ReviewKind, read_only=True)
    status = named_choice("ReviewStatusEnum", ReviewStatus, read_only=True)
    our_attendees = serializers.SerializerMethodField(help_text="User ids of our people.")
    customer_attendees = serializers.SerializerMethodField(
        help_text="Stakeholder ids of the customer's people."
    )
    snapshot = serializers.SerializerMethodField(help_text="Id of the frozen snapshot, if started.")

    class Meta:
        model = Review
        fields = [
            "id",
            "customer",
            "kind",
            "scheduled_on",
            "held_on",
            "status",
            "agenda",
            "minutes",
            "our_attendees",
            "customer_attendees",
            "snapshot",
            "started_at",
            "closed_by",
            "closed_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_our_attendees(self, review: Review) -> list[int]:
        return [a.user_id for a in review.attendees.all() if a.user_id is not None]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_customer_attendees(self, review: Review) -> list[int]:
        return [a.stakeholder_id for a in review.attendees.all() if a.stakeholder_id is not None]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_snapshot(self, review: Review) -> int | None:
        snapshots = list(review.snapshots.all())
        return snapshots[0].pk if snapshots else None


class ReviewFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Account id.")
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices)
    kind = django_filters.ChoiceFilter(choices=ReviewKind.choices)

    class Meta:
        model = Review
        fields = ["customer", "status", "kind"]


@extend_schema_view(**resource_docs("a review", "reviews"))
class ReviewViewSet(VersionedRowViewSet):
    """Review meetings of key accounts: kind, day, attendees from both sides, agenda.

    Closing a review (on its page) records the day it was held and locks it: a
    closed review refuses every change with a 400 that says so.
    """

    model = Review
    input_serializer_class = ReviewInput
    output_serializer_class = ReviewOutput
    filterset_class = ReviewFilter
    ordering_fields = ["id", "scheduled_on", "updated_at"]
    ordering = ["id"]

    writes = RowServices(
        create=services.review_create,
        update=services.review_update,
        delete=services.review_delete,
        row="review",
        parent="customer",
        moved="A review cannot move to another account; schedule a new one.",
    )

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.prefetch_related(
            Prefetch("attendees", queryset=ReviewAttendee.objects.order_by("pk")),
            Prefetch("snapshots", queryset=ReviewSnapshot.objects.only("pk", "review_id")),
        )


class ReviewSnapshotOutput(serializers.ModelSerializer):
    class Meta:
        model = ReviewSnapshot
        fields = [
            "id",
            "review",
            "schema_version",
            "taken_at",
            "taken_by",
            "content",
            "content_hash",
        ]
        read_only_fields = fields


class ReviewSnapshotFilter(django_filters.FilterSet):
    review = django_filters.NumberFilter(field_name="review_id", help_text="Review id.")
    customer = django_filters.NumberFilter(
        field_name="review__customer_id", help_text="Account id."
    )

    class Meta:
        model = ReviewSnapshot
        fields = ["review", "customer"]


@extend_schema_view(
    list=extend_schema(summary="List review snapshots"),
    retrieve=extend_schema(summary="Get a review snapshot"),
)
class ReviewSnapshotViewSet(WorkspaceResourceViewSet):
    """The plan as it stood when a review started: schema-versioned JSON and its sha256.

    Read-only: a snapshot is taken once, when its review starts, and never changes.
    """

    model = ReviewSnapshot
    output_serializer_class = ReviewSnapshotOutput
    http_method_names = ["get", "head", "options"]
    read_capability = Capability.VIEW
    filterset_class = ReviewSnapshotFilter
    ordering_fields = ["id", "taken_at"]
    ordering = ["id"]
