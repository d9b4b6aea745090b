"""Customers, offerings and sales lines in the REST API (``/api/v1/``).

Reads need VIEW, writes MANAGE_DATA. Customers are versioned: ``ETag`` on
reads, ``If-Match`` required on updates (see ``kam.api.concurrency``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Model
from drf_spectacular.utils import extend_schema, extend_schema_view

from accounts import services
from accounts.models import Customer, CustomerStatus, Offering, SalesLine
from accounts.serializers import (
    TIER_CHOICES,
    CustomerInput,
    CustomerOutput,
    OfferingInput,
    OfferingOutput,
    SalesLineInput,
    SalesLineOutput,
)
from kam.api.base import WorkspaceResourceViewSet
from kam.api.concurrency import OptimisticConcurrencyMixin
from kam.permissions import Capability


def _resource_docs(noun: str, plural: str) -> dict[str, Any]:
    return {
        "list": extend_schema(summary=f"List {plural}"),
        "retrieve": extend_schema(summary=f"Get one {noun}"),
        "create": extend_schema(summary=f"Create a {noun}"),
        "update": extend_schema(summary=f"Replace a {noun}"),
        "partial_update": extend_schema(summary=f"Change some fields of a {noun}"),
        "destroy": extend_schema(summary=f"Delete a {noun}"),
    }


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


@extend_schema_view(**_resource_docs("customer", "customers"))
class CustomerViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
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

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.customer_create(workspace=self.workspace, **data)

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        return services.customer_update(
            workspace=self.workspace,
            customer=instance,
            expected_version=self.expected_version,
            **data,
        )

    def delete_object(self, instance: Any) -> None:
        services.customer_delete(
            workspace=self.workspace, customer=instance, expected_version=self.expected_version
        )


class OfferingFilter(django_filters.FilterSet):
    business_unit = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Offering
        fields = ["business_unit"]


@extend_schema_view(**_resource_docs("offering", "offerings"))
class OfferingViewSet(WorkspaceResourceViewSet):
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

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.offering_create(workspace=self.workspace, **data)

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        return services.offering_update(workspace=self.workspace, offering=instance, **data)

    def delete_object(self, instance: Any) -> None:
        services.offering_delete(workspace=self.workspace, offering=instance)


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


@extend_schema_view(**_resource_docs("sales line", "sales lines"))
class SalesLineViewSet(WorkspaceResourceViewSet):
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

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.sales_line_create(workspace=self.workspace, **data)

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        return services.sales_line_update(workspace=self.workspace, sales_line=instance, **data)

    def delete_object(self, instance: Any) -> None:
        services.sales_line_delete(workspace=self.workspace, sales_line=instance)
