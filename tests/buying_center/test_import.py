"""Importing stakeholders from an org export: mapping, per-row problems, atomic apply."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from tests.factories import WorkspaceWorld

pytestmark = pytest.mark.django_db

ORG = (
    "Employee ID;Full name;Job title;Department;Manager;Role;Score\n"
    "1;Anna Berg;Plant director;Operations;;Decider;++\n"
    "2;Mia Holm;Head of purchasing;Procurement;1;buyer, influencer;+\n"
    "3;Tom Li;Maintenance lead;Operations;Mia Holm;user;-\n"
)


def _client(world: WorkspaceWorld) -> Client:
    client = Client()
    client.force_login(world.a.user("kam"))
    return client


def _upload(client: Client, account: Customer, name: str, content: bytes) -> tuple[str, str]:
    url = reverse("stakeholder-import", kwargs={"customer_id": account.pk})
    page = client.post(url, {"step": "upload", "file": SimpleUploadedFile(name, content)})
    assert page.status_code == 200
    return url, page.content.decode()


def _token(html: str) -> str:
    return html.split('name="upload" value="', 1)[1].split('"', 1)[0]


def _post_step(client: Client, url: str, html: str, step: str, **mapping: str) -> str:
    data = {"step": step, "upload": _token(html), "original_name": "org.csv"}
    defaults = {
        "name": "Full name",
        "person_id": "Employee ID",
        "title": "Job title",
        "function": "Department",
        "reports_to": "Manager",
        "roles": "Role",
        "relationship_score": "Score",
    }
    defaults.update(mapping)
    data.update({f"map_{field}": column for field, column in defaults.items()})
    response = client.post(url, data)
    return response.content.decode() if response.status_code != 302 else "REDIRECT"


def test_csv_is_mapped_previewed_and_applied_with_the_org_chart(
    world: WorkspaceWorld, account: Customer
) -> None:
    client = _client(world)
    url, html = _upload(client, account, "org.csv", ORG.encode())
    assert "3 rows: 3 new" in html
    assert 'value="Full name" selected' in html  # suggested from the header
    assert _post_step(client, url, html, "apply") == "REDIRECT"
    with workspace_context(world.a.workspace):
        people = {s.name: s for s in Stakeholder.objects.filter(customer=account)}
    assert people["Mia Holm"].reports_to_id == people["Anna Berg"].pk
    assert people["Tom Li"].reports_to_id == people["Mia Holm"].pk
    assert people["Mia Holm"].roles == ["buyer", "influencer"]
    assert people["Anna Berg"].relationship_score == 2
    # The same file again adds nobody twice.
    url, html = _upload(client, account, "org.csv", ORG.encode())
    assert "0 new, 3 already here" in html
    _post_step(client, url, html, "apply")
    with workspace_context(world.a.workspace):
        assert Stakeholder.objects.filter(customer=account).count() == 3


def test_problems_are_listed_by_line_and_column_and_nothing_is_applied(
    world: WorkspaceWorld, account: Customer
) -> None:
    bad = (
        "Employee ID;Full name;Job title;Department;Manager;Role;Score\n"
        "1;Anna Berg;Director;Ops;Tom Li;boss;+++\n"
        "2;Mia Holm;Buyer;Proc;Anna Berg;buyer;+\n"
        "3;Tom Li;Lead;Ops;Mia Holm;user;0\n"
        "4;Eva Lund;Lead;Ops;Nobody Known;user;0\n"
    )
    client = _client(world)
    url, html = _upload(client, account, "org.csv", bad.encode())
    assert "Unknown role &#x27;boss&#x27;" in html
    assert "&#x27;+++&#x27; is not a relationship score" in html
    assert "report to each other in a loop" in html and "Anna Berg, " in html
    assert "Eva Lund&#x27;s manager &#x27;Nobody Known&#x27; is neither in the file" in html
    assert "<td>2</td><td>Role</td>" in html
    assert _post_step(client, url, html, "apply") != "REDIRECT"
    with workspace_context(world.a.workspace):
        assert not Stakeholder.objects.filter(customer=account).exists()


def test_xlsx_with_manager_ids(world: WorkspaceWorld, account: Customer) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for line in ORG.splitlines():
        sheet.append([int(c) if c.isdigit() else c for c in line.split(";")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = _client(world)
    url, html = _upload(client, account, "org.xlsx", buffer.getvalue())
    assert "3 new" in html, html
    assert _post_step(client, url, html, "apply") == "REDIRECT"
    with workspace_context(world.a.workspace):
        mia = Stakeholder.objects.get(customer=account, name="Mia Holm")
        assert mia.reports_to is not None and mia.reports_to.name == "Anna Berg"


def test_apply_is_all_or_nothing(
    world: WorkspaceWorld,
    account: Customer,
    make_person: Callable[..., Stakeholder],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from buying_center import imports, services

    real = services.stakeholder_update
    calls = {"n": 0}

    def failing(**kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "stakeholder_update", failing)
    client = _client(world)
    _url, html = _upload(client, account, "org.csv", ORG.encode())
    token = _token(html)
    with workspace_context(world.a.workspace):
        path = imports.stored_file(workspace=world.a.workspace, token=token)
        assert path is not None
        check = imports.check_stakeholder_file(
            workspace=world.a.workspace,
            customer=account,
            path=path,
            original_name=token,
            mapping=imports.suggest_mapping(
                check_headers := [
                    "Employee ID",
                    "Full name",
                    "Job title",
                    "Department",
                    "Manager",
                    "Role",
                    "Score",
                ]
            ),
        )
        assert check.can_apply, (check.errors, check_headers)
        with pytest.raises(RuntimeError):
            imports.apply_stakeholder_file(
                workspace=world.a.workspace, customer=account, check=check, changed_by=None
            )
        assert not Stakeholder.objects.filter(customer=account).exists()
