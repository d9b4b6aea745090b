"""Forms for signing in, inviting people, changing roles and accepting invitations."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from kam.workspaces import throttling
from kam.workspaces.models import Role

User = get_user_model()


def resolve_username(identifier: str) -> str:
    """The stored user name for what someone typed: a user name or an e-mail address.

    Case does not matter to people, so a case-insensitive match is accepted
    when no exact one exists. An unknown identifier is returned unchanged, so
    it is throttled like a real one and nobody learns which names exist.
    """
    identifier = identifier.strip()
    if User.objects.filter(username=identifier).exists():
        return identifier
    by_username = list(User.objects.filter(username__iexact=identifier)[:2])
    if len(by_username) == 1:
        return by_username[0].get_username()
    if "@" in identifier:
        by_email = list(User.objects.filter(email__iexact=identifier)[:2])
        if len(by_email) == 1:
            return by_email[0].get_username()
    return identifier


def _client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label="User name or e-mail address",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": (
            "That user name or e-mail address and password do not match. Check both and try again."
        ),
        "inactive": "This account is switched off. Ask a workspace admin to switch it on again.",
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        # Django sizes the field for user names; e-mail addresses may be longer.
        username_field = cast(forms.CharField, self.fields["username"])
        username_field.max_length = 254
        username_field.widget.attrs["maxlength"] = "254"

    def clean(self) -> dict[str, Any]:
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not identifier or not password:
            return self.cleaned_data
        username = resolve_username(identifier)
        lockout = throttling.lockout_for(username)
        if lockout is not None:
            raise ValidationError(
                "Too many failed sign-ins for this user name. For your safety, sign-in is"
                " paused: try again in %(wait)s. If you forgot your password, reset it below.",
                code="locked",
                params={"wait": lockout.wait_in_words},
            )
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            throttling.record_failure(username=username, ip_address=_client_address(self.request))
            raise self._invalid_login_error(username)
        self.confirm_login_allowed(self.user_cache)
        throttling.clear_failures(username=username)
        return self.cleaned_data

    def _invalid_login_error(self, username: str) -> ValidationError:
        left = throttling.attempts_left(username)
        message = self.error_messages["invalid_login"]
        if left == 0:
            lockout = throttling.lockout_for(username)
            wait = lockout.wait_in_words if lockout else "a few minutes"
            message += f" Sign-in for this user name is now paused for {wait}."
        elif left <= 2:
            attempts = "attempt" if left == 1 else "attempts"
            message += f" {left} more failed {attempts} will pause sign-in for a while."
        return ValidationError(message, code="invalid_login")


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        help_text="We send a link to this address. It works once and expires after a few days.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        initial=Role.MEMBER,
        help_text="What the person may do once they join. You can change it later.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The form sits below the members list: focus it only when it comes
        # back with a mistake to fix, not on every visit to the page.
        if self.is_bound:
            self.fields["email"].widget.attrs["autofocus"] = True
        days = settings.INVITATION_VALID_DAYS
        self.fields["email"].help_text = (
            "We send a link to this address. It works once and expires after"
            f" {days} day{'s' if days != 1 else ''}."
        )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class NewPersonForm(forms.Form):
    """Someone without an account joins through an invitation."""

    name = forms.CharField(
        label="Your name",
        max_length=150,
        help_text="Shown to your colleagues, for example on account teams.",
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Type the same password again, to catch typing mistakes.",
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Please type your name.", code="required")
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords are different. Type them again.")
        elif password1:
            first, _, last = cleaned.get("name", "").partition(" ")
            candidate = User(
                username=self.email, email=self.email, first_name=first, last_name=last
            )
            try:
                password_validation.validate_password(password1, user=candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
