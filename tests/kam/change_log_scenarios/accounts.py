"""Scenarios: customers, offerings, sales lines, selection, valuation settings, imports."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kam.tenancy.context import workspace_context
from tests.kam.change_log_scenarios import Ctx, Expect, expected, scenario

# accounts ---------------------------------------------------------------------------------

ACC = "accounts.services"


@scenario(f"{ACC}.customer_create")
def _customer_create(ctx: Ctx) -> Expect:
    from accounts import services

    customer = services.customer_create(
        workspace=ctx.workspace, external_id="C-NEW", name="Nordic Steel"
    )
    return expected(customer, customer.pk)


@scenario(f"{ACC}.customer_update")
def _customer_update(ctx: Ctx) -> Expect:
    from accounts import services

    customer = services.customer_update(
        workspace=ctx.workspace,
        customer=ctx.customer,
        expected_version=ctx.customer.version,
        region="South",
    )
    return expected(customer, customer.pk)


@scenario(f"{ACC}.customer_delete")
def _customer_delete(ctx: Ctx) -> Expect:
    from accounts import services

    customer = services.customer_create(workspace=ctx.workspace, external_id="C-GONE", name="Gone")
    expect = expected(customer, customer.pk)
    services.customer_delete(workspace=ctx.workspace, customer=customer)
    return expect


@scenario(f"{ACC}.offering_create", f"{ACC}.offering_update", f"{ACC}.offering_delete")
def _offerings(ctx: Ctx) -> Expect:
    from accounts import services

    offering = services.offering_create(workspace=ctx.workspace, code="VALVE", name="Valves")
    offering = services.offering_update(workspace=ctx.workspace, offering=offering, name="Valve")
    expect = expected(offering, None)
    services.offering_delete(workspace=ctx.workspace, offering=offering)
    return expect


@scenario(f"{ACC}.sales_line_create", f"{ACC}.sales_line_update", f"{ACC}.sales_line_delete")
def _sales_lines(ctx: Ctx) -> Expect:
    from accounts import services

    line = services.sales_line_create(
        workspace=ctx.workspace,
        customer=ctx.customer,
        offering=ctx.world.a.offering,
        date=datetime.date(2025, 6, 1),
        net_sales=Decimal("100.00"),
        cost_of_goods=Decimal("60.00"),
    )
    line = services.sales_line_update(
        workspace=ctx.workspace, sales_line=line, net_sales=Decimal("120.00")
    )
    expect = expected(line, ctx.customer.pk)
    services.sales_line_delete(workspace=ctx.workspace, sales_line=line)
    return expect


SEL = "accounts.selection"


@scenario(f"{SEL}.customer_promote", f"{SEL}.customer_demote")
def _promote_demote(ctx: Ctx) -> Expect:
    from accounts import selection

    selection.customer_promote(
        workspace=ctx.workspace,
        customer=ctx.customer,
        reason="Large and growing",
        user=ctx.actor,
        acknowledge_warnings=True,
    )
    selection.customer_demote(
        workspace=ctx.workspace, customer=ctx.customer, reason="Not this year", user=ctx.actor
    )
    return expected(ctx.customer, ctx.customer.pk)


@scenario(f"{SEL}.customer_judgement_update")
def _judgement(ctx: Ctx) -> Expect:
    from accounts import selection

    selection.customer_judgement_update(
        workspace=ctx.workspace,
        customer=ctx.customer,
        expected_version=ctx.customer.version,
        changes={"fit_cultural": 4},
    )
    return expected(ctx.customer, ctx.customer.pk)


@scenario(f"{SEL}.selection_review_close")
def _review_close(ctx: Ctx) -> Expect:
    from accounts import selection

    review = selection.selection_review_close(
        workspace=ctx.workspace, user=ctx.actor, period="2026-Q1"
    )
    return expected(review, None)


VAL = "accounts.valuation_settings"


@scenario(f"{VAL}.valuation_settings_update")
def _valuation_settings(ctx: Ctx) -> Expect:
    from accounts import valuation_settings

    settings = valuation_settings.valuation_settings_get(workspace=ctx.workspace)
    settings = valuation_settings.valuation_settings_update(
        workspace=ctx.workspace,
        expected_version=settings.version,
        changes={"horizon_years": settings.horizon_years + 1},
    )
    return expected(settings, None)


RATES = "accounts.exchange_rates"


@scenario(
    f"{RATES}.exchange_rate_set", f"{RATES}.exchange_rate_update", f"{RATES}.exchange_rate_delete"
)
def _exchange_rates(ctx: Ctx) -> Expect:
    from accounts import exchange_rates

    rate = exchange_rates.exchange_rate_set(
        workspace=ctx.workspace, currency="USD", valid_from="2025-01-01", rate="0.92"
    )
    rate = exchange_rates.exchange_rate_update(
        workspace=ctx.workspace,
        exchange_rate=rate,
        currency="USD",
        valid_from="2025-01-01",
        rate="0.93",
    )
    expect = expected(rate, None)
    exchange_rates.exchange_rate_delete(workspace=ctx.workspace, exchange_rate=rate)
    return expect


IMP = "accounts.imports.services"


@scenario(f"{IMP}.import_batch_apply")
def _import_apply(ctx: Ctx) -> Expect:
    from accounts.imports import services
    from accounts.models import Customer, ImportBatch

    upload = ctx.client.post(
        reverse("imports:upload"),
        {
            "kind": "customers",
            "file": SimpleUploadedFile(
                "customers.csv", b"external_id,name\nC-IMP,Imported Mining\n"
            ),
        },
    )
    assert upload.status_code == 302
    with workspace_context(ctx.workspace):
        batch = ImportBatch.objects.order_by("-pk").first()
    assert batch is not None
    data = {f"map_{field}": column for field, column in batch.mapping.items()}
    data.update(date_format="auto", decimal_separator="auto")
    assert ctx.client.post(reverse("imports:mapping", args=[batch.pk]), data).status_code == 302
    with workspace_context(ctx.workspace):
        batch.refresh_from_db()
        with ctx.capture(execute=True):  # the job is sent on commit: run it here
            services.import_batch_apply(workspace=ctx.workspace, batch=batch, user=ctx.actor)
        imported = Customer.objects.get(external_id="C-IMP")
    # A batch that touched one account belongs to its timeline.
    return expected(batch, imported.pk)
