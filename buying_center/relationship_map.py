"""The relationship map of a key account: who reports to whom, who influences whom.

Three steps, kept apart so each can be tested on its own:

1. :func:`map_people` reads the account's stakeholders and influence links in
   a fixed number of queries (three, whatever the number of people) and turns
   them into plain :class:`MapPerson` / :class:`MapInfluence` records.
2. :func:`build_dot` writes Graphviz DOT source from those records. It is pure:
   no database, no Django, every user-written string escaped for DOT and for
   Graphviz's HTML-like labels.
3. :func:`render_svg` lays the graph out with Graphviz ``dot`` (a real layout
   engine, run as a subprocess with a timeout) and returns SVG. The result is
   cached under a hash of the DOT source, which contains everything drawn, so
   a repeated view never runs Graphviz again and any edit changes the key.

The SVG carries all its meaning in attributes (fills, strokes, dash patterns,
text labels) and names only system fonts, so the browser, the PDF and the
projector show the same picture without any stylesheet.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import itertools
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from buying_center.models import (
    RELATIONSHIP_SCORES,
    STALE_AFTER_DAYS,
    BuyingRole,
    InfluenceLink,
    Stakeholder,
)

#: How long Graphviz may take before we give up (a 200-person map takes < 1 s).
DOT_TIMEOUT_SECONDS = 20
#: Cached SVGs are keyed by content, so they never go stale; this only bounds memory.
CACHE_SECONDS = 7 * 24 * 60 * 60
#: Bump when the drawing changes, so old cached pictures are not served.
DRAWING_VERSION = 3
GRAPHVIZ_PACKAGE = "graphviz"

FONT = "Helvetica,Arial,sans-serif"

#: One letter per buying role, shown as badges on each person.
ROLE_INITIALS: dict[str, str] = {
    BuyingRole.GATEKEEPER: "G",
    BuyingRole.BUYER: "B",
    BuyingRole.USER: "U",
    BuyingRole.INFLUENCER: "I",
    BuyingRole.ADVISOR: "A",
    BuyingRole.FACILITATOR: "F",
    BuyingRole.DECIDER: "D",
}
ROLE_LABELS: dict[str, str] = dict(BuyingRole.choices)

#: Relationship score -> (light fill of the card, strong colour of its score chip).
#: A diverging red-grey-green scale that stays apart for the common colour-vision
#: deficiencies; the chip also prints the score, so colour is never the only cue.
SCORE_COLOURS: dict[int | None, tuple[str, str]] = {
    -2: ("#f6d2cf", "#a50f15"),
    -1: ("#fbe5d9", "#c4481f"),
    0: ("#f2f2f2", "#525252"),
    1: ("#dcefd6", "#2e7d32"),
    2: ("#bfe3b4", "#11592a"),
    None: ("#ffffff", "#6b6b6b"),
}
INK = "#1a1a1a"
MUTED_INK = "#3d3d3d"
ALERT = "#b3001b"
INFLUENCE_COLOUR = "#4b2c91"
REPORTS_TO_COLOUR = "#4d4d4d"
#: Influence strength 1-3 -> line width in points.
INFLUENCE_WIDTH: dict[int, float] = {1: 1.2, 2: 2.6, 3: 4.5}
STRENGTH_WORDS: dict[int, str] = {1: "weak", 2: "medium", 3: "strong"}

#: Roles whose people must be covered by one of ours: they sign, or they open doors.
KEY_ROLES = frozenset({BuyingRole.DECIDER, BuyingRole.FACILITATOR})


class GraphvizMissing(RuntimeError):
    """The ``dot`` program is not installed (or not on PATH)."""

    def __init__(self) -> None:
        super().__init__(
            "The relationship map is drawn by Graphviz, which is not installed on this server."
            f" Install the Debian/Ubuntu package “{GRAPHVIZ_PACKAGE}”"
            f" (sudo apt-get install {GRAPHVIZ_PACKAGE}) and reload this page."
        )


class GraphvizFailed(RuntimeError):
    """``dot`` ran but did not produce a picture (timeout or error)."""


@dataclass(frozen=True)
class MapPerson:
    id: int
    name: str
    title: str = ""
    function: str = ""
    site: str = ""
    roles: tuple[str, ...] = ()
    relationship_score: int | None = None
    owner_name: str = ""
    assessed_at: datetime.datetime | None = None
    opponent_influencer: bool = False
    dominant_advisor: bool = False
    attitude: str = ""
    reports_to_id: int | None = None
    edit_url: str = ""


@dataclass(frozen=True)
class MapInfluence:
    source_id: int
    target_id: int
    strength: int


@dataclass(frozen=True)
class MapOptions:
    """What the toolbar lets people switch; part of the cache key through the DOT source."""

    show_influence: bool = True
    only_with_roles: bool = False
    cluster_by: str = "function"  # "function", "site" or "" (no grouping)


@dataclass(frozen=True)
class MapFlags:
    stale: bool
    never_assessed: bool
    uncovered: bool
    key_person_at_risk: bool


@dataclass
class RenderedMap:
    svg: str
    shown: int
    dot_source: str
    from_cache: bool = False
    people: list[MapPerson] = field(default_factory=list)
    flags: dict[int, MapFlags] = field(default_factory=dict)


# -- Rules --------------------------------------------------------------------


def person_flags(person: MapPerson, *, now: datetime.datetime) -> MapFlags:
    """What deserves attention on the map, by the rules of domain.md."""
    never_assessed = person.assessed_at is None
    stale = never_assessed or (
        person.assessed_at is not None
        and now - person.assessed_at > datetime.timedelta(days=STALE_AFTER_DAYS)
    )
    uncovered = not person.owner_name
    is_key = any(role in KEY_ROLES for role in person.roles)
    weak_relationship = person.relationship_score is not None and person.relationship_score <= 0
    return MapFlags(
        stale=stale,
        never_assessed=never_assessed,
        uncovered=uncovered,
        key_person_at_risk=is_key and (uncovered or weak_relationship),
    )


# -- Reading ------------------------------------------------------------------


def _edit_url_maker(customer_id: int) -> Callable[[int], str]:
    """Stakeholder edit URLs, built without a reverse() per person."""
    sample = reverse(
        "stakeholder-edit", kwargs={"customer_id": customer_id, "stakeholder_id": 987654321}
    )
    head, _, tail = sample.partition("987654321")
    return lambda stakeholder_id: f"{head}{stakeholder_id}{tail}"


def map_people(
    *, workspace: object, customer_id: int
) -> tuple[list[MapPerson], list[MapInfluence]]:
    """The account's people and influence links, in three queries whatever their number."""
    stakeholders = (
        Stakeholder.objects.filter(workspace=workspace, customer_id=customer_id)
        .select_related("owner__user")
        .order_by("name", "id")
    )
    edit_url = _edit_url_maker(customer_id)
    people = [
        MapPerson(
            id=s.pk,
            name=s.name,
            title=s.title,
            function=s.function,
            site=s.site,
            roles=tuple(role for role in (s.roles or []) if role in ROLE_INITIALS),
            relationship_score=s.relationship_score,
            owner_name=s.owner.display_name if s.owner is not None else "",
            assessed_at=s.assessed_at,
            opponent_influencer=s.opponent_influencer,
            dominant_advisor=s.dominant_advisor,
            attitude=s.attitude,
            reports_to_id=s.reports_to_id,
            edit_url=edit_url(s.pk),
        )
        for s in stakeholders
    ]
    links = [
        MapInfluence(source_id=source, target_id=target, strength=strength)
        for source, target, strength in InfluenceLink.objects.filter(
            workspace=workspace, source__customer_id=customer_id, target__customer_id=customer_id
        )
        .order_by("source_id", "target_id")
        .values_list("source_id", "target_id", "strength")
    ]
    return people, links


# -- DOT ----------------------------------------------------------------------


def dot_string(value: str) -> str:
    """A double-quoted DOT string. Backslashes go first: Graphviz reads \\N, \\l..."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def html_text(value: str) -> str:
    """Text for a Graphviz HTML-like label: markup characters escaped, no line breaks."""
    # Graphviz expands \N, \G... even inside HTML labels; a doubled backslash is one.
    return html.escape(" ".join(value.split()), quote=True).replace("\\", "\\\\")


def tooltip_string(value: str) -> str:
    """A DOT string for ``tooltip``: Graphviz 2.x expands its escapes twice."""
    return dot_string(value.replace("\\", "\\\\"))


def _months_since(moment: datetime.datetime, now: datetime.datetime) -> int:
    return max(0, (now - moment).days * 12 // 365)


def _person_label(person: MapPerson, flags: MapFlags, now: datetime.datetime) -> str:
    fill, strong = SCORE_COLOURS[person.relationship_score]
    score = (
        RELATIONSHIP_SCORES.get(person.relationship_score, "?")
        if person.relationship_score is not None
        else "?"
    )
    rows = [
        '<TR><TD ALIGN="LEFT" BALIGN="LEFT" WIDTH="120">'
        f'<FONT POINT-SIZE="13"><B>{html_text(person.name)}</B></FONT></TD>'
        f'<TD BGCOLOR="{strong}" WIDTH="26" ALIGN="CENTER">'
        f'<FONT COLOR="#ffffff" POINT-SIZE="13"><B>{html_text(score)}</B></FONT></TD></TR>'
    ]
    if person.title:
        rows.append(
            f'<TR><TD COLSPAN="2" ALIGN="LEFT"><FONT POINT-SIZE="10" COLOR="{MUTED_INK}">'
            f"{html_text(person.title[:48])}</FONT></TD></TR>"
        )
    badges = "".join(
        f'<TD BORDER="1" COLOR="{INK}" BGCOLOR="#ffffff" WIDTH="16" HEIGHT="16" FIXEDSIZE="TRUE">'
        f'<FONT POINT-SIZE="10"><B>{ROLE_INITIALS[role]}</B></FONT></TD>'
        for role in sorted(person.roles, key=list(ROLE_INITIALS).index)
    )
    if person.dominant_advisor:
        badges += f'<TD><FONT POINT-SIZE="10" COLOR="{INK}">dominant</FONT></TD>'
    if badges:
        rows.append(
            '<TR><TD COLSPAN="2" ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="2" CELLPADDING="1">'
            f"<TR>{badges}</TR></TABLE></TD></TR>"
        )
    if person.owner_name:
        owner = f'<FONT COLOR="{MUTED_INK}">Ours: </FONT>{html_text(person.owner_name[:40])}'
    else:
        owner = f'<FONT COLOR="{ALERT}"><B>No owner on our side</B></FONT>'
    rows.append(f'<TR><TD COLSPAN="2" ALIGN="LEFT"><FONT POINT-SIZE="10">{owner}</FONT></TD></TR>')
    alerts: list[str] = []
    if person.opponent_influencer:
        alerts.append("OPPONENT")
    if flags.key_person_at_risk:
        alerts.append("AT RISK")
    if flags.never_assessed:
        alerts.append("NOT ASSESSED")
    elif flags.stale and person.assessed_at is not None:
        alerts.append(f"STALE {_months_since(person.assessed_at, now)} MO")
    if alerts:
        cells = "".join(
            f'<TD BGCOLOR="{ALERT if text != "OPPONENT" else INK}" CELLPADDING="2">'
            f'<FONT COLOR="#ffffff" POINT-SIZE="9"><B>{html_text(text)}</B></FONT></TD>'
            for text in alerts
        )
        rows.append(
            '<TR><TD COLSPAN="2" ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="2" CELLPADDING="0">'
            f"<TR>{cells}</TR></TABLE></TD></TR>"
        )
    return (
        f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" BGCOLOR="{fill}">'
        + "".join(rows)
        + "</TABLE>>"
    )


def _person_tooltip(person: MapPerson) -> str:
    roles = ", ".join(ROLE_LABELS[role] for role in person.roles) or "no buying role"
    score = (
        RELATIONSHIP_SCORES.get(person.relationship_score, "?")
        if person.relationship_score is not None
        else "not scored"
    )
    return f"{person.name} — {roles}; relationship {score}. Click to edit."


def _visible_manager(person: MapPerson, by_id: dict[int, MapPerson], shown: set[int]) -> int | None:
    """The nearest manager still on the map, so hiding people keeps the chart connected."""
    seen: set[int] = set()
    manager_id = person.reports_to_id
    while manager_id is not None and manager_id not in shown and manager_id not in seen:
        seen.add(manager_id)
        manager = by_id.get(manager_id)
        manager_id = manager.reports_to_id if manager else None
    return manager_id if manager_id in shown else None


def _legend() -> str:
    score_cells = "".join(
        f'<TD BGCOLOR="{SCORE_COLOURS[score][1]}"><FONT COLOR="#ffffff"><B>'
        f"{html_text(RELATIONSHIP_SCORES[score] if score is not None else '?')}</B></FONT></TD>"
        for score in (-2, -1, 0, 1, 2, None)
    )
    roles = " ".join(f"{letter} {ROLE_LABELS[role]}" for role, letter in ROLE_INITIALS.items())
    return (
        '<<TABLE BORDER="1" COLOR="#8c8c8c" CELLBORDER="0" CELLSPACING="4" CELLPADDING="3"'
        ' BGCOLOR="#ffffff"><TR><TD ALIGN="LEFT" COLSPAN="6"><B>Key</B></TD></TR>'
        '<TR><TD ALIGN="LEFT" COLSPAN="6"><FONT POINT-SIZE="10">Relationship score'
        " (? = not scored):</FONT></TD></TR>"
        f"<TR>{score_cells}</TR>"
        '<TR><TD ALIGN="LEFT" COLSPAN="6"><FONT POINT-SIZE="10">'
        f"{html_text(roles)}</FONT></TD></TR>"
        '<TR><TD ALIGN="LEFT" COLSPAN="6"><FONT POINT-SIZE="10">Solid grey line: reports to.'
        f' <FONT COLOR="{INFLUENCE_COLOUR}">Dashed arrow: influences (thicker = stronger).'
        "</FONT></FONT></TD></TR>"
        '<TR><TD ALIGN="LEFT" COLSPAN="6"><FONT POINT-SIZE="10">Dashed border: not assessed in'
        " the last 6 months. Double border: opponent.</FONT></TD></TR>"
        '<TR><TD ALIGN="LEFT" COLSPAN="6"><FONT POINT-SIZE="10">Thick red border, AT RISK:'
        " decider or facilitator with no owner on our side or a score of 0 or less."
        "</FONT></TD></TR></TABLE>>"
    )


#: People without reports of their own are stacked under their manager in columns
#: of this height; a flat row of 50 boxes would be unreadable at any zoom.
STACK_HEIGHT = 6


def _reports_to_edges(
    shown_people: list[MapPerson], by_id: dict[int, MapPerson], shown: set[int]
) -> list[str]:
    """Org-chart lines, with each manager's leaves stacked in short columns (a "comb")."""
    reports: dict[int, list[MapPerson]] = {}
    for person in shown_people:
        manager_id = _visible_manager(person, by_id, shown)
        if manager_id is not None:
            reports.setdefault(manager_id, []).append(person)
    line = f"dir=none, color={dot_string(REPORTS_TO_COLOUR)}, penwidth=1.4"
    edges: list[str] = []
    for manager_id, direct in reports.items():
        leaves = [person for person in direct if person.id not in reports]
        others = [person for person in direct if person.id in reports]
        edges.extend(f"  p{manager_id} -> p{p.id} [{line}, weight=4];" for p in others)
        if len(leaves) < 2:
            edges.extend(f"  p{manager_id} -> p{p.id} [{line}, weight=4];" for p in leaves)
            continue
        columns = -(-len(leaves) // STACK_HEIGHT)
        for column in range(columns):
            stack = leaves[column::columns]
            edges.append(
                f"  p{manager_id} -> p{stack[0].id} [{line}, weight=4, tailport=s, headport=w];"
            )
            for upper, lower in itertools.pairwise(stack):
                edges.append(f"  p{upper.id} -> p{lower.id} [style=invis, weight=20];")
                edges.append(
                    f"  p{manager_id} -> p{lower.id} [{line}, constraint=false,"
                    " tailport=s, headport=w];"
                )
    return edges


def build_dot(
    people: Iterable[MapPerson],
    influences: Iterable[MapInfluence],
    *,
    options: MapOptions = MapOptions(),
    now: datetime.datetime,
    title: str = "",
) -> str:
    """Graphviz DOT for the map. Pure: same input, same text (so it can key a cache)."""
    everyone = list(people)
    by_id = {person.id: person for person in everyone}
    shown_people = [p for p in everyone if p.roles or not options.only_with_roles]
    shown = {person.id for person in shown_people}

    lines = [
        "digraph relationship_map {",
        "  graph [rankdir=TB, newrank=true, nodesep=0.2, ranksep=0.45,"
        f" fontname={dot_string(FONT)},"
        f' fontsize=14, bgcolor="#ffffff", pad=0.3, label={dot_string(title)}, labelloc=t,'
        " labeljust=l, outputorder=edgesfirst];",
        f'  node [shape=box, style="rounded,filled", fontname={dot_string(FONT)}, fontsize=11,'
        f' fontcolor="{INK}", margin="0.06,0.04", color="{INK}", penwidth=1.2];',
        f"  edge [fontname={dot_string(FONT)}, fontsize=9];",
    ]

    def node_line(person: MapPerson) -> str:
        flags = person_flags(person, now=now)
        fill, _ = SCORE_COLOURS[person.relationship_score]
        style = "rounded,filled,dashed" if flags.stale else "rounded,filled"
        border, width = (ALERT, 4.0) if flags.key_person_at_risk else (INK, 1.4)
        attributes = [
            f"id={dot_string(f'person-{person.id}')}",
            f"label={_person_label(person, flags, now)}",
            f"fillcolor={dot_string(fill)}",
            f"style={dot_string(style)}",
            f"color={dot_string(border)}",
            f"penwidth={width}",
            f"tooltip={tooltip_string(_person_tooltip(person))}",
        ]
        if person.opponent_influencer:
            attributes.append("peripheries=2")
        if person.edit_url:
            attributes += [f"URL={dot_string(person.edit_url)}", 'target="_top"']
        return f"    p{person.id} [{', '.join(attributes)}];"

    groups: dict[str, list[MapPerson]] = {}
    for person in shown_people:
        key = getattr(person, options.cluster_by, "") if options.cluster_by else ""
        groups.setdefault(key.strip(), []).append(person)
    for index, (group, members) in enumerate(sorted(groups.items())):
        if group:
            lines.append(f"  subgraph cluster_{index} {{")
            lines.append(
                f"    label={dot_string(group)}; fontsize=13; style=rounded;"
                ' color="#9e9e9e"; fontcolor="#333333"; penwidth=1; margin=14;'
            )
        lines.extend(node_line(person) for person in members)
        if group:
            lines.append("  }")

    lines.append(f'  legend [id="legend", shape=plain, style=solid, label={_legend()}];')

    lines.extend(_reports_to_edges(shown_people, by_id, shown))
    if options.show_influence:
        for link in influences:
            if link.source_id not in shown or link.target_id not in shown:
                continue
            strength = min(3, max(1, link.strength))
            words = (
                f"{by_id[link.source_id].name} influences {by_id[link.target_id].name}"
                f" ({STRENGTH_WORDS[strength]})"
            )
            lines.append(
                f"  p{link.source_id} -> p{link.target_id} [style=dashed,"
                f" color={dot_string(INFLUENCE_COLOUR)}, penwidth={INFLUENCE_WIDTH[strength]},"
                f" arrowsize={0.7 + 0.15 * strength:.2f}, constraint=false,"
                f' class="influence strength-{strength}", tooltip={tooltip_string(words)}];'
            )
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- Layout -------------------------------------------------------------------


def dot_binary() -> str | None:
    return shutil.which("dot")


_XML_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def render_svg(dot_source: str) -> str:
    """Lay out ``dot_source`` with Graphviz; return the ``<svg>`` element (no XML prologue)."""
    binary = dot_binary()
    if binary is None:
        raise GraphvizMissing()
    try:
        completed = subprocess.run(  # noqa: S603 - fixed binary, source passed on stdin
            [binary, "-Tsvg"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError as error:
        raise GraphvizMissing() from error
    except subprocess.TimeoutExpired as error:
        raise GraphvizFailed(
            f"Drawing the map took longer than {DOT_TIMEOUT_SECONDS} seconds."
        ) from error
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", "replace").strip()[:300]
        raise GraphvizFailed(f"Graphviz could not draw the map: {detail}")
    svg = _XML_PROLOGUE.sub("", completed.stdout.decode("utf-8"), count=1)
    # Graphviz comments repeat node ids and names; they add nothing to the picture.
    return re.sub(r"<!--.*?-->\n?", "", svg, flags=re.DOTALL)


def relationship_map(
    *,
    workspace: object,
    customer_id: int,
    title: str = "",
    options: MapOptions = MapOptions(),
    now: datetime.datetime | None = None,
) -> RenderedMap:
    """The account's map as SVG, from the cache when nothing changed since the last drawing."""
    now = now or timezone.now()
    people, influences = map_people(workspace=workspace, customer_id=customer_id)
    # Months-since and staleness depend on the date; truncating to the day keeps the
    # source (and so the cache key) stable within a day.
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    source = build_dot(people, influences, options=options, now=today, title=title)
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    key = f"relationship-map:{DRAWING_VERSION}:{getattr(workspace, 'pk', workspace)}:{digest}"
    flags = {person.id: person_flags(person, now=today) for person in people}
    shown = sum(1 for p in people if p.roles or not options.only_with_roles)
    rendered = RenderedMap(svg="", shown=shown, dot_source=source, people=people, flags=flags)
    cached = cache.get(key)
    if cached is not None:
        rendered.svg, rendered.from_cache = cached, True
        return rendered
    rendered.svg = render_svg(source)
    cache.set(key, rendered.svg, CACHE_SECONDS)
    return rendered
