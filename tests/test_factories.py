"""Every project model has a factory, and each builds a valid row inside one workspace."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import models

from kam.tenancy.context import workspace_context
from kam.tenancy.models import WorkspaceOwned
from kam.workspaces.models import Role, Workspace
from tests.factories import PASSWORD, WorkspaceWorld
from tests.model_factories import all_factories, factory_for
from tests.model_factories.accounts import CustomerFactory
from tests.model_factories.buying_center import StakeholderFactory
from tests.model_factories.kam import UserFactory, WorkspaceFactory
from tests.model_factories.planning import StakeholderNeedFactory
from tests.model_factories.selling_center import ConnectionFactory

PROJECT_APPS = {"kam", "accounts", "buying_center", "selling_center", "planning"}

#: Fields whose normal value fails ``full_clean()`` (an empty list written by a
#: service, never by a form, on a JSON field not declared ``blank=True``).
EMPTY_BY_DESIGN: dict[str, set[str]] = {
    "accounts.ImportBatch": {"errors"},  # a clean file has no errors
    "accounts.SelectionDecision": {"warnings"},  # most decisions raise none
}


def _project_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not model._meta.abstract
    ]


def _workspace_parents(row: models.Model) -> list[tuple[str, set[int]]]:
    """The workspaces of what this row points at: a row's own, a person's memberships."""
    found = []
    for field in row._meta.concrete_fields:
        if field.many_to_one and field.name != "workspace":
            related = getattr(row, field.name)
            if isinstance(related, WorkspaceOwned):
                found.append((field.name, {related.workspace_id}))
            elif isinstance(related, User):
                workspaces = set(related.memberships.values_list("workspace_id", flat=True))
                found.append((field.name, workspaces))
    return found


def test_every_project_model_has_a_factory() -> None:
    missing = sorted(
        model._meta.label for model in _project_models() if model not in all_factories()
    )
    assert missing == [], f"add a factory to tests/model_factories/ for: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("model", _project_models(), ids=lambda model: model._meta.label)
def test_factory_builds_a_valid_row_in_the_given_workspace(model: type[models.Model]) -> None:
    workspace = WorkspaceFactory.create()
    WorkspaceFactory.create()  # a second workspace, so a parent built in the wrong one would show
    build = factory_for(model)
    row = build.create(workspace=workspace) if _has_workspace(model) else build.create()
    assert row.pk is not None
    if _has_workspace(model):
        assert row.workspace_id == workspace.pk
        for name, workspaces in _workspace_parents(row):
            assert workspace.pk in workspaces, f"{model.__name__}.{name} is of another workspace"
    with workspace_context(workspace):
        row.full_clean(exclude=EMPTY_BY_DESIGN.get(model._meta.label, set()))


def _has_workspace(model: type[models.Model]) -> bool:
    return any(field.name == "workspace" for field in model._meta.concrete_fields)


@pytest.mark.django_db
def test_factories_build_in_the_selected_workspace() -> None:
    """Inside ``workspace_context`` a factory needs no ``workspace=``: it uses that one."""
    workspace = WorkspaceFactory.create()
    with workspace_context(workspace):
        need = StakeholderNeedFactory.create()
        assert need.workspace_id == workspace.pk
        assert need.stakeholder.customer == need.opportunity.customer
    assert Workspace.objects.count() == 1


@pytest.mark.django_db
def test_factories_follow_the_parent_they_are_given() -> None:
    """Outside any context, a row built under a parent lands in the parent's workspace."""
    workspace = WorkspaceFactory.create()
    with workspace_context(workspace):
        customer = CustomerFactory.create()
    WorkspaceFactory.create()
    stakeholder = StakeholderFactory.create(customer=customer)
    connection = ConnectionFactory.create(stakeholder=stakeholder)
    assert stakeholder.workspace_id == connection.workspace_id == workspace.pk
    assert connection.member.customer == customer


@pytest.mark.django_db
def test_a_key_account_is_one_keyword_away() -> None:
    workspace = WorkspaceFactory.create()
    assert CustomerFactory.create(workspace=workspace, key_account=True).status == "key_account"
    assert CustomerFactory.create(workspace=workspace).status == "customer"


@pytest.mark.django_db
def test_people_sign_in_with_the_test_password() -> None:
    user = UserFactory.create()
    assert user.check_password(PASSWORD)


def test_the_cast_has_a_named_person_of_every_role(cast: WorkspaceWorld) -> None:
    assert cast.a.workspace.name == "Nordhavn Industrial Services"
    assert (cast.a.kam.username, cast.a.kam.get_full_name()) == ("a-kam", "Karin Dahl")
    assert cast.a.executive.get_full_name() == "Erik Lindgren"
    assert cast.outsider.get_full_name() == "Olav Utne"
    for tenant in (cast.a, cast.b):
        assert set(tenant.members) == set(Role.values)
        for role, user in tenant.members.items():
            assert user.username == f"{tenant.workspace.slug}-{role}"
            assert user.get_full_name()
            assert user.memberships.get().role == role
    assert cast.outsider.memberships.count() == 0


def test_the_world_keeps_user_names_on_pages(world: WorkspaceWorld) -> None:
    """Without the cast fixture people have no display name, so pages show "a-kam"."""
    assert world.a.workspace.name == "Workspace A"
    assert world.a.kam.get_full_name() == ""
