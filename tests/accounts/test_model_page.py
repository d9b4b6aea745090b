"""The model page for analysts (/selection/model/), its downloads and its API.

A synthetic invoice history with known parameters, ending months before today,
is fitted by the real recompute; the CDNOW reference fit is judged sound; a
data set of clockwork buyers gives a degenerate fit, and the page says so and
what the app does instead.
"""

from __future__ import annotations

import csv
import datetime
import io
import re

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.models import Customer, CustomerScore, SalesLine, ValuationSettings
from accounts.scores import scores_recompute
from accounts.scoring import bgnbd, gamma_gamma
from accounts.scoring.diagnostics import purchase_model_warnings
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Role, Workspace
from tests.accounts.synthetic import draw_history
from tests.accounts.test_data_as_of import _store
from tests.accounts.test_scoring_bgnbd import _cdnow
from tests.factories import WorkspaceWorld

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_INVOICE = TODAY - datetime.timedelta(days=100)


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.content.decode())


def _client(world: WorkspaceWorld, role: str = Role.KAM) -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client


@pytest.fixture
def fitted(world: WorkspaceWorld) -> Workspace:
    """World A with a 600-customer synthetic history on top, scored."""
    workspace = world.a.workspace
    _store(workspace, draw_history(customers=600, seed=3), last_invoice=LAST_INVOICE)
    with workspace_context(workspace):
        # World A's own sales lines are older or newer; keep only the synthetic ones.
        SalesLine.objects.exclude(source_key__startswith="L").delete()
        scores_recompute(workspace_id=workspace.pk)
    return workspace


def test_the_page_shows_parameters_errors_units_and_both_charts(
    world: WorkspaceWorld, fitted: Workspace
) -> None:
    response = _client(world).get(reverse("selection-model"))
    assert response.status_code == 200
    html = _text(response)
    assert 'data-testid="fit-status">Fitted<' in html
    for name in ("r", "alpha", "a", "b", "p", "q", "gamma"):
        assert f'data-parameter="{name}"' in html
    assert "Time is counted in <strong>days</strong>" in html
    assert f"calibrated to {LAST_INVOICE.day} {LAST_INVOICE:%b %Y}" in html
    assert "Converged" in html and "log-likelihood -" in html
    assert "Repeat buyers" in html
    report = response.context["report"]
    assert report.bgnbd.parameters[1].unit == "days"
    assert all(row.standard_error for row in report.bgnbd.parameters)
    # The holdout check runs with a default start and draws its chart.
    assert 'data-testid="holdout-sentence"' in html
    assert 'id="calibration-chart"' in html
    assert 'id="alive-chart"' in html
    assert "The “CLV purchases” column and the probability of being alive come from" in html


def test_the_analyst_chooses_the_holdout_and_a_bad_one_is_refused(
    world: WorkspaceWorld, fitted: Workspace
) -> None:
    client = _client(world)
    start = LAST_INVOICE - datetime.timedelta(days=200)
    response = client.get(reverse("selection-model"), {"holdout_start": start.isoformat()})
    assert response.status_code == 200
    check = response.context["holdout"]
    assert check.holdout_days == 201  # the start day to the data-as-of day, both included
    # A model fitted on the calibration period predicts the holdout within 15 %.
    assert check.predicted_total == pytest.approx(check.actual_total, rel=0.15)
    late = LAST_INVOICE - datetime.timedelta(days=5)
    refused = client.get(reverse("selection-model"), {"holdout_start": late.isoformat()})
    assert refused.status_code == 400
    assert "at least 30 days before the data-as-of day" in _text(refused)
    garbled = client.get(reverse("selection-model"), {"holdout_start": "soon"})
    assert garbled.status_code == 400
    assert "Enter a date" in _text(garbled)


def test_the_customer_summary_downloads_as_csv_and_xlsx(
    world: WorkspaceWorld, fitted: Workspace
) -> None:
    client = _client(world, Role.VIEWER)
    as_csv = client.get(reverse("selection-model-csv"))
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")
    assert (
        f"purchase-model-customers-{LAST_INVOICE.isoformat()}.csv" in as_csv["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
    header, body = rows[0], rows[1:]
    assert header[4:7] == ["Frequency (repeat purchases)", "Recency (days)", "T (days)"]
    assert "Probability alive" in header
    with workspace_context(fitted):
        buyers = Customer.objects.filter(sales_lines__isnull=False).distinct().count()
    assert len(body) == buyers
    one_timer = next(row for row in body if row[4] == "0")
    assert one_timer[7] == ""  # no repeat purchase: no monetary value, not 0
    assert 0 <= float(one_timer[8]) <= 1
    as_xlsx = client.get(reverse("selection-model-xlsx"))
    assert as_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(as_xlsx.content), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == header
    assert len(values) - 1 == buyers


def test_the_api_gives_the_same_fit_with_units(world: WorkspaceWorld, fitted: Workspace) -> None:
    client = APIClient()
    client.force_login(world.a.user(Role.VIEWER))
    body = client.get("/api/v1/valuation-model/").json()
    assert body["status"] == "fitted"
    assert body["time_unit"] == "days"
    assert body["calibration_end"] == LAST_INVOICE.isoformat()
    alpha = body["bgnbd"]["parameters"]["alpha"]
    assert alpha["unit"] == "days" and alpha["standard_error"] > 0
    assert body["gamma_gamma"]["parameters"]["gamma"]["unit"] == "EUR"
    assert body["data_as_of"]["set_by"] == "latest_line"
    with workspace_context(fitted):
        stored = ValuationSettings.objects.get().model_fit
    assert alpha["value"] == stored["bgnbd"]["params"]["alpha"]


def test_everyone_who_reads_selection_may_read_the_model_and_nobody_else(
    world: WorkspaceWorld,
) -> None:
    for role in (Role.VIEWER, Role.KAM, Role.EXECUTIVE, Role.ADMIN):
        assert _client(world, role).get(reverse("selection-model")).status_code == 200
    anonymous = Client().get(reverse("selection-model"))
    assert anonymous.status_code == 302
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.get(reverse("selection-model-csv")).status_code in (403, 404)
    api = APIClient()
    api.force_login(world.outsider)
    assert api.get("/api/v1/valuation-model/").status_code in (403, 404)


def test_before_the_first_fit_the_page_says_what_happens_next(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        ValuationSettings.objects.filter(workspace=world.a.workspace).update(model_fit={})
    html = _text(_client(world).get(reverse("selection-model")))
    assert "Not computed yet" in html
    assert "The models are fitted by the next scores recompute." in html


def test_the_cdnow_fit_is_sound() -> None:
    data = _cdnow("cdnow_customers_summary_with_transactions.csv")
    purchases = bgnbd.fit(data["x"], data["t_x"], data["T"])
    spend = gamma_gamma.fit(data["x"], data["zbar"])
    repeat = data["x"] > 0
    warnings = purchase_model_warnings(
        purchases,
        spend,
        repeat_buyers=int(repeat.sum()),
        oldest_age=float(data["T"].max()) * 7,  # weeks to days: alpha is judged on its scale
        mean_value=float(data["zbar"][repeat].mean()),
    )
    assert warnings == []


@pytest.fixture
def clockwork(db: None) -> Workspace:
    """60 customers buying exactly every 30 days, nobody ever stops: a degenerate BG/NBD."""
    workspace = Workspace.objects.create(name="Clock", slug="clock", reporting_currency="EUR")
    rng = np.random.default_rng(1)
    last = TODAY - datetime.timedelta(days=20)
    with workspace_context(workspace):
        for i in range(60):
            customer = Customer.objects.create(external_id=f"C{i}", name=f"Clockwork {i}")
            months = 24 if i % 2 else 12
            SalesLine.objects.bulk_create(
                SalesLine(
                    workspace=workspace,
                    customer=customer,
                    date=last - datetime.timedelta(days=30 * k),
                    net_sales=round(100 + rng.normal(0, 1), 2),
                    cost_of_goods=50,
                    source_key=f"C{i}-{k}",
                )
                for k in range(months + 1)
            )
        scores_recompute(workspace_id=workspace.pk)
    return workspace


def test_a_degenerate_fit_is_named_and_no_transactional_clv_is_shown(
    clockwork: Workspace,
) -> None:
    with workspace_context(clockwork):
        fit = ValuationSettings.objects.get().model_fit
        scores = list(CustomerScore.objects.all())
    assert fit["status"] == "unreliable"
    codes = {warning["code"] for warning in fit["warnings"]}
    assert any(code.endswith("_at_bound") for code in codes), codes
    assert "few_repeat_buyers" in codes
    assert all(score.clv_transactional is None for score in scores)
    assert all(score.clv_contractual is not None for score in scores)
    assert "purchase model is unreliable" in scores[0].inputs["transactional"]

    from tests.model_factories.kam import UserFactory

    user = UserFactory.create()
    from kam.workspaces.models import Membership

    Membership.objects.create(user=user, workspace=clockwork, role=Role.VIEWER)
    client = Client()
    client.force_login(user)
    html = _text(client.get(reverse("selection-model")))
    assert 'data-testid="fit-status">Unreliable<' in html
    assert "at the edge of what the fit allows" in html
    assert "the app shows no transactional CLV" in html
    assert "ranks by the contractual CLV" in html
