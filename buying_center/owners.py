"""Who owns a relationship on our side: the buying center's one seam to the selling center.

A stakeholder's owner (``Stakeholder.owner``) is one of our people on the account's
selling center. Who may own a relationship is alignment data, so its rule lives in
the selling center (``selling_center.owners``). The buying center only needs to list
the candidates, check a choice and name the chosen person; it declares that need
here, and the selling center registers the implementation from its
``AppConfig.ready()``. So ``buying_center`` never imports ``selling_center`` (the
import contract in pyproject.toml): the dependency runs one way, selling center to
buying center.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model

from buying_center.models import Stakeholder

if TYPE_CHECKING:
    from accounts.models import Customer
    from kam.workspaces.models import Workspace


class RelationshipOwner(Protocol):
    """What the buying center reads from one of our people."""

    @property
    def pk(self) -> Any: ...

    @property
    def display_name(self) -> str: ...

    def get_role_display(self) -> str: ...


class OwnerDirectory(Protocol):
    """Everything the buying center asks about relationship owners."""

    def owner_choices(self, *, workspace: Workspace, customer: Customer) -> list[Any]:
        """Who may own a relationship at ``customer``, in the order people read them."""
        ...

    def check_owner(
        self, *, workspace: Workspace, customer: Customer, owner: Any | None, field: str
    ) -> None:
        """Raise ``ValidationError`` on ``field`` unless ``owner`` may own a relationship."""
        ...


_directory: OwnerDirectory | None = None


def register_owner_directory(directory: OwnerDirectory) -> None:
    """Called once by the selling center's ``AppConfig.ready()``."""
    global _directory
    _directory = directory


def owner_directory() -> OwnerDirectory:
    if _directory is None:
        raise ImproperlyConfigured(
            "No relationship-owner directory is registered: add selling_center to"
            " INSTALLED_APPS (its AppConfig.ready() registers it)."
        )
    return _directory


def owner_model() -> type[Model]:
    """The model ``Stakeholder.owner`` points at (resolved by Django from the field's name)."""
    model = Stakeholder._meta.get_field("owner").related_model
    if not isinstance(model, type) or not issubclass(model, Model):
        raise ImproperlyConfigured("Stakeholder.owner must point at an installed model.")
    return model


def owner_choices(*, workspace: Workspace, customer: Customer) -> Sequence[RelationshipOwner]:
    return owner_directory().owner_choices(workspace=workspace, customer=customer)


def check_owner(
    *, workspace: Workspace, customer: Customer, owner: RelationshipOwner | None
) -> None:
    owner_directory().check_owner(
        workspace=workspace, customer=customer, owner=owner, field="owner"
    )
