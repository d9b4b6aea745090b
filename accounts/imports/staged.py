"""What the import steps hand each other: the staged file, progress and results.

The leaf of ``accounts.imports``: the check (``validation``) writes
``staged.csv`` in the column order of :func:`staged_fields`; the counting
(``changes``), the apply (``apply``) and the COPY backend (``copy``) read it and
answer with the result types here. Every step imports this module, none of
them imports another step for its types, so the graph runs one way::

    services -> validation, rekey -> changes -> copy -> staged
    job -> rekey, apply -> copy -> staged
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from accounts.imports.fields import fields_for
from accounts.models import ImportKind

#: Called with the number of rows read (check) or written (apply) so far. The
#: one way a step reports how far it got; a caller may also stop the step by
#: raising from it (the transaction around the apply then rolls everything back).
Progress = Callable[[int], None]

#: The amount columns of a sales line (blank in the file: 0, except net sales).
SALES_AMOUNTS = (
    "quantity",
    "net_sales",
    "cost_of_goods",
    "cost_presale",
    "cost_kam",
    "cost_relationship",
    "cost_admin",
    "cost_trade_credit",
    "cost_delivery",
    "cost_service",
)


def staged_fields(kind: str) -> tuple[str, ...]:
    """Column order of ``staged.csv``; sales lines start with their source key."""
    names = tuple(spec.name for spec in fields_for(kind) if spec.name != "line_id")
    return ("source_key", *names) if kind == ImportKind.SALES_LINES else names


@dataclass(frozen=True)
class WorkFiles:
    """Where the check of one batch writes its staged rows and its error report."""

    directory: Path

    @property
    def staged(self) -> Path:
        return self.directory / "staged.csv"

    @property
    def errors(self) -> Path:
        return self.directory / "errors.csv"


@dataclass
class CheckResult:
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: int = 0
    valid: int = 0
    #: New lines whose content matches a stored line under another key (see ``rekey``).
    rekeyed: int = 0
    first_errors: list[dict[str, Any]] = field(default_factory=list)
    preview: list[dict[str, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    date_format: str = "auto"
    decimal_separator: str = "."

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ApplyResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    customer_ids: set[int] = field(default_factory=set)
    all_customers: bool = False

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


class DataChanged(Exception):
    """Rows the check accepted no longer fit (someone changed the workspace since)."""
