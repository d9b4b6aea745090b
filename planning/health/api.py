"""Account health in the REST API: read every account's health, and override it.

``GET /api/v1/account-health/`` lists them (``?customer=`` for one account);
``rating`` is what people see (the manual override while it holds, else the
computed rating), ``reasons`` every signal with its evidence. ``PATCH`` with
``If-Match`` sets the override (rating, reason, until) or, with an empty
``override_rating``, removes it; the computed columns are read-only, written
only by the computation.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers

from kam.api.base import WorkspaceResourceViewSet
from kam.api.concurrency import OptimisticConcurrencyMixin
from kam.api.schema import resource_docs
from kam.changelog.services import person_name
from planning.health.selectors import effective_rating, override_holds
from planning.health.services import health_override_clear, health_override_set
from planning.models import AccountHealth, HealthRating


class HealthReasonOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    weight = serializers.DecimalField(max_digits=7, decimal_places=2)
    active = serializers.BooleanField(help_text="The signal fired: its weight counts.")
    unknown = serializers.BooleanField(
        help_text="Nothing to judge it by: listed, never counted as zero."
    )
    evidence = serializers.ListField(child=serializers.CharField())
    as_of = serializers.DateField(allow_null=True, help_text="Date of the data it rests on.")


class AccountHealthOutput(serializers.Serializer):
    id = serializers.IntegerField()
    customer = serializers.IntegerField(source="customer_id")
    rating = serializers.SerializerMethodField(
        help_text="What people see: the override while it holds, else the computed rating."
    )
    computed_rating = serializers.ChoiceField(choices=HealthRating.choices)
    computed_score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)
    reasons = HealthReasonOutput(many=True)
    override_rating = serializers.CharField(help_text="Empty when nobody set one.")
    override_reason = serializers.CharField()
    override_until = serializers.DateField(allow_null=True)
    override_by = serializers.SerializerMethodField()
    override_at = serializers.DateTimeField(allow_null=True)
    override_holds = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    def get_rating(self, row: AccountHealth) -> str:
        return effective_rating(row)

    def get_override_by(self, row: AccountHealth) -> str:
        return person_name(row.override_by) if row.override_by_id else ""

    def get_override_holds(self, row: AccountHealth) -> bool:
        return override_holds(row, timezone.localdate())


class AccountHealthInput(serializers.Serializer):
    override_rating = serializers.ChoiceField(
        choices=[("", "none"), "red", "amber", "green"],
        allow_blank=True,
        help_text="red, amber or green; empty removes the override.",
    )
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    override_until = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Required with a rating."
    )


class AccountHealthFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Account id.")

    class Meta:
        model = AccountHealth
        fields = ["customer"]


@extend_schema_view(**resource_docs("an account's health", "the health of key accounts"))
class AccountHealthViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
    """The health of key accounts, with every reason; the override is the only writable part."""

    model = AccountHealth
    input_serializer_class = AccountHealthInput
    output_serializer_class = AccountHealthOutput
    filterset_class = AccountHealthFilter
    ordering_fields = ["id", "computed_at"]
    ordering = ["id"]
    http_method_names = ["get", "patch", "head", "options"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("customer", "override_by")

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        rating = data.get("override_rating", instance.override_rating)
        if not rating:
            return health_override_clear(
                workspace=self.workspace,
                customer=instance.customer,
                expected_version=self.expected_version,
            )
        try:
            return health_override_set(
                workspace=self.workspace,
                customer=instance.customer,
                rating=rating,
                reason=data.get("override_reason", ""),
                until=data.get("override_until"),
                expected_version=self.expected_version,
                user=self.request.user,
            )
        except ValidationError as error:
            # The service names the form's fields; the API's carry the override_ prefix.
            raise ValidationError(
                {f"override_{name}": messages for name, messages in error.message_dict.items()}
            ) from None
