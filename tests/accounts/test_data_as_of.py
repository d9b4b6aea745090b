"""Valuation anchored to the data's own date: fits, windows and pages end on data-as-of.

The synthetic history is drawn from the issue's hidden BG/NBD parameters and
ends months before today, like a stale ERP export. Calibrated to its last
invoice the fit recovers the parameters; calibrated to today it does not
(the silent months read as customers leaving).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.imports.services import import_batch_finish
from accounts.models import (
    Customer,
    CustomerScore,
    CustomerYearFigures,
    ImportKind,
    ImportStatus,
    SalesLine,
    ValuationSettings,
)
from accounts.scores import scores_recompute
from accounts.scoring import bgnbd
from accounts.scoring.rfm import purchase_summary
from accounts.valuation_settings import valuation_settings_get, valuation_settings_update
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Role, Workspace
from tests.accounts.synthetic import TRUE_PURCHASES, InvoiceHistory, draw_history
from tests.factories import WorkspaceWorld

TODAY = timezone.localdate()
#: The export's last invoice: five months before today.
STALE_DAYS = 150


def _within(fit: bgnbd.BgNbdFit, sigmas: float = 3.0) -> dict[str, bool]:
    truth = vars(TRUE_PURCHASES)
    return {
        name: abs(getattr(fit.params, name) - truth[name])
        <= sigmas * getattr(fit.standard_errors, name)
        for name in truth
    }


def test_calibrated_to_the_last_invoice_the_fit_recovers_the_hidden_parameters() -> None:
    history = draw_history()
    last = int(history.day.max())
    next_year: dict[int, float] = {}
    for end in (last, last + STALE_DAYS):
        summary = purchase_summary(
            history.customer,
            history.day,
            history.amount,
            customers=history.customers,
            observation_end=end,
        )
        buyers = summary.has_purchases
        x, t_x, age = summary.frequency[buyers], summary.recency[buyers], summary.T[buyers]
        fit = bgnbd.fit(x, t_x, age)
        assert fit.converged
        next_year[end] = float(
            bgnbd.conditional_expected_purchases(fit.params, 365, x, t_x, age).sum()
        )
        if end == last:
            assert all(_within(fit).values()), fit
        else:  # observation ending "today": the silence reads as customers leaving
            assert fit.params.a > 5 * TRUE_PURCHASES.a
            assert fit.params.b > 5 * TRUE_PURCHASES.b
    assert next_year[last + STALE_DAYS] < 0.6 * next_year[last]


def _store(workspace: Workspace, history: InvoiceHistory, *, last_invoice: datetime.date) -> None:
    """The history as customers and sales lines, its last day on ``last_invoice``."""
    first_day = last_invoice - datetime.timedelta(days=int(history.day.max()))
    with workspace_context(workspace):
        customers = Customer.objects.bulk_create(
            Customer(workspace=workspace, external_id=f"S{i:05d}", name=f"Synthetic {i}")
            for i in range(history.customers)
        )
        SalesLine.objects.bulk_create(
            (
                SalesLine(
                    workspace=workspace,
                    customer=customers[int(c)],
                    date=first_day + datetime.timedelta(days=int(d)),
                    net_sales=Decimal(f"{a:.2f}"),
                    cost_of_goods=Decimal(f"{a * 0.6:.2f}"),
                    source_key=f"L{n}",
                )
                for n, (c, d, a) in enumerate(
                    zip(history.customer, history.day, history.amount, strict=True)
                )
            ),
            batch_size=5000,
        )


@pytest.fixture
def stale_export(db: None) -> Workspace:
    workspace = Workspace.objects.create(name="Stale", slug="stale", reporting_currency="EUR")
    _store(
        workspace,
        draw_history(customers=2000, seed=11),
        last_invoice=TODAY - datetime.timedelta(days=STALE_DAYS),
    )
    return workspace


def test_recompute_calibrates_to_the_last_invoice_and_ends_the_window_there(
    stale_export: Workspace,
) -> None:
    last_invoice = TODAY - datetime.timedelta(days=STALE_DAYS)
    with workspace_context(stale_export):
        scores_recompute(workspace_id=stale_export.pk)
        settings = ValuationSettings.objects.get()
        score = CustomerScore.objects.filter(clv_transactional__isnull=False).first()
    fit = settings.model_fit
    assert fit["status"] == "fitted", fit["warnings"]
    assert fit["calibration_end"] == last_invoice.isoformat()
    assert fit["time_unit"] == "days"
    params, errors = fit["bgnbd"]["params"], fit["bgnbd"]["standard_errors"]
    for name, true_value in vars(TRUE_PURCHASES).items():
        assert abs(params[name] - true_value) <= 3 * errors[name], (name, params, errors)
    assert settings.latest_sales_date == last_invoice
    assert score is not None
    assert score.inputs["as_of"] == last_invoice.isoformat()
    assert score.inputs["window"]["to"] == last_invoice.isoformat()
    assert score.probability_alive is not None


@pytest.fixture
def small(db: None) -> Workspace:
    workspace = Workspace.objects.create(name="Small", slug="small", reporting_currency="EUR")
    with workspace_context(workspace):
        customer = Customer.objects.create(external_id="A", name="Alpha")
        for days_ago, net in ((400, "100.00"), (60, "200.00"), (10, "5000.00")):
            SalesLine.objects.create(
                customer=customer,
                date=TODAY - datetime.timedelta(days=days_ago),
                net_sales=Decimal(net),
                cost_of_goods=Decimal("0"),
                source_key=f"A-{days_ago}",
            )
    return workspace


def test_an_admin_date_leaves_later_lines_out_of_every_figure(small: Workspace) -> None:
    day = TODAY - datetime.timedelta(days=30)
    with workspace_context(small):
        settings = valuation_settings_get(workspace=small)
        valuation_settings_update(
            workspace=small, expected_version=settings.version, changes={"data_as_of": day}
        )
        scores_recompute(workspace_id=small.pk)
        score = CustomerScore.objects.get()
        years = {f.year: f.net_sales for f in CustomerYearFigures.objects.all()}
    assert score.revenue_3y == Decimal("300.00")  # the line 10 days ago is after the date
    assert score.inputs["window"]["to"] == day.isoformat()
    assert score.inputs["as_of_source"] == "admin"
    assert sum(years.values()) == Decimal("300.00")


def test_a_data_as_of_day_after_today_is_refused_with_the_reason(small: Workspace) -> None:
    from django.core.exceptions import ValidationError

    with workspace_context(small):
        settings = valuation_settings_get(workspace=small)
        with pytest.raises(ValidationError) as raised:
            valuation_settings_update(
                workspace=small,
                expected_version=settings.version,
                changes={"data_as_of": (TODAY + datetime.timedelta(days=1)).isoformat()},
            )
    assert "cannot be after today" in raised.value.message_dict["data_as_of"][0]


def test_a_sales_import_moves_the_date_but_never_an_admins(small: Workspace) -> None:
    from tests.model_factories.accounts import ImportBatchFactory

    with workspace_context(small):
        batch = ImportBatchFactory.create(workspace=small, kind=ImportKind.SALES_LINES)
        import_batch_finish(batch=batch, status=ImportStatus.APPLIED, applied={"created": 3})
        assert valuation_settings_get(workspace=small).latest_sales_date == TODAY - (
            datetime.timedelta(days=10)
        )
        settings = valuation_settings_get(workspace=small)
        admin_day = TODAY - datetime.timedelta(days=30)
        valuation_settings_update(
            workspace=small, expected_version=settings.version, changes={"data_as_of": admin_day}
        )
        import_batch_finish(batch=batch, status=ImportStatus.APPLIED, applied={"created": 3})
        batch.refresh_from_db()
        assert valuation_settings_get(workspace=small).data_as_of == admin_day
    assert batch.summary["data_as_of"]["newer_lines"] is True
    assert batch.summary["data_as_of"]["data_as_of"] == admin_day.isoformat()


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize(
    ("days_ago", "warned"), [(10, False), (45, False), (46, True), (STALE_DAYS, True)]
)
def test_pages_say_data_up_to_and_warn_when_it_is_old(
    world: WorkspaceWorld, days_ago: int, warned: bool
) -> None:
    workspace = world.a.workspace
    day = TODAY - datetime.timedelta(days=days_ago)
    with workspace_context(workspace):
        ValuationSettings.objects.filter(workspace=workspace).delete()
        ValuationSettings.objects.create(workspace=workspace, latest_sales_date=day)
        customer = Customer.objects.filter(workspace=workspace).first()
    client = Client()
    client.force_login(world.a.user(Role.EXECUTIVE))
    pages = [
        reverse("selection"),
        reverse("selection-review"),
        reverse("selection-model"),
        reverse("valuation:settings"),
    ]
    if customer is not None:
        pages.append(reverse("selection-candidate", kwargs={"customer_id": customer.pk}))
    for url in pages:
        html = _text(client.get(url))
        assert f"Data up to {day.day} {day:%b %Y}" in html, url
        assert ("days ago (more than 45)" in html) is warned, url


def test_an_admin_date_with_newer_lines_offers_to_move_it(world: WorkspaceWorld) -> None:
    workspace = world.a.workspace
    with workspace_context(workspace):
        settings = valuation_settings_get(workspace=workspace)
        ValuationSettings.objects.filter(pk=settings.pk).update(
            data_as_of=TODAY - datetime.timedelta(days=40), latest_sales_date=TODAY
        )
    admin, executive = Client(), Client()
    admin.force_login(world.a.user(Role.ADMIN))
    executive.force_login(world.a.user(Role.EXECUTIVE))
    assert "move the date in the valuation settings" in _text(admin.get(reverse("selection")))
    assert "an admin can move the date" in _text(executive.get(reverse("selection")))


def test_the_settings_page_sets_and_clears_the_date(world: WorkspaceWorld) -> None:
    workspace = world.a.workspace
    client = Client()
    client.force_login(world.a.user(Role.ADMIN))
    form = client.get(reverse("valuation:settings")).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    day = TODAY - datetime.timedelta(days=20)
    response = client.post(reverse("valuation:settings"), {**data, "data_as_of": day.isoformat()})
    assert response.status_code == 302
    with workspace_context(workspace):
        assert valuation_settings_get(workspace=workspace).data_as_of == day
        # A new date moves every window: every customer is due a recompute.
        assert not Customer.objects.filter(workspace=workspace, scores_dirty=False).exists()
    form = client.get(reverse("valuation:settings")).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    assert data["data_as_of"] == day.isoformat()
    response = client.post(reverse("valuation:settings"), {**data, "data_as_of": "2026-13-45"})
    assert response.status_code == 400
    assert "Enter the data-as-of day as a date" in _text(response)
    client.post(reverse("valuation:settings"), {**data, "data_as_of": ""})
    with workspace_context(workspace):
        assert valuation_settings_get(workspace=workspace).data_as_of is None
