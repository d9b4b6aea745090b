"""Scoring benchmark: full recompute for a generated workspace.

    python benchmarks/bench_scoring.py            # 100,000 customers, 5,000,000 lines
    python benchmarks/bench_scoring.py --small    # 2,000 customers, 100,000 lines

Steps, each run ``--repeat`` times (median printed, these machines are noisy):
purchase summaries (RFM) and yearly figures from the raw lines, BG/NBD fit,
Gamma-Gamma fit, transactional CLV (12 months) for every customer, margin
trend and contractual CLV, Pareto check, relationship quadrants, scorecard.

Baseline, measured in the same run on the same summaries: lifetimes'
BetaGeoFitter + GammaGammaFitter + customer_lifetime_value (what an analyst
would reach for). When lifetimes cannot be imported, the baseline is instead
a pure-Python per-customer BG/NBD log-likelihood loop timed on a subsample,
scaled to all customers and to the number of likelihood evaluations our own
fit needed - i.e. the cost of the same fit without numpy vectorisation.

Budget (design.md): under 60 s on 2 cores, peak memory under 1 GiB at full size.
"""

from __future__ import annotations

import argparse
import math
import resource
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from accounts.scoring import bgnbd, gamma_gamma  # noqa: E402
from accounts.scoring.clv import contractual_clv_many  # noqa: E402
from accounts.scoring.pareto import pareto_summary  # noqa: E402
from accounts.scoring.quadrant import (  # noqa: E402
    RELATIONSHIPS,
    RelationshipThresholds,
    classify_many,
    loyalty,
    margin_percentage,
)
from accounts.scoring.rfm import purchase_summary, yearly_totals  # noqa: E402
from accounts.scoring.scorecard import ScoreWeights, score_customers  # noqa: E402
from accounts.scoring.transactional import transactional_clv  # noqa: E402
from accounts.scoring.trend import project_margins_many  # noqa: E402
from benchmarks.generate import (  # noqa: E402
    DAYS_PER_YEAR,
    generate_judgements,
    generate_sales,
)

CLV_MONTHS = 12
MONTHLY_DISCOUNT = 0.01
HORIZON_YEARS = 5


def peak_memory_mib() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


class Timer:
    def __init__(self, repeat: int) -> None:
        self.repeat = repeat
        self.medians: dict[str, float] = {}

    def run(self, name: str, step: Callable[[], Any], *, repeat: int | None = None) -> Any:
        times = []
        result = None
        for _ in range(repeat or self.repeat):
            started = time.perf_counter()
            result = step()
            times.append(time.perf_counter() - started)
        self.medians[name] = statistics.median(times)
        spread = f"(min {min(times):.3f}, max {max(times):.3f})" if len(times) > 1 else ""
        print(f"  {name:<38} {self.medians[name]:8.3f} s  {spread}", flush=True)
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scoring benchmark")
    parser.add_argument("--small", action="store_true", help="2,000 customers, 100,000 lines")
    parser.add_argument("--customers", type=int)
    parser.add_argument("--lines", type=int)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline")
    args = parser.parse_args(argv)
    customers = args.customers or (2_000 if args.small else 100_000)
    lines = args.lines or (100_000 if args.small else 5_000_000)

    print(f"Scoring benchmark: {customers:,} customers, {lines:,} sales lines, 3 years")
    started = time.perf_counter()
    sales = generate_sales(customers=customers, lines=lines)
    judgements = generate_judgements(customers)
    print(f"  generated in {time.perf_counter() - started:.2f} s ({sales.nbytes / 2**20:.0f} MiB)")

    timer = Timer(args.repeat)
    n, years = sales.customers, sales.years
    year = np.minimum(sales.day // DAYS_PER_YEAR, years - 1)

    def summaries() -> tuple[Any, np.ndarray, np.ndarray]:
        summary = purchase_summary(
            sales.customer, sales.day, sales.amount, customers=n, observation_end=sales.days
        )
        revenue = yearly_totals(sales.customer, year, sales.amount, customers=n, years=years)
        margin = revenue - yearly_totals(sales.customer, year, sales.cost, customers=n, years=years)
        return summary, revenue, margin

    summary, revenue, margin = timer.run("RFM summaries + yearly figures", summaries)
    buyers = summary.has_purchases
    x, t_x, T = summary.frequency, summary.recency, summary.T
    purchases = timer.run("BG/NBD fit", lambda: bgnbd.fit(x[buyers], t_x[buyers], T[buyers]))
    repeat = buyers & (x > 0) & (summary.monetary_value > 0)
    spend = timer.run(
        "Gamma-Gamma fit", lambda: gamma_gamma.fit(x[repeat], summary.monetary_value[repeat])
    )
    total_revenue = revenue.sum(axis=1)
    total_margin = margin.sum(axis=1)
    margin_share = margin_percentage(total_revenue, total_margin)
    margin_ratio = np.nan_to_num(np.clip(margin_share, -1, 1), nan=0.0)

    def transactional() -> np.ndarray:
        values = np.zeros(n)
        values[buyers] = transactional_clv(
            purchases.params,
            spend.params,
            frequency=x[buyers],
            recency=t_x[buyers],
            T=T[buyers],
            monetary_value=summary.monetary_value[buyers],
            margin_ratio=margin_ratio[buyers],
            months=CLV_MONTHS,
            monthly_discount_rate=MONTHLY_DISCOUNT,
        )
        return values

    transactional_values = timer.run("transactional CLV, 12 months", transactional)

    def contractual() -> np.ndarray:
        projected = project_margins_many(margin, HORIZON_YEARS)
        return contractual_clv_many(
            projected, discount_rate=0.08, retention=0.85, horizon_years=HORIZON_YEARS
        )

    contractual_values = timer.run("margin trend + contractual CLV", contractual)
    pareto = timer.run("Pareto check (3-year revenue)", lambda: pareto_summary(total_revenue))
    thresholds = RelationshipThresholds(loyalty=2 / 3, profitability=0.10)
    codes = timer.run(
        "relationship quadrants",
        lambda: classify_many(loyalty(revenue, last_years=years), margin_share, thresholds),
    )
    timer.run(
        "scorecard (six criteria)",
        lambda: score_customers(
            size=total_revenue,
            strategic_importance=judgements.strategic_importance,
            clv=contractual_values,
            upv=judgements.upv,
            account_fit=judgements.account_fit,
            relationship=codes,
            weights=ScoreWeights(),
        ),
    )
    ours = sum(timer.medians.values())
    ours_models = sum(
        timer.medians[k] for k in ("BG/NBD fit", "Gamma-Gamma fit", "transactional CLV, 12 months")
    )
    peak = peak_memory_mib()
    print(f"  {'total (sum of medians)':<38} {ours:8.3f} s")
    print(f"  peak memory (ru_maxrss)                {peak:8.0f} MiB")
    print("Results")
    p = purchases.params
    print(
        f"  BG/NBD r {p.r:.3f} alpha {p.alpha:.2f} a {p.a:.3f} b {p.b:.3f} "
        f"(LL {purchases.log_likelihood:,.1f}, {purchases.iterations} iterations, "
        f"converged {purchases.converged})"
    )
    g = spend.params
    print(
        f"  Gamma-Gamma p {g.p:.3f} q {g.q:.3f} gamma {g.gamma:.2f} "
        f"on {spend.customers:,} repeat buyers"
    )
    print(
        f"  Pareto: 40/50/80 % at ranks {pareto.rank_at(0.4):,}/{pareto.rank_at(0.5):,}/"
        f"{pareto.rank_at(0.8):,}; top 24 hold {pareto.share_of_top(24):.1%}; "
        f"Gini {pareto.gini:.3f}"
    )
    counts = np.bincount(codes, minlength=len(RELATIONSHIPS))
    print(
        "  quadrants: "
        + ", ".join(f"{q.value} {c:,}" for q, c in zip(RELATIONSHIPS, counts, strict=True))
    )
    print(
        f"  median CLV: transactional (12 months) {np.median(transactional_values[buyers]):,.0f}, "
        f"contractual ({HORIZON_YEARS} years) {np.median(contractual_values):,.0f}"
    )
    if not args.no_baseline:
        baseline(summary, buyers, repeat, ours_models, purchases, repeats=args.repeat)
    budget_ok = ours < 60 and peak < 1024
    print(f"Budget (< 60 s, < 1 GiB): {'met' if budget_ok else 'NOT met'}")
    return 0


def baseline(
    summary: Any,
    buyers: np.ndarray,
    repeat: np.ndarray,
    ours: float,
    purchases: bgnbd.BgNbdFit,
    *,
    repeats: int,
) -> None:
    print("Baseline")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import lifetimes
            import pandas as pd
    except Exception as error:
        print(f"  lifetimes cannot be imported here ({type(error).__name__}: {error}).")
        naive_baseline(summary, buyers, ours, purchases)
        return
    frame = pd.DataFrame(
        {
            "frequency": summary.frequency[buyers],
            "recency": summary.recency[buyers],
            "T": summary.T[buyers],
            "monetary_value": summary.monetary_value[buyers],
        }
    )
    repeat_frame = frame[repeat[buyers]]
    runs: list[tuple[float, float, float]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(repeats):
            started = time.perf_counter()
            bgf = lifetimes.BetaGeoFitter().fit(
                frame["frequency"].to_numpy(), frame["recency"].to_numpy(), frame["T"].to_numpy()
            )
            fitted = time.perf_counter()
            ggf = lifetimes.GammaGammaFitter().fit(
                repeat_frame["frequency"], repeat_frame["monetary_value"]
            )
            clv_started = time.perf_counter()
            ggf.customer_lifetime_value(
                bgf,
                frame["frequency"],
                frame["recency"],
                frame["T"],
                frame["monetary_value"],
                time=CLV_MONTHS,
                discount_rate=MONTHLY_DISCOUNT,
                freq="D",
            )
            ended = time.perf_counter()
            runs.append((fitted - started, clv_started - fitted, ended - clv_started))
    bg_time, gg_time, clv_time = (statistics.median(step) for step in zip(*runs, strict=True))
    theirs = bg_time + gg_time + clv_time
    print(
        f"  lifetimes {lifetimes.__version__} (medians of {repeats}): BG/NBD fit {bg_time:.3f} s, "
        f"Gamma-Gamma fit {gg_time:.3f} s, CLV {clv_time:.3f} s, total {theirs:.3f} s"
    )
    lp = bgf.params_
    print(
        f"  lifetimes BG/NBD r {lp['r']:.3f} alpha {lp['alpha']:.2f} "
        f"a {lp['a']:.3f} b {lp['b']:.3f}"
    )
    print(
        f"  ours, same three steps (medians): {ours:.3f} s "
        f"-> lifetimes / ours = {theirs / ours:.1f}x"
    )


def naive_baseline(
    summary: Any, buyers: np.ndarray, ours: float, purchases: bgnbd.BgNbdFit
) -> None:
    """Pure-Python BG/NBD log-likelihood, one customer at a time, scaled up."""
    x = summary.frequency[buyers]
    t_x = summary.recency[buyers]
    T = summary.T[buyers]
    sample = min(2_000, x.size)
    p = purchases.params

    def loop_log_likelihood() -> float:
        total = 0.0
        for i in range(sample):
            xi, ti, Ti = float(x[i]), float(t_x[i]), float(T[i])
            a1 = math.lgamma(p.r + xi) - math.lgamma(p.r) + p.r * math.log(p.alpha)
            a2 = (
                math.lgamma(p.a + p.b)
                + math.lgamma(p.b + xi)
                - math.lgamma(p.b)
                - math.lgamma(p.a + p.b + xi)
            )
            alive = -(p.r + xi) * math.log(p.alpha + Ti)
            if xi > 0:
                dropped = (
                    math.log(p.a) - math.log(p.b + xi - 1) - (p.r + xi) * math.log(p.alpha + ti)
                )
                top = max(alive, dropped)
                total += a1 + a2 + top + math.log(math.exp(alive - top) + math.exp(dropped - top))
            else:
                total += a1 + a2 + alive
        return total

    started = time.perf_counter()
    loop_log_likelihood()
    per_evaluation = (time.perf_counter() - started) * x.size / sample
    # L-BFGS-B with a finite-difference gradient: 5 evaluations per iteration for 4 parameters.
    evaluations = 5 * max(purchases.iterations, 1)
    theirs = per_evaluation * evaluations
    print(
        f"  baseline: pure-Python per-customer BG/NBD log-likelihood, timed on {sample:,} "
        f"customers and scaled to {x.size:,} customers x {evaluations} evaluations "
        f"(finite-difference gradient, our iteration count): {theirs:.1f} s"
    )
    print(
        f"  ours, BG/NBD + Gamma-Gamma + CLV (medians): {ours:.3f} s "
        f"-> baseline / ours = {theirs / ours:.1f}x"
    )


if __name__ == "__main__":
    sys.exit(main())
