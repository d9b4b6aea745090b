"""Opportunities, value drivers, contributors and tasks in the REST API.

Reads need VIEW, writes EDIT_ACCOUNTS. Versioned rows (opportunities, value
drivers, tasks) answer with an ``ETag`` and need ``If-Match`` to change (see
``kam.api.concurrency``). Writes go through :mod:`planning.opportunities.services`,
so a cell, member or stakeholder of another account is refused with the same
message as on the pages (400), and a bad formula gets its message on ``formula``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from kam.api.base import WorkspaceResourceViewSet
from kam.api.concurrency import OptimisticConcurrencyMixin
from kam.permissions import Capability
from planning.models import (
    Opportunity,
    OpportunityContributor,
    OpportunityState,
    OpportunityTask,
    ValueDriver,
)
from planning.opportunities import selectors, services
from planning.opportunities.serializers import (
    OpportunityContributorInput,
    OpportunityContributorOutput,
    OpportunityInput,
    OpportunityOutput,
    OpportunityTaskInput,
    OpportunityTaskOutput,
    ValueDriverInput,
    ValueDriverOutput,
)
from selling_center.models import BuyingStage


def _docs(noun: str, plural: str) -> dict[str, Any]:
    return {
        "list": extend_schema(summary=f"List {plural}"),
        "retrieve": extend_schema(summary=f"Get one {noun}"),
        "create": extend_schema(summary=f"Create {noun}"),
        "update": extend_schema(summary=f"Replace {noun}"),
        "partial_update": extend_schema(summary=f"Change some fields of {noun}"),
        "destroy": extend_schema(summary=f"Delete {noun}"),
    }


def _same(instance: Any, data: dict[str, Any], field: str, noun: str) -> None:
    target = data.pop(field, None)
    if target is not None and target.pk != getattr(instance, f"{field}_id"):
        raise ValidationError({field: f"{noun} cannot move to another {field}; create a new one."})


class OpportunityFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Account id.")
    state = django_filters.ChoiceFilter(choices=OpportunityState.choices)
    buying_stage = django_filters.ChoiceFilter(choices=BuyingStage.choices)
    owner = django_filters.NumberFilter(field_name="owner_id", help_text="User id of the owner.")
    qualified = django_filters.BooleanFilter(
        method="filter_qualified", help_text="true: all four CABS checkpoints hold."
    )

    class Meta:
        model = Opportunity
        fields = ["customer", "state", "buying_stage", "owner", "qualified"]

    def filter_qualified(
        self, queryset: QuerySet[Opportunity], name: str, value: bool | None
    ) -> QuerySet[Opportunity]:
        if value is None:
            return queryset
        return queryset.filter(selectors.qualified_q(value))


@extend_schema_view(**_docs("an opportunity", "opportunities"))
class OpportunityViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
    """Opportunities of key accounts (KAMP).

    A CABS checkpoint can only be true with its evidence text. The Open Space
    cell and the owner must belong to the opportunity's own account and
    workspace. `warnings` lists what did not stop the save (an expected close
    in the past on an open opportunity).
    """

    model = Opportunity
    input_serializer_class = OpportunityInput
    output_serializer_class = OpportunityOutput
    filterset_class = OpportunityFilter
    read_capability = Capability.VIEW
    write_capability = Capability.EDIT_ACCOUNTS
    ordering_fields = ["id", "expected_close", "value", "probability", "updated_at"]
    ordering = ["id"]

    def create_object(self, data: dict[str, Any]) -> Model:
        customer = data.pop("customer")
        return services.opportunity_create(workspace=self.workspace, customer=customer, **data)

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        _same(instance, data, "customer", "An opportunity")
        return services.opportunity_update(
            workspace=self.workspace,
            opportunity=instance,
            expected_version=self.expected_version,
            **data,
        )

    def delete_object(self, instance: Any) -> None:
        services.opportunity_delete(
            workspace=self.workspace, opportunity=instance, expected_version=self.expected_version
        )


class _RowFilter(django_filters.FilterSet):
    opportunity = django_filters.NumberFilter(field_name="opportunity_id")
    customer = django_filters.NumberFilter(field_name="opportunity__customer_id")


class ValueDriverFilter(_RowFilter):
    class Meta:
        model = ValueDriver
        fields = ["opportunity", "customer"]


@extend_schema_view(**_docs("a value driver", "value drivers"))
class ValueDriverViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
    """Value quantification: a driver, its metric owner, a formula over named inputs.

    `result` is computed on every save (never by `eval`). A formula naming an
    unknown input, dividing by zero or not parsing is refused with a 400 whose
    message is on `formula`.
    """

    model = ValueDriver
    input_serializer_class = ValueDriverInput
    output_serializer_class = ValueDriverOutput
    filterset_class = ValueDriverFilter
    ordering_fields = ["id"]
    ordering = ["id"]

    def create_object(self, data: dict[str, Any]) -> Model:
        opportunity = data.pop("opportunity")
        return services.value_driver_create(
            workspace=self.workspace, opportunity=opportunity, **data
        )

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        _same(instance, data, "opportunity", "A value driver")
        return services.value_driver_update(
            workspace=self.workspace,
            value_driver=instance,
            expected_version=self.expected_version,
            **data,
        )

    def delete_object(self, instance: Any) -> None:
        services.value_driver_delete(
            workspace=self.workspace, value_driver=instance, expected_version=self.expected_version
        )


class OpportunityContributorFilter(_RowFilter):
    class Meta:
        model = OpportunityContributor
        fields = ["opportunity", "customer"]


@extend_schema_view(**_docs("a contributor", "contributors"))
class OpportunityContributorViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
    """Selling-center members lent to an opportunity for a while (same account only)."""

    model = OpportunityContributor
    input_serializer_class = OpportunityContributorInput
    output_serializer_class = OpportunityContributorOutput
    filterset_class = OpportunityContributorFilter
    ordering_fields = ["id"]
    ordering = ["id"]

    def create_object(self, data: dict[str, Any]) -> Model:
        opportunity = data.pop("opportunity")
        return services.contributor_create(
            workspace=self.workspace, opportunity=opportunity, **data
        )

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        _same(instance, data, "opportunity", "A contributor")
        return services.contributor_update(
            workspace=self.workspace,
            contributor=instance,
            expected_version=self.expected_version,
            **data,
        )

    def delete_object(self, instance: Any) -> None:
        services.contributor_delete(
            workspace=self.workspace, contributor=instance, expected_version=self.expected_version
        )


class OpportunityTaskFilter(_RowFilter):
    class Meta:
        model = OpportunityTask
        fields = ["opportunity", "customer"]


@extend_schema_view(**_docs("a task", "tasks"))
class OpportunityTaskViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
    """Tasks of an opportunity: title, owner (a workspace member), due date, open or done."""

    model = OpportunityTask
    input_serializer_class = OpportunityTaskInput
    output_serializer_class = OpportunityTaskOutput
    filterset_class = OpportunityTaskFilter
    ordering_fields = ["id", "due_date"]
    ordering = ["id"]

    def create_object(self, data: dict[str, Any]) -> Model:
        opportunity = data.pop("opportunity")
        return services.task_create(workspace=self.workspace, opportunity=opportunity, **data)

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        _same(instance, data, "opportunity", "A task")
        return services.task_update(
            workspace=self.workspace,
            task=instance,
            expected_version=self.expected_version,
            **data,
        )

    def delete_object(self, instance: Any) -> None:
        services.task_delete(
            workspace=self.workspace, task=instance, expected_version=self.expected_version
        )
