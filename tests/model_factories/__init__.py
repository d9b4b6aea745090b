"""One factory_boy factory per model, split by app; :func:`factory_for` finds a model's."""

from __future__ import annotations

from typing import Any

from django.db import models
from factory.django import DjangoModelFactory

from tests.model_factories import accounts, buying_center, kam, plan, planning, selling_center
from tests.model_factories.base import PASSWORD, InWorkspaceFactory, parent, sibling

MODULES = (kam, accounts, buying_center, selling_center, planning, plan)


def all_factories() -> dict[type[models.Model], type[DjangoModelFactory[Any]]]:
    """Every concrete factory of the modules above, by the model it builds."""
    found: dict[type[models.Model], type[DjangoModelFactory[Any]]] = {}
    for module in MODULES:
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, DjangoModelFactory)
                and value.__module__ == module.__name__
                and not value._meta.abstract
            ):
                model = value._meta.get_model_class()
                assert model not in found, f"two factories build {model.__name__}"
                found[model] = value
    return found


def factory_for(model: type[models.Model]) -> type[DjangoModelFactory[Any]]:
    try:
        return all_factories()[model]
    except KeyError:
        raise LookupError(
            f"{model.__name__} has no factory: add one to tests/model_factories/"
        ) from None


__all__ = ["PASSWORD", "InWorkspaceFactory", "all_factories", "factory_for", "parent", "sibling"]
