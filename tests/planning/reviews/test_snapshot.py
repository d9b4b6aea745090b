"""The frozen snapshot: its content, a stable hash, immutability, and reading old schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kam.tenancy.context import workspace_context
from planning.models import ReviewSnapshot, SnapshotImmutable
from planning.reviews import services
from planning.reviews.snapshot import (
    SCHEMA_VERSION,
    UnknownSchema,
    canonical,
    content_hash,
    snapshot_build,
    snapshot_read,
)
from tests.factories import WorkspaceWorld
from tests.model_factories.plan import ActionFactory, ObjectiveFactory, SwotItemFactory
from tests.planning.opportunities.conftest import Account
from tests.planning.reviews.conftest import days, schedule

pytestmark = pytest.mark.django_db

SCHEMA_0 = Path(__file__).parent / "fixtures" / "snapshot_schema_0.json"


def _build(account: Account) -> dict:
    with workspace_context(account.workspace):
        return snapshot_build(workspace=account.workspace, customer=account.customer)


def test_the_snapshot_holds_what_a_review_walks_through(account: Account) -> None:
    with workspace_context(account.workspace):
        ActionFactory.create(customer=account.customer, title="Send references", due_date=days(-2))
        ObjectiveFactory.create(customer=account.customer, title="Win the north")
        SwotItemFactory.create(customer=account.customer, kind="weakness", text="No sponsor")
    content = _build(account)
    assert content["schema_version"] == SCHEMA_VERSION == 1
    assert content["customer"]["name"] == "Borealis Steel"
    assert set(content) >= {
        "scorecard",
        "health",
        "objectives",
        "actions",
        "opportunities",
        "key_players",
        "open_space",
        "swot",
    }
    assert [a["title"] for a in content["actions"]] == ["Send references"]
    assert content["actions"][0]["overdue"] is True
    assert [o["title"] for o in content["objectives"]] == ["Win the north"]
    (deal,) = content["opportunities"]
    assert deal["title"] == "Furnace relining"
    assert set(deal["cabs"]) == {
        "compelling_reason",
        "authority_leverage",
        "budget_availability",
        "supporting_allies",
    }
    assert [p["name"] for p in content["key_players"]] == ["Ines Aalto"]
    assert content["swot"][0]["text"] == "No sponsor"
    # The Open Space exists: its totals and UPV are frozen too, money as text.
    assert content["open_space"] is not None
    assert isinstance(content["open_space"]["upv"]["total"], str)
    # Plain JSON all the way down.
    assert json.loads(canonical(content)) == content


def test_the_hash_is_stable_for_the_same_state_and_changes_with_it(account: Account) -> None:
    first, second = _build(account), _build(account)
    assert content_hash(first) == content_hash(second)
    assert len(content_hash(first)) == 64
    with workspace_context(account.workspace):
        ActionFactory.create(customer=account.customer, title="Something new")
    assert content_hash(_build(account)) != content_hash(first)
    # Key order does not matter: the hash is of the canonical JSON.
    assert content_hash(dict(reversed(list(first.items())))) == content_hash(first)


def test_a_stored_snapshot_never_changes(account: Account, world: WorkspaceWorld) -> None:
    review = schedule(account)
    with workspace_context(account.workspace):
        snapshot = services.review_start(workspace=account.workspace, review=review)
        assert snapshot.content_hash == content_hash(snapshot.content)
        stored = ReviewSnapshot.objects.get(pk=snapshot.pk)
        stored.content = {"schema_version": 1, "forged": True}
        with pytest.raises(SnapshotImmutable):
            stored.save()
        assert ReviewSnapshot.objects.get(pk=snapshot.pk).content == snapshot.content
    # Nothing in the services offers to change one.
    assert not [name for name in vars(services) if name.startswith("review_snapshot_update")]


def test_the_current_schema_reads_a_stored_schema_0_snapshot() -> None:
    old = json.loads(SCHEMA_0.read_text())
    view = snapshot_read(old)
    assert view.schema_version == 0
    assert view.customer_name == "Borealis Steel"
    assert view.as_of == "2025-06-02"
    assert view.net_sales == "1250000"
    assert view.open_actions == 1
    assert view.opportunities[0]["value"] == "420000"
    # What schema 0 did not record is unknown, not zero.
    assert view.health_rating is None
    assert view.key_players is None
    assert view.open_space is None


def test_the_current_schema_reads_itself(account: Account) -> None:
    view = snapshot_read(_build(account))
    assert view.schema_version == 1
    assert view.customer_name == "Borealis Steel"
    assert view.key_players is not None and len(view.key_players) == 1


def test_a_newer_schema_is_said_not_misread() -> None:
    with pytest.raises(UnknownSchema):
        snapshot_read({"schema_version": 99})
