"""Analysis grids: what each role group of a key account worries about and expects.

One grid per key account and role group (buyers, users, deciders, promoters).
Each holds preoccupations and consequences (tangible and intangible),
expectations (current and possible), our assessment and our actions.

Which stakeholders belong to which group (shown beside each grid):

* **deciders**: people with the *decider* role;
* **buyers**: people with the *buyer* role;
* **users**: people with the *user* role;
* **promoters**: influencers, advisors and facilitators who push our proposal
  inside the account, that is who have a promoter type (information provider,
  good buddy, inner salesperson) or a champion/supportive attitude, and are
  not marked as opponents. A person can be in several groups.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Customer
from buying_center.models import AnalysisGrid, Attitude, BuyingRole, RoleGroup, Stakeholder
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import update_if_version
from kam.workspaces.models import Workspace

#: The grid's sections, in reading order: (title, [(field, label, help)]).
GRID_SECTIONS: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        "Preoccupations",
        [
            ("preoccupations_tangible", "Tangible", "Measurable worries: cost, downtime, delays."),
            ("preoccupations_intangible", "Intangible", "Image, comfort, career, risk of blame."),
        ],
    ),
    (
        "Consequences",
        [
            ("consequences_tangible", "Tangible", "What it costs them if the worry comes true."),
            ("consequences_intangible", "Intangible", "What it does to them personally."),
        ],
    ),
    (
        "Expectations",
        [
            ("expectations_current", "Current", "What they expect from suppliers today."),
            ("expectations_possible", "Possible", "What they could come to expect from us."),
        ],
    ),
    (
        "Our view",
        [
            ("assessment", "Assessment", "How well we meet this group's needs today."),
            ("actions", "Actions", "What we will do about it, and who does it."),
        ],
    ),
]
GRID_FIELDS: tuple[str, ...] = tuple(name for _, fields in GRID_SECTIONS for name, _, _ in fields)
GRID_LABELS: dict[str, str] = {
    name: f"{section} ({label.lower()})" if section != "Our view" else label
    for section, fields in GRID_SECTIONS
    for name, label, _ in fields
}
#: Keeps a grid a grid: a few paragraphs per box, not a document.
MAX_TEXT_LENGTH = 4000

ROLE_GROUP_ORDER: tuple[str, ...] = (
    RoleGroup.DECIDERS,
    RoleGroup.BUYERS,
    RoleGroup.USERS,
    RoleGroup.PROMOTERS,
)
PROMOTER_ROLES = frozenset({BuyingRole.INFLUENCER, BuyingRole.ADVISOR, BuyingRole.FACILITATOR})
POSITIVE_ATTITUDES = frozenset({Attitude.CHAMPION, Attitude.SUPPORTIVE})


def role_groups_of(stakeholder: Stakeholder) -> set[str]:
    """The role groups a stakeholder belongs to (see the module docstring)."""
    roles = set(stakeholder.roles or [])
    groups: set[str] = set()
    if BuyingRole.DECIDER in roles:
        groups.add(RoleGroup.DECIDERS)
    if BuyingRole.BUYER in roles:
        groups.add(RoleGroup.BUYERS)
    if BuyingRole.USER in roles:
        groups.add(RoleGroup.USERS)
    if (
        roles & PROMOTER_ROLES
        and not stakeholder.opponent_influencer
        and (stakeholder.promoter_type or stakeholder.attitude in POSITIVE_ATTITUDES)
    ):
        groups.add(RoleGroup.PROMOTERS)
    return groups


def stakeholders_by_role_group(
    *, workspace: Workspace, customer: Customer
) -> dict[str, list[Stakeholder]]:
    """Each role group's people, in one query."""
    grouped: dict[str, list[Stakeholder]] = {group: [] for group in ROLE_GROUP_ORDER}
    for stakeholder in Stakeholder.objects.filter(workspace=workspace, customer=customer).order_by(
        "name", "id"
    ):
        for group in role_groups_of(stakeholder):
            grouped[group].append(stakeholder)
    return grouped


def analysis_grids_of(*, workspace: Workspace, customer: Customer) -> list[AnalysisGrid]:
    """The account's grids in the order the page shows them (deciders first)."""
    grids = AnalysisGrid.objects.filter(workspace=workspace, customer=customer)
    return sorted(grids, key=lambda grid: ROLE_GROUP_ORDER.index(grid.role_group))


@transaction.atomic
def analysis_grids_ensure(*, workspace: Workspace, customer: Customer) -> list[AnalysisGrid]:
    """Make sure the account has its four grids (empty ones are created once).

    ``ignore_conflicts`` because two people may open the page for the first time
    together; the unique constraint keeps one grid per group either way.
    """
    existing = {
        grid.role_group for grid in analysis_grids_of(workspace=workspace, customer=customer)
    }
    missing = [group for group in ROLE_GROUP_ORDER if group not in existing]
    if missing:
        AnalysisGrid.objects.bulk_create(
            [
                AnalysisGrid(workspace=workspace, customer=customer, role_group=group)
                for group in missing
            ],
            ignore_conflicts=True,
        )
    return analysis_grids_of(workspace=workspace, customer=customer)


def _check_changes(changes: Mapping[str, Any]) -> dict[str, str]:
    unknown = set(changes) - set(GRID_FIELDS)
    if unknown:
        raise ValidationError(f"An analysis grid has no field {', '.join(sorted(unknown))}.")
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, value in changes.items():
        text = str(value or "").strip()
        if len(text) > MAX_TEXT_LENGTH:
            errors[name] = (
                f"Keep {GRID_LABELS[name].lower()} under {MAX_TEXT_LENGTH} characters"
                f" (it has {len(text)})."
            )
        cleaned[name] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def analysis_grid_update(
    *,
    workspace: Workspace,
    analysis_grid: AnalysisGrid,
    expected_version: int,
    changes: Mapping[str, Any],
) -> AnalysisGrid:
    """Save ``changes`` if nobody saved the grid since ``expected_version``.

    Raises :class:`kam.concurrency.VersionConflict` otherwise (the caller shows the
    other person's text), and ``ValidationError`` for unknown fields or oversize text.
    """
    assert analysis_grid.workspace_id == workspace.pk
    cleaned = _check_changes(changes)
    before = change_log_values(analysis_grid, cleaned)
    update_if_version(analysis_grid, expected_version=expected_version, changes=cleaned)
    changed = change_log_diff(analysis_grid, before)
    for change in changed:
        change["label"] = GRID_LABELS[change["field"]].lower()
    change_log_record(
        workspace=workspace,
        obj=analysis_grid,
        action=ChangeAction.CHANGED,
        account_id=analysis_grid.customer_id,
        changes=changed,
        label=f"the {analysis_grid.get_role_group_display().lower()} analysis grid",
    )
    return analysis_grid
