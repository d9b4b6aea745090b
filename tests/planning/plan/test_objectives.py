"""Objectives: validation, measures from sales lines, deleting with linked actions, pages, API."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Customer
from kam.changelog.models import ChangeLogEntry
from kam.tenancy.context import workspace_context
from planning.models import Action, Objective
from planning.plan.objective_measures import objective_measure, sales_window
from planning.plan.sections import objectives as objectives_section
from planning.plan.services import objectives as services
from tests.api.conftest import _generous_rate_limit, bearer_client, token_for  # noqa: F401
from tests.factories import WorkspaceWorld
from tests.model_factories.accounts import (
    CustomerFactory,
    ExchangeRateFactory,
    OfferingFactory,
    SalesLineFactory,
)
from tests.model_factories.buying_center import StakeholderFactory
from tests.model_factories.kam import UserFactory
from tests.model_factories.plan import ActionFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _in_workspace_a(world: WorkspaceWorld) -> Iterator[None]:
    with workspace_context(world.a.workspace):
        yield


@pytest.fixture
def customer(world: WorkspaceWorld) -> Customer:
    return CustomerFactory.create(
        workspace=world.a.workspace, name="Borealis Steel", status="key_account"
    )


@pytest.fixture
def kam(world: WorkspaceWorld) -> Client:
    client = Client()
    client.force_login(world.a.kam)
    return client


def _create(customer: Customer, **fields: Any) -> Objective:
    return services.objective_create(workspace=customer.workspace, customer=customer, **fields)


def _errors(customer: Customer, **fields: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        _create(customer, **fields)
    return refused.value.message_dict


# -- validation ---------------------------------------------------------------------------


def test_economic_objectives_need_a_target(customer: Customer) -> None:
    errors = _errors(customer, title="Grow", kind="volume")
    assert errors == {
        "target": [
            "An economic objective needs a target: the yearly revenue to reach with this account."
        ]
    }
    assert "margin % to reach" in _errors(customer, title="M", kind="margin")["target"][0]
    assert "100 at most" in _errors(customer, title="M", kind="margin", target="120")["target"][0]
    assert (
        "must be a number" in _errors(customer, title="P", kind="price", target="lots")["target"][0]
    )


def test_all_errors_come_at_once(customer: Customer, world: WorkspaceWorld) -> None:
    other = CustomerFactory.create(workspace=customer.workspace, name="Acme Mining")
    stranger = StakeholderFactory.create(customer=other, name="Olga Lund")
    outsider = UserFactory.create(username="not-a-member")
    errors = _errors(
        customer,
        title="",
        kind="win_stakeholder",
        stakeholder=stranger,
        progress=140,
        owner=outsider,
        horizon="forever",
    )
    assert errors["title"] == ["Say what the objective is, e.g. “Grow pump revenue by 20 %”."]
    assert errors["stakeholder"] == [
        "Olga Lund is in the buying center of another account, not of Borealis Steel."
        " Choose someone of Borealis Steel."
    ]
    assert errors["progress"] == ["Progress is a per cent from 0 to 100; you gave 140."]
    assert errors["owner"] == [
        f"The owner must be a member of this workspace; user {outsider.pk} is not."
    ]
    assert errors["horizon"][0].startswith("'forever' is not a horizon.")


def test_winning_a_stakeholder_names_one_of_this_account(customer: Customer) -> None:
    assert _errors(customer, title="Win the CFO", kind="win_stakeholder") == {
        "stakeholder": ["Say which stakeholder this objective is about: the person we want to win."]
    }
    cfo = StakeholderFactory.create(customer=customer, name="Nina Holm")
    objective = _create(customer, title="Win the CFO", kind="win_stakeholder", stakeholder=cfo)
    assert objective.stakeholder == cfo
    entry = ChangeLogEntry.objects.get(object_id=objective.pk, account_id=customer.pk)
    assert "added the objective “Win the CFO”" in entry.sentence


# -- measures from the sales lines ------------------------------------------------------------


def _line(customer: Customer, day: datetime.date, sales: str, goods: str, **extra: Any) -> None:
    SalesLineFactory.create(
        customer=customer,
        offering=OfferingFactory.create(workspace=customer.workspace),
        date=day,
        net_sales=Decimal(sales),
        cost_of_goods=Decimal(goods),
        **extra,
    )


def test_volume_and_margin_measure_themselves_over_twelve_months(customer: Customer) -> None:
    _line(customer, datetime.date(2026, 10, 31), "6000", "3000", cost_kam=Decimal("600"))
    _line(customer, datetime.date(2025, 11, 1), "4000", "2400")
    # Older than twelve months before the latest line: left out.
    _line(customer, datetime.date(2025, 10, 31), "99999", "0")
    window = sales_window(customer, reporting_currency="EUR")
    assert window.up_to == datetime.date(2026, 10, 31)
    assert window.net_sales == Decimal("10000.00")
    assert window.margin_percent == Decimal("40.00")
    volume = ObjectiveFactory.build(customer=customer, kind="volume", target=Decimal("20000"))
    measure = objective_measure(volume, window)
    assert (measure.value, measure.progress) == (Decimal("10000.00"), 50)
    assert measure.source == "from sales lines up to 2026-10-31"
    margin = ObjectiveFactory.build(customer=customer, kind="margin", target=Decimal("50"))
    assert objective_measure(margin, window).progress == 80


def test_price_uses_the_typed_figure_and_no_sales_is_unknown(customer: Customer) -> None:
    window = sales_window(customer, reporting_currency="EUR")
    assert window.up_to is None and window.source == "no sales lines yet"
    volume = ObjectiveFactory.build(customer=customer, kind="volume", target=Decimal("1000"))
    unknown = objective_measure(volume, window)
    assert unknown.value is None and unknown.progress is None
    price = ObjectiveFactory.build(
        customer=customer, kind="price", target=Decimal("120"), measured=Decimal("90")
    )
    typed = objective_measure(price, window)
    assert (typed.value, typed.progress) == (Decimal("90"), 75)
    assert typed.source == "typed by the team"  # not saved yet: no date to show
    people = ObjectiveFactory.build(customer=customer, kind="mobilise", progress=30)
    assert objective_measure(people, window).progress == 30


def test_sales_in_another_currency_are_converted_or_left_out(customer: Customer) -> None:
    ExchangeRateFactory.create(
        workspace=customer.workspace,
        currency="SEK",
        valid_from=datetime.date(2026, 1, 1),
        rate=Decimal("0.1"),
    )
    _line(customer, datetime.date(2026, 6, 1), "1000", "0")
    _line(customer, datetime.date(2026, 6, 2), "5000", "0", currency="SEK")
    _line(customer, datetime.date(2025, 12, 1), "5000", "0", currency="SEK")  # before any rate
    window = sales_window(customer, reporting_currency="EUR")
    assert window.net_sales == Decimal("1500.00")
    assert window.missing.lines == 1


# -- the section -----------------------------------------------------------------------------


def _section(customer: Customer) -> dict[str, Any]:
    return objectives_section.section(
        workspace=customer.workspace, customer=customer, user=None, today=TODAY
    )


def test_the_section_groups_by_horizon_with_measure_owner_and_actions(
    customer: Customer, kam: Client, world: WorkspaceWorld
) -> None:
    _line(customer, datetime.date(2026, 9, 30), "5000", "2500")
    grow = ObjectiveFactory.create(
        customer=customer,
        title="Grow pumps",
        kind="volume",
        target=Decimal("10000"),
        horizon="medium",
        owner=world.a.kam,
    )
    ActionFactory.create(customer=customer, objective=grow)
    ObjectiveFactory.create(customer=customer, title="Win the CFO", kind="mobilise", progress=20)
    groups = {g.horizon: g for g in _section(customer)["groups"]}
    [row] = groups["medium"].rows
    assert row.action_count == 1 and row.measure.progress == 50
    assert row.add_action_url == "" or row.add_action_url.endswith(f"?objective={grow.pk}")
    page = reverse("account-plan-objectives", kwargs={"customer_id": customer.pk})
    html = unescape(kam.get(page).content.decode())
    assert "Medium term (6-18 months)" in html
    assert "from sales lines up to 2026-09-30" in html
    assert "5,000 EUR" in html and "10,000 EUR" in html
    assert "50 %" in html and "20 %" in html


def test_an_empty_section_says_what_to_do(customer: Customer, kam: Client) -> None:
    page = reverse("account-plan-objectives", kwargs={"customer_id": customer.pk})
    assert "No objectives yet" in kam.get(page).content.decode()


def test_the_section_reads_in_a_fixed_number_of_queries(customer: Customer) -> None:
    _line(customer, datetime.date(2026, 9, 30), "5000", "2500")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _section(customer)
        return len(queries)

    def add(n: int) -> None:
        for i in range(n):
            objective = ObjectiveFactory.create(
                customer=customer,
                kind=["volume", "margin", "price", "win_stakeholder"][i % 4],
                target=Decimal("100"),
                stakeholder=StakeholderFactory.create(customer=customer),
                horizon=["short", "medium", "long"][i % 3],
            )
            ActionFactory.create(customer=customer, objective=objective)

    add(2)
    small = count()
    add(18)
    assert count() == small


# -- pages: add, edit, stale edit, delete with or without linked actions -----------------------


def _url(name: str, customer: Customer, objective: Objective | None = None) -> str:
    kwargs = {"customer_id": customer.pk}
    if objective is not None:
        kwargs["objective_id"] = objective.pk
    return reverse(name, kwargs=kwargs)


def test_a_refused_objective_comes_back_filled_with_messages(
    customer: Customer, kam: Client
) -> None:
    answer = kam.post(
        _url("account-plan-objective-add", customer),
        {
            "title": "Grow pumps",
            "kind": "volume",
            "horizon": "short",
            "status": "not_started",
            "progress": "150",
        },
    )
    assert answer.status_code == 200
    html = unescape(answer.content.decode())
    assert "An economic objective needs a target" in html
    assert "Progress is a per cent from 0 to 100; you gave 150." in html
    assert 'value="Grow pumps"' in html
    assert not Objective.objects.filter(customer=customer).exists()


def test_add_and_edit_an_objective(customer: Customer, kam: Client, world: WorkspaceWorld) -> None:
    answer = kam.post(
        _url("account-plan-objective-add", customer),
        {
            "title": "Grow pumps",
            "kind": "volume",
            "horizon": "long",
            "status": "on_track",
            "target": "250000",
            "owner": world.a.kam.pk,
        },
    )
    assert answer.status_code == 302 and answer["Location"].endswith("#objectives")
    objective = Objective.objects.get(customer=customer)
    assert objective.owner == world.a.kam and objective.target == Decimal("250000")
    edit = _url("account-plan-objective-edit", customer, objective)
    assert 'value="250000"' in kam.get(edit).content.decode()


def test_a_stale_objective_edit_is_refused(customer: Customer, kam: Client) -> None:
    objective = ObjectiveFactory.create(customer=customer, title="Grow", target=Decimal("10"))
    services.objective_update(
        workspace=customer.workspace, objective=objective, expected_version=1, title="Theirs"
    )
    answer = kam.post(
        _url("account-plan-objective-edit", customer, objective),
        {
            "title": "Mine",
            "kind": "volume",
            "horizon": "short",
            "status": "not_started",
            "target": "10",
            "version": 1,
        },
    )
    assert answer.status_code == 409
    assert "Keep mine" in answer.content.decode()
    objective.refresh_from_db()
    assert objective.title == "Theirs"


def test_deleting_without_linked_actions_deletes_at_once(customer: Customer, kam: Client) -> None:
    objective = ObjectiveFactory.create(customer=customer, target=Decimal("10"))
    answer = kam.post(_url("account-plan-objective-delete", customer, objective), {"version": 1})
    assert answer.status_code == 302
    assert not Objective.objects.filter(pk=objective.pk).exists()


def test_deleting_with_linked_actions_asks_and_keeps_them_unlinked(
    customer: Customer, kam: Client
) -> None:
    objective = ObjectiveFactory.create(customer=customer, title="Grow", target=Decimal("10"))
    first = ActionFactory.create(customer=customer, objective=objective, title="Call the buyer")
    ActionFactory.create(customer=customer, objective=objective, title="Site visit")
    url = _url("account-plan-objective-delete", customer, objective)
    asked = kam.post(url, {"version": 1})
    assert asked.status_code == 200
    html = unescape(asked.content.decode())
    assert "Call the buyer" in html and "Site visit" in html
    assert "Keep the actions (unlinked)" in html and "Delete them too" in html
    assert Objective.objects.filter(pk=objective.pk).exists()
    done = kam.post(url, {"version": 1, "linked_actions": "keep"})
    assert done.status_code == 302
    assert not Objective.objects.filter(pk=objective.pk).exists()
    first.refresh_from_db()
    assert first.objective_id is None
    assert Action.objects.filter(customer=customer).count() == 2


def test_deleting_with_linked_actions_can_delete_them_too(customer: Customer, kam: Client) -> None:
    objective = ObjectiveFactory.create(customer=customer, title="Grow", target=Decimal("10"))
    action = ActionFactory.create(customer=customer, objective=objective, title="Call")
    other = ActionFactory.create(customer=customer, title="Unrelated")
    kam.post(
        _url("account-plan-objective-delete", customer, objective),
        {"version": 1, "linked_actions": "delete"},
    )
    assert not Objective.objects.filter(pk=objective.pk).exists()
    assert list(Action.objects.filter(customer=customer)) == [other]
    [entry] = ChangeLogEntry.objects.filter(
        object_id=action.pk, account_id=customer.pk, action="deleted", object_label__contains="Call"
    )
    assert "removed the action “Call” with the objective “Grow”" in entry.sentence


def test_the_delete_service_refuses_an_unknown_choice(customer: Customer) -> None:
    objective = ObjectiveFactory.create(customer=customer, target=Decimal("10"))
    with pytest.raises(ValidationError):
        services.objective_delete(
            workspace=customer.workspace,
            objective=objective,
            expected_version=1,
            linked_actions="maybe",  # type: ignore[arg-type]
        )


# -- API -----------------------------------------------------------------------------------


def test_objectives_through_the_api(customer: Customer, world: WorkspaceWorld) -> None:
    _, raw = token_for(world.a, "kam")
    api: APIClient = bearer_client(raw)
    refused = api.post(
        "/api/v1/objectives/",
        {"customer": customer.pk, "title": "Grow", "kind": "margin"},
        format="json",
    )
    assert refused.status_code == 400 and "target" in refused.json()["errors"]
    created = api.post(
        "/api/v1/objectives/",
        {"customer": customer.pk, "title": "Grow", "kind": "margin", "target": "30"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["measure"] == {
        "value": None,
        "progress": None,
        "measured_from": "no sales lines yet",
        "computed": True,
    }
    url = f"/api/v1/objectives/{created.json()['id']}/"
    listed = api.get(f"/api/v1/objectives/?customer={customer.pk}").json()
    assert [row["title"] for row in listed["results"]] == ["Grow"]
    changed = api.patch(url, {"status": "at_risk"}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200 and changed.json()["status"] == "at_risk"
    assert api.patch(url, {"status": "x"}, format="json", HTTP_IF_MATCH='"1"').status_code in (
        400,
        412,
    )
    assert api.delete(url, HTTP_IF_MATCH='"2"').status_code == 204


def test_the_api_list_reads_the_sales_once_per_account(
    customer: Customer, world: WorkspaceWorld
) -> None:
    _line(customer, datetime.date(2026, 9, 30), "5000", "2500")
    _, raw = token_for(world.a, "viewer")
    api: APIClient = bearer_client(raw)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            answer = api.get(f"/api/v1/objectives/?customer={customer.pk}")
        assert answer.status_code == 200
        return len(queries)

    for _ in range(2):
        ObjectiveFactory.create(customer=customer, kind="volume", target=Decimal("10000"))
    small = count()
    for _ in range(18):
        ObjectiveFactory.create(customer=customer, kind="margin", target=Decimal("40"))
    assert count() == small
    rows = api.get(f"/api/v1/objectives/?customer={customer.pk}&page_size=50").json()["results"]
    assert rows[0]["measure"]["value"] == "5000.00"
    assert rows[0]["measure"]["progress"] == 50
