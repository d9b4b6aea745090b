"""Test data: two workspaces with a person of every role, plus an outsider."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone

from accounts.models import Customer, Offering, SalesLine
from kam.api.tokens import AccessToken, hash_token
from kam.jobs.models import Job
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Invitation, Membership, Role, Workspace

PASSWORD = "correct-horse-battery-staple"


@dataclass
class Tenant:
    workspace: Workspace
    members: dict[str, User] = field(default_factory=dict)
    customer: Customer | None = None
    offering: Offering | None = None
    sales_line: SalesLine | None = None
    job: Job | None = None
    invitation: Invitation | None = None
    access_token: AccessToken | None = None
    access_token_secret: str = ""

    def user(self, role: str = Role.ADMIN) -> User:
        return self.members[role]


@dataclass
class WorkspaceWorld:
    a: Tenant
    b: Tenant
    outsider: User


def make_user(username: str, **extra: object) -> User:
    user_model = get_user_model()
    return user_model.objects.create_user(
        username=username, email=f"{username}@example.com", password=PASSWORD, **extra
    )


def make_tenant(slug: str) -> Tenant:
    workspace = Workspace.objects.create(name=f"Workspace {slug.upper()}", slug=slug)
    tenant = Tenant(workspace=workspace)
    for role in Role.values:
        user = make_user(f"{slug}-{role}")
        Membership.objects.create(user=user, workspace=workspace, role=role)
        tenant.members[role] = user
    with workspace_context(workspace):
        tenant.customer = Customer.objects.create(
            external_id=f"{slug}-C1", name=f"{slug.upper()} Mining Group", region="North"
        )
        tenant.offering = Offering.objects.create(
            code=f"{slug}-PUMP", name="Pump maintenance", business_unit="Field services"
        )
        tenant.sales_line = SalesLine.objects.create(
            customer=tenant.customer,
            offering=tenant.offering,
            date=datetime.date(2025, 3, 1),
            net_sales=Decimal("1200.00"),
            cost_of_goods=Decimal("700.00"),
            source_key=f"{slug}-L1",
        )
        tenant.job = Job.objects.create(kind="customer_figures", requested_by=tenant.user())
        _one_of_each_model(tenant, slug)
        _change_log_rows(tenant)
    # One row of every model that URLs address by id, so the isolation sweep
    # (tests/kam/test_isolation_sweep.py) can try this workspace's ids elsewhere.
    tenant.invitation = Invitation.objects.create(
        workspace=workspace,
        email=f"{slug}-invitee@example.com",
        role=Role.VIEWER,
        token_hash=hash_token(f"{slug}-invitation-secret"),
        invited_by=tenant.user(),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    tenant.access_token, tenant.access_token_secret = AccessToken.issue(
        user=tenant.user(), workspace=workspace, name="Test token"
    )
    return tenant


def build_world() -> WorkspaceWorld:
    return WorkspaceWorld(a=make_tenant("a"), b=make_tenant("b"), outsider=make_user("outsider"))


def _one_of_each_model(tenant: Tenant, slug: str) -> None:
    """A row of every workspace model that pages or the API address by id.

    Call inside the tenant's workspace context. Kept deliberately small: tests
    that need realistic data build it themselves.
    """
    from accounts.models import (
        CustomerScore,
        ExchangeRate,
        ImportBatch,
        SelectionDecision,
        SelectionReview,
    )
    from buying_center.models import AnalysisGrid, InfluenceLink, Stakeholder, StakeholderChange
    from selling_center.models import (
        Connection,
        ConnectionLevelDecision,
        EngagementPlan,
        InterfaceAlignment,
        SellingCenterMember,
        StageResource,
    )

    customer = tenant.customer
    assert customer is not None
    ExchangeRate.objects.create(currency="NOK", valid_from=datetime.date(2024, 1, 1), rate="0.086")
    CustomerScore.objects.create(customer=customer, currency="EUR", computed_at=timezone.now())
    SelectionDecision.objects.create(
        customer=customer,
        from_status="customer",
        to_status="candidate",
        reason="Large and loyal",
        decided_by=tenant.user(),
    )
    SelectionReview.objects.create(period="2025-Q4", held_by=tenant.user())
    ImportBatch.objects.create(
        kind="customers", file=f"workspaces/{slug}/imports/x.csv", original_name="x.csv", sha256="0"
    )
    kam = SellingCenterMember.objects.create(customer=customer, user=tenant.user("kam"), role="kam")
    decider = Stakeholder.objects.create(
        customer=customer, name=f"{slug.upper()} Plant Director", roles=["decider"], owner=kam
    )
    buyer = Stakeholder.objects.create(
        customer=customer, name=f"{slug.upper()} Buyer", roles=["buyer"], reports_to=decider
    )
    InfluenceLink.objects.create(source=decider, target=buyer, strength=2)
    StakeholderChange.objects.create(
        stakeholder=decider, field="relationship_score", old_value="0", new_value="1"
    )
    AnalysisGrid.objects.create(customer=customer, role_group="buyers")
    InterfaceAlignment.objects.create(
        customer=customer, supplier_function="Invoicing", customer_function="Payables"
    )
    Connection.objects.create(stakeholder=buyer, member=kam)
    EngagementPlan.objects.create(stakeholder=decider, owner=kam, objective="Meet quarterly")
    StageResource.objects.create(customer=customer, stage="need_recognition", member=kam)
    ConnectionLevelDecision.objects.create(
        customer=customer, suggested_level="transactional", level="transactional"
    )
    _one_of_each_planning_model(tenant, slug, decider=decider, kam=kam)


def _one_of_each_planning_model(tenant: Tenant, slug: str, *, decider: Any, kam: Any) -> None:
    from planning.models import (
        ChallengeQuestion,
        CriticalSuccessFactor,
        DecisionCriterion,
        OpenSpace,
        OpenSpaceCell,
        OpenSpaceColumn,
        OpenSpaceSegment,
        Opportunity,
        OpportunityContributor,
        OpportunityTask,
        StakeholderNeed,
        ValueDriver,
    )

    customer = tenant.customer
    csf = CriticalSuccessFactor.objects.create(
        customer=customer, title="Grow exploration in Africa", owner=decider
    )
    open_space = OpenSpace.objects.create(customer=customer)
    segment = OpenSpaceSegment.objects.create(
        open_space=open_space, group="Africa", name="Exploration"
    )
    column = OpenSpaceColumn.objects.create(
        open_space=open_space, offering=tenant.offering, group="Field services"
    )
    OpenSpaceColumn.objects.create(
        open_space=open_space, name="Remote monitoring (idea)", position=1
    )
    cell = OpenSpaceCell.objects.create(
        open_space=open_space,
        segment=segment,
        column=column,
        potential=Decimal("500000"),
        success_factor=csf,
    )
    opportunity = Opportunity.objects.create(
        customer=customer,
        title=f"{slug.upper()} pump fleet upgrade",
        open_space_cell=cell,
        value=Decimal("250000"),
        owner=tenant.user("kam"),
    )
    OpportunityContributor.objects.create(opportunity=opportunity, member=kam)
    StakeholderNeed.objects.create(
        opportunity=opportunity,
        stakeholder=decider,
        kind="concern",
        nature="solution",
        description="Downtime during the changeover",
        severity="high",
    )
    DecisionCriterion.objects.create(
        opportunity=opportunity,
        role="decider",
        stakeholder=decider,
        group="service",
        name="Response time",
        importance=6,
        difference=2,
    )
    ChallengeQuestion.objects.create(
        opportunity=opportunity,
        category="customer_issues",
        question="What is the customer trying to accomplish?",
    )
    ValueDriver.objects.create(
        opportunity=opportunity,
        driver="Less downtime",
        formula="hours * rate",
        inputs={"hours": 100, "rate": 900},
    )
    OpportunityTask.objects.create(opportunity=opportunity, title="Site visit")


def _change_log_rows(tenant: Tenant) -> None:
    """A change-log entry about the tenant's customer (History page, change-log API)."""
    from kam.changelog.models import ChangeAction
    from kam.changelog.services import change_log_record

    assert tenant.customer is not None
    change_log_record(
        workspace=tenant.workspace,
        obj=tenant.customer,
        action=ChangeAction.CREATED,
        account_id=tenant.customer.pk,
        actor=tenant.user(),
    )
