"""Critical success factors: services, warning, pages, fragments (CSF list and UPV summary)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.concurrency import VersionConflict
from kam.tenancy.context import workspace_context
from planning.models import CriticalSuccessFactor, OpenSpaceCell
from planning.open_space.csf_views import success_factors_context
from planning.open_space.selectors import upv_summary_context
from planning.open_space.services import success_factors
from tests.factories import WorkspaceWorld
from tests.planning.open_space.oil_field import (
    LAST_YEAR,
    TODAY,
    fill_oil_field_potentials,
    oil_field_open_space,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(world: WorkspaceWorld) -> Customer:
    with workspace_context(world.a.workspace):
        return Customer.objects.create(
            external_id="KA-OIL", name="Gulf Oilfield Operations", status="key_account"
        )


def _client(world: WorkspaceWorld, role: str = "kam") -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client


def _url(name: str, customer: Customer, factor: CriticalSuccessFactor | None = None) -> str:
    kwargs = {"customer_id": customer.pk}
    if factor is not None:
        kwargs["critical_success_factor_id"] = factor.pk
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "has no critical success factor"),
        (1, "has only one critical success factor"),
        (2, None),
        (5, None),
        (6, "has 6 critical success factors. Keep the 5"),
    ],
)
def test_warning_outside_two_to_five(count: int, expected: str | None) -> None:
    warning = success_factors.success_factor_warning(count)
    if expected is None:
        assert warning is None
    else:
        assert warning is not None and expected in warning


def test_owner_must_be_a_stakeholder_of_the_same_account(
    world: WorkspaceWorld, account: Customer
) -> None:
    with workspace_context(world.a.workspace):
        other = Stakeholder.objects.create(customer=world.a.customer, name="Ivan Petrov")
        own = Stakeholder.objects.create(customer=account, name="Amina Diallo", title="COO")
        with pytest.raises(ValidationError) as error:
            success_factors.success_factor_add(customer=account, title="Lower cost", owner=other)
        assert error.value.message_dict["owner"] == [
            "That stakeholder (Ivan Petrov) belongs to another account (A Mining Group),"
            " not to Gulf Oilfield Operations."
        ]
        with pytest.raises(ValidationError) as blank:
            success_factors.success_factor_add(customer=account, title="   ")
        assert "Say what the customer must get right" in blank.value.message_dict["title"][0]
        factor = success_factors.success_factor_add(
            customer=account, title=" Lower cost ", owner=own
        )
        assert (factor.title, factor.owner, factor.position) == ("Lower cost", own, 0)
        second = success_factors.success_factor_add(customer=account, title="Safety first")
        assert second.position == 1


def test_update_is_versioned_and_remove_keeps_cells(
    world: WorkspaceWorld, account: Customer
) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        africa = fill_oil_field_potentials(world.a, open_space)
        success_factors.success_factor_update(
            factor=africa, expected_version=1, title="Explore Africa"
        )
        with pytest.raises(VersionConflict) as conflict:
            success_factors.success_factor_update(factor=africa, expected_version=1, title="Mine")
        assert conflict.value.instance.title == "Explore Africa"
        aligned = OpenSpaceCell.objects.filter(success_factor=africa).count()
        assert aligned == 2
        with pytest.raises(VersionConflict):
            success_factors.success_factor_remove(factor=africa, expected_version=1)
        success_factors.success_factor_remove(factor=africa, expected_version=2)
        assert (
            OpenSpaceCell.objects.filter(potential=Decimal("1500000")).get().success_factor is None
        )


def test_move_reorders_and_refuses_at_the_edge(world: WorkspaceWorld, account: Customer) -> None:
    with workspace_context(world.a.workspace):
        first = success_factors.success_factor_add(customer=account, title="First")
        second = success_factors.success_factor_add(customer=account, title="Second")
        success_factors.success_factor_move(factor=second, direction="up")
        titles = list(
            CriticalSuccessFactor.objects.filter(customer=account)
            .order_by("position")
            .values_list("title", flat=True)
        )
        assert titles == ["Second", "First"]
        with pytest.raises(ValidationError) as error:
            success_factors.success_factor_move(factor=first, direction="down")
        assert error.value.messages == ["First is already the last factor."]


def test_list_page_add_edit_remove_and_warning(world: WorkspaceWorld, account: Customer) -> None:
    client = _client(world)
    with workspace_context(world.a.workspace):
        owner = Stakeholder.objects.create(customer=account, name="Amina Diallo", title="COO")
    page = client.get(_url("account-success-factors", account))
    assert page.status_code == 200
    html = page.content.decode()
    assert "No critical success factors yet" in html and "has no critical success factor" in html
    refused = client.post(_url("success-factor-add", account), {"title": "", "description": "x"})
    assert refused.status_code == 400
    assert "Say what the customer must get right." in refused.content.decode()
    added = client.post(
        _url("success-factor-add", account),
        {"title": "Grow exploration in Africa", "owner": owner.pk},
    )
    assert added.status_code == 302
    with workspace_context(world.a.workspace):
        factor = CriticalSuccessFactor.objects.get(customer=account)
    html = client.get(_url("account-success-factors", account)).content.decode()
    assert "Grow exploration in Africa" in html and "Amina Diallo, COO" in html
    assert "has only one critical success factor" in html
    edit_url = _url("success-factor-edit", account, factor)
    assert client.get(edit_url).status_code == 200
    saved = client.post(edit_url, {"title": "Explore Africa", "owner": "", "version": 1})
    assert saved.status_code == 302
    stale = client.post(edit_url, {"title": "Mine", "owner": owner.pk, "version": 1})
    assert stale.status_code == 400
    html = stale.content.decode()
    assert "Someone else saved this factor" in html and "“Explore Africa”" in html
    assert 'value="Mine"' in html  # what was typed is kept
    removed = client.post(_url("success-factor-remove", account, factor), {"version": 2})
    assert removed.status_code == 302
    with workspace_context(world.a.workspace):
        assert not CriticalSuccessFactor.objects.filter(pk=factor.pk).exists()


def test_other_accounts_factor_and_other_workspace_answer_404(
    world: WorkspaceWorld, account: Customer
) -> None:
    client = _client(world)
    with workspace_context(world.a.workspace):
        factor = CriticalSuccessFactor.objects.get(customer=world.a.customer)
    assert client.get(_url("success-factor-edit", account, factor)).status_code == 404
    with workspace_context(world.b.workspace):
        b_customer = Customer.objects.get(external_id="b-C1")
    assert client.get(_url("account-success-factors", b_customer)).status_code == 404


def test_viewer_sees_factors_without_controls(world: WorkspaceWorld, account: Customer) -> None:
    with workspace_context(world.a.workspace):
        success_factors.success_factor_add(customer=account, title="Grow exploration in Africa")
    viewer = _client(world, "viewer")
    html = viewer.get(_url("account-success-factors", account)).content.decode()
    assert "Grow exploration in Africa" in html
    assert "Add a critical success factor" not in html and ">Remove<" not in html
    assert viewer.post(_url("success-factor-add", account), {"title": "x"}).status_code == 403


def test_fragment_queries_do_not_grow_with_factors(
    world: WorkspaceWorld, account: Customer
) -> None:
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            context = success_factors_context(account)
            render_to_string(
                "planning/open_space/_success_factors.html",
                {"customer": account, **context, "can": {"edit_accounts": True}},
            )
        return len(queries)

    with workspace_context(world.a.workspace):
        owner = Stakeholder.objects.create(customer=account, name="Amina Diallo")
        success_factors.success_factor_add(customer=account, title="One", owner=owner)
        few = count_queries()
        for n in range(6):
            success_factors.success_factor_add(customer=account, title=f"Factor {n}", owner=owner)
        assert count_queries() == few


def test_upv_summary_fragment(world: WorkspaceWorld, account: Customer) -> None:
    with workspace_context(world.a.workspace):
        empty = upv_summary_context(account, today=TODAY)
        html = render_to_string("planning/open_space/_upv_summary.html", empty)
        assert "No UPV yet" in html
        open_space = oil_field_open_space(world.a)
        fill_oil_field_potentials(world.a, open_space)
        context = upv_summary_context(open_space.customer, today=TODAY)
        html = render_to_string("planning/open_space/_upv_summary.html", context)
    assert 'data-upv="up_sell">3,500,000<' in html
    assert "5,000,000" in html and "1,250,000" in html and "9,750,000" in html
    assert f"no sales in {LAST_YEAR}" in html
