"""The recompute benchmark's small mode runs on the configured database."""

from __future__ import annotations

import pytest

from benchmarks.bench_recompute import run_benchmark


@pytest.mark.django_db
def test_small_benchmark_scores_every_generated_customer(capsys: pytest.CaptureFixture) -> None:
    figures = run_benchmark(customers=200, lines=4_000, repeat=1, slug="bench-test")
    assert figures["stored"] == 200
    assert figures["full recompute"] > 0
    assert "Budget" in capsys.readouterr().out
