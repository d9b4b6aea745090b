"""Health on pages: one account's health and its override, the settings, the selection list."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from planning.health.services import health_recompute
from planning.models import AccountHealth, HealthSettings
from tests.factories import WorkspaceWorld
from tests.planning.health.conftest import Account

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def client_for(world: WorkspaceWorld, role: str) -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client


def test_the_account_page_shows_reasons_evidence_age_and_unknowns(
    world: WorkspaceWorld, account: Account
) -> None:
    from buying_center.models import Stakeholder

    Stakeholder.objects.filter(pk=account.decider.pk).update(owner=None)
    health_recompute(workspace=account.workspace)
    page = client_for(world, "viewer").get(f"/accounts/{account.customer.pk}/health/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Needs attention" in html
    assert "Ingrid Ortega 1 (decider) has no owner on our side" in html
    assert "Data of" in html
    assert "Contacts with the key players are not recorded in the app yet." in html
    assert "unknown" in html
    # A viewer reads, but gets no override form.
    assert "Set the rating by hand" not in html


def test_a_kam_sets_and_clears_the_rating_by_hand(world: WorkspaceWorld, account: Account) -> None:
    health_recompute(workspace=account.workspace)
    client = client_for(world, "kam")
    url = f"/accounts/{account.customer.pk}/health/"
    assert "Set the rating by hand" in client.get(url).content.decode()
    saved = client.post(
        f"{url}override/",
        {
            "rating": "red",
            "reason": "Tender announced",
            "until": TOMORROW.isoformat(),
            "version": 1,
        },
    )
    assert saved.status_code == 302
    html = client.get(url).content.decode()
    assert "Set to at risk by a-kam" in html
    assert "Tender announced" in html
    health = AccountHealth.objects.get(customer=account.customer)
    cleared = client.post(f"{url}override/clear/", {"version": health.version})
    assert cleared.status_code == 302
    health.refresh_from_db()
    assert health.override_rating == ""


def test_a_refused_override_comes_back_filled_with_every_error(
    world: WorkspaceWorld, account: Account
) -> None:
    client = client_for(world, "kam")
    page = client.post(
        f"/accounts/{account.customer.pk}/health/override/",
        {"rating": "", "reason": "My reason", "until": "", "version": 1},
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Choose red, amber or green." in html
    assert "Choose until when the override holds" in html
    assert "My reason" in html


def test_a_stale_override_shows_the_other_change(world: WorkspaceWorld, account: Account) -> None:
    client = client_for(world, "kam")
    url = f"/accounts/{account.customer.pk}/health/override/"
    first = {"rating": "red", "reason": "First", "until": TOMORROW.isoformat(), "version": 1}
    assert client.post(url, first).status_code == 302
    second = {"rating": "green", "reason": "Second", "until": TOMORROW.isoformat(), "version": 1}
    page = client.post(url, second)
    assert page.status_code == 409
    html = page.content.decode()
    assert "Keep mine" in html and "First" in html and "Second" in html


def test_a_viewer_may_not_override(world: WorkspaceWorld, account: Account) -> None:
    page = client_for(world, "viewer").post(
        f"/accounts/{account.customer.pk}/health/override/",
        {"rating": "red", "reason": "x", "until": TOMORROW.isoformat(), "version": 1},
    )
    assert page.status_code == 403
    assert not AccountHealth.objects.filter(override_rating="red").exists()


def test_settings_page_reads_for_everyone_and_saves_for_admins(
    world: WorkspaceWorld, in_workspace: object
) -> None:
    page = client_for(world, "kam").get("/settings/health/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Open severe concerns" in html and "Default 3" in html
    assert "Changing them needs the workspace admin role" in html
    admin = client_for(world, "admin")
    form = {f"weight_{code}": "1" for code in _codes()}
    form.update(version="1", amber_at="2", red_at="1")
    refused = admin.post("/settings/health/", form)
    assert refused.status_code == 400
    assert "Red from must be above amber from (2)" in refused.content.decode()
    form.update(red_at="5")
    assert admin.post("/settings/health/", form).status_code == 302
    settings = HealthSettings.objects.get()
    assert (settings.amber_at, settings.red_at) == (2, 5)


def test_the_selection_list_shows_key_accounts_health(
    world: WorkspaceWorld, account: Account
) -> None:
    health_recompute(workspace=account.workspace)
    html = client_for(world, "executive").get("/selection/").content.decode()
    assert "Borealis Steel" in html
    assert "health-green" in html


def _codes() -> list[str]:
    from planning.health.rules import SIGNALS

    return list(SIGNALS)


def test_a_saved_override_returns_to_the_page_it_was_sent_from(
    world: WorkspaceWorld, account: Account
) -> None:
    client = client_for(world, "kam")
    body = {"rating": "red", "reason": "x", "until": TOMORROW.isoformat(), "version": 1}
    saved = client.post(
        f"/accounts/{account.customer.pk}/health/override/",
        body,
        HTTP_REFERER=f"http://testserver/accounts/{account.customer.pk}/plan/",
    )
    assert saved["Location"] == f"http://testserver/accounts/{account.customer.pk}/plan/#health"
    elsewhere = client.post(
        f"/accounts/{account.customer.pk}/health/override/clear/",
        {"version": 2},
        HTTP_REFERER="https://evil.example/",
    )
    assert elsewhere["Location"] == f"/accounts/{account.customer.pk}/health/#health"
