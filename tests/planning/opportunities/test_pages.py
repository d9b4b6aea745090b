"""Opportunity pages: the pipeline and its filters, the detail sections, forms, conflicts, 404s."""

from __future__ import annotations

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kam.tenancy.context import workspace_context
from planning.models import (
    Opportunity,
    OpportunityContributor,
    OpportunityTask,
    ValueDriver,
)
from selling_center.models import SellingCenterMember
from tests.factories import WorkspaceWorld
from tests.planning.opportunities.conftest import Account, client_for

pytestmark = pytest.mark.django_db


def _list(account: Account, **params: str) -> str:
    url = reverse("account-opportunities", kwargs={"customer_id": account.customer.pk})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def _url(name: str, account: Account, opportunity: Opportunity | None = None, **extra: int) -> str:
    o = opportunity or account.opportunity
    return reverse(
        name, kwargs={"customer_id": account.customer.pk, "opportunity_id": o.pk, **extra}
    )


def _fill(account: Account, world: WorkspaceWorld, n: int) -> None:
    """``n`` opportunities in every state, each with a value driver, a contributor and a task."""
    states = ["in_progress", "early_stage", "delayed", "long_term", "won", "lost"]
    with workspace_context(account.workspace):
        for i in range(n):
            Opportunity.objects.create(
                customer=account.customer,
                title=f"Deal {i}",
                state=states[i % len(states)],
                value=Decimal(1000 * (i + 1)),
                probability=10 * (i % 10),
                owner=world.a.user("kam"),
                buying_stage="proposal_requests" if i % 2 else "",
                expected_close=datetime.date(2020, 1, 1) if i % 3 == 0 else None,
            )
            ValueDriver.objects.create(
                opportunity=account.opportunity,
                driver=f"D{i}",
                formula="a * 2",
                inputs={"a": i},
                result=Decimal(2 * i),
                metric_owner=account.decider,
            )
            OpportunityTask.objects.create(
                opportunity=account.opportunity, title=f"T{i}", owner=world.a.user("kam")
            )
            helper = SellingCenterMember.objects.create(
                customer=account.customer,
                name=f"Helper {Opportunity.objects.count()}",
                role="contributor",
                permanent=False,
            )
            OpportunityContributor.objects.create(opportunity=account.opportunity, member=helper)


def test_empty_pipeline_points_to_open_space_and_new(
    world: WorkspaceWorld, account: Account
) -> None:
    with workspace_context(account.workspace):
        account.opportunity.delete()
    html = unescape(client_for(world).get(_list(account)).content.decode())
    assert "Borealis Steel has no opportunities yet" in html
    assert "priority cells" in html
    assert reverse("account-opportunity-add", kwargs={"customer_id": account.customer.pk}) in html


def test_pipeline_lists_and_filters(world: WorkspaceWorld, account: Account) -> None:
    _fill(account, world, 12)
    client = client_for(world)
    html = client.get(_list(account)).content.decode()
    assert html.count("<tr>") >= 13
    assert 'data-total="count">13<' in html
    delayed = client.get(_list(account, state="delayed")).content.decode()
    assert "Deal 2<" in delayed and "Deal 8<" in delayed and "Deal 1<" not in delayed
    assert 'data-total="count">2<' in delayed
    staged = client.get(_list(account, stage="proposal_requests")).content.decode()
    assert 'data-total="count">6<' in staged
    with workspace_context(account.workspace):
        Opportunity.objects.filter(title="Deal 3").update(
            **{
                f: True
                for f in (
                    "compelling_reason",
                    "authority_leverage",
                    "budget_availability",
                    "supporting_allies",
                )
            }
        )
    qualified = client.get(_list(account, qualification="qualified")).content.decode()
    assert "Deal 3<" in qualified and 'data-total="count">1<' in qualified
    assert "Qualified</span>" in qualified
    bogus = client.get(_list(account, state="nonsense")).content.decode()
    assert 'data-total="count">13<' in bogus


def test_list_and_detail_queries_do_not_grow_with_rows(
    world: WorkspaceWorld, account: Account
) -> None:
    client = client_for(world)
    client.get(_list(account))  # first request of a session loads caches once
    counts = []
    for n in (5, 45):
        _fill(account, world, n)
        with CaptureQueriesContext(connection) as listed:
            assert client.get(_list(account)).status_code == 200
        with CaptureQueriesContext(connection) as detail:
            assert client.get(_url("account-opportunity", account)).status_code == 200
        counts.append((len(listed), len(detail)))
    assert counts[0] == counts[1], counts


def test_detail_shows_every_section(world: WorkspaceWorld, account: Account) -> None:
    _fill(account, world, 2)
    html = unescape(client_for(world).get(_url("account-opportunity", account)).content.decode())
    for anchor in (
        'id="summary"',
        'id="cabs"',
        'id="value-proposition"',
        'id="value-drivers"',
        'id="contributors"',
        'id="tasks"',
        'id="needs"',
        'id="criteria"',
        'id="challenge"',
    ):
        assert anchor in html
    assert "Not qualified: 0 of 4" in html
    assert "Total quantified value" in html
    assert "Economic objectives" in html and "Socio-political objectives" in html


def test_add_keeps_input_on_error_and_saves_when_right(
    world: WorkspaceWorld, account: Account
) -> None:
    client = client_for(world)
    url = reverse("account-opportunity-add", kwargs={"customer_id": account.customer.pk})
    data = {
        "title": "Sensor retrofit",
        "origin": "pull",
        "state": "early_stage",
        "value": "250,000",
        "probability": "140",
        "phase": "initiation",
        "economic_objectives": "20 % margin",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    html = unescape(refused.content.decode())
    assert "The probability is a percent between 0 and 100; you gave 140." in html
    assert 'value="Sensor retrofit"' in html and 'value="250,000"' in html
    assert "20 % margin" in html
    saved = client.post(url, {**data, "probability": "40", "expected_close": "2020-05-01"})
    assert saved.status_code == 302
    with workspace_context(account.workspace):
        o = Opportunity.objects.get(title="Sensor retrofit")
    assert (o.value, o.probability, o.origin) == (Decimal("250000.00"), 40, "pull")
    detail = unescape(client.get(saved.url).content.decode())
    assert "is in the past while the opportunity is still open" in detail


def test_cabs_form_refuses_tick_without_evidence_and_qualifies(
    world: WorkspaceWorld, account: Account
) -> None:
    client = client_for(world)
    url = _url("account-opportunity-cabs", account)
    refused = client.post(url, {"version": 1, "compelling_reason": "on"})
    assert refused.status_code == 400
    assert "Say what shows the customer has a compelling reason." in unescape(
        refused.content.decode()
    )
    full = {"version": 1}
    for name in (
        "compelling_reason",
        "authority_leverage",
        "budget_availability",
        "supporting_allies",
    ):
        full[name] = "on"
        full[f"{name}_evidence"] = f"Evidence of {name}"
    done = client.post(url, full)
    assert done.status_code == 302
    page = client.get(_url("account-opportunity", account)).content.decode()
    assert 'data-qualified="yes"' in page


def test_stale_cabs_edit_is_refused_showing_the_saved_values(
    world: WorkspaceWorld, account: Account
) -> None:
    client = client_for(world)
    url = _url("account-opportunity-cabs", account)
    first = client.post(
        url, {"version": 1, "budget_availability": "on", "budget_availability_evidence": "Capex ok"}
    )
    assert first.status_code == 302
    stale = client.post(
        url, {"version": 1, "compelling_reason": "on", "compelling_reason_evidence": "Audit"}
    )
    assert stale.status_code == 409
    html = unescape(stale.content.decode())
    assert "Someone else saved a change" in html
    assert "Capex ok" in html  # the other person's value, shown
    assert "Audit" in html  # and ours, kept
    with workspace_context(account.workspace):
        o = Opportunity.objects.get(pk=account.opportunity.pk)
    assert (o.compelling_reason, o.budget_availability, o.version) == (False, True, 2)


def test_value_proposition_alarm_is_explained(world: WorkspaceWorld, account: Account) -> None:
    client = client_for(world)
    answers = {
        "version": 1,
        "vp_needs_justify_price": "no",
        "vp_strengths_ahead": "no",
        "vp_benefits_demonstrated": "no",
        "vp_more_expensive": "yes",
    }
    assert (
        client.post(_url("account-opportunity-value-proposition", account), answers).status_code
        == 302
    )
    html = unescape(client.get(_url("account-opportunity", account)).content.decode())
    assert "the customer has no reason to pay more for us" in html


def test_value_driver_form_computes_and_shows_formula_errors(
    world: WorkspaceWorld, account: Account
) -> None:
    client = client_for(world)
    url = _url("opportunity-value-driver-add", account)
    data = {
        "driver": "Higher wafer yield",
        "inputs": "wafers_per_month = 2,000\nprice_per_wafer = 4,000\nyield_gain = 3%",
        "formula": "wafer * price_per_wafer",
        "unit": "USD per month",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    html = unescape(refused.content.decode())
    assert (
        "The formula uses `wafer`, which is not an input."
        " Inputs: price_per_wafer, wafers_per_month, yield_gain." in html
    )
    assert "yield_gain = 3%" in html
    saved = client.post(url, {**data, "formula": "wafers_per_month * price_per_wafer * yield_gain"})
    assert saved.status_code == 302
    page = client.get(_url("account-opportunity", account)).content.decode()
    assert 'data-result="240000.00"' in page


def test_contributor_and_task_forms(world: WorkspaceWorld, account: Account) -> None:
    client = client_for(world)
    added = client.post(
        _url("opportunity-contributor-add", account),
        {"member": account.expert.pk, "contribution": "Refractory expertise"},
    )
    assert added.status_code == 302
    other = client.post(
        _url("opportunity-contributor-add", account), {"member": account.other_member.pk}
    )
    assert other.status_code == 400  # not offered: another account's member
    task = client.post(
        _url("opportunity-task-add", account),
        {"title": "Send references", "due_date": "2020-01-01", "status": "open"},
    )
    assert task.status_code == 302
    html = client.get(_url("account-opportunity", account)).content.decode()
    assert "Refractory expertise" in html and "1 overdue" in html


def test_viewer_sees_no_edit_controls_and_cannot_post(
    world: WorkspaceWorld, account: Account
) -> None:
    viewer = client_for(world, "viewer")
    html = viewer.get(_url("account-opportunity", account)).content.decode()
    assert _url("account-opportunity-cabs", account) not in html
    assert _url("account-opportunity-edit", account) not in html
    assert viewer.post(_url("account-opportunity-cabs", account), {"version": 1}).status_code == 403
    assert (
        viewer.post(
            reverse(
                "account-opportunity-from-cell",
                kwargs={
                    "customer_id": account.customer.pk,
                    "open_space_cell_id": account.upsell_cell.pk,
                },
            )
        ).status_code
        == 403
    )


def test_another_accounts_opportunity_and_cell_answer_404(
    world: WorkspaceWorld, account: Account
) -> None:
    with workspace_context(account.workspace):
        theirs = Opportunity.objects.create(customer=account.other, title="Acme deal")
    client = client_for(world)
    assert client.get(_url("account-opportunity", account, theirs)).status_code == 404
    assert client.post(_url("account-opportunity-cabs", account, theirs), {}).status_code == 404
    assert (
        client.post(
            reverse(
                "account-opportunity-from-cell",
                kwargs={
                    "customer_id": account.customer.pk,
                    "open_space_cell_id": account.other_cell.pk,
                },
            )
        ).status_code
        == 404
    )


def test_from_cell_creates_and_redirects_with_a_notice(
    world: WorkspaceWorld, account: Account
) -> None:
    client = client_for(world)
    answer = client.post(
        reverse(
            "account-opportunity-from-cell",
            kwargs={
                "customer_id": account.customer.pk,
                "open_space_cell_id": account.upsell_cell.pk,
            },
        ),
        follow=True,
    )
    html = unescape(answer.content.decode())
    assert "“Pump maintenance for South” was created from the Open Space cell" in html
    assert "expand" in html
    assert "Pump maintenance in EU &gt; South" in answer.content.decode()


def test_edit_and_delete_opportunity(world: WorkspaceWorld, account: Account) -> None:
    client = client_for(world)
    form = client.get(_url("account-opportunity-edit", account))
    assert 'value="Furnace relining"' in form.content.decode()
    saved = client.post(
        _url("account-opportunity-edit", account),
        {
            "version": 1,
            "title": "Furnace 3 relining",
            "origin": "push",
            "state": "in_progress",
            "value": "200000",
            "probability": "60",
            "phase": "planning",
        },
    )
    assert saved.status_code == 302
    stale = client.post(_url("account-opportunity-delete", account), {"version": 1})
    assert stale.status_code == 302
    with workspace_context(account.workspace):
        assert Opportunity.objects.filter(pk=account.opportunity.pk).exists()
    gone = client.post(_url("account-opportunity-delete", account), {"version": 2})
    assert gone.status_code == 302
    with workspace_context(account.workspace):
        assert not Opportunity.objects.filter(pk=account.opportunity.pk).exists()


def test_contributor_edit_refused_when_someone_changed_it(
    world: WorkspaceWorld, account: Account
) -> None:
    with workspace_context(account.workspace):
        row = OpportunityContributor.objects.create(
            opportunity=account.opportunity, member=account.expert, contribution="Expert"
        )
    client = client_for(world)
    url = _url("opportunity-contributor-edit", account, opportunity_contributor_id=row.pk)
    opened = client.get(url).content.decode()
    assert 'name="expected_contribution" value="Expert"' in opened
    started_from = {
        "expected_member": str(account.expert.pk),
        "expected_contribution": "Expert",
        "expected_until": "",
    }
    first = client.post(
        url, {"member": account.expert.pk, "contribution": "Lead expert", **started_from}
    )
    assert first.status_code == 302
    stale = client.post(
        url, {"member": account.expert.pk, "contribution": "Reviewer", **started_from}
    )
    assert stale.status_code == 409
    html = unescape(stale.content.decode())
    assert "Lead expert" in html and "Reviewer" in html
    with workspace_context(account.workspace):
        assert OpportunityContributor.objects.get(pk=row.pk).contribution == "Lead expert"
    again = client.post(
        url,
        {
            "member": account.expert.pk,
            "contribution": "Reviewer",
            **started_from,
            "expected_contribution": "Lead expert",
        },
    )
    assert again.status_code == 302


def test_value_driver_stale_edit_shows_both_and_keeps_input(
    world: WorkspaceWorld, account: Account
) -> None:
    with workspace_context(account.workspace):
        driver = ValueDriver.objects.create(
            opportunity=account.opportunity, driver="Yield", formula="a * 2", inputs={"a": 3}
        )
    client = client_for(world)
    url = _url("opportunity-value-driver-edit", account, value_driver_id=driver.pk)
    form = client.get(url).content.decode()
    assert "a = 3" in form and 'value="a * 2"' in form
    data = {"version": 1, "driver": "Yield", "inputs": "a = 3", "formula": "a * 3", "unit": ""}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "formula": "a * 4"})
    assert stale.status_code == 409
    html = unescape(stale.content.decode())
    assert 'value="a * 4"' in html and "a * 3" in html
    with workspace_context(account.workspace):
        assert ValueDriver.objects.get(pk=driver.pk).result == Decimal("9.00")


def test_edit_keeps_a_linked_cell_without_potential(
    world: WorkspaceWorld, account: Account
) -> None:
    with workspace_context(account.workspace):
        Opportunity.objects.filter(pk=account.opportunity.pk).update(
            open_space_cell=account.sold_cell
        )
    html = client_for(world).get(_url("account-opportunity-edit", account)).content.decode()
    assert f'<option value="{account.sold_cell.pk}" selected>' in html


def test_task_done_in_one_click_and_stale_click_refused(
    world: WorkspaceWorld, account: Account
) -> None:
    with workspace_context(account.workspace):
        task = OpportunityTask.objects.create(
            opportunity=account.opportunity, title="Call Ines", due_date=datetime.date(2020, 1, 1)
        )
    client = client_for(world)
    url = _url("opportunity-task-status", account, opportunity_task_id=task.pk)
    page = client.get(_url("account-opportunity", account)).content.decode()
    assert url in page and "1 overdue" in page and 'badge-danger">overdue' in page
    done = client.post(url, {"version": 1, "status": "done"}, follow=True)
    assert "is done" in unescape(done.content.decode())
    assert 'badge-danger">overdue' not in done.content.decode()
    stale = client.post(url, {"version": 1, "status": "open"}, follow=True)
    assert "changed by someone else" in unescape(stale.content.decode())
    with workspace_context(account.workspace):
        assert OpportunityTask.objects.get(pk=task.pk).status == "done"


def test_cabs_saves_in_place_with_htmx(world: WorkspaceWorld, account: Account) -> None:
    client = client_for(world)
    url = _url("account-opportunity-cabs", account)
    refused = client.post(url, {"version": 1, "compelling_reason": "on"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200  # htmx swaps only successful answers
    html = unescape(refused.content.decode())
    assert 'id="cabs"' in html
    assert "<html" not in html
    assert "Say what shows the customer has a compelling reason." in html
    saved = client.post(
        url,
        {"version": 1, "budget_availability": "on", "budget_availability_evidence": "Capex ok"},
        HTTP_HX_REQUEST="true",
    )
    html = unescape(saved.content.decode())
    assert "CABS saved: 1 of 4 checkpoints hold" in html
    assert 'name="version" value="2"' in html
    stale = client.post(
        url,
        {"version": 1, "compelling_reason": "on", "compelling_reason_evidence": "Audit"},
        HTTP_HX_REQUEST="true",
    )
    html = unescape(stale.content.decode())
    assert "Someone else saved a change here" in html
    assert "Audit" in html and "Capex ok" in html
