"""The diamond: how deep the relationship with a whole key account goes.

Three levels (domain.md, "Diamond connections"):

* **transactional**: a tier-3 vendor; we talk to buyers and users, little more.
* **consultative**: a tier-2 supplier with a good network among the influencers
  and facilitators.
* **transformative**: a tier-1 partner with strong ties across every role,
  executive-to-executive relationships, joint work.

The suggestion below turns that description into rules a KAM can check by hand:

``transformative`` when all of these hold
    1. the buying center has at least one decider;
    2. every buying role present in the buying center is *covered*: at least one
       stakeholder holding that role has an owner on our side or a connection;
    3. the average relationship score (of stakeholders that have one) is at
       least +1;
    4. there is at least one executive-to-executive pair.
``consultative`` when all of these hold
    1. the buying center has at least one influencer or facilitator;
    2. every influencer and every facilitator is covered (each person, not just
       the role: a consultative supplier knows all of them);
    3. the average relationship score is at least 0 (neutral).
``transactional`` otherwise, including when nobody is recorded or nobody is
scored yet.

The KAM may disagree and record another level with a reason
(``ConnectionLevelDecision``); this module only suggests.

The rules are a plain function of plain data (:func:`suggest_connection_level`)
so they are unit-tested without a database, and this module imports nothing from
Django (import contract in pyproject.toml);
``selling_center.selectors.connection_level_suggestion`` reads one account's buying
and selling center and calls it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

TRANSACTIONAL = "transactional"
CONSULTATIVE = "consultative"
TRANSFORMATIVE = "transformative"

#: Buying roles in the order people read them; mirrors buying_center.models.BuyingRole.
BUYING_ROLES = (
    "gatekeeper",
    "buyer",
    "user",
    "influencer",
    "advisor",
    "facilitator",
    "decider",
)
NETWORK_ROLES = ("influencer", "facilitator")

TRANSFORMATIVE_MIN_AVERAGE = 1.0
CONSULTATIVE_MIN_AVERAGE = 0.0


@dataclass(frozen=True)
class StakeholderCoverage:
    """What the rules need to know about one stakeholder."""

    roles: frozenset[str]
    covered: bool
    score: int | None = None


@dataclass(frozen=True)
class LevelSuggestion:
    level: str
    #: Plain sentences, one per rule, saying what holds and what does not.
    reasons: list[str] = field(default_factory=list)
    average_score: float | None = None


def _average(people: Sequence[StakeholderCoverage]) -> float | None:
    scores = [person.score for person in people if person.score is not None]
    if not scores:
        return None
    return sum(scores) / len(scores)


def _signed(value: float) -> str:
    return f"{value:+.1f}"


def suggest_connection_level(
    people: Sequence[StakeholderCoverage], *, executive_pairs: int
) -> LevelSuggestion:
    """Suggest the account's connection level from coverage and scores (rules above)."""
    if not people:
        return LevelSuggestion(
            TRANSACTIONAL, ["No stakeholders are recorded yet, so no network can be shown."]
        )
    average = _average(people)
    present = [role for role in BUYING_ROLES if any(role in p.roles for p in people)]
    uncovered_roles = [
        role for role in present if not any(role in p.roles and p.covered for p in people)
    ]

    transformative: list[tuple[bool, str]] = [
        (
            "decider" in present,
            "A decider is known." if "decider" in present else "No decider is recorded.",
        ),
        (
            not uncovered_roles,
            "Every buying role present is covered by someone on our side."
            if not uncovered_roles
            else "Roles nobody on our side covers: " + ", ".join(uncovered_roles) + ".",
        ),
        (
            average is not None and average >= TRANSFORMATIVE_MIN_AVERAGE,
            "No relationship is scored yet."
            if average is None
            else f"Average relationship score is {_signed(average)}"
            + (" (at least +1)." if average >= TRANSFORMATIVE_MIN_AVERAGE else " (below +1)."),
        ),
        (
            executive_pairs > 0,
            f"{executive_pairs} executive-to-executive pair(s)."
            if executive_pairs
            else "No executive-to-executive pair.",
        ),
    ]
    if all(ok for ok, _ in transformative):
        return LevelSuggestion(TRANSFORMATIVE, [text for _, text in transformative], average)

    network = [p for p in people if p.roles & set(NETWORK_ROLES)]
    uncovered_network = sum(1 for p in network if not p.covered)
    consultative: list[tuple[bool, str]] = [
        (
            bool(network) and uncovered_network == 0,
            "No influencer or facilitator is recorded."
            if not network
            else (
                f"All {len(network)} influencers and facilitators are covered."
                if uncovered_network == 0
                else f"{uncovered_network} of {len(network)} influencers and facilitators"
                " have nobody on our side."
            ),
        ),
        (
            average is not None and average >= CONSULTATIVE_MIN_AVERAGE,
            "No relationship is scored yet."
            if average is None
            else f"Average relationship score is {_signed(average)}"
            + (" (neutral or better)." if average >= CONSULTATIVE_MIN_AVERAGE else " (negative)."),
        ),
    ]
    if all(ok for ok, _ in consultative):
        missing = [text for ok, text in transformative if not ok]
        return LevelSuggestion(
            CONSULTATIVE,
            [text for _, text in consultative] + ["Not yet transformative: " + " ".join(missing)],
            average,
        )
    return LevelSuggestion(
        TRANSACTIONAL,
        ["Not yet consultative: " + " ".join(text for ok, text in consultative if not ok)],
        average,
    )
