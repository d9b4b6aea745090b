"""The Open Space itself: created on first sight, deleted whole, and the UPV it feeds.

Every change that can alter the UPV (potential, sales, rows, columns) calls
:func:`upv_feed` in the same transaction, so the account's scores never lag
behind the matrix.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from accounts.models import Customer
from accounts.upv import account_upv_set
from kam.changelog.models import ChangeAction
from kam.concurrency import VersionConflict, delete_if_version
from planning.models import OpenSpace, OpenSpaceCell
from planning.open_space.selectors import Matrix, open_space_matrix
from planning.open_space.services._base import (
    CENT,
    OPEN_SPACE_LABEL,
    _log,
    _unlinked_opportunities,
)
from planning.open_space.upv import UpvBreakdown


@transaction.atomic
def open_space_get_or_create(*, customer: Customer) -> OpenSpace:
    """The account's Open Space, created empty the first time."""
    existing = OpenSpace.objects.select_related("customer", "workspace").filter(
        customer_id=customer.pk
    )
    open_space = existing.first()
    if open_space is not None:
        return open_space
    try:
        with transaction.atomic():
            OpenSpace.objects.create(customer=customer, workspace_id=customer.workspace_id)
    except IntegrityError:
        pass  # Created by someone else a moment ago: use theirs.
    return existing.get()


def upv_feed(*, open_space: OpenSpace) -> UpvBreakdown:
    """Compute the matrix's UPV and store it on the account (which marks its scores dirty)."""
    return _upv_feed_matrix(open_space=open_space).upv


def _upv_feed_matrix(*, open_space: OpenSpace) -> Matrix:
    """:func:`upv_feed`, handing back the whole matrix it computed for callers that show it."""
    matrix = open_space_matrix(open_space)
    account_upv_set(
        workspace=open_space.workspace, customer=open_space.customer, upv=matrix.upv.total
    )
    return matrix


@transaction.atomic
def open_space_delete(*, open_space: OpenSpace, expected_version: int | None = None) -> list[str]:
    """Delete the whole matrix; the account's UPV falls back to its own estimate."""
    warnings = _unlinked_opportunities(OpenSpaceCell.objects.filter(open_space_id=open_space.pk))
    customer = open_space.customer
    workspace = open_space.workspace
    _log(open_space, open_space, ChangeAction.DELETED, label=OPEN_SPACE_LABEL)
    try:
        delete_if_version(open_space, expected_version=expected_version)
    except VersionConflict:
        raise VersionConflict(
            OpenSpace.objects.get(pk=open_space.pk), expected_version or 0
        ) from None
    account_upv_set(workspace=workspace, customer=customer, upv=None)
    return warnings


#: Above this many customers a refresh simply looks at every matrix of the
#: workspace (there are only as many as key accounts) instead of a long IN list.
REFRESH_ALL_ABOVE = 500


def upv_refresh(*, workspace_id: int, customer_ids: Iterable[int] | None = None) -> int:
    """Recompute the UPV of every Open Space of a workspace; returns how many changed.

    Sales lines decide which cells are open, so an import of sales or the turn
    of the year can move UPV without anyone touching a matrix. ``accounts``
    cannot call planning (the dependency points one way); a job or the figures
    run calls this instead. Unchanged values write nothing and mark nothing.
    """
    open_spaces = OpenSpace.objects.filter(workspace_id=workspace_id)
    if customer_ids is not None:
        ids = set(customer_ids)
        if len(ids) <= REFRESH_ALL_ABOVE:
            open_spaces = open_spaces.filter(customer_id__in=ids)
    changed = 0
    for open_space in open_spaces.select_related("customer", "workspace"):
        before = Customer.objects.filter(pk=open_space.customer_id).values_list(
            "upv_open_space", flat=True
        )[0]
        total = upv_feed(open_space=open_space).total
        changed += before is None or before != total.quantize(CENT)
    return changed
