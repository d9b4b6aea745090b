"""The import API: upload, mapping and check, apply (202 + job), workspace isolation."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Customer
from kam.tenancy.context import workspace_context
from tests.factories import WorkspaceWorld

CONTENT = b"Kundennummer,Name,Umsatz\nAPI-1,Alpha,10\nAPI-2,Beta,20\n"


def _client(world: WorkspaceWorld) -> Client:
    return Client(headers={"Authorization": f"Bearer {world.a.access_token_secret}"})


def test_api_flow_upload_map_apply(
    world: WorkspaceWorld,
    media_root: Any,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = _client(world)
    response = client.post(
        "/api/v1/imports/",
        {"kind": "customers", "file": SimpleUploadedFile("c.csv", CONTENT)},
    )
    assert response.status_code == 201, response.content
    batch = response.json()
    assert batch["headers"] == ["Kundennummer", "Name", "Umsatz"]
    assert batch["mapping"] == {"external_id": "Kundennummer", "name": "Name"}
    assert batch["mapping_source"] == "suggested"

    response = client.put(
        f"/api/v1/imports/{batch['id']}/mapping/",
        {"mapping": batch["mapping"], "options": {"decimal_separator": ","}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["check"]["new"] == 2
    assert response.json()["error_count"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/imports/{batch['id']}/apply/")
    assert response.status_code == 202, response.content
    job_url = response.json()["job"]
    assert response["Location"] == job_url
    assert client.get(job_url).json()["status"] == "succeeded"
    with workspace_context(world.a.workspace):
        assert set(
            Customer.objects.filter(external_id__startswith="API-").values_list("name", flat=True)
        ) == {"Alpha", "Beta"}


def test_api_mapping_errors_are_listed(world: WorkspaceWorld, media_root: Any) -> None:
    client = _client(world)
    batch = client.post(
        "/api/v1/imports/",
        {"kind": "customers", "file": SimpleUploadedFile("c.csv", b"Nr,Name\nX,A\nX,B\n")},
    ).json()
    response = client.put(
        f"/api/v1/imports/{batch['id']}/mapping/",
        {"mapping": {"name": "Name"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "external_id" in response.json()["errors"]
    response = client.put(
        f"/api/v1/imports/{batch['id']}/mapping/",
        {"mapping": {"external_id": "Nr", "name": "Name"}},
        content_type="application/json",
    )
    assert response.json()["errors"] == [
        {"line": 3, "column": "Nr", "reason": "Customer X appears again; first on line 2."}
    ]
    assert client.post(f"/api/v1/imports/{batch['id']}/apply/").status_code == 409


def test_api_refuses_an_empty_file(world: WorkspaceWorld, media_root: Any) -> None:
    response = _client(world).post(
        "/api/v1/imports/", {"kind": "customers", "file": SimpleUploadedFile("c.csv", b"")}
    )
    assert response.status_code == 400
    assert "empty" in str(response.json())


def test_another_workspaces_batch_is_404(world: WorkspaceWorld, media_root: Any) -> None:
    other = Client(headers={"Authorization": f"Bearer {world.b.access_token_secret}"})
    batch = other.post(
        "/api/v1/imports/", {"kind": "customers", "file": SimpleUploadedFile("c.csv", CONTENT)}
    ).json()
    client = _client(world)
    assert client.get(f"/api/v1/imports/{batch['id']}/").status_code == 404
    assert client.post(f"/api/v1/imports/{batch['id']}/apply/").status_code == 404
    page_client = Client()
    page_client.force_login(world.a.user("admin"))
    for path in ("", "mapping/", "errors.csv"):
        assert page_client.get(f"/imports/{batch['id']}/{path}").status_code == 404
