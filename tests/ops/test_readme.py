"""README.md keeps up with the code: commands first, every setting documented."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_the_two_commands_come_first() -> None:
    first_block = README.split("```")[1]
    commands = [line.split()[0] for line in first_block.strip().splitlines()[1:]]
    assert commands == ["scripts/run", "scripts/test"]
    for script in commands:
        assert (ROOT / script).stat().st_mode & 0o111, f"{script} is not executable"


def test_every_environment_variable_of_the_settings_is_documented() -> None:
    settings_source = (ROOT / "kam" / "settings.py").read_text()
    used = set(
        re.findall(
            r'(?:os\.environ\.get|os\.environ\[|env_\w+)\(?\s*"([A-Z][A-Z0-9_]+)"', settings_source
        )
    )
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", README, flags=re.MULTILINE))
    assert used, "no variables found: the pattern no longer matches settings.py"
    assert used - documented == set(), "add these to the configuration table in README.md"


def test_linked_documents_exist() -> None:
    for link in re.findall(r"\]\((docs/[^)]+)\)", README):
        assert (ROOT / link).is_file(), link
