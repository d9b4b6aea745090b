"""The first steps of a new workspace, shown to its admins on the home page until all are done.

Each step is done when the data says so (computed, never ticked by hand): one
query answers all of them, whatever the size of the workspace. ``kam`` may not
import the domain apps, so their models are looked up by name, as
``kam.changelog.selectors`` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Exists, OuterRef
from django.urls import reverse

from kam.permissions import Capability, role_can
from kam.workspaces.models import Invitation, Membership, Workspace

#: Customer statuses that mean someone chose the customer as a (possible) key account.
CHOSEN_STATUSES = ("candidate", "key_account", "former_key_account")

STEP_KEYS = ("customers", "offerings", "sales", "candidates")


@dataclass(frozen=True)
class FirstStep:
    key: str
    title: str
    help: str
    url: str
    done: bool
    #: Whether this person may do the step (inviting needs the members capability).
    allowed: bool = True


@dataclass(frozen=True)
class FirstSteps:
    steps: tuple[FirstStep, ...]

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def all_done(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def next_step(self) -> FirstStep | None:
        return next((step for step in self.steps if not step.done), None)


def _owned(model_label: str, workspace_ref: OuterRef, **filters: object) -> Exists:
    model = apps.get_model(model_label)
    return Exists(model._base_manager.filter(workspace_id=workspace_ref, **filters))


def first_steps_done(*, workspace: Workspace, user_id: int) -> dict[str, bool]:
    """Which first steps the workspace's data shows done. One query."""
    here = OuterRef("pk")
    others = Membership.objects.filter(workspace_id=here).exclude(user_id=user_id)
    row = (
        Workspace.objects.filter(pk=workspace.pk)
        .annotate(
            has_customers=_owned("accounts.Customer", here),
            has_offerings=_owned("accounts.Offering", here),
            has_sales=_owned("accounts.SalesLine", here),
            has_candidates=_owned("accounts.Customer", here, status__in=CHOSEN_STATUSES),
            has_members=Exists(others),
            has_invitations=Exists(Invitation.objects.filter(workspace_id=here)),
        )
        .values(*(f"has_{step}" for step in STEP_KEYS), "has_members", "has_invitations")
        .get()
    )
    done = {key.removeprefix("has_"): bool(value) for key, value in row.items()}
    # Someone else in the workspace, or invited to it: the team step is done.
    done["team"] = done.pop("members") | done.pop("invitations")
    return done


def first_steps(*, workspace: Workspace, user_id: int, role: str) -> FirstSteps | None:
    """The steps for this person, or ``None`` when they are not shown (not an admin, all done)."""
    if not role_can(role, Capability.MANAGE_DATA):
        return None
    done = first_steps_done(workspace=workspace, user_id=user_id)
    upload = reverse("imports:upload")
    steps = FirstSteps(
        steps=(
            FirstStep(
                "customers",
                "Import your customers",
                "A file with one row per customer: its number in your ERP and its name.",
                f"{upload}?kind=customers",
                done["customers"],
            ),
            FirstStep(
                "offerings",
                "Import your offerings",
                "Products and services with their codes, so sales lines can name them.",
                f"{upload}?kind=offerings",
                done["offerings"],
            ),
            FirstStep(
                "sales",
                "Import your sales lines",
                "Invoice lines per customer: the figures for choosing key accounts come from them.",
                f"{upload}?kind=sales_lines",
                done["sales"],
            ),
            FirstStep(
                "candidates",
                "Choose key-account candidates",
                "On the selection page, mark the customers worth a closer look.",
                reverse("selection"),
                done["candidates"],
                role_can(role, Capability.MANAGE_SELECTION),
            ),
            FirstStep(
                "team",
                "Invite your team",
                "Key account managers, executives and selling-center members, each with a role.",
                reverse("members"),
                done["team"],
                role_can(role, Capability.MANAGE_MEMBERS),
            ),
        )
    )
    return None if steps.all_done else steps
