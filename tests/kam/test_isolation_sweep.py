"""Signed in to workspace A, every page and API route answers 404 for B's object ids.

The sweep walks the whole URL map, so a new page or endpoint is covered the day
it is added. Each URL argument that names an object (``<int:customer_id>``, or
``pk`` on an API viewset) is filled with the id of a workspace-B row of that
model, built for the route by the model's factory (tests/model_factories/), so
a new model is covered as soon as it has one. The arguments of one route name
rows that belong together (the need of that opportunity of that customer), so
the 404 comes from the workspace and not from a mismatched parent; the same
route with workspace A's own rows must not answer 404, or the sweep would prove
nothing for it. An argument the sweep does not know fails the test until it is
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

from kam.workspaces.models import Workspace
from tests.factories import WorkspaceWorld
from tests.model_factories import factory_for

#: URL arguments that are not object ids (secrets in e-mailed links, formats).
NOT_OBJECT_ARGUMENTS = {"uidb64", "token", "format", "kind"}

#: Routes that answer 404 even for A's own factory-built row, and why. The
#: sweep still tries B's ids on them; only the control skips them.
NOT_FOUND_FOR_A_TOO = {
    "job-download": "only a finished job with a result file has a download",
    "api-job-result": "only a finished job with a result file has a download",
    "imports:errors_csv": "only an import with errors has an errors file",
    "api-import-errors": "only an import with errors has an errors file",
    "api-token-detail": "one sees one's own tokens; the factory's belongs to another member",
}

#: Argument names that differ from their model's name.
ARGUMENT_MODELS: dict[str, str] = {}

#: A generic reference (``<type_label>/<object_id>``, the History page): filled
#: with a customer built by its factory in the workspace tried.
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


def _ancestor(rows: list[models.Model], model: type[models.Model]) -> models.Model | None:
    """A row of ``model`` among ``rows`` or the parents they point at, nearest first."""
    queue = list(rows)
    seen: set[tuple[type[models.Model], object]] = set()
    while queue:
        row = queue.pop(0)
        if (type(row), row.pk) in seen:
            continue
        seen.add((type(row), row.pk))
        if isinstance(row, model):
            return row
        for field in row._meta.concrete_fields:
            if field.many_to_one and field.name != "workspace":
                related = getattr(row, field.name)
                if related is not None:
                    queue.append(related)
    return None


def _object_of(workspace: Workspace, model: type[models.Model], built: list[models.Model]) -> str:
    """The id of a row of ``model`` in ``workspace``: a parent of the route's rows, or a new one."""
    row = _ancestor(built, model)
    if row is None:
        row = factory_for(model).create(workspace=workspace)
        built.append(row)
    return str(row.pk)


def _object_routes() -> list[Route]:
    routes = [
        route
        for route in _walk(get_resolver().url_patterns)
        if any(argument not in NOT_OBJECT_ARGUMENTS for argument in route.arguments)
    ]
    return routes


def _fill(route: Route, world: WorkspaceWorld) -> str:
    """The route's path with workspace B's rows (the ones A must not reach)."""
    return _path_with_rows_of(route, world.b.workspace)


def _path_with_rows_of(route: Route, workspace: Workspace) -> str:
    """The route's path with rows of ``workspace``, innermost argument built first."""
    assert route.name, f"{route.pattern}: give the route a name so the sweep can reverse it"
    kwargs: dict[str, str] = {}
    built: list[models.Model] = []
    if set(GENERIC_OBJECT_ARGUMENTS) <= set(route.arguments):
        model = apps.get_model(GENERIC_OBJECT_MODEL)
        kwargs["type_label"] = model._meta.label_lower
        kwargs["object_id"] = _object_of(workspace, model, built)
    for argument in reversed(route.arguments):
        if argument in kwargs:
            continue
        if argument == "format":
            kwargs[argument] = "json"
        elif argument in NOT_OBJECT_ARGUMENTS:
            kwargs[argument] = "x"
        else:
            kwargs[argument] = _object_of(workspace, _model_for(route, argument), built)
    return reverse(route.name, kwargs=kwargs)


def _client(world: WorkspaceWorld, auth: str) -> Client:
    if auth == "session":
        client = Client()
        client.force_login(world.a.user("admin"))
        return client
    return Client(headers={"Authorization": f"Bearer {world.a.access_token_secret}"})


def _routes_for(auth: str) -> list[Route]:
    return [
        route for route in _object_routes() if auth == "session" or route.pattern.startswith("api/")
    ]


def test_sweep_finds_object_routes() -> None:
    """Guard the guard: the sweep must actually see routes with object ids."""
    patterns = [route.pattern for route in _object_routes()]
    assert any(pattern.startswith("api/v1/") for pattern in patterns), patterns
    assert any(not pattern.startswith("api/v1/") for pattern in patterns), patterns


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("auth", ["session", "token"])
def test_other_workspace_ids_answer_404(world: WorkspaceWorld, method: str, auth: str) -> None:
    """A's admin (the most powerful role) gets 404 for every B id, by session and by token."""
    client = _client(world, auth)
    failures: list[str] = []
    checked = 0
    for route in _routes_for(auth):
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


@pytest.mark.parametrize("auth", ["session", "token"])
def test_the_same_routes_find_workspace_a_rows(world: WorkspaceWorld, auth: str) -> None:
    """Control: with A's own rows (built the same way) no route answers 404.

    Without it a route that answered 404 to everyone would pass the sweep.
    """
    client = _client(world, auth)
    not_found = [
        f"GET {path} ({route.name})"
        for route in _routes_for(auth)
        if route.name not in NOT_FOUND_FOR_A_TOO
        and client.get(path := _path_with_rows_of(route, world.a.workspace)).status_code == 404
    ]
    assert not_found == []
