"""The facts about one account that the health rules read: plain, frozen data.

``planning.health.inputs`` builds them from the database; tests build them by hand.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

#: A key player not contacted for this long counts as out of touch.
CONTACT_STALE_AFTER_DAYS = 90
#: A hand-typed plan section not confirmed for this long is stale (planning.models.plan).
PLAN_TEXT_STALE_AFTER_DAYS = 90
#: The buying center's rule (domain.md: six months); the caller passes the model's value.
ASSESSMENT_STALE_AFTER_DAYS = 183
#: Below this probability that the customer still buys, the purchase model raises a flag.
PROBABILITY_ALIVE_BELOW = 0.5
#: A margin drop smaller than this share is a wobble, not a decline.
MARGIN_DROP_AT_LEAST = Decimal("0.05")
#: An open opportunity is large at this share of the account's last full year of sales...
LARGE_SHARE_OF_SALES = Decimal("0.10")
#: ...or, without sales figures, at this share of the account's open pipeline.
LARGE_SHARE_OF_PIPELINE = Decimal("0.25")
#: How many items the evidence names before it says "and N more".
EVIDENCE_ITEMS = 5

DECIDER, FACILITATOR = "decider", "facilitator"
#: Roles whose people shape the decision: their assessments must stay current.
KEY_PLAYER_ROLES = frozenset({"decider", "facilitator", "influencer", "advisor"})
SCORE_SIGNS = {-2: "--", -1: "-", 0: "0", 1: "+", 2: "++"}


@dataclass(frozen=True)
class Ref:
    """The object an evidence line is about, so the page can link to where it is fixed.

    Plain data on purpose (the rules stay pure): the view layer turns it into a URL.
    ``kind`` is one of "action", "plan_text", "stakeholder", "opportunity_needs" (the
    id is the opportunity's), "opportunity", "open_space"; ``key`` carries what an id
    cannot (a plan text's topic); ``version`` is the row's version when the facts were
    read (one-click fixes post it).
    """

    kind: str
    id: int = 0
    key: str = ""
    version: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "id": self.id, "key": self.key, "version": self.version}


@dataclass(frozen=True)
class Person:
    """A stakeholder of the buying center, as health reads them."""

    name: str
    roles: tuple[str, ...]
    has_owner: bool
    relationship_score: int | None
    assessed_on: datetime.date | None
    updated_on: datetime.date
    dominant_advisor: bool = False
    opponent_influencer: bool = False
    in_power_zone: bool = False
    #: Strongest influence this person has on another stakeholder (0: none, 3: strong).
    strongest_influence: int = 0
    #: Last contact with this person, where the app records it (``None``: not recorded).
    last_contact_on: datetime.date | None = None
    id: int = 0
    version: int = 0

    @property
    def is_key_player(self) -> bool:
        return bool(KEY_PLAYER_ROLES & set(self.roles)) or self.dominant_advisor

    def role_words(self) -> str:
        roles = [role for role in self.roles if role in (DECIDER, FACILITATOR)] or list(self.roles)
        if self.dominant_advisor and "advisor" not in roles:
            roles.append("dominant advisor")
        return ", ".join(roles) or "no role"


@dataclass(frozen=True)
class Need:
    """An expectation or concern of a stakeholder about an opportunity."""

    kind: str  # "expectation" | "concern"
    severity: str  # "low" | "medium" | "high" | ""
    status: str  # "open" | "addressed" | "not_met"
    description: str
    stakeholder: str
    opportunity: str
    updated_on: datetime.date
    opportunity_id: int = 0


@dataclass(frozen=True)
class OpenAction:
    title: str
    due_on: datetime.date | None
    status: str
    updated_on: datetime.date
    id: int = 0
    version: int = 0


@dataclass(frozen=True)
class YearFigures:
    year: int
    net_sales: Decimal
    contribution_margin: Decimal
    computed_on: datetime.date


@dataclass(frozen=True)
class OpenOpportunity:
    title: str
    value: Decimal
    #: CABS parts that do not hold yet, by label ("budget availability").
    missing_cabs: tuple[str, ...]
    updated_on: datetime.date
    id: int = 0


@dataclass(frozen=True)
class HandText:
    label: str
    confirmed_on: datetime.date | None
    updated_on: datetime.date
    #: The plan topic ("environment"...): the plan page's anchor is ``text-<topic>``.
    topic: str = ""
    id: int = 0
    version: int = 0


@dataclass(frozen=True)
class AccountInputs:
    """Everything the rules read about one account; empty tuples mean "nothing recorded"."""

    customer_id: int
    today: datetime.date
    people: tuple[Person, ...] = ()
    needs: tuple[Need, ...] = ()
    #: Every action of the account that is open or in progress.
    open_actions: tuple[OpenAction, ...] = ()
    #: Whether the account has any action at all (done and dropped ones included).
    has_actions: bool = False
    #: Complete calendar years of figures, any order.
    years: tuple[YearFigures, ...] = ()
    open_opportunities: tuple[OpenOpportunity, ...] = ()
    has_opportunities: bool = False
    texts: tuple[HandText, ...] = ()
    probability_alive: float | None = None
    scores_computed_on: datetime.date | None = None
    #: Date of the last review meeting; ``None`` with ``reviews_recorded`` False: not known.
    last_review_on: datetime.date | None = None
    reviews_recorded: bool = False
    #: When the account's plan started; reviews are only owed 90 days after that.
    plan_started_on: datetime.date | None = None
    assessment_stale_after_days: int = ASSESSMENT_STALE_AFTER_DAYS
