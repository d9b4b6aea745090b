"""SWOT items the app suggests from what the team already records.

Four rules, each reading one page of the account (see the user guide,
docs/user-guide/plan-swot-and-objectives.md):

- **weakness**: a decider or facilitator nobody on our side owns, or whose
  relationship score is at or below neutral (0). A score nobody assessed is
  unknown, not neutral: it suggests nothing.
- **opportunity**: the three largest open Open Space cells aligned with one of
  the customer's critical success factors and not held by a competitor, by
  potential.
- **threat**: each competitor holding cells of the Open Space; and a margin
  (contribution margin as a share of net sales) that fell year after year over
  the last complete years of customer figures.
- **strength**: strong ties (score + or ++) in every buying role present in
  the buying center.

Every suggestion has a stable ``key``: the same situation gives the same key,
so a suggestion that was accepted (``SwotItem.suggestion_key``) or dismissed
(:class:`~planning.models.SwotDismissal`) is not offered again; a new
situation (another person, another year's decline) gets a new key. The whole
set is read in a fixed number of queries whatever the size of the account.
"""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Customer, CustomerYearFigures
from buying_center.models import RELATIONSHIP_SCORES, BuyingRole, Stakeholder
from planning.models import SwotDismissal, SwotItem, SwotKind
from planning.open_space.selectors import CellView, Matrix, open_space_for, open_space_matrix

#: Roles whose people decide or open the doors: an uncovered one is a weakness.
KEY_ROLES: tuple[str, ...] = (BuyingRole.DECIDER, BuyingRole.FACILITATOR)
#: How many open CSF-aligned cells become opportunities.
TOP_CELLS = 3
#: Years of customer figures compared for the margin trend.
MARGIN_YEARS = 3
STRONG_TIE = 1
NEUTRAL = 0

_KIND_ORDER = {kind: position for position, kind in enumerate(SwotKind.values)}


@dataclass(frozen=True)
class Suggestion:
    """One proposed SWOT item, with where it came from."""

    key: str
    kind: str
    text: str
    implication: str
    #: The data behind it, in plain words, with the date of that data where known.
    evidence: str
    #: Which page holds the data ("buying center", "Open Space", "customer figures").
    source: str

    @property
    def kind_label(self) -> str:
        return SwotKind(self.kind).label


def _money(amount: Decimal | None, currency: str) -> str:
    """ "400,000 EUR": whole units are enough for a yearly potential."""
    return "unknown" if amount is None else f"{amount:,.0f} {currency}"


def _role_label(roles: list[str]) -> str:
    names = [BuyingRole(role).label.lower() for role in KEY_ROLES if role in roles]
    return " and ".join(names)


def _assessed(stakeholder: Stakeholder) -> str:
    if stakeholder.assessed_at is None:
        return "never assessed"
    return f"assessed {stakeholder.assessed_at.date().isoformat()}"


def _weaknesses(stakeholders: list[Stakeholder]) -> list[Suggestion]:
    found: list[Suggestion] = []
    for person in stakeholders:
        roles = list(person.roles or [])
        if not any(role in roles for role in KEY_ROLES):
            continue
        role = _role_label(roles)
        if person.owner_id is None:
            found.append(
                Suggestion(
                    key=f"weakness:unowned:{person.pk}",
                    kind=SwotKind.WEAKNESS,
                    text=f"Nobody on our side owns the relationship with {person.name} ({role}).",
                    implication=(
                        f"Name an owner for {person.name} in the selling center and plan a"
                        " first meeting."
                    ),
                    evidence=f"Buying center: {person.name}, {role}, no owner.",
                    source="buying center",
                )
            )
        score = person.relationship_score
        if score is not None and score <= NEUTRAL:
            found.append(
                Suggestion(
                    key=f"weakness:cold:{person.pk}",
                    kind=SwotKind.WEAKNESS,
                    text=(
                        f"Our relationship with {person.name} ({role}) is only"
                        f" {RELATIONSHIP_SCORES[score]}."
                    ),
                    implication=(
                        f"Find out what {person.name} needs from us and who on our side can"
                        " earn their trust."
                    ),
                    evidence=(
                        f"Buying center: relationship score {RELATIONSHIP_SCORES[score]}"
                        f" ({_assessed(person)})."
                    ),
                    source="buying center",
                )
            )
    return found


def _strength(stakeholders: list[Stakeholder]) -> list[Suggestion]:
    """Strong ties in every role present; nothing when a role has no strong tie or none exist."""
    best: dict[str, int | None] = {}
    for person in stakeholders:
        for role in person.roles or []:
            if role not in BuyingRole.values:
                continue
            score = person.relationship_score
            current = best.get(role)
            if score is not None and (current is None or score > current):
                best[role] = score
            else:
                best.setdefault(role, current)
    if not best or any(score is None or score < STRONG_TIE for score in best.values()):
        return []
    roles = [role for role in BuyingRole.values if role in best]
    labels = ", ".join(BuyingRole(role).label.lower() for role in roles)
    return [
        Suggestion(
            key=f"strength:ties:{'-'.join(roles)}",
            kind=SwotKind.STRENGTH,
            text=f"We have strong ties in every buying role of the account ({labels}).",
            implication=(
                "Ask these people for references and introductions to sites and"
                " departments we do not serve yet."
            ),
            evidence=(
                f"Buying center: in each of the {len(roles)} roles present at least one"
                " person scores + or better."
            ),
            source="buying center",
        )
    ]


def _competitor_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")[:80] or "unnamed"


def _open_space(
    customer: Customer, today: datetime.date, matrix: Matrix | None = None
) -> list[Suggestion]:
    if matrix is None:
        open_space = open_space_for(customer)
        if open_space is None:
            return []
        matrix = open_space_matrix(open_space, today=today)
    currency = matrix.currency
    cells = list(matrix.cells.values())

    def where(view: CellView) -> str:
        segment = matrix.segment(view.segment_id)
        column = matrix.column(view.column_id)
        return f"{segment.label} x {column.label}"

    found: list[Suggestion] = []
    aligned = sorted(
        (
            view
            for view in cells
            if view.is_priority and view.potential is not None and view.potential > 0
        ),
        key=lambda view: (-(view.potential or Decimal(0)), view.segment_id, view.column_id),
    )
    for view in aligned[:TOP_CELLS]:
        found.append(
            Suggestion(
                key=f"opportunity:cell:{view.segment_id}:{view.column_id}",
                kind=SwotKind.OPPORTUNITY,
                text=(
                    f"{where(view)} is open and serves their success factor"
                    f" “{view.success_factor_title}”: {_money(view.potential, currency)} a year"
                    " of potential."
                ),
                implication="Qualify an opportunity in this cell and name who leads it.",
                evidence=(
                    f"Open Space: no sales in {matrix.year}, potential"
                    f" {_money(view.potential, currency)} as estimated by the team."
                ),
                source="Open Space",
            )
        )
    held: dict[str, list[CellView]] = {}
    names: dict[str, str] = {}
    for view in cells:
        if view.has_competitor:
            key = _competitor_key(view.competitor)
            held.setdefault(key, []).append(view)
            names.setdefault(key, view.competitor)
    for key, views in sorted(held.items()):
        shown = ", ".join(where(view) for view in views[:4])
        more = f" and {len(views) - 4} more" if len(views) > 4 else ""
        count = f"{len(views)} cell{'s' if len(views) != 1 else ''}"
        found.append(
            Suggestion(
                key=f"threat:competitor:{key}",
                kind=SwotKind.THREAT,
                text=f"{names[key]} holds or is favoured in {count} of the Open Space.",
                implication=(
                    f"Find out what {names[key]} offers there and decide which cells we defend"
                    " or win back first."
                ),
                evidence=f"Open Space: {shown}{more}.",
                source="Open Space",
            )
        )
    return found


def _margin_ratio(row: CustomerYearFigures) -> Decimal | None:
    if row.net_sales <= 0:
        return None
    return row.contribution_margin / row.net_sales * 100


def _margin_threat(customer: Customer, today: datetime.date) -> list[Suggestion]:
    """A margin % lower each year than the year before, over the last complete years."""
    rows = list(
        CustomerYearFigures.objects.filter(customer_id=customer.pk, year__lt=today.year).order_by(
            "-year"
        )[:MARGIN_YEARS]
    )
    ratios = [(row.year, _margin_ratio(row)) for row in reversed(rows)]
    known = [(year, ratio) for year, ratio in ratios if ratio is not None]
    if len(known) < 2 or len(known) != len(ratios):
        return []
    # Consecutive years only: a gap says nothing about a trend.
    if any(later[0] - earlier[0] != 1 for earlier, later in itertools.pairwise(known)):
        return []
    if not all(later[1] < earlier[1] for earlier, later in itertools.pairwise(known)):
        return []
    (first_year, first), (last_year, last) = known[0], known[-1]
    return [
        Suggestion(
            key=f"threat:margin:{last_year}",
            kind=SwotKind.THREAT,
            text=f"Our margin on this account fell from {first:.1f} % in {first_year} to"
            f" {last:.1f} % in {last_year}.",
            implication=(
                "Look at prices, discounts and the cost to serve this account, and agree"
                " what to change at the next review."
            ),
            evidence=(
                "Customer figures (contribution margin as a share of net sales): "
                + ", ".join(f"{year} {ratio:.1f} %" for year, ratio in known)
                + "."
            ),
            source="customer figures",
        )
    ]


def taken_keys(customer: Customer) -> set[str]:
    """Keys already accepted as items or dismissed: two queries."""
    accepted = SwotItem.objects.filter(customer_id=customer.pk).exclude(suggestion_key="")
    dismissed = SwotDismissal.objects.filter(customer_id=customer.pk)
    return set(accepted.values_list("suggestion_key", flat=True)) | set(
        dismissed.values_list("suggestion_key", flat=True)
    )


def all_suggestions(
    customer: Customer, *, today: datetime.date, matrix: Matrix | None = None
) -> list[Suggestion]:
    """Every suggestion the data supports now, taken or not, in SWOT order.

    ``matrix`` is the account's Open Space matrix when the caller has built it already
    (the plan page does: building it is the dearest read of the page); ``None`` reads it.
    """
    stakeholders = list(
        Stakeholder.objects.filter(customer_id=customer.pk).only(
            "pk", "name", "roles", "owner_id", "relationship_score", "assessed_at", "customer_id"
        )
    )
    found = [
        *_strength(stakeholders),
        *_weaknesses(stakeholders),
        *_open_space(customer, today, matrix),
        *_margin_threat(customer, today),
    ]
    return sorted(found, key=lambda suggestion: _KIND_ORDER[suggestion.kind])


def swot_suggestions(
    customer: Customer,
    *,
    today: datetime.date,
    taken: set[str] | None = None,
    matrix: Matrix | None = None,
) -> list[Suggestion]:
    """The suggestions still to offer: neither accepted nor dismissed for this account."""
    skip = taken_keys(customer) if taken is None else taken
    found = all_suggestions(customer, today=today, matrix=matrix)
    return [s for s in found if s.key not in skip]
