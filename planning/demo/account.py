"""One key account as the planning demo fills it in, step by step."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Customer
from buying_center.models import Stakeholder
from planning.models import (
    CriticalSuccessFactor,
    OpenSpace,
    OpenSpaceCell,
    OpenSpaceColumn,
    OpenSpaceSegment,
    Opportunity,
)
from selling_center.models import SellingCenterMember


@dataclass
class _Account:
    customer: Customer
    stakeholders: list[Stakeholder]
    members: list[SellingCenterMember]
    open_space: OpenSpace | None = None
    segments: list[OpenSpaceSegment] = field(default_factory=list)
    columns: list[OpenSpaceColumn] = field(default_factory=list)
    csfs: list[CriticalSuccessFactor] = field(default_factory=list)
    cells: list[OpenSpaceCell] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)


def _round(amount: float, step: int = 5000) -> Decimal:
    return Decimal(max(step, round(amount / step) * step))
