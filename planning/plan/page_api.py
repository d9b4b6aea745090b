"""The plan, its texts and the satisfaction entries in the REST API.

Reads need VIEW, writes EDIT_ACCOUNTS; every write names the version it read
(``If-Match``) and goes through :mod:`planning.plan.services`, so the API refuses
what the page refuses, with the same messages. A plan has no delete: it lives as
long as its account. A text has no delete either: empty it instead.
"""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema_view

from kam.api.rows import RowServices, VersionedRowViewSet
from kam.api.schema import resource_docs
from planning.models import AccountPlan, PlanText, PlanTopic, SatisfactionEntry
from planning.plan.serializers import (
    AccountPlanInput,
    AccountPlanOutput,
    PlanTextInput,
    PlanTextOutput,
    SatisfactionEntryInput,
    SatisfactionEntryOutput,
)
from planning.plan.services import plans, satisfaction, texts

_NO_DELETE = ["get", "post", "put", "patch", "head", "options"]


def _never(**_: Any) -> None:  # pragma: no cover - DELETE is not routed
    raise AssertionError("not deleted through the API")


class _CustomerFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Account id.")


class AccountPlanFilter(_CustomerFilter):
    class Meta:
        model = AccountPlan
        fields = ["customer"]


@extend_schema_view(**resource_docs("an account plan", "account plans"))
class AccountPlanViewSet(VersionedRowViewSet):
    """The plan of a key account: who keeps it, and the baseline frozen when it started.

    List with `?customer=<id>` to find an account's plan (none until somebody
    created it, named an owner or started it on the page). Only `owner`
    changes through the API; `started_on` and `baseline` are set once, by
    "Start the plan".
    """

    model = AccountPlan
    input_serializer_class = AccountPlanInput
    output_serializer_class = AccountPlanOutput
    filterset_class = AccountPlanFilter
    ordering_fields = ["id"]
    ordering = ["id"]
    http_method_names = _NO_DELETE

    writes = RowServices(
        create=plans.account_plan_create,
        update=plans.account_plan_update,
        delete=_never,
        row="account_plan",
        parent="customer",
        moved="A plan stays with its account.",
    )


class PlanTextFilter(_CustomerFilter):
    topic = django_filters.ChoiceFilter(choices=PlanTopic.choices)

    class Meta:
        model = PlanText
        fields = ["customer", "topic"]


@extend_schema_view(**resource_docs("a plan text", "plan texts"))
class PlanTextViewSet(VersionedRowViewSet):
    """The hand-typed texts of a plan (profile, growth strategy, value proposition).

    One text per account and topic: creating a topic that has a text already
    is refused (write to the existing one with its version). Every save stamps
    `confirmed_on`; `stale` says whether it was neither changed nor confirmed
    for 90 days.
    """

    model = PlanText
    input_serializer_class = PlanTextInput
    output_serializer_class = PlanTextOutput
    filterset_class = PlanTextFilter
    ordering_fields = ["id", "topic"]
    ordering = ["id"]
    http_method_names = _NO_DELETE

    writes = RowServices(
        create=texts.plan_text_create,
        update=texts.plan_text_update,
        delete=_never,
        row="plan_text",
        parent="customer",
        moved="A text stays with its account.",
    )


class SatisfactionEntryFilter(_CustomerFilter):
    class Meta:
        model = SatisfactionEntry
        fields = ["customer"]


@extend_schema_view(**resource_docs("a satisfaction entry", "satisfaction entries"))
class SatisfactionEntryViewSet(VersionedRowViewSet):
    """Customer satisfaction as measured: a date, a score from 0 to 10 and its source."""

    model = SatisfactionEntry
    input_serializer_class = SatisfactionEntryInput
    output_serializer_class = SatisfactionEntryOutput
    filterset_class = SatisfactionEntryFilter
    ordering_fields = ["id", "measured_on"]
    ordering = ["-measured_on", "-id"]

    writes = RowServices(
        create=satisfaction.satisfaction_entry_create,
        update=satisfaction.satisfaction_entry_update,
        delete=satisfaction.satisfaction_entry_delete,
        row="satisfaction_entry",
        parent="customer",
        moved="A satisfaction entry stays with its account.",
    )
