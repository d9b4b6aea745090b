"""Error pages: what went wrong in plain words, and what to do next."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from kam.permissions import Capability
from kam.tenancy.views import workspace_view
from kam.workspaces.models import Role
from tests.factories import WorkspaceWorld


def test_403_says_what_the_role_does_not_allow_and_who_to_ask(world: WorkspaceWorld) -> None:
    @workspace_view(Capability.MANAGE_MEMBERS)
    def members_page(request: HttpRequest) -> HttpResponse:
        return HttpResponse("members")

    viewer = world.a.user(Role.VIEWER)
    request = RequestFactory().get("/members/")
    request.user = viewer
    request.workspace = world.a.workspace
    request.membership = viewer.memberships.get(workspace=world.a.workspace)
    response = members_page(request)
    html = response.content.decode()
    assert response.status_code == 403
    assert "invite people, change their roles and remove members" in html
    assert "You are a <strong>viewer</strong> in Workspace A" in html
    assert "ask a workspace admin to change your role in Workspace A" in html


def test_404_page_is_friendly_and_keeps_the_layout(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.a.user(Role.KAM))
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We can't find that page" in html
    assert 'class="site-nav"' in html
    assert f'href="{reverse("home")}"' in html


def test_500_page_renders_without_request_or_database() -> None:
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert "Nothing you entered in this last step was saved" in html


def test_csrf_failure_page_explains_what_to_do() -> None:
    html = render_to_string("403_csrf.html")
    assert "This form has expired" in html
    assert "reload the page" in html


def test_styleguide_renders_every_component(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.a.user(Role.VIEWER))
    html = client.get(reverse("styleguide")).content.decode()
    for css_class in ("quadrant", "matrix", "badge-danger", "btn-quiet", "field-errors"):
        assert css_class in html
