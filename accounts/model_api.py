"""The purchase-model fit in the REST API (``/api/v1/valuation-model/``), read-only.

The same numbers as the model page (/selection/model/): parameters with
standard errors and units, log-likelihood, convergence, warnings, and the
data-as-of day the fit is calibrated to. Time is in days.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.model_report import valuation_model_report
from accounts.models import ValuationSettings
from kam.api.base import WorkspaceViewSet
from kam.permissions import Capability


class ParameterOutput(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    standard_error = serializers.FloatField(
        allow_null=True,
        help_text="From the inverse Hessian; null when the data cannot pin it down.",
    )
    unit = serializers.CharField(help_text="'days' for alpha, the currency for gamma.")


class FitOutput(serializers.Serializer):
    parameters = serializers.DictField(child=ParameterOutput())
    log_likelihood = serializers.FloatField(allow_null=True)
    customers = serializers.IntegerField()
    converged = serializers.BooleanField()
    iterations = serializers.IntegerField()


class FitWarningOutput(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    unreliable = serializers.BooleanField(
        help_text="True: the app shows no transactional CLV because of this."
    )


class DataAsOfOutput(serializers.Serializer):
    data_as_of = serializers.DateField(allow_null=True)
    set_by = serializers.ChoiceField(
        choices=["admin", "latest_line", "none"],
        source="source",
        help_text="admin: set on the valuation settings; latest_line: the latest sales line's"
        " day; none: no sales yet.",
    )
    latest_sales_date = serializers.DateField(allow_null=True)
    age_days = serializers.IntegerField(allow_null=True)
    stale = serializers.BooleanField(help_text="More than 45 days old.")


class ValuationModelOutput(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["fitted", "unreliable", "not_fitted", ""],
        help_text="'' before the first recompute.",
    )
    computed_at = serializers.DateTimeField(allow_null=True)
    calibration_end = serializers.DateField(
        allow_null=True, help_text="The observation end of the fit: the data-as-of day."
    )
    time_unit = serializers.CharField()
    currency = serializers.CharField()
    customers = serializers.IntegerField()
    repeat_buyers = serializers.IntegerField()
    bgnbd = FitOutput(allow_null=True)
    gamma_gamma = FitOutput(allow_null=True)
    warnings = FitWarningOutput(many=True)
    action = serializers.CharField(help_text="What the app does with this fit, in words.")
    data_as_of = DataAsOfOutput()


@extend_schema_view(
    retrieve=extend_schema(
        summary="Get the purchase-model fit (BG/NBD and Gamma-Gamma)",
        responses=ValuationModelOutput,
    )
)
class ValuationModelViewSet(WorkspaceViewSet):
    """The workspace's purchase-model fit, as the last scores recompute left it."""

    model = ValuationSettings
    read_capability = Capability.VIEW
    http_method_names = ["get", "head", "options"]
    pagination_class = None

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = valuation_model_report(workspace=self.workspace)
        data = {
            "status": report.status,
            "computed_at": report.computed_at,
            "calibration_end": report.calibration_end,
            "time_unit": report.time_unit,
            "currency": report.currency,
            "customers": report.customers,
            "repeat_buyers": report.repeat_buyers,
            **report.parameters_dict(),
            "warnings": report.warnings,
            "action": report.action,
            "data_as_of": report.data_as_of.as_dict(),
        }
        return Response(ValuationModelOutput(data).data)
