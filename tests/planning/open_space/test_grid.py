"""The JSON endpoints behind the spreadsheet: save a cell, paste a block."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Customer
from kam.tenancy.context import workspace_context
from planning.models import CriticalSuccessFactor, OpenSpaceCell, OpenSpaceColumn, OpenSpaceSegment
from planning.open_space.services import cells
from tests.factories import WorkspaceWorld
from tests.planning.open_space.test_page import build_matrix, client_for

pytestmark = pytest.mark.django_db


def _save(client: Client, customer: Customer, body: dict[str, Any]) -> Any:
    return client.post(
        reverse("open-space-cell-save", kwargs={"customer_id": customer.pk}),
        data=json.dumps(body),
        content_type="application/json",
    )


def _change(
    client: Client,
    customer: Customer,
    segment: OpenSpaceSegment,
    column: OpenSpaceColumn,
    changes: dict[str, str],
    *,
    version: int = 0,
) -> Any:
    """One cell edit, as the grid sends it."""
    body = {"segment": segment.pk, "column": column.pk, "version": version, "changes": changes}
    return _save(client, customer, body)


def _paste(client: Client, customer: Customer, body: dict[str, Any]) -> Any:
    return client.post(
        reverse("open-space-paste", kwargs={"customer_id": customer.pk}),
        data=json.dumps(body),
        content_type="application/json",
    )


def _cell(world: WorkspaceWorld, segment: Any, column: Any) -> OpenSpaceCell | None:
    with workspace_context(world.a.workspace):
        return OpenSpaceCell.objects.filter(segment=segment, column=column).first()


def test_save_returns_the_cell_totals_and_upv(world: WorkspaceWorld) -> None:
    customer, _, segs, cols = build_matrix(world.a, 3, 3)
    # Site 0 x Digital twin (co-creation, no row yet).
    response = _change(
        world_client := client_for(world.a), customer, segs[0], cols[2], {"potential": "1,200,000"}
    )
    assert response.status_code == 200, response.content
    data = response.json()
    cell = data["cells"][0]
    assert cell["potential"] == "1.2M"
    assert cell["potential_raw"] == "1200000"
    assert cell["version"] == 1
    assert "is-open" in cell["classes"]
    assert data["totals"]["rows"][str(segs[0].pk)]["potential"] == "1.2M"
    assert data["totals"]["grand"]["potential_full"].endswith(" EUR")
    assert 'data-upv="co_creation"' in data["upv_html"]
    assert "1,450,000" in data["upv_html"]  # with Site 1 x Digital twin (250k)
    saved = _cell(world, segs[0], cols[2])
    assert saved is not None and saved.potential == Decimal("1200000")
    # A second edit with the version returned goes through.
    again = _change(world_client, customer, segs[0], cols[2], {"note": "Pilot"}, version=1)
    assert again.status_code == 200
    assert again.json()["cells"][0]["note"] == "Pilot"


def test_stale_version_answers_409_with_the_other_value(world: WorkspaceWorld) -> None:
    customer, open_space, segs, cols = build_matrix(world.a, 3, 3)
    with workspace_context(world.a.workspace):
        cells.cell_save(
            open_space=open_space,
            segment_id=segs[1].pk,
            column_id=cols[1].pk,
            changes={"potential": "800"},
            expected_version=0,
            user=world.a.user("admin"),
        )
    response = _change(client_for(world.a), customer, segs[1], cols[1], {"potential": "5"})
    assert response.status_code == 409
    data = response.json()
    assert data["conflict"] is True
    assert "Someone else changed" in data["message"]
    assert data["cells"][0]["potential_raw"] == "800"
    assert data["cells"][0]["version"] == 1
    saved = _cell(world, segs[1], cols[1])
    assert saved is not None and saved.potential == Decimal("800")


def test_text_in_a_number_cell_answers_400_with_the_message(world: WorkspaceWorld) -> None:
    customer, _, segs, cols = build_matrix(world.a, 3, 3)
    response = _change(client_for(world.a), customer, segs[0], cols[1], {"potential": "lots"})
    assert response.status_code == 400
    message = response.json()["message"]
    assert "'lots' is not a number" in message
    assert "Region 0 > Site 0 x Offering 1" in message
    assert _cell(world, segs[0], cols[1]) is None
    negative = _change(client_for(world.a), customer, segs[0], cols[1], {"potential": "-5"})
    assert negative.status_code == 400
    assert "cannot be below zero" in negative.json()["message"]


def test_another_accounts_csf_is_refused_by_name(world: WorkspaceWorld) -> None:
    customer, _, segs, cols = build_matrix(world.a, 2, 2)
    other, *_ = build_matrix(world.a, 2, 2, name="Borealis Steel")
    with workspace_context(world.a.workspace):
        foreign = CriticalSuccessFactor.objects.get(customer=other)
    response = _change(
        client_for(world.a), customer, segs[0], cols[0], {"success_factor": str(foreign.pk)}
    )
    assert response.status_code == 400
    assert "belongs to another account (Borealis Steel)" in response.json()["message"]
    with workspace_context(world.a.workspace):
        own = CriticalSuccessFactor.objects.get(customer=customer)
    response = _change(
        client_for(world.a), customer, segs[0], cols[0], {"success_factor": str(own.pk)}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["cells"][0]["csf_title"] == "Cut downtime"
    assert "is-aligned" in data["cells"][0]["classes"]
    assert "aligned cell" in data["csf_html"]


def test_malformed_requests_answer_400(world: WorkspaceWorld) -> None:
    customer, *_ = build_matrix(world.a, 2, 2)
    client = client_for(world.a)
    url = reverse("open-space-cell-save", kwargs={"customer_id": customer.pk})
    response = client.post(url, data="not json", content_type="application/json")
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["message"]
    response = _save(client, customer, {"segment": "x", "column": 1, "changes": {}})
    assert response.status_code == 400
    assert "'segment' must be a whole number" in response.json()["message"]


def test_paste_writes_a_block_in_one_request(world: WorkspaceWorld) -> None:
    customer, _, segs, cols = build_matrix(world.a, 4, 4)
    with workspace_context(world.a.workspace):
        versions = {f"{c.segment_id}:{c.column_id}": c.version for c in OpenSpaceCell.objects.all()}
    response = _paste(
        client_for(world.a),
        customer,
        {
            "top_segment": segs[1].pk,
            "left_column": cols[1].pk,
            "field": "potential",
            "text": "1 000\t2000\r\n3000\t\r\n4000\t5,000.50\r\n",
            "expected_versions": versions,
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert len(data["cells"]) == 6
    with workspace_context(world.a.workspace):
        matrix_cells = {
            (c.segment_id, c.column_id): c.potential
            for c in OpenSpaceCell.objects.filter(segment__in=segs[1:4], column__in=cols[1:3])
        }
    assert matrix_cells[(segs[1].pk, cols[1].pk)] == Decimal("1000")
    assert matrix_cells[(segs[3].pk, cols[2].pk)] == Decimal("5000.50")
    assert matrix_cells[(segs[2].pk, cols[2].pk)] is None


def test_bad_paste_lists_every_error_and_changes_nothing(world: WorkspaceWorld) -> None:
    customer, _open_space, segs, cols = build_matrix(world.a, 4, 4)
    with workspace_context(world.a.workspace):
        before = list(
            OpenSpaceCell.objects.order_by("pk").values_list("pk", "potential", "version")
        )
    response = _paste(
        client_for(world.a),
        customer,
        {
            "top_segment": segs[0].pk,
            "left_column": cols[0].pk,
            "field": "potential",
            "rows": [["1", "n/a"], ["-5", "2"]],
            "expected_versions": {},
        },
    )
    assert response.status_code == 400
    data = response.json()
    assert data["message"].startswith("Nothing was pasted")
    assert any("Row 1 of the paste (Region 0 > Site 0), column 2" in e for e in data["errors"])
    assert any("'n/a' is not a number" in e for e in data["errors"])
    assert any("cannot be below zero" in e for e in data["errors"])
    with workspace_context(world.a.workspace):
        after = list(OpenSpaceCell.objects.order_by("pk").values_list("pk", "potential", "version"))
    assert after == before
    too_big = _paste(
        client_for(world.a),
        customer,
        {
            "top_segment": segs[3].pk,
            "left_column": cols[3].pk,
            "field": "potential",
            "text": "1\t2\n3\t4\n",
        },
    )
    assert too_big.status_code == 400
    assert "1 row too many and 1 column too many" in too_big.json()["errors"][0]


def test_paste_over_a_cell_changed_meanwhile_answers_409(world: WorkspaceWorld) -> None:
    customer, open_space, segs, cols = build_matrix(world.a, 3, 3)
    with workspace_context(world.a.workspace):
        cells.cell_save(
            open_space=open_space,
            segment_id=segs[1].pk,
            column_id=cols[1].pk,
            changes={"potential": "77"},
            expected_version=0,
            user=None,
        )
    response = _paste(
        client_for(world.a),
        customer,
        {
            "top_segment": segs[1].pk,
            "left_column": cols[1].pk,
            "field": "potential",
            "text": "1\n",
            "expected_versions": {f"{segs[1].pk}:{cols[1].pk}": 0},
        },
    )
    assert response.status_code == 409
    data = response.json()
    assert "Nothing was pasted" in data["message"]
    assert data["cells"][0]["potential_raw"] == "77"


def test_viewer_may_not_save_or_paste(world: WorkspaceWorld) -> None:
    customer, _, segs, cols = build_matrix(world.a, 2, 2)
    viewer = client_for(world.a, "viewer")
    body = {"segment": segs[0].pk, "column": cols[0].pk, "version": 0, "changes": {"note": "x"}}
    assert _save(viewer, customer, body).status_code == 403
    paste = {
        "top_segment": segs[0].pk,
        "left_column": cols[0].pk,
        "field": "potential",
        "text": "1",
    }
    assert _paste(viewer, customer, paste).status_code == 403
    assert _cell(world, segs[0], cols[0]) is None or _cell(world, segs[0], cols[0]).note == ""


def test_workspace_b_answers_404(world: WorkspaceWorld) -> None:
    customer, _, segs, cols = build_matrix(world.b, 2, 2)
    client = client_for(world.a)
    body = {"segment": segs[0].pk, "column": cols[0].pk, "version": 0, "changes": {"note": "x"}}
    assert _save(client, customer, body).status_code == 404
    paste = {
        "top_segment": segs[0].pk,
        "left_column": cols[0].pk,
        "field": "potential",
        "text": "1",
    }
    assert _paste(client, customer, paste).status_code == 404


def test_a_cell_of_another_account_is_refused(world: WorkspaceWorld) -> None:
    """Ids of another account's matrix, sent to this account's endpoint, change nothing."""
    customer, *_ = build_matrix(world.a, 2, 2)
    _, _, other_segs, other_cols = build_matrix(world.a, 2, 2, name="Acme Mining")
    response = _change(
        client_for(world.a), customer, other_segs[0], other_cols[0], {"potential": "5"}
    )
    assert response.status_code == 400
    assert "is not in this Open Space" in response.json()["message"]
    assert _cell(world, other_segs[0], other_cols[0]) is None or (
        _cell(world, other_segs[0], other_cols[0]).potential != Decimal("5")
    )


def test_save_query_count_does_not_grow_with_the_matrix(world: WorkspaceWorld) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.a)
    counts = []
    for rows, columns in ((5, 5), (40, 20)):
        customer, _, segs, cols = build_matrix(world.a, rows, columns, name=f"M{rows}")
        body = {"segment": segs[1].pk, "column": cols[0].pk, "version": 0}
        _save(client, customer, {**body, "changes": {"potential": "1"}})  # warm up
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = _save(
                client, customer, {**body, "version": 1, "changes": {"potential": "2"}}
            )
        assert response.status_code == 200, response.content
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
