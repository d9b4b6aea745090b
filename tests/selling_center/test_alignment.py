"""The SCAP alignment page: interfaces, coverage matrix, executives, stages, the diamond."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kam.tenancy.context import workspace_context
from selling_center import selectors
from selling_center.models import (
    Connection,
    ConnectionLevelDecision,
    EngagementPlan,
    InterfaceAlignment,
    SellingRole,
    StageResource,
)
from selling_center.services import connections, interfaces
from tests.factories import Tenant, WorkspaceWorld
from tests.selling_center.conftest import client_for, key_account, member, stakeholder


def alignment_url(customer_id: int, rest: str = "") -> str:
    return f"/accounts/{customer_id}/alignment/{rest}"


def test_common_pairs_are_one_click_additions(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        account = key_account(world.a)
    client = client_for(world.a)

    page = client.get(alignment_url(account.pk)).content.decode()
    assert "+ Shipping / Receiving" in page
    client.post(alignment_url(account.pk, "interfaces/suggested/"), {"pair": 1})

    page = client.get(alignment_url(account.pk)).content.decode()
    assert "+ Invoicing / Payables" not in page
    with workspace_context(world.a.workspace):
        pairs = list(
            InterfaceAlignment.objects.filter(customer=account).values_list(
                "supplier_function", "customer_function"
            )
        )
    assert pairs == [("Invoicing", "Payables")]


def test_second_save_of_an_interface_is_refused_showing_the_other_change(
    world: WorkspaceWorld,
) -> None:
    with workspace_context(world.a.workspace):
        account = key_account(world.a)
        pair = InterfaceAlignment.objects.create(
            workspace=world.a.workspace,
            customer=account,
            supplier_function="Invoicing",
            customer_function="Payables",
        )
    url = alignment_url(account.pk, f"interfaces/{pair.pk}/edit/")
    karin, maja = client_for(world.a, "kam"), client_for(world.a, "member")
    base = {"supplier_function": "Invoicing", "customer_function": "Payables", "version": 1}

    first = karin.post(url, {**base, "status": "issue", "notes": "PO numbers missing"})
    second = maja.post(url, {**base, "status": "aligned", "notes": "All good"})

    assert first.status_code == 302
    assert second.status_code == 409
    body = second.content.decode()
    assert "Someone else saved this pair" in body
    assert "status issue" in body and "PO numbers missing" in body
    with workspace_context(world.a.workspace):
        pair.refresh_from_db()
    assert (pair.status, pair.notes, pair.version) == ("issue", "PO numbers missing", 2)
    # Saving again from the refreshed form is based on the version now seen.
    third = maja.post(url, {**base, "version": 2, "status": "aligned", "notes": "All good"})
    assert third.status_code == 302


def test_interface_owner_must_be_on_this_accounts_selling_center(in_a: Tenant) -> None:
    account, other = key_account(in_a), key_account(in_a, "Other Mill")
    stranger = member(other, SellingRole.KAM, name="Jonas Berg")

    with pytest.raises(ValidationError) as error:
        interfaces.interface_alignment_create(
            workspace=in_a.workspace,
            customer=account,
            supplier_function="Shipping",
            customer_function="Receiving",
            owner=stranger,
        )

    assert (
        "Jonas Berg is on the selling center of another account"
        in (error.value.message_dict["owner"][0])
    )


def test_connection_between_different_accounts_is_refused(in_a: Tenant) -> None:
    account, other = key_account(in_a), key_account(in_a, "Other Mill")
    theirs = stakeholder(account, "Ruth Olsen")
    ours = member(other, SellingRole.KAM, name="Jonas Berg")

    with pytest.raises(ValidationError) as error:
        connections.connection_create(workspace=in_a.workspace, stakeholder=theirs, member=ours)

    assert "another account than Ruth Olsen" in error.value.message_dict["member"][0]


def test_clicking_a_cell_toggles_the_connection_and_marks_exec_pairs(
    world: WorkspaceWorld,
) -> None:
    with workspace_context(world.a.workspace):
        account = key_account(world.a)
        sponsor = member(account, SellingRole.SPONSOR, user=world.a.user("executive"))
        ceo = stakeholder(account, "Ruth Olsen", title="Chief Executive Officer", roles=["decider"])
    client = client_for(world.a)
    data = {"stakeholder": ceo.pk, "member": sponsor.pk}
    url = alignment_url(account.pk, "connections/toggle/")

    on = client.post(url, data, headers={"HX-Request": "true"})
    assert on.status_code == 200
    cell = on.content.decode()
    assert f'id="cell-{ceo.pk}-{sponsor.pk}"' in cell
    assert "Exec pair" in cell and 'aria-pressed="true"' in cell
    with workspace_context(world.a.workspace):
        assert Connection.objects.get(stakeholder=ceo, member=sponsor).executive_pair

    off = client.post(url, data, headers={"HX-Request": "true"})
    assert 'aria-pressed="false"' in off.content.decode()
    with workspace_context(world.a.workspace):
        assert not Connection.objects.filter(stakeholder=ceo).exists()


def test_toggle_with_another_accounts_stakeholder_says_so(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        account, other = key_account(world.a), key_account(world.a, "Other Mill")
        ours = member(account, SellingRole.KAM, name="Karin")
        theirs = stakeholder(other, "Ruth Olsen")

    response = client_for(world.a).post(
        alignment_url(account.pk, "connections/toggle/"),
        {"stakeholder": theirs.pk, "member": ours.pk},
    )

    assert response.status_code == 400
    assert "Ruth Olsen is not a stakeholder of Fjord Paper" in response.content.decode()


def test_matrix_highlights_uncovered_and_weak_deciders_and_facilitators(in_a: Tenant) -> None:
    account = key_account(in_a)
    kam = member(account, SellingRole.KAM, name="Karin")
    stakeholder(account, "No owner", roles=["decider"])
    stakeholder(account, "Cold", roles=["facilitator"], owner=kam, relationship_score=0)
    stakeholder(account, "Warm", roles=["facilitator"], owner=kam, relationship_score=1)
    stakeholder(account, "Unowned buyer", roles=["buyer"])

    matrix = selectors.coverage_matrix(workspace=in_a.workspace, customer=account)

    gaps = {row.stakeholder.name: row.gaps for row in matrix.gap_rows}
    assert gaps == {
        "No owner": ["nobody on our side owns this relationship"],
        "Cold": ["relationship is neutral or worse"],
    }


def test_executives_are_deciders_or_senior_titles(in_a: Tenant) -> None:
    account = key_account(in_a)
    stakeholder(account, "A", roles=["decider"])
    stakeholder(account, "B", title="Head of Maintenance")
    stakeholder(account, "C", title="VP Operations")
    stakeholder(account, "D", title="CFO")
    stakeholder(account, "E", title="Headcount planner")
    stakeholder(account, "F", title="Buyer", roles=["buyer"])

    matrix = selectors.coverage_matrix(workspace=in_a.workspace, customer=account)

    assert [row.stakeholder.name for row in matrix.executives] == ["A", "B", "C", "D"]


def test_engagement_plan_is_written_for_an_executive(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        account = key_account(world.a)
        ceo = stakeholder(account, "Ruth Olsen", roles=["decider"])
    client = client_for(world.a)
    url = alignment_url(account.pk, f"executives/{ceo.pk}/plan/")

    empty = client.post(url, {"objective": " "})
    saved = client.post(
        url,
        {
            "objective": "Joint uptime roadmap",
            "cadence": "Quarterly",
            "next_step_due": "2026-09-01",
        },
    )

    assert empty.status_code == 400
    assert saved.status_code == 302
    page = client.get(alignment_url(account.pk)).content.decode()
    assert "Joint uptime roadmap" in page and "1 Sep 2026" in page
    with workspace_context(world.a.workspace):
        assert EngagementPlan.objects.get(stakeholder=ceo).cadence == "Quarterly"


def test_stages_without_resources_are_highlighted(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        account = key_account(world.a)
        kam = member(account, SellingRole.KAM, name="Karin")
    client = client_for(world.a)

    client.post(
        alignment_url(account.pk, "stages/add/"), {"stage": "need_recognition", "member": kam.pk}
    )
    page = client.get(alignment_url(account.pk)).content.decode()

    assert "7 stages with nobody assigned." in page
    with workspace_context(world.a.workspace):
        assert selectors.stage_has_resource(
            workspace=world.a.workspace, customer=account, stage="need_recognition"
        )
        assert not selectors.stage_has_resource(
            workspace=world.a.workspace, customer=account, stage="supplier_selection"
        )
        resource = StageResource.objects.get(customer=account)
    client.post(alignment_url(account.pk, f"stages/{resource.pk}/remove/"))
    assert (
        "8 stages with nobody assigned." in client.get(alignment_url(account.pk)).content.decode()
    )


def test_overriding_the_suggested_level_needs_a_reason(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        account = key_account(world.a)
    client = client_for(world.a)
    url = alignment_url(account.pk, "connection-level/")

    refused = client.post(url, {"level": "transformative", "reason": ""})
    accepted = client.post(url, {"level": "consultative", "reason": "Weekly joint planning"})

    assert refused.status_code == 400
    assert "The suggestion is transactional; say why" in refused.content.decode()
    assert accepted.status_code == 302
    with workspace_context(world.a.workspace):
        decision = ConnectionLevelDecision.objects.get(customer=account)
    assert (decision.suggested_level, decision.level) == ("transactional", "consultative")
    assert decision.decided_by == world.a.user("kam")


def _fill(tenant: Tenant, count: int) -> int:
    with workspace_context(tenant.workspace):
        account = key_account(tenant, f"Account {count}")
        team = [
            member(account, role, name=f"{role} {n}")
            for n, role in enumerate(
                [SellingRole.SPONSOR, SellingRole.EXECUTIVE, SellingRole.KAM] * 3
            )
        ]
        for n in range(count):
            person = stakeholder(
                account,
                f"Person {n}",
                roles=["decider"] if n % 5 == 0 else ["buyer"],
                title="Director" if n % 7 == 0 else "",
                owner=team[n % len(team)],
                relationship_score=n % 5 - 2,
            )
            Connection.objects.create(
                workspace=tenant.workspace, stakeholder=person, member=team[(n + 1) % len(team)]
            )
            if n % 7 == 0:
                EngagementPlan.objects.create(
                    workspace=tenant.workspace, stakeholder=person, objective="Meet"
                )
        for n, resource in enumerate(team[:8]):
            StageResource.objects.create(
                workspace=tenant.workspace,
                customer=account,
                stage=["need_recognition", "supplier_selection"][n % 2],
                member=resource,
            )
        InterfaceAlignment.objects.create(
            workspace=tenant.workspace,
            customer=account,
            supplier_function="Shipping",
            customer_function="Receiving",
            owner=team[0],
        )
    return account.pk


@pytest.mark.parametrize("page", ["alignment/", "selling-center/"])
def test_query_count_does_not_grow_with_people(world: WorkspaceWorld, page: str) -> None:
    small, large = _fill(world.a, 20), _fill(world.a, 200)
    client = client_for(world.a)
    counts = []
    for account_id in (small, large):
        client.get(f"/accounts/{account_id}/{page}")  # warm caches (sessions, settings row)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/accounts/{account_id}/{page}")
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
