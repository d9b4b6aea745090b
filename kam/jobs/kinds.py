"""The kinds of background job, and which task carries each out.

An app declares its kinds once, at import time of its ``tasks`` module::

    CUSTOMER_FIGURES = register_job_kind(
        "customer_figures", task="accounts.tasks.recompute_customer_figures",
        label="Recomputing customer figures",
    )

Every job task takes ``(workspace_id, job_id)``. The registry is what lets the
debouncer and the periodic re-dispatch send a job knowing only its row.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class JobKind:
    name: str
    task: str
    label: str
    #: Capability needed to start this kind from the page; ``None``: only code starts it.
    start_capability: str | None = None

    def load_task(self) -> object:
        return import_string(self.task)


_KINDS: dict[str, JobKind] = {}

#: Modules that declare job kinds; imported on first lookup so that a web
#: process which never imported them can still dispatch their jobs.
KIND_MODULES = ("accounts.tasks", "accounts.imports.tasks")


def register_job_kind(
    name: str, *, task: str, label: str, start_capability: str | None = None
) -> JobKind:
    kind = JobKind(name=name, task=task, label=label, start_capability=start_capability)
    existing = _KINDS.get(name)
    if existing is not None and existing != kind:
        raise ValueError(f"job kind {name!r} is already registered for {existing.task}")
    _KINDS[name] = kind
    return kind


def job_kind(name: str) -> JobKind:
    if name not in _KINDS:
        for module in KIND_MODULES:
            importlib.import_module(module)
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"unknown job kind {name!r}") from None


def job_kind_label(name: str) -> str:
    try:
        return job_kind(name).label
    except LookupError:
        return name.replace("_", " ").capitalize()
