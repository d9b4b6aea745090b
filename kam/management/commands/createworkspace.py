"""``manage.py createworkspace "Name" --admin email``: a company starts with its own data.

Creates an empty workspace and its first admin, the one person who can then
import data and invite the team from the app. The admin gets in one of three
ways:

* someone who already has an account (same e-mail) becomes admin at once;
* by default, an invitation: the link is printed (and e-mailed, when mail is
  set up), and opening it lets the person choose a name and password;
* with ``--password``, the account is created here, with a password typed at a
  prompt (twice, checked by the password rules), for set-ups without e-mail.
"""

from __future__ import annotations

import getpass
import re
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from kam.workspaces.models import Membership, Role, Workspace
from kam.workspaces.services import invitation_create, invitation_url

PASSWORD_ATTEMPTS = 3


class Command(BaseCommand):
    help = (
        "Create an empty workspace and its first admin: an invitation link is printed (or,"
        " with --password, the account is created with a password you type)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help='The company\'s name, e.g. "Acme Pumps GmbH".')
        parser.add_argument(
            "--admin", required=True, help="E-mail address of the workspace's first admin."
        )
        parser.add_argument(
            "--slug",
            default="",
            help="Short name in the workspace's address (default: from the name).",
        )
        parser.add_argument(
            "--currency",
            default="EUR",
            help="Reporting currency, a three-letter ISO code (default EUR).",
        )
        parser.add_argument(
            "--password",
            action="store_true",
            help="Create the admin's account now with a password typed at a prompt, instead of"
            " printing an invitation link.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = str(options["name"]).strip()
        email = str(options["admin"]).strip().lower()
        slug = str(options["slug"] or slugify(name))[:60]
        currency = str(options["currency"]).strip().upper()
        problems = self.problems_with(name=name, email=email, slug=slug, currency=currency)
        if problems:
            raise CommandError(" ".join(problems))
        user_model = get_user_model()
        existing = user_model.objects.filter(email__iexact=email).first()
        password = self.ask_password(email) if options["password"] and existing is None else None
        with transaction.atomic():
            workspace = Workspace.objects.create(name=name, slug=slug, reporting_currency=currency)
            if existing is not None:
                Membership.objects.create(user=existing, workspace=workspace, role=Role.ADMIN)
                link = ""
            elif password is not None:
                user = user_model.objects.create_user(
                    username=email, email=email, password=password
                )
                Membership.objects.create(user=user, workspace=workspace, role=Role.ADMIN)
                link = ""
            else:
                # Nobody invites: the command acts for the operator, not a member. The
                # invitation allows an empty inviter, and its e-mail then says "A
                # workspace admin".
                _, token = invitation_create(
                    workspace=workspace,
                    invited_by=None,
                    email=email,
                    role=Role.ADMIN,
                )
                link = invitation_url(token)
        self.report(workspace, email, link=link, existing=existing is not None)

    def problems_with(self, *, name: str, email: str, slug: str, currency: str) -> list[str]:
        problems = []
        if not name:
            problems.append('Give the workspace a name, e.g. "Acme Pumps GmbH".')
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"--admin must be an e-mail address; {email!r} is not one.")
        if not slug:
            problems.append("The name gives no usable address slug; choose one with --slug.")
        elif Workspace.objects.filter(slug=slug).exists():
            problems.append(
                f"A workspace with the slug {slug!r} exists already; choose another with --slug."
            )
        elif slug != slugify(slug):
            problems.append(
                f"--slug may hold only lower-case letters, digits and hyphens; got {slug!r}."
            )
        if not re.fullmatch(r"[A-Z]{3}", currency):
            problems.append(
                f"--currency must be a three-letter ISO code such as EUR or USD; got {currency!r}."
            )
        return problems

    def ask_password(self, email: str) -> str:
        user_model = get_user_model()
        probe = user_model(username=email, email=email)
        for _ in range(PASSWORD_ATTEMPTS):
            first = getpass.getpass(f"Password for {email}: ")
            if first != getpass.getpass("The same password again: "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                validate_password(first, user=probe)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return first
        raise CommandError("No password set; nothing was created.")

    def report(self, workspace: Workspace, email: str, *, link: str, existing: bool) -> None:
        self.stdout.write(
            f"Created workspace “{workspace.name}” (slug {workspace.slug}, reporting currency"
            f" {workspace.reporting_currency})."
        )
        sign_in = settings.SITE_URL.rstrip("/") + reverse("login")
        if link:
            self.stdout.write(
                f"Invitation for {email} as admin, valid {settings.INVITATION_VALID_DAYS} days."
                " Open this link to choose a name and password and sign in:"
            )
            self.stdout.write(f"  {link}")
        elif existing:
            self.stdout.write(f"{email} already had an account and is now the admin: sign in at")
            self.stdout.write(f"  {sign_in}")
        else:
            self.stdout.write(f"{email} is the admin: sign in with the e-mail address at")
            self.stdout.write(f"  {sign_in}")
        self.stdout.write(
            "Next: import customers, offerings and sales lines (Imports), choose the key-account"
            " candidates (Selection), then invite the team (Members)."
        )
