"""The portfolio in the REST API: positions (read-only) and decisions (read, confirm, override).

``GET /api/v1/portfolio/`` lists every key account's position on the three
matrices with its recommendation (``?candidates=1`` adds the candidates;
a KAM gets the accounts they manage). Unknown inputs are ``null`` and named in
``missing``, never zero.

``GET /api/v1/portfolio-decisions/`` lists the decisions, newest first
(``?customer=`` for one account's history). ``POST`` with ``action`` confirm or
override adds one; an override needs ``decision`` and ``reason``. Decisions are
never changed or deleted: a new one replaces the last.

``/api/v1/portfolio-factors/`` holds the judged factors: ``POST`` judges one
(customer, code, score 1-5, reason), ``PATCH`` with ``If-Match`` changes it.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Customer
from kam.api.base import WorkspaceResourceViewSet, WorkspaceViewSet
from kam.api.concurrency import OptimisticConcurrencyMixin
from kam.api.fields import WorkspaceRelatedField
from kam.api.schema import resource_docs
from kam.changelog.services import person_name
from kam.permissions import Capability, role_can
from planning.analysis.serializers import named_choice
from planning.models import Commitment, FactorCode, PortfolioDecision, PortfolioFactor
from planning.portfolio.selectors import AccountPosition, Filters, portfolio
from planning.portfolio.services import (
    portfolio_decision_confirm,
    portfolio_decision_override,
    portfolio_factor_save,
)


class PositionOutput(serializers.Serializer):
    customer = serializers.IntegerField(source="customer.pk")
    name = serializers.CharField(source="customer.name")
    status = serializers.CharField(source="customer.status")
    kam = serializers.CharField()
    revenue = serializers.DecimalField(
        max_digits=18, decimal_places=2, allow_null=True, help_text="Last year's net sales."
    )
    health = serializers.SerializerMethodField()
    importance = serializers.FloatField(allow_null=True, help_text="Mean of 1-5 factors.")
    difficulty = serializers.FloatField(allow_null=True, help_text="Mean of 1-5 factors.")
    fiocca = serializers.CharField(allow_null=True)
    present = serializers.FloatField(allow_null=True, help_text="Last year's margin.")
    potential = serializers.FloatField(allow_null=True, help_text="UPV plus CLV growth.")
    profit = serializers.CharField(allow_null=True)
    loyalty = serializers.FloatField(allow_null=True)
    profitability = serializers.FloatField(allow_null=True)
    relationship = serializers.CharField(allow_null=True)
    recommendation = serializers.SerializerMethodField()
    recommendation_reason = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    missing = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))

    def get_health(self, position: AccountPosition) -> str | None:
        return position.health.rating if position.health else None

    def get_recommendation(self, position: AccountPosition) -> str | None:
        return position.recommendation.commitment.value if position.recommendation else None

    def get_recommendation_reason(self, position: AccountPosition) -> str:
        return position.recommendation.reason if position.recommendation else ""

    def get_decision(self, position: AccountPosition) -> str | None:
        return position.decision.decision if position.decision else None


@extend_schema_view(
    list=extend_schema(
        summary="List the key accounts' positions on the portfolio matrices",
        responses=PositionOutput(many=True),
    )
)
class PortfolioViewSet(WorkspaceViewSet):
    """Every key account's position, computed as on the portfolio page; read-only."""

    model = Customer
    read_capability = Capability.VIEW_PORTFOLIO
    serializer_class = PositionOutput
    pagination_class = None
    http_method_names = ["get", "head", "options"]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        role = self.request._request.membership.role
        shown = portfolio(
            workspace=self.workspace,
            filters=Filters(candidates=request.query_params.get("candidates") == "1"),
            owner=None if role_can(role, Capability.MANAGE_SELECTION) else self.request.user,
        )
        return Response(PositionOutput(shown.accounts, many=True).data)


class DecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    customer = serializers.IntegerField(source="customer_id")
    recommendation = named_choice("PortfolioCommitmentEnum", Commitment)
    decision = named_choice("PortfolioCommitmentEnum", Commitment)
    overridden = serializers.BooleanField()
    reason = serializers.CharField()
    basis = serializers.DictField(help_text="The positions the recommendation came from.")
    decided_by = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField()

    def get_decided_by(self, row: PortfolioDecision) -> str:
        return person_name(row.decided_by) if row.decided_by_id else ""


class DecisionInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text="Id of the account.")
    action = serializers.ChoiceField(choices=["confirm", "override"])
    recommendation = named_choice(
        "PortfolioCommitmentEnum",
        Commitment,
        required=False,
        allow_null=True,
        default=None,
        help_text="The recommendation you saw; refused if it changed since.",
    )
    decision = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Account id.")

    class Meta:
        model = PortfolioDecision
        fields = ["customer"]


@extend_schema_view(**resource_docs("a portfolio decision", "portfolio decisions"))
class PortfolioDecisionViewSet(WorkspaceResourceViewSet):
    """Decisions on the commitment to each account; append-only."""

    model = PortfolioDecision
    read_capability = Capability.VIEW_PORTFOLIO
    write_capability = Capability.MANAGE_SELECTION
    input_serializer_class = DecisionInput
    output_serializer_class = DecisionOutput
    filterset_class = DecisionFilter
    ordering_fields = ["id", "decided_at"]
    ordering = ["-decided_at", "-id"]
    http_method_names = ["get", "post", "head", "options"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("decided_by")

    def create_object(self, data: dict[str, Any]) -> Model:
        common = {
            "workspace": self.workspace,
            "customer": data["customer"],
            "recommendation": data["recommendation"],
            "reason": data["reason"],
            "user": self.request.user,
        }
        if data["action"] == "confirm":
            return portfolio_decision_confirm(**common)
        return portfolio_decision_override(**common, decision=data["decision"])


# -- judged factors ----------------------------------------------------------------------


class FactorOutput(serializers.Serializer):
    id = serializers.IntegerField()
    customer = serializers.IntegerField(source="customer_id")
    code = named_choice("PortfolioFactorEnum", FactorCode)
    score = serializers.IntegerField()
    reason = serializers.CharField()
    judged_on = serializers.DateField()
    judged_by = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    def get_judged_by(self, row: PortfolioFactor) -> str:
        return person_name(row.judged_by) if row.judged_by_id else ""


class FactorInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text="Id of the account; fixed once judged.")
    code = named_choice("PortfolioFactorEnum", FactorCode, help_text="Fixed once judged.")
    score = serializers.IntegerField(help_text="1 (low) to 5 (high).")
    reason = serializers.CharField(allow_blank=True)


class FactorFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Account id.")
    code = django_filters.CharFilter(field_name="code", help_text="Factor code, e.g. prestige.")

    class Meta:
        model = PortfolioFactor
        fields = ["customer", "code"]


@extend_schema_view(**resource_docs("a judged portfolio factor", "judged portfolio factors"))
class PortfolioFactorViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
    """Judged factors of the importance x difficulty matrix; change one with If-Match."""

    model = PortfolioFactor
    read_capability = Capability.VIEW_PORTFOLIO
    input_serializer_class = FactorInput
    output_serializer_class = FactorOutput
    filterset_class = FactorFilter
    ordering_fields = ["id", "judged_on"]
    ordering = ["id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("customer", "judged_by")

    def create_object(self, data: dict[str, Any]) -> Model:
        return portfolio_factor_save(workspace=self.workspace, user=self.request.user, **data)

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        for fixed in ("customer", "code"):
            value = data.pop(fixed, None)
            current = instance.customer if fixed == "customer" else instance.code
            if value is not None and value != current:
                raise ValidationError({fixed: [f"The {fixed} of a judged factor cannot change."]})
        return portfolio_factor_save(
            workspace=self.workspace,
            customer=instance.customer,
            code=instance.code,
            score=data.get("score", instance.score),
            reason=data.get("reason", instance.reason),
            expected_version=self.expected_version,
            user=self.request.user,
        )
