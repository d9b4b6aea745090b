"""The plan, its texts and the satisfaction entries in the REST API.

Reads need VIEW, writes EDIT_ACCOUNTS; every write names the version it read
(``If-Match``) and goes through :mod:`planning.plan.services`, so the API refuses
what the page refuses, with the same messages. A plan has no delete: it lives as
long as its account. A text has no delete either: empty it instead.
"""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Customer
from kam.api.fields import WorkspaceRelatedField
from kam.api.rows import RowServices, VersionedRowViewSet
from kam.api.schema import resource_docs
from kam.concurrency import VersionConflict
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


class AccountPlanStartInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text="Id of the key account.")


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

    @extend_schema(
        summary="Start an account's plan",
        request=AccountPlanStartInput,
        parameters=[
            OpenApiParameter(
                "If-Match",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="The ETag of the plan you read; required when the account has"
                " a plan row already (one is made when an owner is named first).",
            )
        ],
        responses={
            201: AccountPlanOutput,
            200: AccountPlanOutput,
            400: OpenApiResponse(description="Already started, or no such account."),
            412: OpenApiResponse(description="The plan changed since you read it."),
            428: OpenApiResponse(description="The plan exists and no If-Match was sent."),
        },
    )
    @action(detail=False, methods=["post"], url_path="start")
    def start(self, request: Request) -> Response:
        """Start the plan of `customer` today, as "Start the plan" on its page does.

        The leading indicators as they stand become the plan's baseline, frozen:
        a plan starts once. Without a plan row yet, it is made (201); with one,
        send its ETag in If-Match (200; 412 when it moved on since).
        """
        serializer = AccountPlanStartInput(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        customer: Customer = serializer.validated_data["customer"]
        existing = self.get_queryset().filter(customer=customer).first()
        sent = request.headers.get("If-Match", "")
        expected: int | None = None
        if existing is not None:
            expected = self.expected_version_from(request, existing)
            if expected is None:
                return self.precondition_failed(existing, sent)
        try:
            plan = plans.plan_start(
                workspace=self.workspace, customer=customer, expected_version=expected
            )
        except VersionConflict:
            current = self.get_queryset().get(customer=customer)
            return self.precondition_failed(current, sent)
        return Response(
            self.render(plan),
            status=status.HTTP_200_OK if existing is not None else status.HTTP_201_CREATED,
            headers={"ETag": self.etag(plan)},
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
