"""Relationship method: loyalty x profitability -> friend, butterfly, stranger, vulture.

                      occasional      loyal
    profitable        butterfly       friend
    unprofitable      stranger        vulture

**Loyalty** is "buys regularly over years", measured as the share of the last
N full years in which the customer bought anything (net sales above zero):
1.0 bought every year, 0.33 one year in three. Years count, not purchases: a
customer ordering once a year, every year, is loyal in the sense that matters
for a key account (it comes back), while ten orders in a single year are not
loyalty. Years before the customer's first purchase count as years without
purchases: a new customer has not shown loyalty yet, which is what the
quadrant means by "stranger" (bought only recently).

**Profitability** is the contribution margin percentage over the same years:
contribution margin / net sales. A customer without positive net sales has no
percentage and counts as unprofitable.

A customer is loyal when its loyalty reaches the loyalty threshold, and
profitable when its margin percentage reaches the profitability threshold
(both "at least", so a threshold of 2/3 with 3 years means two years of three).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray


class Relationship(enum.StrEnum):
    FRIEND = "friend"
    BUTTERFLY = "butterfly"
    STRANGER = "stranger"
    VULTURE = "vulture"


#: Code i of ``classify_many`` is ``RELATIONSHIPS[i]``.
RELATIONSHIPS: tuple[Relationship, ...] = (
    Relationship.FRIEND,
    Relationship.BUTTERFLY,
    Relationship.STRANGER,
    Relationship.VULTURE,
)


@dataclass(frozen=True)
class RelationshipThresholds:
    """Where loyal and profitable begin.

    ``loyalty``: share of years with purchases, 0..1. ``profitability``:
    contribution margin as a share of net sales, -1..1 (0.15 for 15 %).
    """

    loyalty: float
    profitability: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.loyalty) and 0 <= self.loyalty <= 1):
            raise ValueError(
                f"The loyalty threshold is a share of years, between 0 and 1; got {self.loyalty}."
            )
        if not (math.isfinite(self.profitability) and -1 <= self.profitability <= 1):
            raise ValueError(
                "The profitability threshold is a margin share between -1 and 1 "
                f"(0.15 means 15 %); got {self.profitability}."
            )


def loyalty(yearly_net_sales: ArrayLike, *, last_years: int) -> NDArray:
    """Share of the last ``last_years`` columns (years, oldest first) with net sales above 0.

    Accepts one customer (1-D) or many (2-D, customers x years). Needs at least
    ``last_years`` columns; a missing (``NaN``) year counts as a year without purchases.
    """
    sales = np.asarray(yearly_net_sales, dtype=float)
    if last_years < 1 or sales.shape[-1] < last_years:
        raise ValueError(
            f"Loyalty over the last {last_years} years needs at least that many years of sales; "
            f"got {sales.shape[-1]}."
        )
    recent = sales[..., -last_years:]
    return (np.nan_to_num(recent, nan=0.0) > 0).sum(axis=-1) / last_years


def margin_percentage(net_sales: ArrayLike, contribution_margin: ArrayLike) -> NDArray:
    """Contribution margin / net sales; ``NaN`` where net sales are not positive."""
    sales = np.asarray(net_sales, dtype=float)
    margin = np.asarray(contribution_margin, dtype=float)
    return np.divide(
        margin, sales, out=np.full(np.broadcast(sales, margin).shape, np.nan), where=sales > 0
    )


def classify_many(
    loyalty_share: ArrayLike, margin_share: ArrayLike, thresholds: RelationshipThresholds
) -> NDArray:
    """Quadrant codes (int8, index into ``RELATIONSHIPS``) for many customers."""
    loyal = np.asarray(loyalty_share, dtype=float) >= thresholds.loyalty
    margin = np.asarray(margin_share, dtype=float)
    # NaN (no positive net sales) compares False: unprofitable.
    profitable = np.nan_to_num(margin, nan=-np.inf) >= thresholds.profitability
    codes = np.where(
        profitable,
        np.where(loyal, 0, 1),  # friend, butterfly
        np.where(loyal, 3, 2),  # vulture, stranger
    )
    return codes.astype(np.int8)


def classify(
    loyalty_share: float, margin_share: float | None, thresholds: RelationshipThresholds
) -> Relationship:
    """The quadrant of one customer; ``margin_share`` None when it has no net sales."""
    code = classify_many(
        [loyalty_share], [np.nan if margin_share is None else margin_share], thresholds
    )[0]
    return RELATIONSHIPS[int(code)]
