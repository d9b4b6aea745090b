"""The six-criteria key-account scorecard.

Each criterion is brought to a 0..1 score, then a weighted average gives the
composite; the per-criterion contributions (weight x score) add up to the
composite, so a page can show *why* a customer ranks where it does.

* size: volume or revenue -> percentile rank among all customers;
* strategic importance: judgement 1-5 -> (s - 1) / 4;
* CLV, UPV: computed -> percentile rank among all customers;
* account fit: strategic, operational, cultural, 1-5 each -> (mean - 1) / 4;
* relationship: quadrant -> friend 1, butterfly 0.5, stranger 0.25, vulture 0.

Percentile ranks, not raw amounts, for the money criteria: revenue, CLV and UPV
are heavily skewed (see ``pareto``), so on a linear scale one giant would put
everyone else near 0 and the criterion would stop separating the candidates.
The percentile rank is (average rank - 1) / (n - 1): 0 for the smallest, 1 for
the largest, ties share their average; a lone customer gets 1.

The relationship scores follow the book: only friends should be promoted;
butterflies are profitable and worth turning into friends; strangers may still
be converted; vultures are loyal but unprofitable, the worst candidates. They
can be changed with ``relationship_scores``.

A judgement not made yet (strategic importance or any account-fit rating is
``NaN``) scores 0 and is flagged in ``missing``: an unassessed customer must
not outrank an assessed one just because its gaps were averaged away.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import rankdata

from accounts.scoring.quadrant import RELATIONSHIPS, Relationship

CRITERIA: tuple[str, ...] = (
    "size",
    "strategic_importance",
    "clv",
    "upv",
    "account_fit",
    "relationship",
)

DEFAULT_RELATIONSHIP_SCORES: Mapping[Relationship, float] = {
    Relationship.FRIEND: 1.0,
    Relationship.BUTTERFLY: 0.5,
    Relationship.STRANGER: 0.25,
    Relationship.VULTURE: 0.0,
}


class InvalidScoreWeights(ValueError):
    """Weights that cannot make a composite score."""


@dataclass(frozen=True)
class ScoreWeights:
    """Workspace weights of the six criteria, any non-negative numbers.

    Only their proportions matter: ``normalised()`` divides by their sum.
    """

    size: float = 1.0
    strategic_importance: float = 1.0
    clv: float = 1.0
    upv: float = 1.0
    account_fit: float = 1.0
    relationship: float = 1.0

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            label = field.name.replace("_", " ")
            if not math.isfinite(value):
                raise InvalidScoreWeights(f"The weight of {label} must be a number.")
            if value < 0:
                raise InvalidScoreWeights(f"The weight of {label} must be 0 or more; got {value}.")
        if sum(self.as_array()) == 0:
            raise InvalidScoreWeights(
                "At least one criterion needs a weight above 0, or no score can be computed."
            )

    def as_array(self) -> NDArray:
        return np.array([getattr(self, name) for name in CRITERIA], dtype=float)

    def normalised(self) -> NDArray:
        weights = self.as_array()
        return weights / weights.sum()


@dataclass(frozen=True)
class CriterionContribution:
    criterion: str
    #: The criterion's own 0..1 score.
    score: float
    #: Normalised weight, the criteria's weights sum to 1.
    weight: float
    #: weight x score: this criterion's part of the composite.
    contribution: float
    missing: bool


@dataclass(frozen=True)
class Scorecard:
    """Scores of n customers; columns follow ``CRITERIA``."""

    scores: NDArray  # (n, 6), each 0..1
    weights: NDArray  # (6,), sums to 1
    missing: NDArray  # (n, 6) bool
    contributions: NDArray  # (n, 6) = weights * scores
    composite: NDArray  # (n,) 0..1, the row sums of contributions

    def explain(self, customer: int) -> list[CriterionContribution]:
        """The criteria of one customer (by index), largest contribution first."""
        rows = [
            CriterionContribution(
                criterion=name,
                score=float(self.scores[customer, j]),
                weight=float(self.weights[j]),
                contribution=float(self.contributions[customer, j]),
                missing=bool(self.missing[customer, j]),
            )
            for j, name in enumerate(CRITERIA)
        ]
        return sorted(rows, key=lambda row: -row.contribution)


def percentile_rank(values: ArrayLike) -> NDArray:
    """(average rank - 1) / (n - 1): 0 smallest, 1 largest, ties share; 1 for a single value."""
    data = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(data)):
        raise ValueError("Percentile ranks need a number for every customer.")
    if data.size == 1:
        return np.ones(1)
    return (rankdata(data, method="average") - 1) / max(data.size - 1, 1)


def _rating_score(ratings: NDArray, criterion: str) -> tuple[NDArray, NDArray]:
    missing = np.isnan(ratings)
    given = ratings[~missing]
    if np.any((given < 1) | (given > 5)):
        raise ValueError(f"Ratings of {criterion.replace('_', ' ')} must be between 1 and 5.")
    return np.where(missing, 0.0, (ratings - 1) / 4), missing


def score_customers(
    *,
    size: ArrayLike,
    strategic_importance: ArrayLike,
    clv: ArrayLike,
    upv: ArrayLike,
    account_fit: ArrayLike,
    relationship: ArrayLike,
    weights: ScoreWeights,
    relationship_scores: Mapping[Relationship, float] = DEFAULT_RELATIONSHIP_SCORES,
) -> Scorecard:
    """Score all customers at once (percentile ranks are relative to everyone passed).

    ``account_fit`` is (n, 3): strategic, operational, cultural fit, 1-5 each.
    ``relationship`` holds quadrant codes (index into ``RELATIONSHIPS``, as
    ``quadrant.classify_many`` returns) or ``Relationship`` values.
    """
    size_values = np.asarray(size, dtype=float)
    n = size_values.size
    importance, importance_missing = _rating_score(
        np.asarray(strategic_importance, dtype=float).reshape(n), "strategic_importance"
    )
    fit = np.asarray(account_fit, dtype=float).reshape(n, 3)
    fit_scores, fit_missing = _rating_score(fit, "account_fit")
    fit_missing_any = fit_missing.any(axis=1)
    fit_score = np.where(fit_missing_any, 0.0, fit_scores.mean(axis=1))
    by_code = np.array([relationship_scores[quadrant] for quadrant in RELATIONSHIPS], dtype=float)
    if np.any((by_code < 0) | (by_code > 1)):
        raise ValueError("Relationship scores must be between 0 and 1.")
    codes = _relationship_codes(relationship, n)
    scores = np.column_stack(
        [
            percentile_rank(size_values),
            importance,
            percentile_rank(np.asarray(clv, dtype=float).reshape(n)),
            percentile_rank(np.asarray(upv, dtype=float).reshape(n)),
            fit_score,
            by_code[codes],
        ]
    )
    missing = np.zeros((n, len(CRITERIA)), dtype=bool)
    missing[:, CRITERIA.index("strategic_importance")] = importance_missing
    missing[:, CRITERIA.index("account_fit")] = fit_missing_any
    normalised = weights.normalised()
    contributions = scores * normalised[None, :]
    return Scorecard(
        scores=scores,
        weights=normalised,
        missing=missing,
        contributions=contributions,
        composite=contributions.sum(axis=1),
    )


def _relationship_codes(relationship: ArrayLike, n: int) -> NDArray:
    values = np.asarray(relationship)
    if values.dtype.kind in "iu":
        codes = values.reshape(n).astype(np.intp)
        if np.any((codes < 0) | (codes >= len(RELATIONSHIPS))):
            raise ValueError("Relationship codes must index RELATIONSHIPS.")
        return codes
    position = {quadrant.value: i for i, quadrant in enumerate(RELATIONSHIPS)}
    return np.array([position[Relationship(v)] for v in values.reshape(n)], dtype=np.intp)
