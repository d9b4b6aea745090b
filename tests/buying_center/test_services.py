"""Stakeholder services: history of assessments, specific refusals, optimistic concurrency."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Customer
from buying_center import services
from buying_center.models import InfluenceLink, Stakeholder, StakeholderChange
from buying_center.org_chart import find_cycles
from buying_center.selectors import stakeholder_is_stale
from kam.concurrency import VersionConflict
from kam.tenancy.context import workspace_context
from tests.factories import WorkspaceWorld

pytestmark = pytest.mark.django_db


def _message(error: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    return " ".join(error.value.message_dict[field])


def test_assessed_changes_are_history_with_author_and_move_assessed_at(
    world: WorkspaceWorld, account: Customer, make_member: Callable[..., object]
) -> None:
    kam = world.a.user("kam")
    owner = make_member(account, "Lena Hartmann")
    with workspace_context(world.a.workspace):
        anna = services.stakeholder_create(
            workspace=world.a.workspace,
            customer=account,
            changed_by=kam,
            name="Anna Berg",
            roles=["decider"],
            relationship_score=-1,
        )
        created_at = anna.assessed_at
        assert created_at is not None
        Stakeholder.objects.filter(pk=anna.pk).update(
            assessed_at=timezone.now() - datetime.timedelta(days=300)
        )
        anna.refresh_from_db()
        assert stakeholder_is_stale(anna)
        services.stakeholder_update(
            workspace=world.a.workspace,
            stakeholder=anna,
            expected_version=anna.version,
            changed_by=kam,
            relationship_score=1,
            owner=owner,
            title="Plant director",  # not assessed: no history
        )
        anna.refresh_from_db()
        changes = list(StakeholderChange.objects.filter(stakeholder=anna).order_by("id"))
    assert [(c.field, c.old_value, c.new_value) for c in changes] == [
        ("relationship_score", "", "-1"),
        ("roles", "", "decider"),
        ("relationship_score", "-1", "1"),
        ("owner", "", "Lena Hartmann"),
    ]
    assert all(c.changed_by == kam for c in changes)
    assert not stakeholder_is_stale(anna)
    assert anna.title == "Plant director"


def test_reports_to_cycle_is_refused_naming_the_people(
    world: WorkspaceWorld, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    anna = make_person(account, "Anna Berg")
    mia = make_person(account, "Mia Holm", reports_to=anna)
    tom = make_person(account, "Tom Li", reports_to=mia)
    with workspace_context(world.a.workspace), pytest.raises(ValidationError) as error:
        services.stakeholder_update(
            workspace=world.a.workspace, stakeholder=anna, expected_version=1, reports_to=tom
        )
    assert _message(error, "reports_to") == (
        "Anna Berg cannot report to Tom Li: Tom already reports to Anna (Tom -> Mia -> Anna)."
    )


def test_reports_to_someone_of_another_account_or_oneself_is_refused(
    world: WorkspaceWorld, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    other_account = world.a.customer
    assert other_account is not None
    anna = make_person(account, "Anna Berg")
    stranger = make_person(other_account, "Sven Dahl")
    with workspace_context(world.a.workspace):
        with pytest.raises(ValidationError) as error:
            services.stakeholder_update(
                workspace=world.a.workspace,
                stakeholder=anna,
                expected_version=1,
                reports_to=stranger,
            )
        assert "Sven Dahl belongs to the buying center of another account" in _message(
            error, "reports_to"
        )
        with pytest.raises(ValidationError) as error:
            services.stakeholder_update(
                workspace=world.a.workspace, stakeholder=anna, expected_version=1, reports_to=anna
            )
        assert _message(error, "reports_to") == "Anna Berg cannot report to themselves."


def test_score_outside_scale_unknown_role_and_foreign_owner_are_refused(
    world: WorkspaceWorld, account: Customer, make_member: Callable[..., object]
) -> None:
    other_member = make_member(world.a.customer, "Per Olsen")
    with workspace_context(world.a.workspace):
        with pytest.raises(ValidationError) as error:
            services.stakeholder_create(
                workspace=world.a.workspace, customer=account, name="X", relationship_score=3
            )
        assert "3 is not on the relationship scale" in _message(error, "relationship_score")
        with pytest.raises(ValidationError) as error:
            services.stakeholder_create(
                workspace=world.a.workspace, customer=account, name="X", roles=["boss"]
            )
        assert "Unknown buying role 'boss'" in _message(error, "roles")
        with pytest.raises(ValidationError) as error:
            services.stakeholder_create(
                workspace=world.a.workspace, customer=account, name="X", owner=other_member
            )
        assert "Per Olsen is on the selling center of another account" in _message(error, "owner")
        assert not Stakeholder.objects.filter(customer=account).exists()


def test_objects_of_another_workspace_read_as_not_existing(
    world: WorkspaceWorld, account: Customer
) -> None:
    with workspace_context(world.b.workspace):
        b_person = Stakeholder.objects.filter(workspace=world.b.workspace).first()
    assert b_person is not None
    with workspace_context(world.a.workspace), pytest.raises(ValidationError) as error:
        services.stakeholder_create(
            workspace=world.a.workspace, customer=account, name="X", reports_to=b_person
        )
    assert _message(error, "reports_to") == f"Stakeholder {b_person.pk} does not exist."


def test_second_of_two_concurrent_edits_is_refused(
    world: WorkspaceWorld, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    anna = make_person(account, "Anna Berg")
    with workspace_context(world.a.workspace):
        first = Stakeholder.objects.get(pk=anna.pk)
        second = Stakeholder.objects.get(pk=anna.pk)
        services.stakeholder_update(
            workspace=world.a.workspace, stakeholder=first, expected_version=1, attitude="champion"
        )
        with pytest.raises(VersionConflict):
            services.stakeholder_update(
                workspace=world.a.workspace,
                stakeholder=second,
                expected_version=1,
                attitude="opposed",
            )
        anna.refresh_from_db()
    assert anna.attitude == "champion"
    assert anna.version == 2


def test_influence_links_refuse_self_other_account_and_duplicates(
    world: WorkspaceWorld, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    anna = make_person(account, "Anna Berg")
    tom = make_person(account, "Tom Li")
    stranger = make_person(world.a.customer, "Sven Dahl")
    with workspace_context(world.a.workspace):
        with pytest.raises(ValidationError) as error:
            services.influence_link_create(workspace=world.a.workspace, source=anna, target=anna)
        assert "Anna Berg cannot influence themselves" in _message(error, "target")
        with pytest.raises(ValidationError) as error:
            services.influence_link_create(
                workspace=world.a.workspace, source=anna, target=stranger
            )
        assert "another account" in _message(error, "target")
        with pytest.raises(ValidationError) as error:
            services.influence_link_create(
                workspace=world.a.workspace, source=anna, target=tom, strength=4
            )
        assert "Strength 4 is not possible" in _message(error, "strength")
        services.influence_link_create(workspace=world.a.workspace, source=anna, target=tom)
        with pytest.raises(ValidationError) as error:
            services.influence_link_create(workspace=world.a.workspace, source=anna, target=tom)
        assert "already influences" in _message(error, "target")
        assert InfluenceLink.objects.filter(source=anna).count() == 1


def test_find_cycles_reports_each_loop_once() -> None:
    chart = {"anna": "tom", "tom": "mia", "mia": "anna", "eva": "anna", "bo": None}
    cycles = find_cycles(chart)
    assert len(cycles) == 1
    assert set(cycles[0]) == {"anna", "tom", "mia"}
    assert find_cycles({"a": "b", "b": None}) == []
