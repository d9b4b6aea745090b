"""The scoring package is pure numpy/scipy: it must not pull Django in."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import accounts.scoring

ROOT = Path(__file__).resolve().parents[2]


def test_scoring_modules_import_without_django() -> None:
    modules = [
        f"accounts.scoring.{info.name}" for info in pkgutil.iter_modules(accounts.scoring.__path__)
    ]
    assert {"accounts.scoring.clv", "accounts.scoring.bgnbd", "accounts.scoring.scorecard"} <= set(
        modules
    )
    script = "\n".join(
        [
            "import importlib, sys",
            *(f"importlib.import_module({name!r})" for name in modules),
            "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))",
            "print(','.join(leaked))",
        ]
    )
    # A fresh interpreter: this test process already has Django loaded by pytest-django.
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "", "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"Django imported by scoring: {result.stdout}"
