"""Factories for the foundation: workspaces, people, invitations, tokens, jobs, change log."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from factory.django import DjangoModelFactory

from kam.api.tokens import TOKEN_PREFIX, AccessToken, hash_token
from kam.changelog.models import ChangeAction, ChangeLogEntry
from kam.jobs.models import Job, JobTrigger
from kam.workspaces.models import (
    Invitation,
    LoginAttempt,
    Membership,
    MembershipChange,
    Role,
    Workspace,
)
from tests.model_factories.base import PASSWORD, InWorkspaceFactory, member_of_workspace, parent


class WorkspaceFactory(DjangoModelFactory[Workspace]):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"workspace-{n}")


class UserFactory(DjangoModelFactory[User]):
    """A person who can sign in with :data:`PASSWORD`."""

    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"person-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("password", PASSWORD)
        return model_class.objects.create_user(*args, **kwargs)


class MembershipFactory(InWorkspaceFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class InvitationFactory(InWorkspaceFactory[Invitation]):
    """A pending invitation; its link's secret is the ``secret`` parameter."""

    class Meta:
        model = Invitation

    class Params:
        secret = factory.Sequence(lambda n: f"invitation-secret-{n}")

    email = factory.Sequence(lambda n: f"invitee-{n}@example.com")
    role = Role.VIEWER
    invited_by = member_of_workspace()
    token_hash = factory.LazyAttribute(lambda invitation: hash_token(invitation.secret))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


class LoginAttemptFactory(DjangoModelFactory[LoginAttempt]):
    class Meta:
        model = LoginAttempt

    username = factory.Sequence(lambda n: f"person-{n}")


class AccessTokenFactory(InWorkspaceFactory[AccessToken]):
    """An API token of a member of the workspace; ``secret`` is what a client sends."""

    class Meta:
        model = AccessToken

    class Params:
        secret = factory.Sequence(lambda n: f"{TOKEN_PREFIX}test-token-{n:08d}")

    user = member_of_workspace()
    name = "Test token"
    key_prefix = factory.LazyAttribute(lambda token: token.secret[:12])
    key_hash = factory.LazyAttribute(lambda token: hash_token(token.secret))


class MembershipChangeFactory(InWorkspaceFactory[MembershipChange]):
    class Meta:
        model = MembershipChange

    action = MembershipChange.Action.JOINED
    member = member_of_workspace()
    member_label = factory.LazyAttribute(lambda change: change.member.email)
    new_role = Role.MEMBER


class JobFactory(InWorkspaceFactory[Job]):
    class Meta:
        model = Job

    kind = "customer_figures"


class JobTriggerFactory(InWorkspaceFactory[JobTrigger]):
    class Meta:
        model = JobTrigger

    kind = factory.Sequence(lambda n: f"kind-{n}")
    active_job = parent(JobFactory, kind=factory.SelfAttribute("..kind"))


class ChangeLogEntryFactory(InWorkspaceFactory[ChangeLogEntry]):
    """A "created" entry about a customer; ``subject=`` names another object of the workspace.

    Tests of what services log go through the services; this builds an entry to show.
    """

    class Meta:
        model = ChangeLogEntry

    class Params:
        subject = parent("tests.model_factories.accounts.CustomerFactory")

    actor = member_of_workspace()
    actor_name = factory.LazyAttribute(lambda entry: entry.actor.get_username())
    content_type = factory.LazyAttribute(
        lambda entry: ContentType.objects.get_for_model(entry.subject)
    )
    object_id = factory.LazyAttribute(lambda entry: entry.subject.pk)
    object_label = factory.LazyAttribute(lambda entry: str(entry.subject))
    account_id = factory.LazyAttribute(lambda entry: entry.subject.pk)
    action = ChangeAction.CREATED
    sentence = factory.LazyAttribute(
        lambda entry: f"{entry.actor_name} created {entry.object_label}"
    )
