"""Reads for the selling center and its alignment with the buying center (SCAP).

Every function takes the workspace explicitly and filters by it, and none of
them issues a query per person: the pages built on them keep the same number
of queries with 20 or 200 stakeholders.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Customer, CustomerStatus, ValuationSettings
from buying_center.models import RELATIONSHIP_SCORES, BuyingRole, Stakeholder
from kam.workspaces.models import Workspace
from selling_center.connection_level import (
    LevelSuggestion,
    StakeholderCoverage,
    suggest_connection_level,
)
from selling_center.models import (
    REQUIRED_SELLING_ROLES,
    BuyingStage,
    Connection,
    ConnectionLevelDecision,
    EngagementPlan,
    InterfaceAlignment,
    SellingCenterMember,
    SellingRole,
    StageResource,
)

#: Supplier / customer function pairs most key accounts need aligned (domain.md, SCAP).
COMMON_INTERFACE_PAIRS: tuple[tuple[str, str], ...] = (
    ("Shipping", "Receiving"),
    ("Invoicing", "Payables"),
    ("Pre-sales", "RFP team"),
    ("Post-sales", "Users"),
)

#: Who counts as a customer executive (for engagement plans): anyone holding the
#: decider role, or whose title names a senior position. Whole words only, so
#: "Headcount planner" is not a head and "Directory services" not a director.
EXECUTIVE_TITLE = re.compile(
    r"\b(chief|director|vp|vice[- ]president|head|c[efiot]o)\b", re.IGNORECASE
)

#: Buying roles whose stakeholders must have an owner and a positive relationship.
GAP_ROLES = (BuyingRole.DECIDER, BuyingRole.FACILITATOR)


def today() -> datetime.date:
    return timezone.localdate()


def active_on(day: datetime.date) -> Q:
    """Members on the team on ``day``: permanent ones, and temporary ones within their dates."""
    return (Q(starts_on__isnull=True) | Q(starts_on__lte=day)) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )


def is_customer_executive(stakeholder: Stakeholder) -> bool:
    return BuyingRole.DECIDER in (stakeholder.roles or []) or bool(
        EXECUTIVE_TITLE.search(stakeholder.title or "")
    )


def max_accounts_per_kam(*, workspace: Workspace) -> int:
    try:
        from accounts.valuation_settings import valuation_settings_get
    except ImportError:  # pragma: no cover - the settings module is optional
        field_ = ValuationSettings._meta.get_field("max_accounts_per_kam")
        return int(field_.default)
    return int(valuation_settings_get(workspace=workspace).max_accounts_per_kam)


# -- members ------------------------------------------------------------------


def members_of_account(
    *, workspace: Workspace, customer: Customer
) -> QuerySet[SellingCenterMember]:
    return (
        SellingCenterMember.objects.filter(workspace=workspace, customer=customer)
        .select_related("user")
        .order_by("role", "name", "user__last_name", "id")
    )


def workspace_people(*, workspace: Workspace) -> QuerySet[Any]:
    """Active users who are members of ``workspace``: the people a member can be."""
    return (
        get_user_model()
        ._default_manager.filter(memberships__workspace=workspace, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


@dataclass(frozen=True)
class SellingCenterGaps:
    missing_roles: list[tuple[str, str]]
    #: KAMs of this account who hold more key accounts than the workspace allows.
    overloaded_kams: list[OverloadedKam]

    def __bool__(self) -> bool:
        return bool(self.missing_roles or self.overloaded_kams)


def selling_center_gaps(*, workspace: Workspace, customer: Customer) -> SellingCenterGaps:
    """Required roles nobody currently holds, and overloaded KAMs on this account (3 queries)."""
    held = set(
        SellingCenterMember.objects.filter(workspace=workspace, customer=customer)
        .filter(active_on(today()))
        .values_list("role", flat=True)
    )
    missing = [(role.value, role.label) for role in REQUIRED_SELLING_ROLES if role not in held]
    kam_users = set(
        SellingCenterMember.objects.filter(
            workspace=workspace, customer=customer, role=SellingRole.KAM, user__isnull=False
        )
        .filter(active_on(today()))
        .values_list("user_id", flat=True)
    )
    overloaded = [kam for kam in overloaded_kams(workspace=workspace) if kam.user.pk in kam_users]
    return SellingCenterGaps(missing_roles=missing, overloaded_kams=overloaded)


@dataclass
class OverloadedKam:
    user: Any
    limit: int
    accounts: list[Customer] = field(default_factory=list)

    @property
    def account_count(self) -> int:
        return len(self.accounts)

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


def overloaded_kams(*, workspace: Workspace) -> list[OverloadedKam]:
    """Users holding the KAM role on more key accounts than the workspace allows.

    Counts current members only (a temporary KAM whose period ended no longer
    carries the account). Three queries, whatever the number of accounts.
    """
    limit = max_accounts_per_kam(workspace=workspace)
    kam_rows = (
        SellingCenterMember.objects.filter(
            workspace=workspace,
            role=SellingRole.KAM,
            user__isnull=False,
            customer__status=CustomerStatus.KEY_ACCOUNT,
        )
        .filter(active_on(today()))
        .values("user_id")
        .annotate(accounts=Count("customer", distinct=True))
        .filter(accounts__gt=limit)
    )
    user_ids = [row["user_id"] for row in kam_rows]
    if not user_ids:
        return []
    users = {u.pk: u for u in get_user_model()._default_manager.filter(pk__in=user_ids)}
    result = {pk: OverloadedKam(user=users[pk], limit=limit) for pk in user_ids}
    seen: set[tuple[int, int]] = set()
    for member in (
        SellingCenterMember.objects.filter(
            workspace=workspace,
            role=SellingRole.KAM,
            user_id__in=user_ids,
            customer__status=CustomerStatus.KEY_ACCOUNT,
        )
        .filter(active_on(today()))
        .select_related("customer")
        .order_by("customer__name")
    ):
        key = (member.user_id, member.customer_id)
        if key not in seen:
            seen.add(key)
            result[member.user_id].accounts.append(member.customer)
    return sorted(result.values(), key=lambda kam: (-kam.account_count, kam.name))


# -- interface alignment --------------------------------------------------------


def interface_alignments_of(
    *, workspace: Workspace, customer: Customer
) -> QuerySet[InterfaceAlignment]:
    return InterfaceAlignment.objects.filter(workspace=workspace, customer=customer).select_related(
        "owner__user"
    )


def suggested_interface_pairs(*, existing: list[InterfaceAlignment]) -> list[tuple[int, str, str]]:
    """Common pairs not on the account yet, as ``(index, supplier, customer)``."""
    have = {(a.supplier_function.lower(), a.customer_function.lower()) for a in existing}
    return [
        (index, supplier, customer)
        for index, (supplier, customer) in enumerate(COMMON_INTERFACE_PAIRS)
        if (supplier.lower(), customer.lower()) not in have
    ]


# -- connections alignment ----------------------------------------------------


@dataclass
class CoverageCell:
    member: SellingCenterMember
    owner: bool = False
    connection: Connection | None = None

    @property
    def executive_pair(self) -> bool:
        return self.connection is not None and self.connection.executive_pair


@dataclass
class CoverageRow:
    stakeholder: Stakeholder
    cells: list[CoverageCell]
    executive: bool
    gaps: list[str]
    plan: EngagementPlan | None = None

    @property
    def covered(self) -> bool:
        return self.stakeholder.owner_id is not None or any(c.connection for c in self.cells)

    @property
    def role_labels(self) -> list[str]:
        labels = dict(BuyingRole.choices)
        return [str(labels.get(role, role)) for role in self.stakeholder.roles or []]

    @property
    def score_label(self) -> str:
        score = self.stakeholder.relationship_score
        return "not scored" if score is None else RELATIONSHIP_SCORES.get(score, str(score))


@dataclass
class CoverageMatrix:
    members: list[SellingCenterMember]
    rows: list[CoverageRow]

    @property
    def gap_rows(self) -> list[CoverageRow]:
        return [row for row in self.rows if row.gaps]

    @property
    def executives(self) -> list[CoverageRow]:
        return [row for row in self.rows if row.executive]


def stakeholder_gaps(stakeholder: Stakeholder) -> list[str]:
    """Why a decider or facilitator is a gap: nobody owns them, or the relationship is weak."""
    roles = stakeholder.roles or []
    if not any(role in roles for role in GAP_ROLES):
        return []
    gaps = []
    if stakeholder.owner_id is None:
        gaps.append("nobody on our side owns this relationship")
    score = stakeholder.relationship_score
    if score is not None and score <= 0:
        gaps.append("relationship is neutral or worse")
    return gaps


def coverage_matrix(*, workspace: Workspace, customer: Customer) -> CoverageMatrix:
    """Stakeholders x selling-center members, with owners, connections and plans (4 queries)."""
    members = list(members_of_account(workspace=workspace, customer=customer))
    stakeholders = list(
        Stakeholder.objects.filter(workspace=workspace, customer=customer).order_by("name", "id")
    )
    connections: dict[tuple[int, int], Connection] = {
        (c.stakeholder_id, c.member_id): c
        for c in Connection.objects.filter(workspace=workspace, stakeholder__customer=customer)
    }
    plans: dict[int, EngagementPlan] = {}
    for plan in EngagementPlan.objects.filter(
        workspace=workspace, stakeholder__customer=customer
    ).order_by("id"):
        plans.setdefault(plan.stakeholder_id, plan)
    rows = []
    for stakeholder in stakeholders:
        cells = [
            CoverageCell(
                member=member,
                owner=stakeholder.owner_id == member.pk,
                connection=connections.get((stakeholder.pk, member.pk)),
            )
            for member in members
        ]
        rows.append(
            CoverageRow(
                stakeholder=stakeholder,
                cells=cells,
                executive=is_customer_executive(stakeholder),
                gaps=stakeholder_gaps(stakeholder),
                plan=plans.get(stakeholder.pk),
            )
        )
    return CoverageMatrix(members=members, rows=rows)


def coverage_cell(
    *, workspace: Workspace, stakeholder: Stakeholder, member: SellingCenterMember
) -> CoverageCell:
    return CoverageCell(
        member=member,
        owner=stakeholder.owner_id == member.pk,
        connection=Connection.objects.filter(
            workspace=workspace, stakeholder=stakeholder, member=member
        ).first(),
    )


# -- sales-process alignment -------------------------------------------------


@dataclass
class StageRow:
    stage: str
    label: str
    resources: list[StageResource]


def stage_resources_of(*, workspace: Workspace, customer: Customer) -> list[StageRow]:
    """The eight buying stages in order, each with the members assigned to it (1 query)."""
    by_stage: dict[str, list[StageResource]] = defaultdict(list)
    for resource in (
        StageResource.objects.filter(workspace=workspace, customer=customer)
        .select_related("member__user")
        .order_by("id")
    ):
        by_stage[resource.stage].append(resource)
    return [StageRow(stage.value, stage.label, by_stage[stage.value]) for stage in BuyingStage]


def stage_has_resource(*, workspace: Workspace, customer: Customer, stage: str) -> bool:
    """Whether someone on our side is assigned to ``stage`` of this account's buying process.

    For opportunities (planning): an opportunity in a stage nobody covers is a risk.
    """
    return StageResource.objects.filter(
        workspace=workspace, customer=customer, stage=stage
    ).exists()


# -- connection level -----------------------------------------------------------


def connection_level_history(
    *, workspace: Workspace, customer: Customer, limit: int = 10
) -> list[ConnectionLevelDecision]:
    return list(
        ConnectionLevelDecision.objects.filter(workspace=workspace, customer=customer)
        .select_related("decided_by")
        .order_by("-decided_at", "-id")[:limit]
    )


def connection_level_suggestion(*, workspace: Workspace, customer: Customer) -> LevelSuggestion:
    """Read the account's buying center and connections, then apply the diamond rules.

    Three queries; the rules themselves are the pure ``suggest_connection_level``.
    """
    connected = set(
        Connection.objects.filter(workspace=workspace, stakeholder__customer=customer).values_list(
            "stakeholder_id", flat=True
        )
    )
    executive_pairs = Connection.objects.filter(
        workspace=workspace, stakeholder__customer=customer, executive_pair=True
    ).count()
    people = [
        StakeholderCoverage(
            roles=frozenset(roles or []),
            covered=owner_id is not None or pk in connected,
            score=score,
        )
        for pk, roles, owner_id, score in Stakeholder.objects.filter(
            workspace=workspace, customer=customer
        ).values_list("pk", "roles", "owner_id", "relationship_score")
    ]
    return suggest_connection_level(people, executive_pairs=executive_pairs)
