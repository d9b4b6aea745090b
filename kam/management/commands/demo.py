"""``manage.py demo``: a realistic supplier to explore, present and test with.

Builds "Nordhavn Industrial Services" (thousands of customers, three years of
sales, five key accounts) with one person per role, plus a small "Demo
Sandbox" workspace that ``admin`` and ``kam`` also belong to, so switching
workspaces can be shown. Each domain app fills its part through its
``demo.build`` (see ``kam.management.demo``).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kam.management.demo import DemoWorkspace, demo_builders
from kam.tenancy.context import actor_context, workspace_context
from kam.workspaces.models import Membership, Role, Workspace

DEMO_PASSWORD = "demo"
SIGN_IN_URL = "http://127.0.0.1:8000/login/"

#: (user name, first name, last name, role in the main workspace)
DEMO_PEOPLE: tuple[tuple[str, str, str, Role], ...] = (
    ("admin", "Astrid", "Holm", Role.ADMIN),
    ("exec", "Erik", "Lindgren", Role.EXECUTIVE),
    ("kam", "Karin", "Dahl", Role.KAM),
    ("kam2", "Jonas", "Berg", Role.KAM),
    ("member", "Maja", "Nielsen", Role.MEMBER),
    ("viewer", "Viktor", "Sand", Role.VIEWER),
)
MAIN = ("Nordhavn Industrial Services", "nordhavn")
SANDBOX = ("Demo Sandbox", "demo-sandbox")
#: Who is in the sandbox, and as what: the role is per workspace.
SANDBOX_PEOPLE = {"admin": Role.ADMIN, "kam": Role.ADMIN}
SANDBOX_CUSTOMERS = 40


def last_month_end(today: datetime.date) -> datetime.date:
    """Sales history ends with the last complete month, so reruns in a month match."""
    return today.replace(day=1) - datetime.timedelta(days=1)


class Command(BaseCommand):
    help = (
        "Create a demo supplier workspace with customers, three years of sales, key accounts"
        " and one sign-in per role (password 'demo'), plus a small sandbox workspace."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when any workspace exists already (safe to run on every start).",
        )
        parser.add_argument(
            "--customers", type=int, default=3000, help="Customers in the main workspace."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Same seed, same data (within a calendar month)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        customers: int = options["customers"]
        seed: int = options["seed"]
        if options["if_empty"] and Workspace.objects.exists():
            self.stdout.write("Workspaces exist already: the demo data was left as it is.")
            return
        if customers < 10:
            raise CommandError("--customers must be at least 10 (the demo needs key accounts).")
        taken = Workspace.objects.filter(slug__in=[MAIN[1], SANDBOX[1]]).exists()
        if taken:
            raise CommandError(
                "The demo workspaces exist already. Start from an empty database"
                " (remove var/kam.sqlite3 in the embedded set-up) or use --if-empty."
            )

        started = time.perf_counter()
        period_end = last_month_end(datetime.date.today())
        with self.step("people and workspaces"):
            users = self.create_people()
            main, sandbox = self.create_workspaces(users)

        builders = demo_builders()
        for workspace, count, is_main in (
            (main, customers, True),
            (sandbox, SANDBOX_CUSTOMERS, False),
        ):
            members = {
                name: user
                for name, user in users.items()
                if Membership.objects.filter(workspace=workspace, user=user).exists()
            }
            owners = tuple(users[name] for name in ("kam", "kam2") if name in members)
            demo = DemoWorkspace(
                workspace=workspace,
                users=members,
                key_account_owners=owners or (users["kam"],),
                customer_count=count,
                seed=seed if is_main else seed + 1000,
                period_end=period_end,
                is_main=is_main,
            )
            for app, build in builders:
                with self.step(f"{workspace.name}: {app}") as report:
                    # One transaction per app: PostgreSQL's row-level security
                    # setting is transaction-local, and a failure leaves no half data.
                    # The admin sets a workspace up, so the accounts' Activity names
                    # her for what the demo built instead of an unknown "Someone".
                    with (
                        transaction.atomic(),
                        workspace_context(workspace),
                        actor_context(users["admin"]),
                    ):
                        report.append(build(demo))

        self.stdout.write(f"Demo ready in {time.perf_counter() - started:.1f} s.\n")
        self.print_sign_in(main, sandbox)

    @contextmanager
    def step(self, label: str) -> Iterator[list[str]]:
        report: list[str] = []
        started = time.perf_counter()
        yield report
        detail = f": {'; '.join(report)}" if report else ""
        self.stdout.write(f"  {label}{detail} ({time.perf_counter() - started:.1f} s)")

    def create_people(self) -> dict[str, User]:
        user_model = get_user_model()
        # One hash for all six: the same as set_password per user, minus five
        # deliberately slow key derivations. Validators do not apply (demo only).
        password = make_password(DEMO_PASSWORD)
        users: dict[str, User] = {}
        for username, first_name, last_name, _role in DEMO_PEOPLE:
            user, _created = user_model.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": f"{username}@nordhavn.example",
                    "password": password,
                    "is_active": True,
                },
            )
            users[username] = user
        return users

    @transaction.atomic
    def create_workspaces(self, users: dict[str, User]) -> tuple[Workspace, Workspace]:
        main = Workspace.objects.create(name=MAIN[0], slug=MAIN[1], reporting_currency="EUR")
        sandbox = Workspace.objects.create(
            name=SANDBOX[0], slug=SANDBOX[1], reporting_currency="EUR"
        )
        Membership.objects.bulk_create(
            [
                Membership(user=users[username], workspace=main, role=role)
                for username, _first, _last, role in DEMO_PEOPLE
            ]
            + [
                Membership(user=users[username], workspace=sandbox, role=role)
                for username, role in SANDBOX_PEOPLE.items()
            ]
        )
        return main, sandbox

    def print_sign_in(self, main: Workspace, sandbox: Workspace) -> None:
        roles = dict(Role.choices)
        self.stdout.write(self.style.SUCCESS(f"Sign in at {SIGN_IN_URL}"))
        self.stdout.write("")
        self.stdout.write(f"  {'user name':<10} {'password':<9} {'role in ' + main.name}")
        self.stdout.write(f"  {'-' * 10} {'-' * 9} {'-' * 40}")
        for username, _first, _last, role in DEMO_PEOPLE:
            extra = ""
            if username in SANDBOX_PEOPLE:
                extra = f" (also {roles[SANDBOX_PEOPLE[username]]} in {sandbox.name})"
            self.stdout.write(f"  {username:<10} {DEMO_PASSWORD:<9} {roles[role]}{extra}")
        self.stdout.write("")
