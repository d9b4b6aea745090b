"""``manage.py createworkspace``: from nothing to a company's own empty workspace and admin."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from kam.workspaces.models import Invitation, Membership, Role, Workspace

pytestmark = pytest.mark.django_db

PASSWORD = "Pumps-and-valves-2026"


def _run(*args: str, **options: Any) -> str:
    out = io.StringIO()
    call_command("createworkspace", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_invitation_link_takes_the_admin_into_the_new_workspace(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        output = _run("Acme Pumps GmbH", admin="Anna@Acme.example")
    workspace = Workspace.objects.get(slug="acme-pumps-gmbh")
    assert (workspace.name, workspace.reporting_currency) == ("Acme Pumps GmbH", "EUR")
    invitation = Invitation.objects.get(workspace=workspace)
    assert (invitation.email, invitation.role) == ("anna@acme.example", Role.ADMIN)
    link = re.search(r"https?://\S+/invitations/\S+/", output)
    assert link is not None, output
    assert "as admin, valid" in output and "Next: import customers" in output
    assert len(mail.outbox) == 1 and link.group(0) in mail.outbox[0].body

    client = Client()
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    response = client.post(
        "/" + path, {"name": "Anna Berg", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    anna = User.objects.get(email="anna@acme.example")
    assert Membership.objects.get(user=anna, workspace=workspace).role == Role.ADMIN
    assert client.get(reverse("selection")).status_code == 200


def test_password_prompt_creates_the_admin_without_email(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    output = _run("Solo", admin="owner@solo.example", password=True, currency="usd")
    workspace = Workspace.objects.get(slug="solo")
    assert workspace.reporting_currency == "USD"
    assert not Invitation.objects.exists()
    assert "sign in with the e-mail address" in output
    client = Client()
    assert client.login(username="owner@solo.example", password=PASSWORD)
    assert Membership.objects.get(workspace=workspace).role == Role.ADMIN


def test_a_weak_or_mistyped_password_creates_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["short", "short", PASSWORD, "other", "password", "password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="No password set; nothing was created"):
        _run("Solo", admin="owner@solo.example", password=True)
    assert not Workspace.objects.exists()
    assert not User.objects.filter(email="owner@solo.example").exists()


def test_someone_with_an_account_becomes_admin_at_once() -> None:
    known = User.objects.create_user(username="karin", email="karin@acme.example")
    output = _run("Acme", admin="karin@acme.example", password=True)
    workspace = Workspace.objects.get(slug="acme")
    assert Membership.objects.get(user=known, workspace=workspace).role == Role.ADMIN
    assert not Invitation.objects.exists()
    assert "already had an account" in output


def test_every_mistake_is_named_at_once_and_nothing_is_created() -> None:
    Workspace.objects.create(name="Acme", slug="acme")
    with pytest.raises(CommandError) as raised:
        _run("Acme", admin="not-an-address", currency="euro")
    message = str(raised.value)
    assert "slug 'acme' exists already" in message
    assert "must be an e-mail address" in message
    assert "three-letter ISO code" in message
    assert Workspace.objects.count() == 1
    with pytest.raises(CommandError, match="lower-case letters"):
        _run("Other", admin="a@b.example", slug="Not A Slug")
