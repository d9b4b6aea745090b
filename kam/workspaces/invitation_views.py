"""The page behind an invitation link: join as a new person, or accept as an existing one."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from kam.tenancy.resolve import SESSION_KEY
from kam.workspaces import selectors, services
from kam.workspaces.forms import NewPersonForm
from kam.workspaces.models import Invitation, Membership

UNUSABLE_REASONS = {
    "unknown": "This invitation link is not valid. Check that you copied the whole link.",
    "expired": "This invitation has expired.",
    "revoked": "This invitation was withdrawn by a workspace admin.",
    "accepted": "This invitation has already been used.",
    "has_account": "An account with this e-mail address exists already: sign in to accept.",
    "other_person": "This invitation was sent to someone else.",
}


def _unusable(request: HttpRequest, reason: str, invitation: Invitation | None) -> HttpResponse:
    return render(
        request,
        "workspaces/invitation_unusable.html",
        {"reason": reason, "message": UNUSABLE_REASONS[reason], "invitation": invitation},
        # 404 for a link that never existed, 410 Gone for one that did.
        status=404 if reason == "unknown" else 410,
    )


def _welcome(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    request.session[SESSION_KEY] = invitation.workspace_id
    user_id = request.user.pk
    joined = (
        Membership.objects.filter(user_id=user_id, workspace_id=invitation.workspace_id).first()
        if user_id is not None
        else None
    )
    if joined is not None:
        services.membership_mark_used(membership=joined)
    messages.success(
        request,
        f"Welcome to {invitation.workspace}."
        f" You joined as {invitation.get_role_display().lower()}.",
    )
    return redirect("home")


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        return _unusable(request, "unknown", None)
    if not invitation.is_pending:
        return _unusable(request, invitation.status, invitation)

    if request.user.is_authenticated:
        if (request.user.email or "").lower() != invitation.email.lower():
            return render(
                request,
                "workspaces/invitation_other_person.html",
                {"invitation": invitation},
                status=403,
            )
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=cast(User, request.user))
            except services.InvitationNotUsable as error:
                return _unusable(request, error.reason, invitation)
            return _welcome(request, invitation)
        return render(request, "workspaces/invitation_accept.html", {"invitation": invitation})

    if services.email_has_account(invitation.email):
        login_url = f"{reverse('login')}?{urlencode({'next': request.path})}"
        return render(
            request,
            "workspaces/invitation_sign_in.html",
            {"invitation": invitation, "login_url": login_url},
        )

    form = NewPersonForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept_as_new_person(
                invitation=invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationNotUsable as error:
            return _unusable(request, error.reason, invitation)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return _welcome(request, invitation)
    return render(
        request, "workspaces/invitation_sign_up.html", {"invitation": invitation, "form": form}
    )
