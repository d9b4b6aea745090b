"""Customers, offerings and sales lines in the REST API (``/api/v1/``).

Reads need VIEW, writes MANAGE_DATA. Customers are versioned: ``ETag`` on
reads, ``If-Match`` required on updates (see ``kam.api.concurrency``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, OuterRef, QuerySet, Subquery
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import exchange_rates, services, valuation_settings
from accounts.models import (
    Customer,
    CustomerScore,
    CustomerStatus,
    ExchangeRate,
    Offering,
    Quadrant,
    SalesLine,
    SelectionDecision,
    SelectionReview,
    ValuationSettings,
)
from accounts.serializers import (
    TIER_CHOICES,
    CustomerInput,
    CustomerOutput,
    CustomerScoreOutput,
    ExchangeRateInput,
    ExchangeRateOutput,
    MissingRateOutput,
    OfferingInput,
    OfferingOutput,
    SalesLineInput,
    SalesLineOutput,
    SelectionDecisionInput,
    SelectionDecisionOutput,
    SelectionRefusedOutput,
    SelectionReviewOutput,
    ValuationSettingsInput,
    ValuationSettingsOutput,
)
from kam.api.base import WorkspaceResourceViewSet, WorkspaceViewSet
from kam.api.concurrency import OptimisticConcurrencyMixin
from kam.api.rows import RowServices, ServiceRowViewSet, VersionedRowViewSet
from kam.api.schema import resource_docs
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceApiRequest


class CustomerFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=CustomerStatus.choices, help_text="Repeat to match several statuses."
    )
    region = django_filters.CharFilter(lookup_expr="iexact", help_text="Exact, any case.")
    industry = django_filters.CharFilter(lookup_expr="iexact", help_text="Exact, any case.")
    tier = django_filters.TypedChoiceFilter(choices=TIER_CHOICES, coerce=int)
    owner = django_filters.NumberFilter(field_name="owner_id", help_text="User id of the owner.")

    class Meta:
        model = Customer
        fields = ["status", "region", "industry", "tier", "owner"]


@extend_schema_view(**resource_docs("a customer", "customers"))
class CustomerViewSet(VersionedRowViewSet):
    """Customers of the workspace.

    Every customer carries a `version`, returned as the `ETag` header. To change
    one, send that value back in `If-Match`; if someone else changed the
    customer in the meantime the answer is 412 with the current customer.
    """

    model = Customer
    input_serializer_class = CustomerInput
    output_serializer_class = CustomerOutput
    read_capability = Capability.VIEW
    write_capability = Capability.MANAGE_DATA
    filterset_class = CustomerFilter
    search_fields = ["name", "external_id", "parent_group"]
    ordering_fields = ["name", "external_id", "tier", "status", "region", "created_at"]
    ordering = ["name"]

    writes = RowServices(
        create=services.customer_create,
        update=services.customer_update,
        delete=services.customer_delete,
        row="customer",
    )


class OfferingFilter(django_filters.FilterSet):
    business_unit = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Offering
        fields = ["business_unit"]


@extend_schema_view(**resource_docs("an offering", "offerings"))
class OfferingViewSet(ServiceRowViewSet):
    """The supplier's product lines, grouped by business unit."""

    model = Offering
    input_serializer_class = OfferingInput
    output_serializer_class = OfferingOutput
    read_capability = Capability.VIEW
    write_capability = Capability.MANAGE_DATA
    filterset_class = OfferingFilter
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code", "business_unit"]
    ordering = ["business_unit", "name"]

    writes = RowServices(
        create=services.offering_create,
        update=services.offering_update,
        delete=services.offering_delete,
        row="offering",
    )


class SalesLineFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id.")
    offering = django_filters.NumberFilter(field_name="offering_id", help_text="Offering id.")
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", help_text="On or after this date (YYYY-MM-DD)."
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", help_text="On or before this date (YYYY-MM-DD)."
    )
    currency = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = SalesLine
        fields = ["customer", "offering", "date_from", "date_to", "currency"]


@extend_schema_view(**resource_docs("a sales line", "sales lines"))
class SalesLineViewSet(ServiceRowViewSet):
    """Invoiced sales lines; returns and credit notes are negative lines."""

    model = SalesLine
    input_serializer_class = SalesLineInput
    output_serializer_class = SalesLineOutput
    read_capability = Capability.VIEW
    write_capability = Capability.MANAGE_DATA
    filterset_class = SalesLineFilter
    search_fields = ["customer__name", "source_key", "segment"]
    ordering_fields = ["date", "net_sales", "customer__name"]
    ordering = ["-date"]

    writes = RowServices(
        create=services.sales_line_create,
        update=services.sales_line_update,
        delete=services.sales_line_delete,
        row="sales_line",
    )


# -- valuation settings ------------------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(summary="Get the valuation settings"),
    update=extend_schema(summary="Replace the valuation settings"),
    partial_update=extend_schema(summary="Change some valuation settings"),
)
class ValuationSettingsViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
    """The workspace's one set of valuation settings (CLV, quadrant, weights, currency).

    Versioned: send the `ETag` back as `If-Match` to change them. Values out of
    range are refused with a message naming the setting and its range. A change
    marks every customer's scores for recompute.
    """

    model = ValuationSettings
    input_serializer_class = ValuationSettingsInput
    output_serializer_class = ValuationSettingsOutput
    read_capability = Capability.VIEW
    write_capability = Capability.MANAGE_SETTINGS
    pagination_class = None

    def safely_get_object(self) -> ValuationSettings:
        settings = valuation_settings.valuation_settings_get(workspace=self.workspace)
        settings.workspace = self.workspace
        return settings

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        settings = valuation_settings.valuation_settings_update(
            workspace=self.workspace,
            expected_version=self.expected_version,
            changes=data,
            user=self.request.user,
        )
        settings.workspace = self.workspace
        return settings


# -- exchange rates -----------------------------------------------------------------


class ExchangeRateFilter(django_filters.FilterSet):
    currency = django_filters.CharFilter(lookup_expr="iexact")
    on = django_filters.DateFilter(
        method="filter_on", help_text="Only the rate of each currency that holds on this day."
    )

    class Meta:
        model = ExchangeRate
        fields = ["currency", "on"]

    def filter_on(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        latest = (
            ExchangeRate.objects.filter(
                workspace=OuterRef("workspace"),
                currency=OuterRef("currency"),
                valid_from__lte=value,
            )
            .order_by("-valid_from")
            .values("pk")[:1]
        )
        return queryset.filter(valid_from__lte=value, pk=Subquery(latest))


@extend_schema_view(
    **resource_docs("an exchange rate", "exchange rates"),
    missing=extend_schema(
        summary="Currencies lacking a rate for some sales",
        responses=MissingRateOutput(many=True),
    ),
)
class ExchangeRateViewSet(WorkspaceResourceViewSet):
    """Dated rates to the reporting currency; a rate holds until the currency's next one."""

    model = ExchangeRate
    input_serializer_class = ExchangeRateInput
    output_serializer_class = ExchangeRateOutput
    read_capability = Capability.VIEW
    write_capability = Capability.MANAGE_SETTINGS
    filterset_class = ExchangeRateFilter
    ordering_fields = ["currency", "valid_from"]
    ordering = ["currency", "-valid_from"]

    def create_object(self, data: dict[str, Any]) -> Model:
        return exchange_rates.exchange_rate_set(
            workspace=self.workspace, user=self.request.user, **data
        )

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        merged = {
            "currency": instance.currency,
            "valid_from": instance.valid_from,
            "rate": instance.rate,
            **data,
        }
        return exchange_rates.exchange_rate_update(
            workspace=self.workspace, exchange_rate=instance, user=self.request.user, **merged
        )

    def delete_object(self, instance: Any) -> None:
        exchange_rates.exchange_rate_delete(
            workspace=self.workspace, exchange_rate=instance, user=self.request.user
        )

    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def missing(self, request: Request) -> Response:
        """Each currency of the sales lines with lines dated before its first rate."""
        gaps = exchange_rates.missing_rate_gaps(workspace=self.workspace)
        return Response(MissingRateOutput(gaps, many=True).data)


# -- scores ---------------------------------------------------------------------------


class CustomerScoreFilter(django_filters.FilterSet):
    quadrant = django_filters.MultipleChoiceFilter(
        choices=Quadrant.choices, help_text="Repeat to match several quadrants."
    )
    status = django_filters.MultipleChoiceFilter(
        field_name="customer__status",
        choices=CustomerStatus.choices,
        help_text="The customer's status; repeat to match several.",
    )
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id.")

    class Meta:
        model = CustomerScore
        fields = ["quadrant", "status", "customer"]


@extend_schema_view(
    list=extend_schema(summary="List customer scores"),
    retrieve=extend_schema(summary="Get one customer score"),
)
class CustomerScoreViewSet(WorkspaceResourceViewSet):
    """Computed scores, one per customer: read-only, written by the recompute job.

    `recomputing` is true while the customer's inputs changed since the score
    was computed; `computed_at` gives its age.
    """

    model = CustomerScore
    output_serializer_class = CustomerScoreOutput
    http_method_names = ["get", "head", "options"]
    read_capability = Capability.VIEW
    filterset_class = CustomerScoreFilter
    search_fields = ["customer__name", "customer__external_id"]
    ordering_fields = ["composite", "revenue_rank", "revenue_3y", "margin_3y", "clv_contractual"]
    ordering = ["revenue_rank"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("customer")


# -- selection ---------------------------------------------------------------------


class SelectionDecisionFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id.")
    to_status = django_filters.ChoiceFilter(choices=CustomerStatus.choices)

    class Meta:
        model = SelectionDecision
        fields = ["customer", "to_status"]


_DECISION_DOCS: dict[str, Any] = {
    "request": SelectionDecisionInput,
    "responses": {201: SelectionDecisionOutput, 400: SelectionRefusedOutput},
}


@extend_schema_view(
    list=extend_schema(summary="List promote and demote decisions"),
    retrieve=extend_schema(summary="Get one selection decision"),
    promote=extend_schema(summary="Promote a customer to key account", **_DECISION_DOCS),
    demote=extend_schema(summary="Demote a key account or candidate", **_DECISION_DOCS),
)
class SelectionDecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    """The history of the key-account program: every promote and demote with its reason.

    Decisions are made with `promote` and `demote`, never created directly. A
    decision the program's rules warn about (not a friend, too many key
    accounts, a KAM holding too many) is refused with the warnings until it is
    sent again with `acknowledge_warnings: true`.
    """

    model = SelectionDecision
    output_serializer_class = SelectionDecisionOutput
    input_serializer_class = SelectionDecisionInput
    read_capability = Capability.VIEW
    write_capability = Capability.MANAGE_SELECTION
    filterset_class = SelectionDecisionFilter
    ordering_fields = ["decided_at"]
    ordering = ["-decided_at", "-id"]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return self.output_serializer_class

    def _decide(self, request: WorkspaceApiRequest, *, promote: bool) -> Response:
        from accounts import selection  # the selection service arrives in a parallel change

        data = SelectionDecisionInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        customer = data.validated_data["customer"]
        decide = selection.customer_promote if promote else selection.customer_demote
        try:
            decision = decide(
                workspace=self.workspace,
                customer=customer,
                reason=data.validated_data["reason"],
                user=request.user,
                acknowledge_warnings=data.validated_data["acknowledge_warnings"],
            )
        except DjangoValidationError as error:
            errors = error.message_dict
            warnings: list[str] = []
            if "acknowledge_warnings" in errors:
                warnings = selection.selection_warnings(
                    workspace=self.workspace,
                    customer=customer,
                    to_status=CustomerStatus.KEY_ACCOUNT
                    if promote
                    else selection.DEMOTE_TO.get(customer.status, CustomerStatus.CUSTOMER),
                )
            return Response(
                {
                    "detail": " ".join(warnings) or "The decision was refused; see errors.",
                    "errors": errors,
                    "warnings": warnings,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        output = SelectionDecisionOutput(decision, context=self.get_serializer_context())
        return Response(output.data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"])
    def promote(self, request: WorkspaceApiRequest) -> Response:
        """Make the customer a key account, with the reason kept in the history."""
        return self._decide(request, promote=True)

    @action(detail=False, methods=["post"])
    def demote(self, request: WorkspaceApiRequest) -> Response:
        """Take a key account out of the program (a candidate off the list)."""
        return self._decide(request, promote=False)


@extend_schema_view(
    list=extend_schema(summary="List quarterly selection reviews"),
    retrieve=extend_schema(summary="Get one selection review"),
)
class SelectionReviewViewSet(WorkspaceResourceViewSet):
    """Quarterly reviews of the program, with what it looked like when each was closed."""

    model = SelectionReview
    output_serializer_class = SelectionReviewOutput
    http_method_names = ["get", "head", "options"]
    read_capability = Capability.VIEW
    ordering_fields = ["held_at", "period"]
    ordering = ["-held_at"]
