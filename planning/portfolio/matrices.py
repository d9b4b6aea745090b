"""Positions of an account on the three portfolio matrices (pure: numbers in, positions out).

- **Strategic importance x difficulty** (Fiocca): importance is the mean of the
  judged importance factors, difficulty the mean of the difficulty factors, each
  1 to 5. An account is *key* when its importance is above :data:`MIDDLE` (the
  middle of the scale) and *difficult* when its difficulty is above it.
- **Present x potential profit contribution** (Dubinsky and Ingram): present is
  last year's contribution margin, potential is the unrealised potential value
  plus the growth the lifetime value expects (:func:`clv_growth`). High means at
  or above the split, which the caller takes as the median over the key accounts.
- **Loyalty x profitability** is computed by the scores (``accounts.scoring.quadrant``)
  and only read here.

Volume and potential may be prefilled from computed figures:
:func:`percentile_among` places each account among the key accounts and
:func:`score_from_percentile` turns that place into 1 to 5.
"""

from __future__ import annotations

import enum
import math
import statistics
from collections.abc import Iterable

IMPORTANCE_CODES: tuple[str, ...] = (
    "volume",
    "potential",
    "prestige",
    "market_leadership",
    "desirability",
)
DIFFICULTY_CODES: tuple[str, ...] = (
    "offering_novelty",
    "offering_complexity",
    "account_needs",
    "buying_behaviour",
    "power",
    "competence",
    "many_suppliers",
    "competitor_number",
    "competitor_strength",
    "competitor_position",
)
#: The factors the app can prefill from computed figures.
COMPUTED_CODES: tuple[str, ...] = ("volume", "potential")

#: The middle of the 1-to-5 scale: key above it, difficult above it.
MIDDLE = 3.0
LOWEST, HIGHEST = 1, 5


class Fiocca(enum.StrEnum):
    KEY_EASY = "key_easy"
    KEY_DIFFICULT = "key_difficult"
    NON_KEY_EASY = "non_key_easy"
    NON_KEY_DIFFICULT = "non_key_difficult"


class ProfitQuadrant(enum.StrEnum):
    DESIRABLE = "desirable"  # high present, high potential
    UNDEVELOPED = "undeveloped"  # low present, high potential
    DEVELOPED = "developed"  # high present, low potential
    UNDESIRABLE = "undesirable"  # low present, low potential


def percentile_among(value: float, others: Iterable[float]) -> float:
    """Where ``value`` sits among itself and ``others``, 0 to 1 (mid-rank: ties share
    the middle of their run). Alone, it sits in the middle (0.5): with nothing to
    compare with, it is average."""
    numbers = list(others)
    below = sum(1 for number in numbers if number < value)
    equal = sum(1 for number in numbers if number == value)
    return (below + (equal + 1) / 2) / (len(numbers) + 1)


def score_from_percentile(percentile: float) -> int:
    """0 -> 1, 0.5 -> 3, 1 -> 5, in even steps (half-way rounds up)."""
    if not 0 <= percentile <= 1:
        raise ValueError(f"a percentile is between 0 and 1; got {percentile}")
    return min(HIGHEST, LOWEST + math.floor(percentile * (HIGHEST - LOWEST) + 0.5))


def mean(scores: Iterable[int | float]) -> float | None:
    """The mean of the scores, or ``None`` when there are none (unknown, not zero)."""
    values = [float(score) for score in scores]
    return sum(values) / len(values) if values else None


def fiocca(importance: float, difficulty: float) -> Fiocca:
    key = importance > MIDDLE
    difficult = difficulty > MIDDLE
    if key:
        return Fiocca.KEY_DIFFICULT if difficult else Fiocca.KEY_EASY
    return Fiocca.NON_KEY_DIFFICULT if difficult else Fiocca.NON_KEY_EASY


def clv_growth(clv: float, present: float) -> float:
    """What the lifetime value expects beyond one more year like the last: CLV minus
    last year's contribution margin, never below zero (a shrinking account has no growth)."""
    return max(0.0, clv - present)


def median(values: Iterable[float]) -> float | None:
    numbers = list(values)
    return statistics.median(numbers) if numbers else None


def profit_quadrant(
    present: float, potential: float, *, present_split: float, potential_split: float
) -> ProfitQuadrant:
    high_present = present >= present_split
    high_potential = potential >= potential_split
    if high_present:
        return ProfitQuadrant.DESIRABLE if high_potential else ProfitQuadrant.DEVELOPED
    return ProfitQuadrant.UNDEVELOPED if high_potential else ProfitQuadrant.UNDESIRABLE
