"""Opportunities, value drivers, contributors and tasks in the REST API.

Reads need VIEW, writes EDIT_ACCOUNTS. Versioned rows (opportunities, value
drivers, tasks) answer with an ``ETag`` and need ``If-Match`` to change (see
``kam.api.concurrency``). Writes go through the modules of :mod:`planning.opportunities.services`,
so a cell, member or stakeholder of another account is refused with the same
message as on the pages (400), and a bad formula gets its message on ``formula``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_view

from kam.api.rows import RowServices, VersionedRowViewSet
from kam.api.schema import resource_docs
from planning.models import (
    Opportunity,
    OpportunityContributor,
    OpportunityState,
    OpportunityTask,
    ValueDriver,
)
from planning.opportunities import selectors
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
from planning.opportunities.services import contributors, opportunities, tasks, value_drivers
from selling_center.models import BuyingStage


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


@extend_schema_view(**resource_docs("an opportunity", "opportunities"))
class OpportunityViewSet(VersionedRowViewSet):
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
    ordering_fields = ["id", "expected_close", "value", "probability", "updated_at"]
    ordering = ["id"]

    writes = RowServices(
        create=opportunities.opportunity_create,
        update=opportunities.opportunity_update,
        delete=opportunities.opportunity_delete,
        row="opportunity",
        parent="customer",
        moved="An opportunity cannot move to another customer; create a new one.",
    )


class _RowFilter(django_filters.FilterSet):
    opportunity = django_filters.NumberFilter(field_name="opportunity_id")
    customer = django_filters.NumberFilter(field_name="opportunity__customer_id")


class ValueDriverFilter(_RowFilter):
    class Meta:
        model = ValueDriver
        fields = ["opportunity", "customer"]


@extend_schema_view(**resource_docs("a value driver", "value drivers"))
class ValueDriverViewSet(VersionedRowViewSet):
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

    writes = RowServices(
        create=value_drivers.value_driver_create,
        update=value_drivers.value_driver_update,
        delete=value_drivers.value_driver_delete,
        row="value_driver",
        parent="opportunity",
        moved="A value driver cannot move to another opportunity; create a new one.",
    )


class OpportunityContributorFilter(_RowFilter):
    class Meta:
        model = OpportunityContributor
        fields = ["opportunity", "customer"]


@extend_schema_view(**resource_docs("a contributor", "contributors"))
class OpportunityContributorViewSet(VersionedRowViewSet):
    """Selling-center members lent to an opportunity for a while (same account only)."""

    model = OpportunityContributor
    input_serializer_class = OpportunityContributorInput
    output_serializer_class = OpportunityContributorOutput
    filterset_class = OpportunityContributorFilter
    ordering_fields = ["id"]
    ordering = ["id"]

    writes = RowServices(
        create=contributors.contributor_create,
        update=contributors.contributor_update,
        delete=contributors.contributor_delete,
        row="contributor",
        parent="opportunity",
        moved="A contributor cannot move to another opportunity; create a new one.",
    )


class OpportunityTaskFilter(_RowFilter):
    class Meta:
        model = OpportunityTask
        fields = ["opportunity", "customer"]


@extend_schema_view(**resource_docs("a task", "tasks"))
class OpportunityTaskViewSet(VersionedRowViewSet):
    """Tasks of an opportunity: title, owner (a workspace member), due date, open or done.

    A task is an action of the opportunity's account with the opportunity linked;
    `/api/v1/actions/` lists the same rows with every field of an action.
    """

    model = OpportunityTask
    input_serializer_class = OpportunityTaskInput
    output_serializer_class = OpportunityTaskOutput
    filterset_class = OpportunityTaskFilter
    ordering_fields = ["id", "due_date"]
    ordering = ["id"]

    writes = RowServices(
        create=tasks.task_create,
        update=tasks.task_update,
        delete=tasks.task_delete,
        row="task",
        parent="opportunity",
        moved="A task cannot move to another opportunity; create a new one.",
    )

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Only the actions that belong to an opportunity are its tasks.
        return queryset.filter(opportunity__isnull=False)
