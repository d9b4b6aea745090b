"""Customers imported before any sales (the order the import guide prescribes) get scored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Customer, CustomerScore, ImportStatus, SalesLine
from kam.jobs.models import Job
from kam.tenancy.context import workspace_context
from tests.accounts.imports.conftest import Importer
from tests.factories import WorkspaceWorld

CUSTOMERS_CSV = b"customer no,name\nK-100,Nordwerk GmbH\nK-200,Suedhafen AG\n"


def test_customers_only_import_finishes_the_scores_recompute(
    importer: Importer, world: WorkspaceWorld
) -> None:
    with workspace_context(world.a.workspace):
        SalesLine.objects.all().delete()  # a new workspace: no sales anywhere yet
    batch = importer.run("customers", "customers.csv", CUSTOMERS_CSV)
    assert batch.status == ImportStatus.APPLIED
    with workspace_context(world.a.workspace):
        scores_job = Job.objects.filter(kind="scores").order_by("-pk").first()
        assert scores_job is not None
        assert scores_job.status == "succeeded", scores_job.error
        imported = Customer.objects.filter(external_id__in=["K-100", "K-200"])
        assert not imported.filter(scores_dirty=True).exists()
        scores = CustomerScore.objects.filter(customer__in=imported)
        assert scores.count() == 2
        # No sales yet: a lifetime value or margin share is unknown, not zero.
        assert all(score.clv_contractual is None for score in scores)
        assert all(score.margin_share is None for score in scores)

    page = importer.client.get(reverse("selection"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Recomputing" not in text
    assert "Nordwerk GmbH" in text
    assert 'aria-label="Not available: No sales history yet."' in text
    # The other pages a new user opens next draw from the same scores.
    assert importer.client.get(reverse("selection-pareto")).status_code == 200
    with workspace_context(world.a.workspace):
        nordwerk = Customer.objects.get(external_id="K-100")
    candidate = importer.client.get(reverse("selection-candidate", args=[nordwerk.pk]))
    assert candidate.status_code == 200
    assert "Recomputing" not in candidate.content.decode()


def test_a_failed_recompute_says_so_instead_of_recomputing_forever(
    importer: Importer, world: WorkspaceWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    import accounts.scores as scores_module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("scoring broke")

    monkeypatch.setattr(scores_module, "compute_scores", broken)
    importer.run("customers", "customers.csv", CUSTOMERS_CSV)
    text = importer.client.get(reverse("selection")).content.decode()
    assert "Recomputing" not in text
    assert "Recompute failed" in text
    assert "Something went wrong while recomputing customer scores." in text
    # Still polled: the next change starts a new run, and the line follows it.
    assert 'hx-trigger="every 3s"' in text
