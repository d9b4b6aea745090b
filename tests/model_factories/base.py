"""What every factory shares: the workspace a row is built in, and how its parents follow it.

A workspace-owned row takes its workspace from the context it is saved in
(``WorkspaceOwned.save``) and refuses a parent of another workspace. So every
factory carries a ``workspace`` declaration, saves inside that workspace's
context, and builds its parents with :func:`parent`, which hands the same
workspace down. ``SomeFactory()`` inside ``workspace_context(ws)`` builds in
``ws``; given a parent (``StakeholderFactory(customer=c)``) it builds in the
parent's workspace; otherwise in a fresh workspace; ``workspace=`` picks one.
"""

from __future__ import annotations

from typing import Any, TypeVar

import factory
from django.db import models
from factory.django import DjangoModelFactory

from kam.tenancy.context import current_workspace_id, workspace_context
from kam.tenancy.models import WorkspaceOwned
from kam.workspaces.models import Workspace

PASSWORD = "correct-horse-battery-staple"

ModelT = TypeVar("ModelT", bound=models.Model)


def current_or_new_workspace() -> Workspace:
    """The selected workspace, or a new one when the test selected none."""
    workspace_id = current_workspace_id()
    if workspace_id is not None:
        return Workspace.objects.get(pk=workspace_id)
    from tests.model_factories.kam import WorkspaceFactory

    return WorkspaceFactory.create()


def parent(factory_class: type[DjangoModelFactory[Any]] | str, **overrides: Any) -> Any:
    """A parent row built in the child's workspace (never in another one)."""
    return factory.SubFactory(
        factory_class, workspace=factory.SelfAttribute("..workspace"), **overrides
    )


def sibling(path: str) -> Any:
    """Reuse a parent reached through another parent (e.g. the need's opportunity's customer)."""
    return factory.SelfAttribute(f"..{path}")


def workspace_member(row: Any) -> Any:
    """A new member of the row's workspace (for "who did it" columns)."""
    from tests.model_factories.kam import MembershipFactory

    return MembershipFactory.create(workspace=row.workspace).user


def member_of_workspace() -> Any:
    """Declaration for a user column: someone who belongs to the row's workspace."""
    return factory.LazyAttribute(workspace_member)


class InWorkspaceFactory(DjangoModelFactory[ModelT]):
    """A row that names its workspace: saved inside that workspace's context."""

    class Meta:
        abstract = True

    workspace = factory.LazyFunction(current_or_new_workspace)

    @classmethod
    def _generate(cls, strategy: str, params: dict[str, Any]) -> Any:
        # A parent handed in decides the workspace, so a test never has to say it twice.
        if "workspace" not in params:
            for value in params.values():
                if isinstance(value, WorkspaceOwned):
                    params = {**params, "workspace": value.workspace}
                    break
        return super()._generate(strategy, params)

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        with workspace_context(kwargs["workspace"]):
            return super()._create(model_class, *args, **kwargs)
