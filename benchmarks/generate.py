"""A deterministic generator of a realistic workspace's sales lines.

Used by the benchmarks (and handy for demos): ``generate_sales(customers=100_000,
lines=5_000_000)`` returns plain numpy arrays in about a second, about 70 MB for
5 million lines. The same seed gives the same data on every machine.

What makes it realistic enough for the scoring code:

* customer size follows a Pareto law (shape 1.16, the "80/20" shape), split
  between how often a customer orders and how much it buys per line, so
  revenue is concentrated as in the seed book's Pareto check;
* 60 % of the customers were already buying when the history starts, the
  others arrive during it; every customer leaves after an exponential
  lifetime (mean 4 years), so some go silent within the window (what BG/NBD's
  P(alive) detects);
* lines come in orders of about four lines on the same day, spread over the
  customer's active days with a random phase;
* about 3 % of lines are returns (negative amount and cost);
* each customer has its own contribution margin ratio (mean 22 %, sd 12 %,
  so a few percent lose money), and line costs scatter around it.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

DAYS_PER_YEAR = 365
PARETO_SHAPE = 1.16
LINES_PER_ORDER = 4
RETURN_SHARE = 0.03


@dataclass(frozen=True)
class SalesLines:
    customer: NDArray[np.int32]  # customer index 0..customers-1
    day: NDArray[np.int16]  # day 0..days-1 of the history
    amount: NDArray[np.float32]  # net sales of the line
    cost: NDArray[np.float32]  # cost of goods and cost to serve of the line
    customers: int
    days: int

    @property
    def years(self) -> int:
        return self.days // DAYS_PER_YEAR

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.customer, self.day, self.amount, self.cost))


@dataclass(frozen=True)
class CustomerJudgements:
    """What people would enter per customer, drawn at random for the scorecard benchmark."""

    strategic_importance: NDArray  # 1..5, NaN where not assessed yet
    account_fit: NDArray  # (n, 3) 1..5
    upv: NDArray  # unrealized potential value, usually above the CLV


def generate_sales(
    *, customers: int = 100_000, lines: int = 5_000_000, years: int = 3, seed: int = 20240611
) -> SalesLines:
    if customers < 1 or lines < customers:
        raise ValueError("Need at least one customer and at least one line per customer.")
    rng = np.random.default_rng(seed)
    days = years * DAYS_PER_YEAR
    size = rng.pareto(PARETO_SHAPE, customers) + 1.0
    ordering = size**0.6  # how often the customer orders
    line_value = 80.0 * size**0.4  # how much it buys per line

    existing = rng.random(customers) < 0.6
    start = np.where(existing, 0.0, rng.uniform(0, days, customers))
    lifetime = rng.exponential(4 * DAYS_PER_YEAR, customers)
    end = np.minimum(start + lifetime, days)
    span = np.maximum(end - start, 1.0)

    # One line each, the rest in proportion to ordering intensity x active span.
    weight = ordering * span
    per_customer = 1 + rng.multinomial(lines - customers, weight / weight.sum())
    customer = np.repeat(np.arange(customers, dtype=np.int32), per_customer)

    orders = np.maximum(per_customer // LINES_PER_ORDER, 1)
    phase = rng.random(customers)
    slot = np.floor(rng.random(lines) * orders[customer])
    position = (slot + phase[customer]) / orders[customer]  # 0..1 through the active span
    day = np.minimum(start[customer] + position * span[customer], days - 1).astype(np.int16)
    del slot, position

    amount = (line_value[customer] * rng.lognormal(0.0, 0.8, lines)).astype(np.float32)
    margin_ratio = rng.normal(0.22, 0.12, customers)
    cost = amount * (1.0 - margin_ratio[customer]).astype(np.float32)
    cost *= rng.lognormal(0.0, 0.05, lines).astype(np.float32)
    returned = rng.random(lines) < RETURN_SHARE
    amount[returned] *= -1
    cost[returned] *= -1

    shuffle = rng.permutation(lines)  # real files are not sorted by customer
    return SalesLines(
        customer=customer[shuffle],
        day=day[shuffle],
        amount=amount[shuffle],
        cost=cost[shuffle],
        customers=customers,
        days=days,
    )


def generate_judgements(customers: int, *, seed: int = 20240611) -> CustomerJudgements:
    rng = np.random.default_rng(seed + 1)
    importance = rng.integers(1, 6, customers).astype(float)
    importance[rng.random(customers) < 0.2] = np.nan
    return CustomerJudgements(
        strategic_importance=importance,
        account_fit=rng.integers(1, 6, (customers, 3)).astype(float),
        upv=rng.lognormal(8.0, 1.5, customers),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=5_000_000)
    args = parser.parse_args()
    sales = generate_sales(customers=args.customers, lines=args.lines)
    revenue = np.bincount(sales.customer, weights=sales.amount, minlength=sales.customers)
    top = np.sort(revenue)[::-1]
    print(
        f"{sales.customers:,} customers, {sales.customer.size:,} lines, "
        f"{sales.nbytes / 2**20:.0f} MiB"
    )
    print(
        f"top 20 % of customers hold {top[: sales.customers // 5].sum() / top.sum():.0%} of revenue"
    )


if __name__ == "__main__":
    main()
