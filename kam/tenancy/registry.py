"""Which models are workspace-owned and which are global on purpose."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model

from kam.tenancy.models import WorkspaceOwned

#: Models without a workspace column, each with the reason it is global.
GLOBAL_MODELS: dict[str, str] = {
    "kam.Workspace": "the tenant itself",
    "kam.Membership": "links a person to workspaces; read before a workspace is chosen",
    "kam.AccessToken": "looked up by hash before the workspace is known; names its workspace",
    "kam.Invitation": "opened by people who are not members yet; names its workspace",
    "kam.LoginAttempt": "sign-in throttling happens before any workspace is chosen",
}

DOMAIN_APPS = ("accounts", "buying_center", "selling_center", "planning", "kam")


def workspace_models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, WorkspaceOwned) and model._meta.app_label in DOMAIN_APPS
    ]
