"""Every selling-center page and API route answers 404 for another workspace's ids.

The project-wide sweep (tests/kam/test_isolation_sweep.py) covers the same
routes; this one runs only ours, so a failure elsewhere cannot hide one here.
"""

from __future__ import annotations

import pytest
from django.test import Client

from selling_center import api_urls, urls
from tests.factories import WorkspaceWorld
from tests.kam.test_isolation_sweep import _fill, _object_routes

OUR_NAMES = {pattern.name for pattern in urls.urlpatterns} | {
    pattern.name for pattern in api_urls.urlpatterns
}


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_our_routes_answer_404_for_other_workspace_ids(world: WorkspaceWorld, method: str) -> None:
    client = Client()
    client.force_login(world.a.user("admin"))
    routes = [route for route in _object_routes() if route.name in OUR_NAMES]
    assert len(routes) >= 15
    failures = []
    for route in routes:
        path = _fill(route, world)
        response = getattr(client, method)(path, content_type="application/json")
        if response.status_code not in {404, 405}:
            failures.append(f"{method.upper()} {path} -> {response.status_code}")
    assert failures == []
