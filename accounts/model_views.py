"""The model page for analysts (/selection/model/) and its per-customer download.

Readable by everyone who may read the selection pages (VIEW), like them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.model_charts import alive_histogram_spec, calibration_spec
from accounts.model_exports import FORMATS, summary_download
from accounts.model_report import (
    HoldoutRefused,
    customer_summary_rows,
    holdout_check,
    holdout_default,
    probability_alive_values,
    summary_headers,
    valuation_model_report,
)
from accounts.views import data_as_of_context
from kam.charts import chart_svg, runtime_version, spec_for_page
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view


class HoldoutForm(forms.Form):
    holdout_start = forms.DateField(
        label="Holdout starts on",
        help_text="The model is fitted again on the sales before this day only, then its "
        "prediction for the days from here to the data-as-of day is compared with what the "
        "customers actually bought.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date, for example 2025-01-01."},
    )


def _chart(spec: dict[str, Any]) -> dict[str, Any]:
    return {"spec": spec_for_page(spec), "svg": chart_svg(spec)}


def _holdout_context(request: WorkspaceRequest, report: Any) -> dict[str, Any]:
    if report.data_as_of.day is None:
        return {"holdout_form": None}
    default = holdout_default(report)
    if "holdout_start" in request.GET:
        form = HoldoutForm(request.GET)
    elif default is not None:
        form = HoldoutForm({"holdout_start": default.isoformat()})
    else:  # no fit yet: nothing to start from, and nothing wrong with the request either
        return {"holdout_form": HoldoutForm(), "holdout": None}
    context: dict[str, Any] = {"holdout_form": form, "holdout": None}
    if not form.is_valid():
        return context
    start: datetime.date = form.cleaned_data["holdout_start"]
    try:
        check = holdout_check(workspace=request.workspace, report=report, holdout_start=start)
    except HoldoutRefused as error:
        form.add_error("holdout_start", str(error))
        return context
    context["holdout"] = check
    context["holdout_start"] = start
    context["calibration_chart"] = _chart(calibration_spec(check))
    return context


@require_GET
@workspace_view(Capability.VIEW)
def selection_model(request: WorkspaceRequest) -> HttpResponse:
    """The purchase models behind the transactional CLV: parameters, warnings, checks."""
    report = valuation_model_report(workspace=request.workspace)
    alive = probability_alive_values(workspace=request.workspace)
    context: dict[str, Any] = {
        "report": report,
        "alive_count": len(alive),
        "alive_chart": _chart(alive_histogram_spec(alive)) if alive else None,
        "chart_runtime_version": runtime_version(),
        "formats": FORMATS,
        **data_as_of_context(request),
        **_holdout_context(request, report),
    }
    form = context.get("holdout_form")
    status = 400 if form is not None and form.errors else 200
    return render(request, "accounts/model.html", context, status=status)


@require_GET
@workspace_view(Capability.VIEW)
def selection_model_download(request: WorkspaceRequest, file_format: str) -> HttpResponse:
    """Every customer's frequency, recency, T, monetary value and predictions."""
    if file_format not in FORMATS:
        raise Http404("Download as csv or xlsx.")
    report = valuation_model_report(workspace=request.workspace)
    rows = customer_summary_rows(workspace=request.workspace, report=report)
    day = report.data_as_of.day
    stem = f"purchase-model-customers-{day.isoformat() if day else 'no-data'}"
    return summary_download(
        headers=summary_headers(report.currency),
        rows=rows,
        file_format=file_format,
        stem=stem,
    )
