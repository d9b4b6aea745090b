"""The scoring benchmark and its data generator keep working (timings are not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from accounts.scoring import bgnbd
from accounts.scoring.rfm import purchase_summary
from benchmarks.bench_scoring import naive_baseline
from benchmarks.generate import generate_sales

ROOT = Path(__file__).resolve().parents[2]


def test_generator_is_deterministic_compact_and_concentrated() -> None:
    first = generate_sales(customers=1_000, lines=20_000)
    second = generate_sales(customers=1_000, lines=20_000)
    np.testing.assert_array_equal(first.customer, second.customer)
    np.testing.assert_array_equal(first.amount, second.amount)
    assert first.customer.size == 20_000
    assert first.customer.dtype == np.int32 and first.day.dtype == np.int16
    assert first.amount.dtype == np.float32 and first.cost.dtype == np.float32
    assert first.day.min() >= 0 and first.day.max() < first.days == 3 * 365
    # Every customer bought at least once; revenue is Pareto-like.
    assert np.bincount(first.customer, minlength=1_000).min() >= 1
    revenue = np.sort(np.bincount(first.customer, weights=first.amount))[::-1]
    assert revenue[:200].sum() / revenue.sum() > 0.6
    assert (first.amount < 0).mean() == pytest.approx(0.03, abs=0.01)  # returns


def test_purchase_summary_by_hand() -> None:
    """Customer 0: lines on days 2 (40 + 10), 5 (30), 9 (-5, a return, not a purchase), 10 (20).

    Purchases (days with positive value): 2 (50), 5 (30), 10 (20) -> x = 2, t_x = 10 - 2 = 8,
    T = 12 - 2 = 10, monetary = mean of repeats (30 + 20) / 2 = 25.
    Customer 1: one purchase on day 12 -> x = 0, t_x = 0, T = 0. Customer 2: no lines.
    """
    summary = purchase_summary(
        [0, 0, 0, 0, 0, 1, 0],
        [2, 5, 2, 9, 10, 12, 2],
        [40, 30, 5, -5, 20, 70, 5],
        customers=3,
        observation_end=12,
    )
    assert summary.frequency.tolist() == [2, 0, 0]
    assert summary.recency.tolist() == [8, 0, 0]
    assert summary.T.tolist() == [10, 0, 0]
    assert summary.monetary_value.tolist() == [25, 0, 0]
    assert summary.has_purchases.tolist() == [True, True, False]


def test_small_benchmark_runs_end_to_end() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/bench_scoring.py", "--small", "--repeat", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for step in (
        "RFM summaries",
        "BG/NBD fit",
        "Gamma-Gamma fit",
        "transactional CLV",
        "contractual CLV",
        "Pareto check",
        "relationship quadrants",
        "scorecard",
        "peak memory",
    ):
        assert step in out, step
    assert "lifetimes / ours" in out or "baseline / ours" in out
    assert "Budget (< 60 s, < 1 GiB): met" in out


def test_naive_baseline_without_lifetimes(capsys: pytest.CaptureFixture[str]) -> None:
    """The fallback baseline (used where lifetimes cannot import) prints what it measured."""
    sales = generate_sales(customers=300, lines=6_000)
    summary = purchase_summary(
        sales.customer, sales.day, sales.amount, customers=300, observation_end=sales.days
    )
    buyers = summary.has_purchases
    fit = bgnbd.fit(summary.frequency[buyers], summary.recency[buyers], summary.T[buyers])
    naive_baseline(summary, buyers, 0.01, fit)
    out = capsys.readouterr().out
    assert "pure-Python per-customer BG/NBD log-likelihood" in out
    assert "baseline / ours" in out
