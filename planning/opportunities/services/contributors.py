"""Contributors of an opportunity: who of the selling center helps, with what, until when."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_values
from kam.concurrency import VersionConflict, delete_if_version
from kam.workspaces.models import Workspace
from planning.models import (
    Opportunity,
    OpportunityContributor,
)
from planning.opportunities.services.checks import (
    _check_workspace,
    _only,
    check_member,
)
from planning.opportunities.services.opportunities import opportunity_row_log

CONTRIBUTOR_FIELDS = frozenset({"member", "contribution", "until"})


def _clean_contributor(
    workspace: Workspace,
    opportunity: Opportunity,
    state: dict[str, Any],
    *,
    exclude_pk: int | None = None,
) -> dict[str, Any]:
    member = state.get("member")
    if member is None:
        raise ValidationError({"member": "Choose a member of the account's selling center."})
    check_member(workspace=workspace, customer=opportunity.customer, member=member, field="member")
    taken = OpportunityContributor.objects.filter(
        workspace=workspace, opportunity=opportunity, member=member
    ).exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {"member": f"{member} already contributes to this opportunity; edit that line."}
        )
    state["contribution"] = str(state.get("contribution") or "").strip()[:200]
    until = state.get("until")
    if until is not None and not isinstance(until, datetime.date):
        raise ValidationError({"until": "Give the end of the help as a date."})
    return state


@transaction.atomic
def contributor_create(
    *, workspace: Workspace, opportunity: Opportunity, **fields: Any
) -> OpportunityContributor:
    changes = _only(fields, CONTRIBUTOR_FIELDS, "a contributor")
    _check_workspace(workspace, opportunity, "Opportunity", "opportunity")
    clean = _clean_contributor(workspace, opportunity, changes)
    row = OpportunityContributor(workspace=workspace, opportunity=opportunity, **clean)
    row.save()
    opportunity_row_log(
        workspace=workspace,
        row=row,
        action=ChangeAction.CREATED,
        label=str(row.member.display_name),
    )
    return row


@transaction.atomic
def contributor_update(
    *,
    workspace: Workspace,
    contributor: OpportunityContributor,
    expected: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    **fields: Any,
) -> OpportunityContributor:
    """Change a contributor line; a stale edit is refused and nothing is written.

    Two ways to say what the editor started from: the API sends the row's
    ``expected_version`` (its ETag; a mismatch raises ``VersionConflict``), the
    page form sends the values it showed (``expected``: member id, contribution,
    until; a mismatch raises ``ContributorChanged`` so the form can show both).
    Both are checked under a row lock, and every write moves the version on.
    """
    changes = _only(fields, CONTRIBUTOR_FIELDS, "a contributor")
    _check_workspace(workspace, contributor, "Contributor", "opportunity_contributor")
    locked = (
        OpportunityContributor.objects.select_for_update()
        .filter(workspace=workspace, pk=contributor.pk)
        .first()
    )
    if locked is None or (expected is not None and contributor_snapshot(locked) != dict(expected)):
        raise ContributorChanged(locked)
    if expected_version is not None and locked.version != expected_version:
        raise VersionConflict(locked, expected_version)
    current = {"member": locked.member, "contribution": locked.contribution, "until": locked.until}
    clean = _clean_contributor(
        workspace, contributor.opportunity, {**current, **changes}, exclude_pk=contributor.pk
    )
    before = change_log_values(locked, clean)
    for name, value in clean.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    opportunity_row_log(
        workspace=workspace,
        row=locked,
        action=ChangeAction.CHANGED,
        label=locked.member.display_name,
        before=before,
    )
    return locked


class ContributorChanged(Exception):
    """Someone changed or removed the contributor line since the editor read it."""

    def __init__(self, current: OpportunityContributor | None) -> None:
        super().__init__("contributor changed meanwhile")
        self.current = current


def contributor_snapshot(row: OpportunityContributor) -> dict[str, Any]:
    """What an editor started from: compared on save instead of a version."""
    return {
        "member": row.member_id,
        "contribution": row.contribution,
        "until": row.until.isoformat() if row.until else "",
    }


def contributor_delete(
    *,
    workspace: Workspace,
    contributor: OpportunityContributor,
    expected_version: int | None = None,
) -> None:
    _check_workspace(workspace, contributor, "Contributor", "opportunity_contributor")
    with transaction.atomic():
        opportunity_row_log(
            workspace=workspace,
            row=contributor,
            action=ChangeAction.DELETED,
            label=contributor.member.display_name,
        )
        delete_if_version(contributor, expected_version=expected_version)
