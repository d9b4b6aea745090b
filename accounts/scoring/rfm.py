"""Per-customer purchase summaries (RFM) from raw sales lines, vectorised.

The BG/NBD and Gamma-Gamma models need, per customer, in days:

* ``frequency``: repeat purchases, i.e. purchase days after the first one;
* ``recency``: days from the first to the last purchase day;
* ``T``: days from the first purchase day to the end of the observation;
* ``monetary_value``: the average value of the *repeat* purchase days (the
  first purchase is left out, as in Fader and Hardie's Gamma-Gamma note and
  lifetimes' ``summary_data_from_transaction_data``).

A purchase is a customer-day, as in lifetimes with ``freq="D"``: the lines a
customer bought on one day form one purchase worth their sum. A day whose
lines net to zero or less (a return, a credit note) is not a purchase: it
would otherwise count as buying activity and give the spend model a
non-positive amount. The lines still count in the yearly sales and margins.

Everything runs on numpy arrays with one sort of the (customer, day) keys and
a few ``bincount`` calls: no Python loop over customers or lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class PurchaseSummary:
    """One entry per customer index 0..n-1."""

    frequency: NDArray
    recency: NDArray
    T: NDArray
    monetary_value: NDArray
    #: False for customers without any purchase day: leave them out of the models.
    has_purchases: NDArray


def purchase_summary(
    customer: ArrayLike,
    day: ArrayLike,
    amount: ArrayLike,
    *,
    customers: int,
    observation_end: int,
) -> PurchaseSummary:
    """Summarise sales lines (customer index, day number, net amount) per customer.

    ``day`` counts days from the start of the history; ``observation_end`` is the
    day the observation ends (T is measured up to it), at least the last day.
    """
    customer_index = np.asarray(customer)
    day_number = np.asarray(day)
    amounts = np.asarray(amount, dtype=float)
    if customer_index.size and (customer_index.min() < 0 or customer_index.max() >= customers):
        raise ValueError(f"Customer indexes must be between 0 and {customers - 1}.")
    if day_number.size and (day_number.min() < 0 or day_number.max() > observation_end):
        raise ValueError(
            f"Days must be between 0 and the end of the observation ({observation_end})."
        )
    days_per_customer = np.int64(observation_end) + 1
    keys, day_value = _sum_per_key(
        customer_index.astype(np.int64) * days_per_customer + day_number, amounts
    )
    purchase = day_value > 0
    keys = keys[purchase]
    day_value = day_value[purchase]
    purchase_customer = keys // days_per_customer
    purchase_day = (keys % days_per_customer).astype(float)
    # Keys are sorted, so each customer's purchases are contiguous and in day order.
    # (No purchase at all, e.g. only returns: no starts, not a start at index 0.)
    starts = np.flatnonzero(np.r_[True, purchase_customer[1:] != purchase_customer[:-1]])
    starts = starts[: purchase_customer.size]
    ends = np.r_[starts[1:] - 1, purchase_customer.size - 1] if starts.size else starts
    buyers = purchase_customer[starts]
    first_day = np.zeros(customers)
    last_day = np.zeros(customers)
    first_value = np.zeros(customers)
    first_day[buyers] = purchase_day[starts]
    last_day[buyers] = purchase_day[ends]
    first_value[buyers] = day_value[starts]
    purchases = np.bincount(purchase_customer, minlength=customers)
    total_value = np.bincount(purchase_customer, weights=day_value, minlength=customers)
    has_purchases = purchases > 0
    frequency = np.maximum(purchases - 1, 0).astype(float)
    monetary = np.divide(
        total_value - first_value, frequency, out=np.zeros(customers), where=frequency > 0
    )
    return PurchaseSummary(
        frequency=frequency,
        recency=last_day - first_day,
        T=np.where(has_purchases, observation_end - first_day, 0.0),
        monetary_value=monetary,
        has_purchases=has_purchases,
    )


def _sum_per_key(key: NDArray, values: NDArray) -> tuple[NDArray, NDArray]:
    """Distinct keys, sorted, and the sum of ``values`` for each.

    The fast path packs each key with its line number into one int64 and sorts
    that: numpy's plain sort of integers is vectorised (SIMD) and several
    times faster than ``argsort`` or ``unique(return_inverse=True)`` on
    millions of lines. It needs keys and line numbers below 2**31.
    """
    if key.size == 0:
        return key, np.zeros(0)
    if key.max() < 2**31 and key.size < 2**31:
        packed = (key << 32) | np.arange(key.size, dtype=np.int64)
        packed.sort()
        sorted_keys = packed >> 32
        order = packed & (2**32 - 1)
        del packed
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        return sorted_keys[starts], np.add.reduceat(values[order], starts)
    keys, line_to_key = np.unique(key, return_inverse=True)
    return keys, np.bincount(line_to_key, weights=values, minlength=keys.size)


def yearly_totals(
    customer: ArrayLike, year: ArrayLike, values: ArrayLike, *, customers: int, years: int
) -> NDArray:
    """Sum ``values`` per customer and year index: a (customers, years) matrix."""
    customer_index = np.asarray(customer).astype(np.int64)
    cell = customer_index * years + np.asarray(year)
    totals = np.bincount(cell, weights=np.asarray(values, dtype=float), minlength=customers * years)
    return totals.reshape(customers, years)


def yearly_line_counts(
    customer: ArrayLike, year: ArrayLike, *, customers: int, years: int
) -> NDArray:
    """Number of sales lines per customer and year index: a (customers, years) matrix."""
    cell = np.asarray(customer).astype(np.int64) * years + np.asarray(year)
    return np.bincount(cell, minlength=customers * years).reshape(customers, years)
