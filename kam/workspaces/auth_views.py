"""Sign-in and password reset: Django's views with our form, templates and links."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.http import HttpResponse

from kam.workspaces import throttling
from kam.workspaces.forms import SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # Links in e-mails must name the public address of the site, not
        # whatever Host header the request arrived with (a proxy's, or an
        # attacker's when the header is forged).
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        # Whoever proved they own the mailbox may sign in again right away,
        # even if someone else's guesses had paused sign-in for this name.
        throttling.clear_failures(username=form.user.get_username())
        return super().form_valid(form)
