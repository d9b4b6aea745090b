"""The Open Space through the REST API: matrix, cells with If-Match, pastes, layout, CSFs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import Customer, Offering
from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from planning.models import (
    CriticalSuccessFactor,
    OpenSpace,
    OpenSpaceCell,
    OpenSpaceColumn,
    OpenSpaceSegment,
)
from tests.api.conftest import _generous_rate_limit, bearer_client, token_for  # noqa: F401
from tests.factories import WorkspaceWorld
from tests.planning.open_space.oil_field import (
    fill_oil_field_potentials,
    oil_field_open_space,
)

pytestmark = pytest.mark.django_db


def _client(world: WorkspaceWorld, role: str = "kam") -> APIClient:
    _, raw = token_for(world.a, role)
    return bearer_client(raw)


@pytest.fixture
def api(world: WorkspaceWorld) -> APIClient:
    return _client(world)


@pytest.fixture
def oil(world: WorkspaceWorld) -> OpenSpace:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        fill_oil_field_potentials(world.a, open_space)
        return OpenSpace.objects.select_related("customer").get(pk=open_space.pk)


def _ids(body: dict[str, Any], segment: str, column: str) -> tuple[int, int]:
    return (
        next(s["id"] for s in body["segments"] if s["name"] == segment),
        next(c["id"] for c in body["columns"] if c["label"] == column),
    )


def test_matrix_with_totals_upv_and_etag(api: APIClient, oil: OpenSpace) -> None:
    listed = api.get("/api/v1/open-spaces/", {"customer": oil.customer_id})
    assert [row["id"] for row in listed.data["results"]] == [oil.pk]
    response = api.get(f"/api/v1/open-spaces/{oil.pk}/")
    assert response.status_code == 200
    body = response.data
    assert response["ETag"] == f'"{body["version"]}"'
    assert len(body["cells"]) == 10 * 11
    assert body["upv"] == {
        "up_sell": "3500000.00",
        "cross_sell": "5000000.00",
        "co_creation": "1250000.00",
        "total": "9750000.00",
    }
    assert body["priority_count"] == 1
    assert body["grand_total"]["potential"] == "10250000.00"
    assert body["success_factor_warning"].startswith("This account has only one")
    segment_id, column_id = _ids(body, "Africa", "Production")
    production = next(
        c for c in body["cells"] if (c["segment"], c["column"]) == (segment_id, column_id)
    )
    assert (production["sales"], production["sales_source"], production["is_open"]) == (
        "9000000.00",
        "lines",
        False,
    )


def test_create_open_space_for_a_customer_is_idempotent(
    api: APIClient, world: WorkspaceWorld
) -> None:
    with workspace_context(world.a.workspace):
        customer = Customer.objects.create(external_id="new", name="New Account")
    first = api.post("/api/v1/open-spaces/", {"customer": customer.pk}, format="json")
    assert first.status_code == 201, first.content
    assert first.data["cells"] == [] and first.data["customer_name"] == "New Account"
    again = api.post("/api/v1/open-spaces/", {"customer": customer.pk}, format="json")
    assert again.data["id"] == first.data["id"]
    with workspace_context(world.b.workspace):
        foreign = Customer.objects.get(external_id="b-C1")
    refused = api.post("/api/v1/open-spaces/", {"customer": foreign.pk}, format="json")
    assert refused.status_code == 400
    assert "does not exist" in str(refused.data["errors"]["customer"])


def test_cells_create_update_with_if_match_and_conflicts(api: APIClient, oil: OpenSpace) -> None:
    body = api.get(f"/api/v1/open-spaces/{oil.pk}/").data
    segment_id, column_id = _ids(body, "Europe", "Drilling")
    created = api.post(
        "/api/v1/open-space-cells/",
        {"segment": segment_id, "column": column_id, "potential": "1,200.50"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created["ETag"] == '"1"' and created.data["potential"] == "1200.50"
    again = api.post(
        "/api/v1/open-space-cells/",
        {"segment": segment_id, "column": column_id, "potential": "5"},
        format="json",
    )
    assert again.status_code == 412 and again.data["current"]["potential"] == "1200.50"
    url = f"/api/v1/open-space-cells/{created.data['id']}/"
    assert api.patch(url, {"potential": "7"}, format="json").status_code == 428
    changed = api.patch(url, {"potential": 2500}, format="json", headers={"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.data["potential"] == "2500.00"
    assert changed["ETag"] == '"2"'
    stale = api.patch(url, {"potential": "9"}, format="json", headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.data["current"]["potential"] == "2500.00"
    bad = api.patch(url, {"potential": "-3"}, format="json", headers={"If-Match": '"2"'})
    assert bad.status_code == 400
    assert bad.data["errors"]["potential"] == [
        "Potential of International > Europe x Drilling: -3 cannot be below zero."
    ]
    assert api.delete(url, headers={"If-Match": '"1"'}).status_code == 412
    assert api.delete(url, headers={"If-Match": '"2"'}).status_code == 204
    with workspace_context(oil.workspace):
        assert not OpenSpaceCell.objects.filter(pk=created.data["id"]).exists()


def test_cell_with_another_accounts_csf_is_refused(
    api: APIClient, oil: OpenSpace, world: WorkspaceWorld
) -> None:
    with workspace_context(world.a.workspace):
        factory_csf = CriticalSuccessFactor.objects.get(customer=world.a.customer)
    body = api.get(f"/api/v1/open-spaces/{oil.pk}/").data
    segment_id, column_id = _ids(body, "Europe", "Drilling")
    refused = api.post(
        "/api/v1/open-space-cells/",
        {"segment": segment_id, "column": column_id, "success_factor": factory_csf.pk},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.data["errors"]["success_factor"] == [
        'The critical success factor "Grow exploration in Africa" belongs to another account'
        " (A Mining Group), not to Gulf Oilfield Operations."
    ]


def test_paste_all_or_nothing_lists_every_bad_cell(api: APIClient, oil: OpenSpace) -> None:
    body = api.get(f"/api/v1/open-spaces/{oil.pk}/").data
    top, left = _ids(body, "Australasia", "Drilling")
    with workspace_context(oil.workspace):
        before = OpenSpaceCell.objects.count()
    refused = api.post(
        f"/api/v1/open-spaces/{oil.pk}/paste/",
        {
            "top_segment": top,
            "left_column": left,
            "field": "potential",
            "rows": [["1 000", "2"], ["n/a", "4"], ["5", "-6"]],
        },
        format="json",
    )
    assert refused.status_code == 400
    assert refused.data["errors"]["rows"] == [
        "Row 2 of the paste (International > Europe), column 1 (Drilling): 'n/a' is not a number.",
        "Row 3 of the paste (Americas > South America), column 2 (Evaluation):"
        " potential -6 cannot be below zero.",
    ]
    with workspace_context(oil.workspace):
        assert OpenSpaceCell.objects.count() == before
    pasted = api.post(
        f"/api/v1/open-spaces/{oil.pk}/paste/",
        {
            "top_segment": top,
            "left_column": left,
            "field": "potential",
            "rows": [["1 000", "2"], ["3", "4"]],
        },
        format="json",
    )
    assert pasted.status_code == 200, pasted.content
    assert len(pasted.data["cells"]) == 4
    assert pasted.data["upv"]["total"] == "9751003.00"  # Evaluation cells are incumbent
    stale = api.post(
        f"/api/v1/open-spaces/{oil.pk}/paste/",
        {
            "top_segment": top,
            "left_column": left,
            "field": "competitor",
            "rows": [["Halliburton"]],
            "expected_versions": {f"{top}:{left}": 0},
        },
        format="json",
    )
    assert stale.status_code == 412
    assert stale.data["current"][0]["potential"] == Decimal("1000.00")


def test_rows_and_columns_through_the_api(
    api: APIClient, oil: OpenSpace, world: WorkspaceWorld
) -> None:
    with workspace_context(oil.workspace):
        version = OpenSpace.objects.get(pk=oil.pk).version
    row = api.post(
        "/api/v1/open-space-segments/",
        {
            "open_space": oil.pk,
            "name": "Angola",
            "group": "International",
            "open_space_version": version,
        },
        format="json",
    )
    assert row.status_code == 201, row.content
    stale = api.post(
        "/api/v1/open-space-segments/",
        {"open_space": oil.pk, "name": "Namibia", "open_space_version": version},
        format="json",
    )
    assert stale.status_code == 412 and stale.data["current"]["version"] == version + 1
    duplicate = api.post(
        "/api/v1/open-space-segments/",
        {"open_space": oil.pk, "name": "Angola", "group": "International"},
        format="json",
    )
    assert duplicate.status_code == 400
    assert duplicate.data["errors"]["name"] == [
        "There is already a row Angola in International; choose another name."
    ]
    moved = api.post(
        f"/api/v1/open-space-segments/{row.data['id']}/move/", {"direction": "up"}, format="json"
    )
    assert moved.status_code == 200
    listed = api.get("/api/v1/open-space-segments/", {"customer": oil.customer_id})
    names = [r["name"] for r in listed.data["results"]]
    assert names.index("Angola") == names.index("Europe") - 1
    edge = api.post(
        f"/api/v1/open-space-segments/{listed.data['results'][0]['id']}/move/",
        {"direction": "up"},
        format="json",
    )
    assert edge.status_code == 400
    renamed = api.patch(
        f"/api/v1/open-space-segments/{row.data['id']}/", {"sales_segment": "ANG"}, format="json"
    )
    assert renamed.status_code == 200 and renamed.data["sales_segment"] == "ANG"
    idea = api.post(
        "/api/v1/open-space-columns/",
        {"open_space": oil.pk, "name": "Carbon capture"},
        format="json",
    )
    assert idea.status_code == 201 and idea.data["is_co_creation"] is True
    nameless = api.post("/api/v1/open-space-columns/", {"open_space": oil.pk}, format="json")
    assert nameless.status_code == 400 and "Name the co-creation idea" in str(nameless.data)
    with workspace_context(world.a.workspace):
        offering = Offering.objects.create(
            code="a-wire", name="Wireline", business_unit="Exploration BU"
        )
    catalog = api.post(
        "/api/v1/open-space-columns/",
        {"open_space": oil.pk, "offering": offering.pk},
        format="json",
    )
    assert catalog.status_code == 201 and catalog.data["group"] == "Exploration BU"
    assert catalog.data["label"] == "Wireline"
    removed = api.delete(f"/api/v1/open-space-columns/{idea.data['id']}/")
    assert removed.status_code == 200 and removed.data["warnings"] == []
    with workspace_context(oil.workspace):
        assert not OpenSpaceColumn.objects.filter(pk=idea.data["id"]).exists()
    gone = api.delete(f"/api/v1/open-space-segments/{row.data['id']}/")
    assert gone.status_code == 200
    with workspace_context(oil.workspace):
        assert not OpenSpaceSegment.objects.filter(pk=row.data["id"]).exists()


def test_success_factors_crud_with_owner_checks(
    api: APIClient, oil: OpenSpace, world: WorkspaceWorld
) -> None:
    with workspace_context(world.a.workspace):
        own = Stakeholder.objects.create(customer=oil.customer, name="Amina Diallo")
        foreign = Stakeholder.objects.filter(customer=world.a.customer).first()
    created = api.post(
        "/api/v1/critical-success-factors/",
        {"customer": oil.customer_id, "title": "Lower lifting cost", "owner": own.pk},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.data["owner_name"] == "Amina Diallo" and created["ETag"] == '"1"'
    url = f"/api/v1/critical-success-factors/{created.data['id']}/"
    refused = api.patch(url, {"owner": foreign.pk}, format="json", headers={"If-Match": '"1"'})
    assert refused.status_code == 400
    assert refused.data["errors"]["owner"] == [
        f"That stakeholder ({foreign.name}) belongs to another account (A Mining Group),"
        " not to Gulf Oilfield Operations."
    ]
    changed = api.patch(
        url, {"title": "Lower lifting cost by 10%"}, format="json", headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200 and changed.data["owner"] == own.pk
    stale = api.patch(url, {"title": "x"}, format="json", headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    listed = api.get("/api/v1/critical-success-factors/", {"customer": oil.customer_id})
    assert [f["title"] for f in listed.data["results"]] == [
        "Grow exploration in Africa",
        "Lower lifting cost by 10%",
    ]
    moved = api.post(f"{url}move/", {"direction": "up"}, format="json")
    assert moved.status_code == 200 and moved.data["position"] == 0
    assert api.delete(url, headers={"If-Match": '"2"'}).status_code == 204


def test_viewer_reads_but_cannot_write(world: WorkspaceWorld, oil: OpenSpace) -> None:
    viewer = _client(world, "viewer")
    assert viewer.get(f"/api/v1/open-spaces/{oil.pk}/").status_code == 200
    assert viewer.post(f"/api/v1/open-spaces/{oil.pk}/paste/", {}, format="json").status_code == 403


@pytest.mark.parametrize(
    ("resource", "model"),
    [
        ("open-spaces", OpenSpace),
        ("open-space-segments", OpenSpaceSegment),
        ("open-space-columns", OpenSpaceColumn),
        ("open-space-cells", OpenSpaceCell),
        ("critical-success-factors", CriticalSuccessFactor),
    ],
)
def test_workspace_b_ids_answer_404(
    api: APIClient, world: WorkspaceWorld, resource: str, model: Any
) -> None:
    with workspace_context(world.b.workspace):
        pk = model.objects.first().pk
    assert api.get(f"/api/v1/{resource}/{pk}/").status_code == 404
    assert (
        api.patch(
            f"/api/v1/{resource}/{pk}/", {}, format="json", headers={"If-Match": '"1"'}
        ).status_code
        == 404
    )
    assert api.delete(f"/api/v1/{resource}/{pk}/").status_code == 404
    listed = api.get(f"/api/v1/{resource}/")
    assert pk not in [row["id"] for row in listed.data["results"]]


def test_notes_need_if_match_and_deleting_the_open_space_resets_upv(
    api: APIClient, oil: OpenSpace
) -> None:
    url = f"/api/v1/open-spaces/{oil.pk}/"
    etag = api.get(url)["ETag"]
    assert api.patch(url, {"notes": "Review in May"}, format="json").status_code == 428
    changed = api.patch(url, {"notes": "Review in May"}, format="json", headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.data["notes"] == "Review in May"
    stale = api.patch(url, {"notes": "x"}, format="json", headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.data["current"]["notes"] == "Review in May"
    with workspace_context(oil.workspace):
        assert Customer.objects.get(pk=oil.customer_id).upv_open_space == Decimal("9750000.00")
    assert api.delete(url).status_code == 204
    with workspace_context(oil.workspace):
        assert Customer.objects.get(pk=oil.customer_id).upv_open_space is None
        assert not OpenSpaceCell.objects.filter(open_space_id=oil.pk).exists()


def test_matrix_and_cell_list_queries_do_not_grow_with_the_matrix(
    api: APIClient, world: WorkspaceWorld
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.planning.open_space.oil_field import build_open_space

    def measure(rows: int, columns: int) -> tuple[int, int]:
        with workspace_context(world.a.workspace):
            open_space = build_open_space(
                world.a,
                customer=Customer.objects.create(external_id=f"q{rows}", name=f"Q {rows}"),
                rows=[(f"R{r % 3}", f"Site {r}") for r in range(rows)],
                columns=[(f"BU {c % 2}", [f"Offer {rows}-{c}"]) for c in range(columns)],
            )
            segments = list(open_space.segments.all())
            OpenSpaceCell.objects.bulk_create(
                OpenSpaceCell(
                    workspace=world.a.workspace,
                    open_space=open_space,
                    segment=s,
                    column=c,
                    potential=Decimal(5),
                )
                for s in segments
                for c in open_space.columns.all()
            )
        with CaptureQueriesContext(connection) as matrix_queries:
            assert api.get(f"/api/v1/open-spaces/{open_space.pk}/").status_code == 200
        with CaptureQueriesContext(connection) as list_queries:
            listed = api.get("/api/v1/open-space-cells/", {"open_space": open_space.pk})
            assert listed.status_code == 200
        return len(matrix_queries), len(list_queries)

    assert measure(3, 3) == measure(20, 10)
