"""The relationship map: Graphviz source, the SVG people click, caching and isolation."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Customer
from buying_center import relationship_map
from buying_center.models import InfluenceLink, Stakeholder
from buying_center.relationship_map import MapOptions, build_dot, map_people, person_flags
from kam.tenancy.context import workspace_context
from selling_center.models import SellingCenterMember
from tests.factories import WorkspaceWorld

pytestmark = pytest.mark.skipif(
    relationship_map.dot_binary() is None, reason="Graphviz (dot) is not installed"
)

SVG_NS = {"svg": "http://www.w3.org/2000/svg", "xlink": "http://www.w3.org/1999/xlink"}


@pytest.fixture(autouse=True)
def own_cache(settings: Any) -> None:
    """A private cache per test, so "drawn once" is measured from zero."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"map-test-{id(settings)}",
        }
    }


def _client(world: WorkspaceWorld, role: str = "kam") -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client


def _edit_url(customer: Customer, person: Stakeholder) -> str:
    return reverse(
        "stakeholder-edit", kwargs={"customer_id": customer.pk, "stakeholder_id": person.pk}
    )


def build_org(world: WorkspaceWorld, customer: Customer, size: int) -> list[Stakeholder]:
    """A realistic org chart: a director, five heads of function, everyone else below."""
    functions = ["Procurement", "Operations", "Engineering", "Finance", "Quality"]
    roles = ["buyer", "user", "influencer", "advisor", "facilitator", "decider", "gatekeeper"]
    now = timezone.now()
    people: list[Stakeholder] = []
    with workspace_context(world.a.workspace):
        owner = SellingCenterMember.objects.create(customer=customer, name="Kim Lee", role="kam")
        for index in range(size):
            if index == 0:
                manager, function = None, "Board"
            elif index <= len(functions):
                manager, function = people[0], functions[index - 1]
            else:
                head = people[1 + index % len(functions)]
                manager = head if index % 3 else people[index - 5]
                function = head.function
            people.append(
                Stakeholder.objects.create(
                    customer=customer,
                    name=f"Person {index:02d}",
                    title="Head" if index <= len(functions) else "Engineer",
                    function=function,
                    reports_to=manager,
                    roles=[roles[index % len(roles)]] if index % 4 else [],
                    relationship_score=(index % 5) - 2,
                    owner=owner if index % 2 else None,
                    assessed_at=now - datetime.timedelta(days=30 if index % 3 else 400),
                )
            )
        for index in range(1, size, 4):
            target = people[(index * 7) % size or 2]
            if target != people[index]:
                InfluenceLink.objects.create(
                    source=people[index], target=target, strength=1 + index % 3
                )
    return people


def _svg_of(response: Any) -> ElementTree.Element:
    html = response.content.decode()
    match = re.search(r"<svg.*?</svg>", html, flags=re.DOTALL)
    assert match, "no inline SVG on the page"
    return ElementTree.fromstring(match.group(0))


def test_dot_has_every_person_reports_to_and_weighted_influence(
    world: WorkspaceWorld, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    boss = make_person(account, "Helga Boss", roles=["decider"])
    buyer = make_person(account, "Bo Buyer", roles=["buyer"], reports_to=boss)
    user = make_person(account, "Uma User", roles=["user"], reports_to=boss)
    with workspace_context(world.a.workspace):
        InfluenceLink.objects.create(source=user, target=buyer, strength=3)
        InfluenceLink.objects.create(source=buyer, target=boss, strength=1)
        people, links = map_people(workspace=world.a.workspace, customer_id=account.pk)

    source = build_dot(people, links, now=timezone.now())

    for person in (boss, buyer, user):
        assert f'id="person-{person.pk}"' in source
    assert re.search(rf"p{boss.pk} -> p{buyer.pk} \[dir=none", source)
    assert re.search(rf"p{boss.pk} -> p{user.pk} \[dir=none", source)
    strong = re.search(
        rf"p{user.pk} -> p{buyer.pk} \[style=dashed[^\]]*penwidth=4.5[^\]]*\]", source
    )
    weak = re.search(rf"p{buyer.pk} -> p{boss.pk} \[style=dashed[^\]]*penwidth=1.2[^\]]*\]", source)
    assert strong and weak, source
    # Influence lines must not bend the org chart: they do not constrain the ranks.
    assert "constraint=false" in strong.group(0)


def test_map_page_links_every_person_to_their_edit_page(
    world: WorkspaceWorld, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    boss = make_person(account, "Helga Boss", roles=["decider"])
    buyer = make_person(account, "Bo Buyer", roles=["buyer"], reports_to=boss)

    response = _client(world).get(reverse("account-map", kwargs={"customer_id": account.pk}))

    assert response.status_code == 200
    svg = _svg_of(response)
    links = {
        anchor.get(f"{{{SVG_NS['xlink']}}}href") for anchor in svg.iterfind(".//svg:a", SVG_NS)
    }
    assert {_edit_url(account, boss), _edit_url(account, buyer)} <= links
    # Self-contained: the meaning is in attributes, not in classes a stylesheet styles.
    assert "<style" not in response.content.decode().split("<svg", 1)[1].split("</svg>")[0]


def test_stale_uncovered_and_key_people_at_risk(
    world: WorkspaceWorld,
    account: Customer,
    make_person: Callable[..., Stakeholder],
    make_member: Callable[..., SellingCenterMember],
) -> None:
    ours = make_member(account, "Kim Lee")
    old = timezone.now() - datetime.timedelta(days=200)
    stale = make_person(account, "Sten Stale", roles=["user"], owner=ours, assessed_at=old)
    never = make_person(account, "Nora Never", roles=["user"], owner=ours, assessed_at=None)
    lonely_decider = make_person(account, "Dag Decider", roles=["decider"], relationship_score=2)
    cold_facilitator = make_person(
        account, "Fia Facil", roles=["facilitator"], owner=ours, relationship_score=0
    )
    warm_decider = make_person(
        account, "Dina Warm", roles=["decider"], owner=ours, relationship_score=1
    )
    opponent = make_person(account, "Otto Against", roles=["influencer"], opponent_influencer=True)
    with workspace_context(world.a.workspace):
        people, _ = map_people(workspace=world.a.workspace, customer_id=account.pk)
    flags = {p.id: person_flags(p, now=timezone.now()) for p in people}

    assert flags[stale.pk].stale and not flags[stale.pk].never_assessed
    assert flags[never.pk].stale and flags[never.pk].never_assessed
    assert flags[lonely_decider.pk].uncovered and flags[lonely_decider.pk].key_person_at_risk
    assert flags[cold_facilitator.pk].key_person_at_risk
    assert not flags[cold_facilitator.pk].uncovered
    assert not flags[warm_decider.pk].key_person_at_risk and not flags[warm_decider.pk].stale
    assert flags[opponent.pk].uncovered and not flags[opponent.pk].key_person_at_risk

    page = _client(world).get(reverse("account-map", kwargs={"customer_id": account.pk}))
    text = page.content.decode()
    assert "STALE 6 MO" in text and "NOT ASSESSED" in text and "OPPONENT" in text
    attention = text.split('class="map-attention"', 1)[1]
    at_risk = attention.split("No owner on our side", 1)[0]
    assert "Dag Decider" in at_risk and "Fia Facil" in at_risk and "Dina Warm" not in at_risk


def test_names_with_markup_characters_are_escaped(
    world: WorkspaceWorld, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    nasty = 'Ann "The Boss" <O\'Neil> & Co \\N'
    make_person(account, nasty, roles=["decider"], title="<script>alert(1)</script>")

    response = _client(world).get(reverse("account-map", kwargs={"customer_id": account.pk}))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    svg = _svg_of(response)  # parses: the markup characters did not break the XML
    texts = [node.text or "" for node in svg.iterfind(".//svg:text", SVG_NS)]
    titles = {a.get(f"{{{SVG_NS['xlink']}}}title", "") for a in svg.iterfind(".//svg:a", SVG_NS)}
    assert nasty in texts
    assert any(title.startswith(nasty + " — Decider") for title in titles), titles


def test_sixty_people_render_as_sixty_nodes(world: WorkspaceWorld, account: Customer) -> None:
    people = build_org(world, account, 60)

    response = _client(world).get(reverse("account-map", kwargs={"customer_id": account.pk}))

    assert response.status_code == 200
    svg = _svg_of(response)
    nodes = [g for g in svg.iterfind(".//svg:g", SVG_NS) if g.get("class") == "node"]
    # 60 people and the legend.
    assert {g.get("id") for g in nodes} == {f"person-{p.pk}" for p in people} | {"legend"}


def test_hiding_people_without_roles_and_influence_lines(
    world: WorkspaceWorld, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    boss = make_person(account, "Helga Boss", roles=["decider"])
    assistant = make_person(account, "Ali Assistant", roles=[], reports_to=boss)
    buyer = make_person(account, "Bo Buyer", roles=["buyer"], reports_to=assistant)
    with workspace_context(world.a.workspace):
        InfluenceLink.objects.create(source=buyer, target=boss, strength=2)
        people, links = map_people(workspace=world.a.workspace, customer_id=account.pk)

    source = build_dot(
        people,
        links,
        now=timezone.now(),
        options=MapOptions(only_with_roles=True, show_influence=False),
    )

    assert f"person-{assistant.pk}" not in source
    # The buyer hangs under the nearest manager still shown.
    assert f"p{boss.pk} -> p{buyer.pk} [dir=none" in source
    assert "style=dashed" not in source.split("legend [", 1)[1].split("];", 1)[1]

    response = _client(world).get(
        reverse("account-map", kwargs={"customer_id": account.pk}),
        {"roles_only": "on", "influence": "off"},
    )
    svg = _svg_of(response)
    assert "Ali Assistant" not in [node.text for node in svg.iterfind(".//svg:text", SVG_NS)]
    assert "2 of 3 people shown" in response.content.decode()


def test_map_is_drawn_once_then_served_from_the_cache(
    world: WorkspaceWorld,
    account: Customer,
    make_person: Callable[..., Stakeholder],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    person = make_person(account, "Helga Boss", roles=["decider"])
    calls: list[str] = []
    real = relationship_map.render_svg

    def counting(source: str) -> str:
        calls.append(source)
        return real(source)

    monkeypatch.setattr(relationship_map, "render_svg", counting)
    client = _client(world)
    url = reverse("account-map", kwargs={"customer_id": account.pk})

    client.get(url)
    client.get(url)
    assert len(calls) == 1

    with workspace_context(world.a.workspace):
        Stakeholder.objects.filter(pk=person.pk).update(relationship_score=2)
    client.get(url)
    assert len(calls) == 2, "a change to the people must draw a new map"


def test_missing_graphviz_explains_which_package_to_install(
    world: WorkspaceWorld,
    account: Customer,
    make_person: Callable[..., Stakeholder],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_person(account, "Helga Boss", roles=["decider"])
    monkeypatch.setattr(relationship_map, "dot_binary", lambda: None)
    client = _client(world)

    page = client.get(reverse("account-map", kwargs={"customer_id": account.pk}))
    svg = client.get(reverse("account-map-svg", kwargs={"customer_id": account.pk}))

    assert page.status_code == 200
    assert "apt-get install graphviz" in page.content.decode()
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert "apt-get install graphviz" in svg.content.decode()


def test_download_is_a_standalone_svg_file(
    world: WorkspaceWorld, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    make_person(account, "Helga Boss", roles=["decider"])

    response = _client(world, "viewer").get(
        reverse("account-map-svg", kwargs={"customer_id": account.pk}), {"download": "1"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Disposition"] == (
        'attachment; filename="nordic-ore-relationship-map.svg"'
    )
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Helga Boss" in response.content.decode()


@pytest.mark.parametrize("name", ["account-map", "account-map-svg"])
def test_another_workspaces_account_answers_404(world: WorkspaceWorld, name: str) -> None:
    assert world.b.customer is not None
    response = _client(world).get(reverse(name, kwargs={"customer_id": world.b.customer.pk}))
    assert response.status_code == 404


def test_map_page_query_count_does_not_grow_with_people(world: WorkspaceWorld) -> None:
    counts = []
    for size in (20, 60):
        with workspace_context(world.a.workspace):
            customer = Customer.objects.create(external_id=f"ORG-{size}", name=f"Org {size}")
        build_org(world, customer, size)
        client = _client(world)
        url = reverse("account-map", kwargs={"customer_id": customer.pk})
        client.get(url)  # warm the session and the SVG cache alike for both sizes
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
