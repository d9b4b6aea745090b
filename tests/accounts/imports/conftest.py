"""Helpers for import tests: upload through the pages, as the admin of workspace A."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.imports.job import import_apply_run
from accounts.imports.staged import Progress
from accounts.models import ImportBatch
from kam.jobs.runner import run_job
from kam.tenancy.context import workspace_context
from tests.factories import WorkspaceWorld


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path, settings: Any) -> Iterator[Path]:
    settings.MEDIA_ROOT = tmp_path / "media"
    yield settings.MEDIA_ROOT


@pytest.fixture
def admin_client(world: WorkspaceWorld) -> Client:
    client = Client()
    client.force_login(world.a.user("admin"))
    return client


class Importer:
    def __init__(self, client: Client, world: WorkspaceWorld, capture: Any) -> None:
        self.client = client
        self.world = world
        self.capture = capture

    def upload(self, kind: str, name: str, content: bytes) -> Any:
        return self.client.post(
            reverse("imports:upload"),
            {"kind": kind, "file": SimpleUploadedFile(name, content)},
        )

    def batch(self) -> ImportBatch:
        with workspace_context(self.world.a.workspace):
            return ImportBatch.objects.select_related("job").order_by("-pk").first()  # type: ignore[return-value]

    def check(self, batch: ImportBatch, **post: str) -> Any:
        data = {f"map_{field}": column for field, column in batch.mapping.items()}
        data.setdefault("date_format", batch.options.get("date_format", "auto"))
        data.setdefault("decimal_separator", batch.options.get("decimal_separator", "auto"))
        data.update(post)
        return self.client.post(reverse("imports:mapping", args=[batch.pk]), data)

    def apply(self, batch: ImportBatch) -> Any:
        # The job is sent when the request's transaction commits; run it here.
        with self.capture(execute=True):
            return self.client.post(reverse("imports:apply", args=[batch.pk]))

    def apply_watching(self, batch: ImportBatch, progress: Progress) -> Any:
        """Apply as the page does, with ``progress`` hearing how far the job got.

        The job the page queues is run here (as its task would) with this
        progress callback; raising from it is how a test fails an apply half-way.
        """
        with self.capture(execute=False):
            response = self.client.post(reverse("imports:apply", args=[batch.pk]))
        queued = self.batch()
        assert queued.job is not None
        workspace_id = self.world.a.workspace.pk
        with workspace_context(workspace_id):
            run_job(
                SimpleNamespace(request=SimpleNamespace(retries=0), max_retries=0),
                workspace_id=workspace_id,
                job_id=queued.job.pk,
                work=lambda job: import_apply_run(
                    workspace_id=workspace_id, job=job, progress=progress
                ),
            )
        return response

    def run(self, kind: str, name: str, content: bytes, **post: str) -> ImportBatch:
        """Upload, check with the suggested mapping, apply; return the batch afterwards."""
        response = self.upload(kind, name, content)
        assert response.status_code == 302, response.content.decode()[:2000]
        batch = self.batch()
        response = self.check(batch, **post)
        assert response.status_code == 302, response.content.decode()[:3000]
        batch = self.batch()
        assert batch.error_count == 0, batch.errors
        response = self.apply(batch)
        assert response.status_code == 302, response.content.decode()[:2000]
        return self.batch()


@pytest.fixture
def importer(
    admin_client: Client,
    world: WorkspaceWorld,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Any,
) -> Importer:
    return Importer(admin_client, world, django_capture_on_commit_callbacks)
