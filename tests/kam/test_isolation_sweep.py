"""Signed in to workspace A, every page and API route answers 404 for B's object ids.

The sweep walks the whole URL map, so a new page or endpoint is covered the day
it is added. Each URL argument that names an object (``<int:customer_id>``, or
``pk`` on an API viewset) is filled with the id of a workspace-B row of that
model; an argument the sweep does not know fails the test until it is
classified below.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kam.tenancy.context import workspace_context
from tests.factories import WorkspaceWorld

#: URL arguments that are not object ids (secrets in e-mailed links, formats).
NOT_OBJECT_ARGUMENTS = {"uidb64", "token", "format", "kind"}

#: Argument names that differ from their model's name.
ARGUMENT_MODELS: dict[str, str] = {}

#: A generic reference (``<type_label>/<object_id>``, the History page): filled with
#: workspace B's customer, which has a change-log entry in B.
GENERIC_OBJECT_ARGUMENTS = ("type_label", "object_id")
GENERIC_OBJECT_MODEL = "accounts.Customer"


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str | None
    arguments: tuple[str, ...]
    callback: Any


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            arguments = tuple(entry.pattern.regex.groupindex)
            name = f"{namespace}{entry.name}" if entry.name else None
            yield Route(prefix + str(entry.pattern), name, arguments, entry.callback)


def _model_for(route: Route, argument: str) -> type[models.Model]:
    if argument == "pk":
        view_class = getattr(route.callback, "cls", None)
        model = getattr(view_class, "model", None)
        assert model is not None, f"{route.pattern}: cannot tell which model `pk` names"
        return model
    name = ARGUMENT_MODELS.get(argument, argument.removesuffix("_id").replace("_", ""))
    for model in apps.get_models():
        if model._meta.model_name == name:
            return model
    raise AssertionError(
        f"{route.pattern}: URL argument `{argument}` names no model; classify it in"
        " NOT_OBJECT_ARGUMENTS or ARGUMENT_MODELS"
    )


def _object_of_b(world: WorkspaceWorld, model: type[models.Model]) -> models.Model:
    with workspace_context(world.b.workspace):
        found = model._base_manager.filter(workspace=world.b.workspace).first()
    assert found is not None, (
        f"workspace B has no {model.__name__}: add one to tests/factories.py make_tenant()"
    )
    return found


def _object_routes() -> list[Route]:
    routes = [
        route
        for route in _walk(get_resolver().url_patterns)
        if any(argument not in NOT_OBJECT_ARGUMENTS for argument in route.arguments)
    ]
    return routes


def _fill(route: Route, world: WorkspaceWorld) -> str:
    assert route.name, f"{route.pattern}: give the route a name so the sweep can reverse it"
    kwargs: dict[str, str] = {}
    if set(GENERIC_OBJECT_ARGUMENTS) <= set(route.arguments):
        model = apps.get_model(GENERIC_OBJECT_MODEL)
        kwargs["type_label"] = f"{model._meta.app_label}.{model._meta.model_name}"
        kwargs["object_id"] = str(_object_of_b(world, model).pk)
    for argument in route.arguments:
        if argument in kwargs:
            continue
        if argument == "format":
            kwargs[argument] = "json"
        elif argument in NOT_OBJECT_ARGUMENTS:
            kwargs[argument] = "x"
        else:
            kwargs[argument] = str(_object_of_b(world, _model_for(route, argument)).pk)
    return reverse(route.name, kwargs=kwargs)


def test_sweep_finds_object_routes() -> None:
    """Guard the guard: the sweep must actually see routes with object ids."""
    patterns = [route.pattern for route in _object_routes()]
    assert any(pattern.startswith("api/v1/") for pattern in patterns), patterns
    assert any(not pattern.startswith("api/v1/") for pattern in patterns), patterns


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("auth", ["session", "token"])
def test_other_workspace_ids_answer_404(world: WorkspaceWorld, method: str, auth: str) -> None:
    """A's admin (the most powerful role) gets 404 for every B id, by session and by token."""
    if auth == "session":
        client = Client()
        client.force_login(world.a.user("admin"))
    else:
        client = Client(headers={"Authorization": f"Bearer {world.a.access_token_secret}"})
    failures: list[str] = []
    checked = 0
    for route in _object_routes():
        if auth == "token" and not route.pattern.startswith("api/"):
            continue
        path = _fill(route, world)
        response = getattr(client, method)(path, content_type="application/json")
        if response.status_code in {405, 501}:
            continue
        checked += 1
        if response.status_code != 404:
            failures.append(f"{method.upper()} {path} ({route.name}) -> {response.status_code}")
    assert failures == []
    if method == "get" or (method == "post" and auth == "session"):
        assert checked > 0, "no route accepted this method: the sweep checked nothing"
