"""The demo command: a workspace someone can sign in to and present."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Min, Sum

from accounts.demo import build_accounts_demo
from accounts.models import Customer, CustomerStatus, SalesLine
from kam.changelog.models import ChangeLogEntry
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Membership, Workspace
from tests.factories import make_user

PERIOD_END = datetime.date(2025, 12, 31)


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_signs_in_one_person_per_role_in_two_workspaces() -> None:
    output = run_demo("--customers", "50", "--seed", "3")

    main = Workspace.objects.get(name="Nordhavn Industrial Services")
    sandbox = Workspace.objects.get(name="Demo Sandbox")
    roles = dict(Membership.objects.filter(workspace=main).values_list("user__username", "role"))
    assert roles == {
        "admin": "admin",
        "exec": "executive",
        "kam": "kam",
        "kam2": "kam",
        "member": "member",
        "viewer": "viewer",
    }
    assert set(
        Membership.objects.filter(workspace=sandbox).values_list("user__username", flat=True)
    ) == {"admin", "kam"}
    for username in roles:
        assert authenticate(username=username, password="demo") is not None, username
    assert "http://127.0.0.1:8000/login/" in output
    for username in roles:
        assert f"  {username} " in output


@pytest.mark.django_db
def test_demo_has_five_key_accounts_owned_by_the_two_kams() -> None:
    run_demo("--customers", "50")
    main = Workspace.objects.get(slug="nordhavn")
    with workspace_context(main):
        key_accounts = Customer.objects.filter(status=CustomerStatus.KEY_ACCOUNT)
        owners = dict(
            key_accounts.values("owner__username")
            .annotate(n=Count("id"))
            .values_list("owner__username", "n")
        )
        assert owners == {"kam": 3, "kam2": 2}
        assert set(key_accounts.values_list("tier", flat=True)) == {1}
        assert Customer.objects.count() == 50
        assert Customer.objects.filter(status=CustomerStatus.CANDIDATE).exists()


@pytest.mark.django_db
def test_demo_activity_names_the_admin_who_set_the_workspace_up() -> None:
    run_demo("--customers", "50")
    main = Workspace.objects.get(slug="nordhavn")
    with workspace_context(main):
        key_account = Customer.objects.filter(status=CustomerStatus.KEY_ACCOUNT).first()
        assert key_account is not None
        entries = ChangeLogEntry.objects.filter(account_id=key_account.pk)
        assert entries.exists()
        assert set(entries.values_list("actor__username", flat=True)) == {"admin"}
        assert all(e.sentence.startswith("Astrid Holm ") for e in entries[:20])


@pytest.mark.django_db
def test_demo_sales_cover_three_years_with_returns_and_a_pareto_shape() -> None:
    run_demo("--customers", "50")
    with workspace_context(Workspace.objects.get(slug="nordhavn")):
        lines = SalesLine.objects.all()
        span = lines.aggregate(first=Min("date"), last=Max("date"))
        assert (span["last"] - span["first"]).days > 3 * 365 - 40
        assert lines.filter(net_sales__lt=0).exists(), "returns are negative lines"
        assert not lines.filter(net_sales__gt=0, cost_of_goods__lte=0).exists()
        assert not lines.filter(cost_to_serve__lte=0).exists()
        revenue = sorted(
            (row["total"] for row in lines.values("customer").annotate(total=Sum("net_sales"))),
            reverse=True,
        )
        # A few large customers dominate: the top 10 % bring over a third of sales.
        assert sum(revenue[:5]) > Decimal("0.35") * sum(revenue)
        industries = set(Customer.objects.values_list("industry", flat=True))
        assert len(industries) >= 5
        assert Customer.objects.exclude(parent_group="").exists()


def fingerprint(workspace: Workspace) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with workspace_context(workspace):
        customers = list(
            Customer.objects.order_by("external_id").values_list(
                "external_id", "name", "parent_group", "industry", "region", "status", "tier"
            )
        )
        lines = list(
            SalesLine.objects.order_by("source_key").values_list(
                "source_key", "customer__external_id", "offering__code", "date", "net_sales"
            )
        )
    return customers, lines


def build(slug: str, seed: int) -> Workspace:
    workspace = Workspace.objects.create(name=slug, slug=slug)
    with workspace_context(workspace):
        build_accounts_demo(
            workspace=workspace,
            key_account_owners=[make_user(f"{slug}-kam")],
            customer_count=40,
            seed=seed,
            period_end=PERIOD_END,
        )
    return workspace


@pytest.mark.django_db
def test_the_same_seed_builds_the_same_data_and_another_seed_does_not() -> None:
    first = fingerprint(build("one", seed=11))
    assert first == fingerprint(build("two", seed=11))
    assert first[0] != fingerprint(build("three", seed=12))[0]


@pytest.mark.django_db
def test_if_empty_leaves_an_existing_installation_alone() -> None:
    Workspace.objects.create(name="Real customer data", slug="real")
    output = run_demo("--if-empty", "--customers", "20")
    assert "left as it is" in output
    assert list(Workspace.objects.values_list("slug", flat=True)) == ["real"]


@pytest.mark.django_db
def test_running_the_demo_twice_explains_why_it_stops() -> None:
    run_demo("--customers", "20")
    with pytest.raises(CommandError, match="exist already"):
        run_demo("--customers", "20")


@pytest.mark.django_db
def test_demo_invoices_in_three_currencies_with_rates_and_gives_candidates_inputs() -> None:
    run_demo("--customers", "60")
    main = Workspace.objects.get(slug="nordhavn")
    from accounts.exchange_rates import missing_rate_gaps
    from accounts.models import ExchangeRate, ValuationSettings

    with workspace_context(main):
        currencies = set(SalesLine.objects.values_list("currency", flat=True))
        assert {"EUR", "GBP"} <= currencies
        assert set(ExchangeRate.objects.values_list("currency", flat=True)) == {"USD", "GBP"}
        # Every line converts: no sales left out for lack of a rate.
        assert missing_rate_gaps(workspace=main) == []
        assert ValuationSettings.objects.count() == 1
        judged = Customer.objects.filter(
            status__in=[CustomerStatus.KEY_ACCOUNT, CustomerStatus.CANDIDATE]
        )
        assert judged.count() >= 15
        assert not judged.filter(strategic_importance__isnull=True).exists()
        assert not judged.filter(strategic_importance_reason="").exists()
        assert not judged.filter(upv_estimate__isnull=True).exists()
