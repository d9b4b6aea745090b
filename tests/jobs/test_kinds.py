"""Every job kind the apps declare is registered at start-up and names a real task."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

from django.apps import apps

from kam.jobs.kinds import JobKind, job_kind, registered_job_kinds

PROJECT_APPS = ("kam", "accounts", "buying_center", "selling_center", "planning")
ROOT = Path(__file__).resolve().parents[2]


def _declared_kinds() -> dict[str, JobKind]:
    """Every JobKind constant at module level in the project's apps (migrations aside)."""
    declared: dict[str, JobKind] = {}
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" in module_info.name or module_info.name.endswith(
                (".celery", ".wsgi", ".asgi")
            ):
                continue
            module = importlib.import_module(module_info.name)
            for value in vars(module).values():
                if isinstance(value, JobKind):
                    declared[value.name] = value
    return declared


def test_every_declared_kind_is_registered_and_its_task_loads() -> None:
    declared = _declared_kinds()
    assert {"scores", "customer_figures", "import", "import_check"} <= set(declared)
    for name, kind in declared.items():
        assert job_kind(name) == kind, f"{name} is declared but not registered in ready()"
        task = kind.load_task()
        assert getattr(task, "name", None) == kind.task, name


def test_a_fresh_process_knows_every_kind_from_start_up() -> None:
    """The web process and the worker start Django and look kinds up by name only."""
    script = (
        "import django, json, os;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kam.settings');"
        "import kam.celery;"  # what `celery -A kam worker` imports first
        "django.setup();"
        "from kam.jobs.kinds import registered_job_kinds;"
        "print(json.dumps(sorted(k.name for k in registered_job_kinds())))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    names = json.loads(output.strip().splitlines()[-1])
    assert names == sorted(kind.name for kind in registered_job_kinds() if _is_app_kind(kind))


def _is_app_kind(kind: JobKind) -> bool:
    """Kinds of the project's apps (tests register a few of their own)."""
    return any(kind.task.startswith(f"{app.name}.") for app in apps.get_app_configs()) and (
        not kind.task.startswith("tests.")
    )
