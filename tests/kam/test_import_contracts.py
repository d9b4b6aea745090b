"""The dependency contracts of pyproject.toml hold (the same check as `lint-imports` in CI).

import-linter is a declared dev dependency, so a missing install fails here rather than
passing quietly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter.api import read_configuration
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = str(ROOT / "pyproject.toml")


def test_every_dependency_contract_is_still_declared() -> None:
    contracts = read_configuration(PYPROJECT)["contracts_options"]

    assert {contract["name"] for contract in contracts} >= {
        "kam foundation imports no domain app (only the composition root may)",
        "accounts imports neither center nor planning",
        "buying_center does not import selling_center",
        "pure calculation modules import nothing from Django",
    }


def test_dependency_contracts_hold(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # import-linter finds the packages from the working directory, like the CLI in CI.
    monkeypatch.chdir(ROOT)

    exit_code = lint_imports(config_filename=PYPROJECT, no_cache=True, no_logo=True)

    assert exit_code == 0, capsys.readouterr().out
