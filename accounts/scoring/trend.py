"""Projected annual contribution margin from a customer's margin history.

The domain accepts "a simple trend" as the proxy for future margins, so:

* the trend is an ordinary least-squares line through the last ``window``
  years of history (default 3, the span of the Pareto check); older years
  describe a customer that no longer exists;
* one year of history gives a flat projection (a line needs two points);
  no history gives zeros;
* years before the customer's first purchase are ``NaN`` and left out of the
  fit; a year *with* the customer but without purchases is a real 0 and counts;
* the projection for year t (t = 1 is the year after the last observed one)
  is the line's value there, but never below a **floor**:
  ``floor = min(0, level)``, where ``level`` is the line's value in the last
  observed year.

Why that floor: a linear trend continued for 10 or 20 years turns every
declining, still profitable customer into a heavy loss-maker. The decline is
real, but a supplier stops serving at a loss long before that, and the
retention factor of the CLV already prices the risk of losing the customer.
So a customer that is profitable today is projected down to zero at worst.
A customer that already loses money today keeps its current loss (negative
projections are allowed, which is what makes a "vulture" visible in the CLV),
but the loss is not deepened by extrapolation either. Upward trends are not
capped: a line grows linearly, not exponentially, and the horizon is bounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from accounts.figures import CustomerYear

DEFAULT_WINDOW_YEARS = 3


def project_margins(
    history: ArrayLike, horizon_years: int, *, window: int = DEFAULT_WINDOW_YEARS
) -> NDArray:
    """Project m_1..m_T for one customer from its yearly margins, oldest first."""
    row = np.asarray(history, dtype=float).reshape(1, -1)
    return project_margins_many(row, horizon_years, window=window)[0]


def project_margins_many(
    history: ArrayLike, horizon_years: int, *, window: int = DEFAULT_WINDOW_YEARS
) -> NDArray:
    """Project margins for many customers: (n, Y) history -> (n, T) projection.

    Columns are calendar years, oldest first, all customers on the same
    calendar; ``NaN`` marks years before a customer's first purchase.
    Vectorised: the least-squares sums are taken over the valid cells only.
    """
    margins = np.asarray(history, dtype=float)
    if margins.ndim != 2:
        raise ValueError(
            f"Expected a 2-D margin history (customers x years); got {margins.ndim}-D."
        )
    if window < 1:
        raise ValueError(f"The trend window must be at least 1 year; got {window}.")
    if horizon_years < 1:
        raise ValueError(f"The horizon must be at least 1 year; got {horizon_years}.")
    recent = margins[:, -window:]
    n, years = recent.shape
    valid = ~np.isnan(recent)
    y = np.where(valid, recent, 0.0)
    # x = 0 for the last observed column, negative before it.
    x = np.arange(years, dtype=float) - (years - 1)
    x_cells = np.where(valid, x[None, :], 0.0)
    count = valid.sum(axis=1).astype(float)
    safe_count = np.maximum(count, 1.0)
    mean_x = x_cells.sum(axis=1) / safe_count
    mean_y = y.sum(axis=1) / safe_count
    dx = np.where(valid, x[None, :] - mean_x[:, None], 0.0)
    sxx = (dx * dx).sum(axis=1)
    sxy = (dx * (y - mean_y[:, None])).sum(axis=1)
    # One valid year (sxx == 0): flat at that year's value.
    slope = np.divide(sxy, sxx, out=np.zeros(n), where=sxx > 0)
    level = mean_y - slope * mean_x  # the line's value at x = 0, the last observed year
    t = np.arange(1, horizon_years + 1, dtype=float)
    projected = level[:, None] + slope[:, None] * t[None, :]
    floor = np.minimum(level, 0.0)
    projected = np.maximum(projected, floor[:, None])
    projected[count == 0] = 0.0
    return projected


def margin_history_matrix(
    figures: Iterable[CustomerYear], *, customer_ids: Sequence[int], years: Sequence[int]
) -> NDArray:
    """Turn ``accounts.figures`` results into the (customers x years) history matrix.

    Years before a customer's first year with sales are ``NaN`` (not a customer
    yet); later years without figures are 0 (a customer who bought nothing).
    """
    row_of = {customer_id: i for i, customer_id in enumerate(customer_ids)}
    column_of = {year: j for j, year in enumerate(years)}
    matrix = np.full((len(customer_ids), len(years)), np.nan)
    first_column = np.full(len(customer_ids), len(years))
    for figure in figures:
        i = row_of.get(figure.customer_id)
        j = column_of.get(figure.year)
        if i is None or j is None:
            continue
        matrix[i, j] = float(figure.contribution_margin)
        first_column[i] = min(first_column[i], j)
    after_first = np.arange(len(years))[None, :] >= first_column[:, None]
    matrix[after_first & np.isnan(matrix)] = 0.0
    return matrix
