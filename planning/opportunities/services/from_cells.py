"""From an Open Space cell to a push opportunity in one step."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.models import Customer
from kam.workspaces.models import Workspace
from planning.models import (
    GrowthType,
    OpenSpaceCell,
    Opportunity,
    OpportunityState,
    Origin,
)
from planning.opportunities.services.checks import (
    _check_workspace,
    check_cell,
)
from planning.opportunities.services.opportunities import opportunity_create


def cell_title(cell: OpenSpaceCell) -> str:
    """ "<offering or co-creation label> for <segment>", the title of a push opportunity."""
    return f"{cell.column.label} for {cell.segment.name}"[:200]


def growth_type_for_cell(cell: OpenSpaceCell, *, today: datetime.date | None = None) -> str:
    """Expand, extend or enhance, from what the account already buys (the Open Space sales).

    The rule, the same one the UPV uses (planning/open_space/upv.py):

    * the cell itself had sales last year: we sell more of what this segment
      already buys: **enhance**;
    * the column's offering is sold to this account in some other segment: the
      same offering reaches new parts of the customer (up-sell): **expand**;
    * the offering is sold nowhere at this account, or it is a co-creation
      idea not in our catalog (cross-sell / co-creation): **extend**.

    Sales come from ``open_space_matrix`` (sales lines where they match,
    otherwise the entered sales), so the answer agrees with the matrix on screen.
    """
    from planning.open_space.selectors import open_space_matrix
    from planning.open_space.upv import incumbent_columns

    matrix = open_space_matrix(cell.open_space, today=today)
    view = matrix.cells.get((cell.segment_id, cell.column_id))
    if view is not None and not view.is_open:
        return GrowthType.ENHANCE
    if cell.column.is_co_creation:
        return GrowthType.EXTEND
    if cell.column_id in incumbent_columns(matrix.cells.values()):
        return GrowthType.EXPAND
    return GrowthType.EXTEND


@transaction.atomic
def opportunity_create_from_cell(
    *, workspace: Workspace, customer: Customer, cell: OpenSpaceCell, user: Any
) -> Opportunity:
    """One step from an Open Space cell to a push opportunity owned by ``user``."""
    _check_workspace(workspace, customer, "Account", "customer")
    check_cell(workspace=workspace, customer=customer, cell=cell)
    cell = (
        OpenSpaceCell.objects.select_related(
            "open_space__customer", "open_space__workspace", "segment", "column__offering"
        )
        .filter(workspace=workspace)
        .get(pk=cell.pk)
    )
    return opportunity_create(
        workspace=workspace,
        customer=customer,
        title=cell_title(cell),
        origin=Origin.PUSH,
        state=OpportunityState.EARLY_STAGE,
        value=cell.potential or Decimal("0"),
        growth_type=growth_type_for_cell(cell),
        owner=user,
        open_space_cell=cell,
    )
