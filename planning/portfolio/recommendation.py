"""What to do with an account's commitment, from its positions on the matrices (pure).

The rules, first match wins:

1. not key, difficult and undesirable (low contribution now and later): **cease**;
2. key with high potential (desirable or undeveloped): **increase**;
3. undeveloped (low contribution now, high potential): **increase**;
4. not key and difficult: **reduce**;
5. undesirable: **reduce**;
6. a vulture (loyal but unprofitable): **reduce** the cost of serving it;
7. otherwise: **maintain**.

An account with neither the Fiocca nor the profit position gets no
recommendation: the relationship quadrant alone is too thin to act on.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from planning.portfolio.matrices import Fiocca, ProfitQuadrant


class Commitment(enum.StrEnum):
    MAINTAIN = "maintain"
    INCREASE = "increase"
    REDUCE = "reduce"
    CEASE = "cease"


@dataclass(frozen=True)
class Recommendation:
    commitment: Commitment
    reason: str


_FIOCCA_WORDS = {
    Fiocca.KEY_EASY: "key and easy",
    Fiocca.KEY_DIFFICULT: "key and difficult",
    Fiocca.NON_KEY_EASY: "not key and easy",
    Fiocca.NON_KEY_DIFFICULT: "not key and difficult",
}
_PROFIT_WORDS = {
    ProfitQuadrant.DESIRABLE: "high contribution now and high potential",
    ProfitQuadrant.UNDEVELOPED: "low contribution now but high potential",
    ProfitQuadrant.DEVELOPED: "high contribution now, low potential",
    ProfitQuadrant.UNDESIRABLE: "low contribution now and low potential",
}
_RELATIONSHIP_WORDS = {
    "friend": "a friend (loyal and profitable)",
    "butterfly": "a butterfly (profitable, not loyal)",
    "stranger": "a stranger (neither loyal nor profitable)",
    "vulture": "a vulture (loyal but unprofitable)",
}


def _commitment(
    fiocca: Fiocca | None, profit: ProfitQuadrant | None, relationship: str | None
) -> Commitment:
    key = fiocca in (Fiocca.KEY_EASY, Fiocca.KEY_DIFFICULT)
    high_potential = profit in (ProfitQuadrant.DESIRABLE, ProfitQuadrant.UNDEVELOPED)
    if fiocca is Fiocca.NON_KEY_DIFFICULT and profit is ProfitQuadrant.UNDESIRABLE:
        return Commitment.CEASE
    if (key and high_potential) or profit is ProfitQuadrant.UNDEVELOPED:
        return Commitment.INCREASE
    if fiocca is Fiocca.NON_KEY_DIFFICULT or profit is ProfitQuadrant.UNDESIRABLE:
        return Commitment.REDUCE
    if relationship == "vulture":
        return Commitment.REDUCE
    return Commitment.MAINTAIN


def recommend(
    *, fiocca: Fiocca | None, profit: ProfitQuadrant | None, relationship: str | None = None
) -> Recommendation | None:
    """The commitment and its reason in words ("key and easy, high potential: increase")."""
    if fiocca is None and profit is None:
        return None
    commitment = _commitment(fiocca, profit, relationship or None)
    parts = []
    if fiocca is not None:
        parts.append(_FIOCCA_WORDS[fiocca])
    if profit is not None:
        parts.append(_PROFIT_WORDS[profit])
    if relationship in _RELATIONSHIP_WORDS:
        parts.append(_RELATIONSHIP_WORDS[relationship])
    return Recommendation(commitment, f"{', '.join(parts)}: {commitment.value}")
