"""Pages for the workspace's valuation settings and exchange rates (/settings/valuation/).

Everyone may read them (VIEW); changing them needs MANAGE_SETTINGS. The forms
only parse; :mod:`accounts.valuation_settings` checks ranges and writes, so the
pages, the API and the demo refuse the same values with the same messages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.data_as_of import data_as_of_get
from accounts.exchange_rates import (
    exchange_rate_delete,
    exchange_rate_set,
    exchange_rate_update,
    exchange_rates_by_currency,
    missing_rate_gaps,
)
from accounts.models import ExchangeRate
from accounts.valuation_settings import (
    DATA_AS_OF,
    REPORTING_CURRENCY,
    SETTINGS,
    settings_values,
    valuation_settings_get,
    valuation_settings_update,
)
from kam.concurrency import VersionConflict
from kam.editing import StaleEdit, apply_errors, on_version, stale_edit
from kam.permissions import Capability, role_can
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_get_object_or_404, workspace_view

#: Plain-words help for every setting, shown under its field.
HELP: dict[str, str] = {
    "discount_rate": (
        "How much less a euro of margin next year is worth than one today, per year. "
        "0.10 means 10 %: 100 of margin in two years counts as about 83 today."
    ),
    "retention": (
        "The chance that a customer still buys from you a year later. 0.85 means 85 of 100 "
        "customers stay each year, so year 3 counts about 61 % (0.85 to the power 3) of its margin."
    ),
    "horizon_years": (
        "How many future years of margin a customer's lifetime value adds up (1 to 50)."
    ),
    "acquisition_cost": (
        "What winning a new customer costs you (sales effort, trials, onboarding), in the "
        "reporting currency. It is subtracted from every CLV; individual accounts may override it."
    ),
    "loyalty_threshold": (
        "A customer counts as loyal when it bought in at least this share of the recent years. "
        "0.75 means in 3 of 4 years. Loyalty is one axis of the quadrant."
    ),
    "profitability_threshold": (
        "A customer counts as profitable when its contribution margin is at least this share "
        "of its sales. 0.20 means 20 %. Profitability is the other axis of the quadrant."
    ),
    "weight_size": (
        "How much size (volume and revenue, as a percentile) counts in the composite score."
    ),
    "weight_strategic_importance": (
        "How much the judgement of strategic importance (1 to 5) counts in the composite score."
    ),
    "weight_clv": "How much customer lifetime value counts in the composite score.",
    "weight_upv": "How much unrealized potential value counts in the composite score.",
    "weight_account_fit": (
        "How much the strategic, operational and cultural fit (1 to 5 each) counts."
    ),
    "weight_relationship": (
        "How much the relationship method (friend, butterfly, stranger, vulture) counts."
    ),
    "max_key_accounts": (
        "Promoting beyond this many key accounts shows a warning: a program spread too thin "
        "serves nobody well."
    ),
    "max_accounts_per_kam": (
        "Promoting an account whose manager would then hold more than this many shows a warning."
    ),
    DATA_AS_OF: (
        "The day your sales data is complete up to, for example the last day of the last "
        "closed month. Every three-year figure, yearly margin, Pareto share and the purchase "
        "model ends on this day. Leave it empty to use the day of the latest sales line, which "
        "every sales import moves forward."
    ),
    REPORTING_CURRENCY: (
        "The currency every analysis is reported in (ISO code, e.g. EUR). Changing it needs at "
        "least one exchange rate of the new currency; every other rate is then converted "
        "through it, and all scores are recomputed."
    ),
}

GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "Customer lifetime value",
        "CLV adds up the margins a customer is expected to bring, year by year, discounted and "
        "weighted by the chance the customer stays.",
        ("discount_rate", "retention", "horizon_years", "acquisition_cost"),
    ),
    (
        "Relationship quadrant",
        "Loyal and profitable customers are friends, occasional profitable ones butterflies, "
        "occasional unprofitable ones strangers, loyal unprofitable ones vultures.",
        ("loyalty_threshold", "profitability_threshold"),
    ),
    (
        "Scorecard weights",
        "The composite score combines the six selection criteria with these weights. Only their "
        "proportions matter; a weight of 0 leaves a criterion out.",
        (
            "weight_size",
            "weight_strategic_importance",
            "weight_clv",
            "weight_upv",
            "weight_account_fit",
            "weight_relationship",
        ),
    ),
    (
        "Program limits",
        "Warnings shown when promoting key accounts.",
        ("max_key_accounts", "max_accounts_per_kam"),
    ),
    (
        "Sales data",
        "Figures describe the sales data up to one day, not up to today: an export whose last "
        "invoice is months old would otherwise look like months without sales.",
        (DATA_AS_OF,),
    ),
    ("Currency", "", (REPORTING_CURRENCY,)),
]


class ValuationSettingsForm(forms.Form):
    """Parses the values as typed; ranges are checked by the service."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, read_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, setting in SETTINGS.items():
            self.fields[name] = forms.CharField(
                label=setting.label,
                help_text=HELP[name],
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
            )
        self.fields[REPORTING_CURRENCY] = forms.CharField(
            label="Reporting currency",
            help_text=HELP[REPORTING_CURRENCY],
            widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
        )
        # Parsed and checked by the service, like every other setting; empty is allowed.
        self.fields[DATA_AS_OF] = forms.CharField(
            label="Data up to",
            required=False,
            help_text=HELP[DATA_AS_OF],
            widget=forms.DateInput(attrs={"type": "date"}),
        )
        for field in self.fields.values():
            field.disabled = read_only

    def groups(self) -> list[dict[str, Any]]:
        return [
            {"title": title, "intro": intro, "fields": [self[name] for name in names]}
            for title, intro, names in GROUPS
        ]


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _initial(request: WorkspaceRequest) -> dict[str, Any]:
    settings = valuation_settings_get(workspace=request.workspace)
    values = settings_values(settings, request.workspace)
    initial: dict[str, Any] = {name: _display(value) for name, value in values.items()}
    initial["version"] = settings.version
    return initial


def _same(entered: Any, stored: Any) -> bool:
    """Whether a typed value equals the stored one ("0.1" equals "0.10")."""
    if entered in (None, "") or stored in (None, ""):
        return str(entered or "").strip() == str(stored or "").strip()
    try:
        return Decimal(str(entered).strip().replace(",", ".")) == Decimal(str(stored))
    except ArithmeticError:
        return str(entered).strip().upper() == str(stored).upper()


def _settings_page(
    request: WorkspaceRequest,
    form: ValuationSettingsForm,
    *,
    conflict: StaleEdit | None = None,
    status: int = 200,
) -> HttpResponse:
    can_change = role_can(request.membership.role, Capability.MANAGE_SETTINGS)
    return render(
        request,
        "accounts/settings/valuation.html",
        {
            "form": form,
            "can_change": can_change,
            "conflict": conflict,
            "data_as_of": data_as_of_get(workspace=request.workspace),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@workspace_view(Capability.VIEW)
def valuation_settings(request: WorkspaceRequest) -> HttpResponseBase:
    """Everyone reads the settings; saving needs MANAGE_SETTINGS (see ``_save``)."""
    if request.method == "POST":
        return _save(request)
    can_change = role_can(request.membership.role, Capability.MANAGE_SETTINGS)
    return _settings_page(
        request, ValuationSettingsForm(initial=_initial(request), read_only=not can_change)
    )


@workspace_view(Capability.MANAGE_SETTINGS)
def _save(request: WorkspaceRequest) -> HttpResponse:
    """Save only what changed, and only if nobody saved since the form was opened."""
    form = ValuationSettingsForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, form, status=400)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    current = _initial(request)
    changes = {name: value for name, value in data.items() if not _same(value, current[name])}
    try:
        valuation_settings_update(
            workspace=request.workspace,
            expected_version=version,
            changes=changes,
            user=request.user,
        )
    except ValidationError as error:
        apply_errors(form, error)
        return _settings_page(request, form, status=400)
    except VersionConflict:
        conflict = stale_edit(
            form,
            current=current,
            saved=current,
            change="saved these settings",
            same=_same,
            form_id="settings-form",
            reload_url=request.get_full_path(),
        )
        # The form keeps what this person typed but now carries the current
        # version: saving again, after seeing the other change, is deliberate.
        form = ValuationSettingsForm(on_version(request.POST, current["version"]))
        form.is_valid()
        return _settings_page(request, form, conflict=conflict, status=409)
    messages.success(
        request,
        "Settings saved. Scores are being recomputed with them." if changes else "Nothing changed.",
    )
    return redirect("valuation:settings")


# -- exchange rates -------------------------------------------------------------


class ExchangeRateForm(forms.Form):
    currency = forms.CharField(
        max_length=3,
        help_text="Three-letter ISO code of the currency the sales were invoiced in, e.g. USD.",
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
    )
    valid_from = forms.DateField(
        label="Valid from",
        help_text="The rate holds from this day until the currency's next rate.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    rate = forms.CharField(
        help_text="What one unit of the currency is worth in the reporting currency on that day.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
    )


def _rates_page(
    request: WorkspaceRequest, form: ExchangeRateForm, *, status: int = 200
) -> HttpResponse:
    workspace = request.workspace
    return render(
        request,
        "accounts/settings/exchange_rates.html",
        {
            "form": form,
            "rates_by_currency": exchange_rates_by_currency(workspace=workspace),
            "gaps": missing_rate_gaps(workspace=workspace),
            "can_change": role_can(request.membership.role, Capability.MANAGE_SETTINGS),
        },
        status=status,
    )


@require_http_methods(["GET"])
@workspace_view(Capability.VIEW)
def exchange_rates(request: WorkspaceRequest) -> HttpResponse:
    return _rates_page(request, ExchangeRateForm())


@require_POST
@workspace_view(Capability.MANAGE_SETTINGS)
def exchange_rate_add(request: WorkspaceRequest) -> HttpResponse:
    form = ExchangeRateForm(request.POST)
    if form.is_valid():
        try:
            rate = exchange_rate_set(
                workspace=request.workspace,
                user=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Saved: {rate}. Affected scores are being recomputed.")
            return redirect("valuation:exchange_rates")
    return _rates_page(request, form, status=400)


@require_http_methods(["GET", "POST"])
@workspace_view(Capability.MANAGE_SETTINGS)
def exchange_rate_edit(request: WorkspaceRequest, exchange_rate_id: int) -> HttpResponse:
    exchange_rate = workspace_get_object_or_404(
        request.workspace, ExchangeRate, pk=exchange_rate_id
    )
    status = 200
    if request.method == "POST":
        form = ExchangeRateForm(request.POST)
        if form.is_valid():
            try:
                exchange_rate_update(
                    workspace=request.workspace,
                    exchange_rate=exchange_rate,
                    user=request.user,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"Saved: {exchange_rate}.")
                return redirect("valuation:exchange_rates")
        status = 400
    else:
        form = ExchangeRateForm(
            initial={
                "currency": exchange_rate.currency,
                "valid_from": exchange_rate.valid_from,
                "rate": _display(exchange_rate.rate),
            }
        )
    return render(
        request,
        "accounts/settings/exchange_rate_edit.html",
        {"form": form, "exchange_rate": exchange_rate},
        status=status,
    )


@require_POST
@workspace_view(Capability.MANAGE_SETTINGS)
def exchange_rate_remove(request: WorkspaceRequest, exchange_rate_id: int) -> HttpResponse:
    exchange_rate = workspace_get_object_or_404(
        request.workspace, ExchangeRate, pk=exchange_rate_id
    )
    label = str(exchange_rate)
    exchange_rate_delete(
        workspace=request.workspace,
        exchange_rate=exchange_rate,
        user=request.user,
    )
    messages.success(request, f"Deleted: {label}.")
    return redirect("valuation:exchange_rates")
