"""The old signature of the cell-to-opportunity service, for the page views only.

``planning/opportunities/views.py`` is being rewritten on another branch and still
calls ``services.create_from_cell(customer=..., cell=..., user=...)``. Once it
calls :func:`~planning.opportunities.services.from_cells.opportunity_create_from_cell`,
delete this module and its re-export in ``__init__``.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Customer
from planning.models import OpenSpaceCell, Opportunity
from planning.opportunities.services.from_cells import opportunity_create_from_cell


def create_from_cell(*, customer: Customer, cell: OpenSpaceCell, user: Any) -> Opportunity:
    return opportunity_create_from_cell(
        workspace=customer.workspace, customer=customer, cell=cell, user=user
    )
