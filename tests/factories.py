"""The cast: two workspaces with a person of every role, plus an outsider.

Every row is built with the factories of :mod:`tests.model_factories` (one per
model), so there is one way to build test data. Tests reach the people by role
(``world.a.kam``, ``world.b.user("viewer")``); user names are ``<slug>-<role>``
(``a-kam``) and every one signs in with :data:`PASSWORD`.

Pages show a person's full name when they have one, and many tests assert the
user name on pages ("a-member changed Anna Berg"), so the ``world`` people have
no display names. The ``cast`` fixture is the same world with its names given:
workspace A is Nordhavn Industrial Services, where Karin Dahl is the KAM and Erik
Lindgren the executive (:data:`CAST`); use it for tests that read like a story.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User

from accounts.models import Customer, Offering, SalesLine
from kam.api.tokens import AccessToken
from kam.jobs.models import Job
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Invitation, Role, Workspace
from tests.model_factories import PASSWORD
from tests.model_factories import accounts as accounts_factories
from tests.model_factories import buying_center as buying_factories
from tests.model_factories import kam as kam_factories
from tests.model_factories import planning as planning_factories
from tests.model_factories import selling_center as selling_factories

__all__ = [
    "CAST",
    "PASSWORD",
    "Tenant",
    "WorkspaceWorld",
    "build_world",
    "make_tenant",
    "make_user",
    "name_the_cast",
]


@dataclass(frozen=True)
class CastWorkspace:
    """Who works in one of the two test workspaces: first and last name by role."""

    name: str
    people: dict[str, tuple[str, str]]


#: The names :func:`name_the_cast` gives; user names stay "a-kam" and so on.
CAST: dict[str, CastWorkspace] = {
    "a": CastWorkspace(
        name="Nordhavn Industrial Services",
        people={
            Role.ADMIN: ("Ingrid", "Holm"),
            Role.EXECUTIVE: ("Erik", "Lindgren"),
            Role.KAM: ("Karin", "Dahl"),
            Role.MEMBER: ("Mats", "Ek"),
            Role.VIEWER: ("Vera", "Nyberg"),
        },
    ),
    "b": CastWorkspace(
        name="Solberg Process Engineering",
        people={
            Role.ADMIN: ("Anders", "Aasen"),
            Role.EXECUTIVE: ("Hanne", "Strand"),
            Role.KAM: ("Per", "Vik"),
            Role.MEMBER: ("Siri", "Moen"),
            Role.VIEWER: ("Tor", "Engen"),
        },
    ),
}
OUTSIDER_NAME = ("Olav", "Utne")


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

    @property
    def admin(self) -> User:
        return self.members[Role.ADMIN]

    @property
    def executive(self) -> User:
        return self.members[Role.EXECUTIVE]

    @property
    def kam(self) -> User:
        return self.members[Role.KAM]

    @property
    def member(self) -> User:
        return self.members[Role.MEMBER]

    @property
    def viewer(self) -> User:
        return self.members[Role.VIEWER]


@dataclass
class WorkspaceWorld:
    a: Tenant
    b: Tenant
    outsider: User


def make_user(username: str, **extra: object) -> User:
    return kam_factories.UserFactory.create(username=username, **extra)


def make_tenant(slug: str) -> Tenant:
    workspace = kam_factories.WorkspaceFactory.create(name=f"Workspace {slug.upper()}", slug=slug)
    tenant = Tenant(workspace=workspace)
    for role in Role.values:
        user = make_user(f"{slug}-{role}")
        kam_factories.MembershipFactory.create(workspace=workspace, user=user, role=role)
        tenant.members[role] = user
    with workspace_context(workspace):
        tenant.customer = accounts_factories.CustomerFactory.create(
            external_id=f"{slug}-C1", name=f"{slug.upper()} Mining Group", region="North"
        )
        tenant.offering = accounts_factories.OfferingFactory.create(
            code=f"{slug}-PUMP", name="Pump maintenance", business_unit="Field services"
        )
        tenant.sales_line = accounts_factories.SalesLineFactory.create(
            customer=tenant.customer, offering=tenant.offering, source_key=f"{slug}-L1"
        )
        tenant.job = kam_factories.JobFactory.create(requested_by=tenant.admin)
        _one_of_each_model(tenant, slug)
        _change_log_rows(tenant)
    # One row of every model that URLs address by id, so pages and the API have
    # something of this workspace to show (the isolation sweep builds its own).
    tenant.invitation = kam_factories.InvitationFactory.create(
        workspace=workspace,
        email=f"{slug}-invitee@example.com",
        secret=f"{slug}-invitation-secret",
        invited_by=tenant.admin,
    )
    tenant.access_token_secret = f"kam_{slug}-test-token-secret-0123456789"
    tenant.access_token = kam_factories.AccessTokenFactory.create(
        workspace=workspace, user=tenant.admin, secret=tenant.access_token_secret
    )
    return tenant


def build_world() -> WorkspaceWorld:
    return WorkspaceWorld(a=make_tenant("a"), b=make_tenant("b"), outsider=make_user("outsider"))


def name_the_cast(world: WorkspaceWorld) -> WorkspaceWorld:
    """Give the world's workspaces and people the names of :data:`CAST` (user names stay)."""
    for slug, tenant in (("a", world.a), ("b", world.b)):
        cast = CAST[slug]
        tenant.workspace.name = cast.name
        tenant.workspace.save(update_fields=["name"])
        for role, (first_name, last_name) in cast.people.items():
            user = tenant.members[role]
            user.first_name, user.last_name = first_name, last_name
            user.save(update_fields=["first_name", "last_name"])
    world.outsider.first_name, world.outsider.last_name = OUTSIDER_NAME
    world.outsider.save(update_fields=["first_name", "last_name"])
    return world


def _one_of_each_model(tenant: Tenant, slug: str) -> None:
    """A row of every workspace model that pages or the API address by id.

    Call inside the tenant's workspace context. Kept deliberately small: tests
    that need realistic data build it themselves.
    """
    customer = tenant.customer
    assert customer is not None
    accounts_factories.ExchangeRateFactory.create(valid_from=datetime.date(2024, 1, 1))
    accounts_factories.CustomerScoreFactory.create(customer=customer)
    accounts_factories.SelectionDecisionFactory.create(customer=customer, decided_by=tenant.admin)
    accounts_factories.SelectionReviewFactory.create(period="2025-Q4", held_by=tenant.admin)
    accounts_factories.ImportBatchFactory.create(
        file=f"workspaces/{slug}/imports/x.csv",
        original_name="x.csv",
        sha256="0",
        created_by=tenant.admin,
    )
    kam = selling_factories.SellingCenterMemberFactory.create(customer=customer, user=tenant.kam)
    decider = buying_factories.StakeholderFactory.create(
        customer=customer, name=f"{slug.upper()} Plant Director", roles=["decider"], owner=kam
    )
    buyer = buying_factories.StakeholderFactory.create(
        customer=customer, name=f"{slug.upper()} Buyer", roles=["buyer"], reports_to=decider
    )
    buying_factories.InfluenceLinkFactory.create(source=decider, target=buyer)
    buying_factories.StakeholderChangeFactory.create(stakeholder=decider, changed_by=tenant.kam)
    buying_factories.AnalysisGridFactory.create(customer=customer, role_group="buyers")
    selling_factories.InterfaceAlignmentFactory.create(customer=customer)
    selling_factories.ConnectionFactory.create(stakeholder=buyer, member=kam)
    selling_factories.EngagementPlanFactory.create(stakeholder=decider, owner=kam)
    selling_factories.StageResourceFactory.create(customer=customer, member=kam)
    selling_factories.ConnectionLevelDecisionFactory.create(
        customer=customer, decided_by=tenant.kam
    )
    _one_of_each_planning_model(tenant, slug, decider=decider, kam=kam)


def _one_of_each_planning_model(tenant: Tenant, slug: str, *, decider: Any, kam: Any) -> None:
    customer = tenant.customer
    csf = planning_factories.CriticalSuccessFactorFactory.create(
        customer=customer, title="Grow exploration in Africa", owner=decider
    )
    open_space = planning_factories.OpenSpaceFactory.create(customer=customer)
    segment = planning_factories.OpenSpaceSegmentFactory.create(
        open_space=open_space, group="Africa", name="Exploration"
    )
    column = planning_factories.OpenSpaceColumnFactory.create(
        open_space=open_space, offering=tenant.offering, group="Field services"
    )
    planning_factories.OpenSpaceColumnFactory.create(
        open_space=open_space, offering=None, name="Remote monitoring (idea)", position=1
    )
    cell = planning_factories.OpenSpaceCellFactory.create(
        open_space=open_space, segment=segment, column=column, success_factor=csf
    )
    opportunity = planning_factories.OpportunityFactory.create(
        customer=customer,
        title=f"{slug.upper()} pump fleet upgrade",
        open_space_cell=cell,
        owner=tenant.kam,
    )
    planning_factories.OpportunityContributorFactory.create(opportunity=opportunity, member=kam)
    planning_factories.StakeholderNeedFactory.create(opportunity=opportunity, stakeholder=decider)
    planning_factories.DecisionCriterionFactory.create(
        opportunity=opportunity,
        role="decider",
        stakeholder=decider,
        name="Response time",
    )
    planning_factories.ChallengeQuestionFactory.create(opportunity=opportunity)
    planning_factories.ValueDriverFactory.create(opportunity=opportunity)
    planning_factories.OpportunityTaskFactory.create(opportunity=opportunity, title="Site visit")


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
