"""Account health: the early-warning rating of one key account, from plain data.

Pure on purpose (no Django, checked by the import contract): ``inputs`` reads the
database for many accounts at once and hands each one over as an
:class:`AccountInputs`; :func:`assess` returns the rating and every reason.

How it reads:

* every **signal** (domain.md, "Account health", plus what the app already
  knows) is either *active* (something is wrong, it adds its weight), *fine*
  (checked, nothing wrong) or *unknown* (the app has nothing to judge it by);
* an unknown signal adds nothing and is listed as unknown: it is never scored
  as zero risk, and the page says so;
* the **score** is the sum of the weights of the active signals; the rating is
  red at or above ``red_at``, amber at or above ``amber_at``, green below;
* when every signal is unknown the rating is unknown, not green.

Each signal weighs the same whether one or five things trip it: a rating people
can explain in one sentence ("two severe concerns and an uncovered decider")
matters more than a finer scale; the evidence lists every item.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from planning.health.rules.facts import (
    ASSESSMENT_STALE_AFTER_DAYS,
    AccountInputs,
    HandText,
    Need,
    OpenAction,
    OpenOpportunity,
    Person,
    Ref,
    YearFigures,
)
from planning.health.rules.signals import SIGNALS, Signal, Verdict

__all__ = [
    "ASSESSMENT_STALE_AFTER_DAYS",
    "SIGNALS",
    "AccountInputs",
    "Assessment",
    "HandText",
    "Need",
    "OpenAction",
    "OpenOpportunity",
    "Person",
    "Reason",
    "Ref",
    "Signal",
    "Thresholds",
    "Verdict",
    "YearFigures",
    "assess",
    "rating_for",
]

GREEN, AMBER, RED, UNKNOWN = "green", "amber", "red", "unknown"


@dataclass(frozen=True)
class Reason:
    """One signal's verdict: what it checks, whether it fired, and on what evidence."""

    code: str
    label: str
    weight: Decimal
    active: bool
    unknown: bool
    evidence: tuple[str, ...]
    #: Date of the newest data the verdict rests on (``None`` when unknown).
    as_of: datetime.date | None
    #: What each evidence line is about, in the same order (``None``: nothing to link).
    refs: tuple[Ref | None, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "label": self.label,
            "weight": str(self.weight),
            "active": self.active,
            "unknown": self.unknown,
            "evidence": list(self.evidence),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "refs": [ref.as_dict() if ref else None for ref in self.refs],
        }


@dataclass(frozen=True)
class Assessment:
    rating: str
    score: Decimal | None
    reasons: tuple[Reason, ...]

    @property
    def active(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.active)

    @property
    def unknown(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.unknown)


@dataclass(frozen=True)
class Thresholds:
    amber_at: Decimal
    red_at: Decimal
    weights: Mapping[str, Decimal] = field(default_factory=dict)

    def weight(self, code: str) -> Decimal:
        return Decimal(str(self.weights.get(code, SIGNALS[code].default_weight)))


DEFAULT_AMBER_AT = Decimal(3)
DEFAULT_RED_AT = Decimal(6)


def rating_for(score: Decimal, thresholds: Thresholds) -> str:
    if score >= thresholds.red_at:
        return RED
    if score >= thresholds.amber_at:
        return AMBER
    return GREEN


def assess(inputs: AccountInputs, thresholds: Thresholds) -> Assessment:
    """The rating of one account, with every signal's verdict (active ones first)."""
    reasons: list[Reason] = []
    for signal in SIGNALS.values():
        verdict = signal.check(inputs)
        reasons.append(
            Reason(
                code=signal.code,
                label=signal.label,
                weight=thresholds.weight(signal.code),
                active=verdict.active,
                unknown=verdict.unknown,
                evidence=verdict.evidence,
                as_of=None if verdict.unknown else verdict.as_of,
                refs=verdict.refs,
            )
        )
    if all(r.unknown for r in reasons):
        return Assessment(rating=UNKNOWN, score=None, reasons=tuple(reasons))
    score = sum((r.weight for r in reasons if r.active), Decimal(0))
    ordered = sorted(reasons, key=lambda r: (not r.active, r.unknown, -r.weight))
    return Assessment(rating=rating_for(score, thresholds), score=score, reasons=tuple(ordered))
