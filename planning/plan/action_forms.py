"""The form of one action of the account plan. It reads input; the services check and write.

Every link is a choice among this account's own rows, and the owner a choice
among the workspace's members; an owner who has left stays selectable on the
action they own (flagged), so editing another field never loses them.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.changelog.services import person_name
from kam.workspaces.models import Workspace
from planning.models import (
    Action,
    ActionStatus,
    Objective,
    Opportunity,
    StakeholderNeed,
    SwotItem,
)
from planning.plan.services.actions import MILESTONE_MAX, TITLE_MAX

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LINK_FIELDS = ("objective", "swot_item", "opportunity", "stakeholder", "concern")


class _OwnerChoice(forms.ModelChoiceField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members: set[int] = set()

    def label_from_instance(self, obj: Any) -> str:
        name = person_name(obj)
        return name if obj.pk in self.members else f"{name} (no longer in this workspace)"


class _Labelled(forms.ModelChoiceField):
    """A link choice labelled by ``label(row)``."""

    def __init__(self, *args: Any, label_of: Any = str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_of = label_of

    def label_from_instance(self, obj: Any) -> str:
        return str(self.label_of(obj))


def _concern_label(need: StakeholderNeed) -> str:
    text = " ".join(need.description.split())
    text = text if len(text) <= 70 else text[:69] + "…"
    return f"{need.stakeholder.name}: {text} ({need.opportunity.title})"


class ActionForm(forms.Form):
    title = forms.CharField(
        max_length=TITLE_MAX,
        label="Action",
        widget=forms.TextInput(attrs={"autofocus": True}),
        help_text="What needs doing, in a few words, e.g. “Send the relining references”.",
    )
    owner = _OwnerChoice(
        queryset=None,
        required=False,
        empty_label="— nobody yet —",
        help_text="Who does it: a member of this workspace.",
    )
    milestone = forms.CharField(
        max_length=MILESTONE_MAX,
        required=False,
        help_text="Optional: the step it belongs to, e.g. “Before the tender”.",
    )
    due_date = forms.DateField(
        required=False,
        widget=_DATE,
        help_text="Actions still to do past this date are marked overdue.",
    )
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.OPEN)
    objective = _Labelled(
        queryset=None, required=False, empty_label="—", help_text="The objective it serves."
    )
    swot_item = _Labelled(
        queryset=None,
        required=False,
        empty_label="—",
        label="SWOT item",
        help_text="The strength, weakness, opportunity or threat it answers.",
        label_of=lambda item: f"{item.get_kind_display()}: {item.text}",
    )
    opportunity = _Labelled(
        queryset=None, required=False, empty_label="—", help_text="The opportunity it moves."
    )
    stakeholder = _Labelled(
        queryset=None,
        required=False,
        empty_label="—",
        help_text="The person at the customer it is about.",
        label_of=lambda person: person.name,
    )
    concern = _Labelled(
        queryset=None,
        required=False,
        empty_label="—",
        help_text="An expectation or concern raised on one of the account's opportunities.",
        label_of=_concern_label,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, workspace: Workspace, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial = kwargs.get("initial") or {}
        kept_owner = initial.get("owner") if isinstance(initial.get("owner"), int) else None
        owner = cast(_OwnerChoice, self.fields["owner"])
        people = Q(memberships__workspace=workspace, is_active=True)
        if kept_owner is not None:
            people |= Q(pk=kept_owner)
        owner.queryset = (
            get_user_model()
            ._default_manager.filter(people)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        owner.members = set(
            get_user_model()
            ._default_manager.filter(memberships__workspace=workspace, is_active=True)
            .values_list("pk", flat=True)
        )
        mine = {"workspace": workspace, "customer": customer}
        querysets: dict[str, Any] = {
            "objective": Objective.objects.filter(**mine).order_by("horizon", "pk"),
            "swot_item": SwotItem.objects.filter(**mine).order_by("kind", "pk"),
            "opportunity": Opportunity.objects.filter(**mine).order_by("title", "pk"),
            "stakeholder": Stakeholder.objects.filter(**mine).order_by("name", "pk"),
            "concern": StakeholderNeed.objects.filter(
                workspace=workspace, opportunity__customer=customer
            )
            .select_related("stakeholder", "opportunity")
            .order_by("opportunity__title", "pk"),
        }
        for name, queryset in querysets.items():
            cast(forms.ModelChoiceField, self.fields[name]).queryset = queryset

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    def focus_first_error(self) -> None:
        """After a refused save the cursor starts in the first field to correct."""
        if not (self.is_bound and self.errors):
            return
        first = next((name for name in self.fields if name in self.errors), None)
        if first is None:
            return
        for field in self.fields.values():
            field.widget.attrs.pop("autofocus", None)
        self.fields[first].widget.attrs["autofocus"] = True


def action_initial(action: Action) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "title": action.title,
        "owner": action.owner_id,
        "milestone": action.milestone,
        "due_date": action.due_date,
        "status": action.status,
        "version": action.version,
    }
    for name in LINK_FIELDS:
        initial[name] = getattr(action, f"{name}_id")
    return initial
