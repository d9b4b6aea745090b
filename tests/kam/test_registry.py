"""Every model is workspace-owned or deliberately global, and uniqueness is per workspace."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from kam.tenancy.models import WorkspaceOwned
from kam.tenancy.registry import DOMAIN_APPS, GLOBAL_MODELS


def _label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def _domain_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in DOMAIN_APPS and not model._meta.auto_created
    ]


def test_every_domain_model_is_workspace_owned_or_listed_as_global() -> None:
    unclassified = [
        _label(model)
        for model in _domain_models()
        if not issubclass(model, WorkspaceOwned) and _label(model) not in GLOBAL_MODELS
    ]
    assert unclassified == [], (
        "Inherit kam.tenancy.models.WorkspaceOwned, or list the model with a reason in"
        " kam.tenancy.registry.GLOBAL_MODELS"
    )


def test_global_list_names_only_real_global_models() -> None:
    existing = {_label(model) for model in _domain_models()}
    stale = [
        label for label in GLOBAL_MODELS if label not in existing and label != "kam.LoginAttempt"
    ]
    assert stale == []
    wrongly_listed = [
        _label(model)
        for model in _domain_models()
        if issubclass(model, WorkspaceOwned) and _label(model) in GLOBAL_MODELS
    ]
    assert wrongly_listed == []


def test_domain_apps_have_workspace_models() -> None:
    owned = {
        model._meta.app_label for model in _domain_models() if issubclass(model, WorkspaceOwned)
    }
    assert "accounts" in owned


def test_every_unique_constraint_includes_the_workspace() -> None:
    offenders: list[str] = []
    for model in _domain_models():
        if not issubclass(model, WorkspaceOwned):
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and (
                "workspace" not in constraint.fields and "workspace_id" not in constraint.fields
            ):
                offenders.append(f"{_label(model)}.{constraint.name}")
        for together in model._meta.unique_together:
            if "workspace" not in together:
                offenders.append(f"{_label(model)} unique_together {together}")
        for field in model._meta.local_fields:
            if field.unique and not field.primary_key:
                offenders.append(f"{_label(model)}.{field.name} is unique across workspaces")
    assert offenders == []


def test_no_foreign_key_from_a_workspace_model_to_another_tenant_table() -> None:
    """Foreign keys point at the same workspace's rows, global tables, or users.

    (Cross-workspace references are refused at write time; this checks the shape.)
    """
    for model in _domain_models():
        if not issubclass(model, WorkspaceOwned):
            continue
        for field in model._meta.local_fields:
            if isinstance(field, models.ForeignKey):
                target = field.related_model
                assert (
                    issubclass(target, WorkspaceOwned)
                    or _label(target) in GLOBAL_MODELS
                    or target._meta.app_label in {"auth", "contenttypes"}
                ), f"{_label(model)}.{field.name} -> {_label(target)}"
