"""Workspace switching and the members page (roles, removals, invitations)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kam.permissions import ROLE_SUMMARIES, Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.resolve import SESSION_KEY
from kam.tenancy.views import workspace_get_object_or_404, workspace_view
from kam.workspaces import selectors, services
from kam.workspaces.forms import InvitationForm, RoleChangeForm
from kam.workspaces.models import Invitation, Membership, Role


def _actor(request: HttpRequest) -> User:
    """The signed-in person making a change (the view decorator has checked it)."""
    return cast(User, request.user)


@require_POST
def workspace_switch(request: HttpRequest) -> HttpResponse:
    """Work in another of the person's workspaces from now on."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        workspace_id = int(request.POST.get("workspace_id", ""))
    except ValueError:
        raise Http404("No such workspace") from None
    # Only the person's own memberships are looked in: any other workspace id
    # answers 404, exactly like one that does not exist.
    membership = get_object_or_404(
        selectors.memberships_of(_actor(request)), workspace_id=workspace_id
    )
    request.session[SESSION_KEY] = membership.workspace_id
    services.membership_mark_used(membership=membership)
    messages.success(request, f"You are now working in {membership.workspace}.")
    return redirect("home")


def _render_members(
    request: WorkspaceRequest, invitation_form: InvitationForm, status: int = 200
) -> HttpResponse:
    workspace = request.workspace
    return render(
        request,
        "workspaces/members.html",
        {
            "members": selectors.members_of(workspace),
            "invitations": selectors.pending_invitations(workspace),
            "history": selectors.membership_history(workspace),
            "invitation_form": invitation_form,
            "role_choices": Role.choices,
            "roles": [(label, ROLE_SUMMARIES[value]) for value, label in Role.choices],
        },
        status=status,
    )


@workspace_view(Capability.MANAGE_MEMBERS)
def members(request: WorkspaceRequest) -> HttpResponse:
    return _render_members(request, InvitationForm())


@workspace_view(Capability.MANAGE_MEMBERS)
@require_POST
def member_role(request: WorkspaceRequest, membership_id: int) -> HttpResponse:
    workspace = request.workspace
    membership = workspace_get_object_or_404(
        workspace, Membership.objects.select_related("user"), pk=membership_id
    )
    form = RoleChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles in the list.")
        return redirect("members")
    try:
        membership = services.membership_change_role(
            workspace=workspace,
            membership=membership,
            role=form.cleaned_data["role"],
            changed_by=_actor(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{services.person_label(membership.user)} is now"
            f" {membership.get_role_display().lower()}.",
        )
    return redirect("members")


@workspace_view(Capability.MANAGE_MEMBERS)
@require_POST
def member_remove(request: WorkspaceRequest, membership_id: int) -> HttpResponse:
    workspace = request.workspace
    membership = workspace_get_object_or_404(
        workspace, Membership.objects.select_related("user"), pk=membership_id
    )
    try:
        services.membership_remove(
            workspace=workspace, membership=membership, removed_by=_actor(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("members")
    if membership.user_id == request.user.pk:
        messages.success(request, f"You left {workspace}.")
        return redirect("home")
    messages.success(
        request, f"{services.person_label(membership.user)} no longer has access to {workspace}."
    )
    return redirect("members")


@workspace_view(Capability.MANAGE_MEMBERS)
@require_POST
def invitation_create(request: WorkspaceRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _render_members(request, form)
    try:
        invitation, _token = services.invitation_create(
            workspace=request.workspace,
            invited_by=_actor(request),
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _render_members(request, form)
    messages.success(
        request,
        f"Invitation sent to {invitation.email}. The link works for"
        f" {(invitation.expires_at - invitation.created_at).days} days.",
    )
    return redirect("members")


@workspace_view(Capability.MANAGE_MEMBERS)
@require_POST
def invitation_revoke(request: WorkspaceRequest, invitation_id: int) -> HttpResponse:
    workspace = request.workspace
    invitation = workspace_get_object_or_404(workspace, Invitation, pk=invitation_id)
    try:
        services.invitation_revoke(
            workspace=workspace, invitation=invitation, revoked_by=_actor(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The invitation for {invitation.email} no longer works.")
    return redirect("members")
