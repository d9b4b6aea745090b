"""The kinds of background job, and which task carries each out.

An app declares its kinds as :class:`JobKind` constants and registers them
from its ``AppConfig.ready()``::

    SCORES = JobKind(name="scores", task="accounts.tasks.recompute_scores",
                     label="Recomputing customer scores")

    class AccountsConfig(AppConfig):
        def ready(self) -> None:
            register_job_kind(SCORES)

``ready()`` runs in every process Django starts (web, Celery worker and beat,
management commands), so a lookup finds every kind without this module
knowing any app. Every job task takes ``(workspace_id, job_id)``. The registry
is what lets the debouncer and the periodic re-dispatch send a job knowing
only its row.
"""

from __future__ import annotations

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


def register_job_kind(kind: JobKind) -> JobKind:
    """Make ``kind`` known by its name; registering the same kind again is harmless."""
    existing = _KINDS.get(kind.name)
    if existing is not None and existing != kind:
        raise ValueError(f"job kind {kind.name!r} is already registered for {existing.task}")
    _KINDS[kind.name] = kind
    return kind


def registered_job_kinds() -> list[JobKind]:
    """Every registered kind, by name."""
    return sorted(_KINDS.values(), key=lambda kind: kind.name)


def job_kind(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"unknown job kind {name!r}") from None


def job_kind_label(name: str) -> str:
    try:
        return job_kind(name).label
    except LookupError:
        return name.replace("_", " ").capitalize()
