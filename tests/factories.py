"""Test data: two workspaces with a person of every role, plus an outsider."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
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
    members: dict[str, AbstractUser] = field(default_factory=dict)
    customer: Customer | None = None
    offering: Offering | None = None
    sales_line: SalesLine | None = None
    job: Job | None = None
    invitation: Invitation | None = None
    access_token: AccessToken | None = None
    access_token_secret: str = ""

    def user(self, role: str = Role.ADMIN) -> AbstractUser:
        return self.members[role]


@dataclass
class WorkspaceWorld:
    a: Tenant
    b: Tenant
    outsider: AbstractUser


def make_user(username: str, **extra: object) -> AbstractUser:
    user_model = get_user_model()
    return user_model.objects.create_user(  # type: ignore[attr-defined]
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
