"""Forms of the opportunity pages. They read input; the services validate and write.

Amounts accept what people type in a spreadsheet ("4,000", "3%"); ranges and
cross-account rules are left to the services so the page shows the same
message as the API, next to the field, with everything typed kept.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.workspaces.models import Workspace
from planning.models import (
    GrowthType,
    OpenSpaceCell,
    Opportunity,
    OpportunityContributor,
    OpportunityState,
    OpportunityTask,
    Origin,
    ProjectPhase,
    TaskStatus,
    ValueDriver,
)
from planning.opportunities import formula
from planning.opportunities.selectors import VP_QUESTIONS, person_name
from planning.opportunities.services.contributors import contributor_snapshot
from planning.opportunities.services.opportunities import CABS_CHECKPOINTS
from selling_center.models import BuyingStage, SellingCenterMember

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices: list[tuple[Any, str]], label: str = "—") -> list[tuple[Any, str]]:
    return [("", label), *choices]


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_name(obj)


def workspace_people(workspace: Workspace) -> Any:
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        ._default_manager.filter(memberships__workspace=workspace, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


class _CellChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.column.label} in {obj.segment}"


class _StakeholderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.title})" if obj.title else str(obj.name)


class AmountField(forms.CharField):
    """A number as typed: "4,000", "250000", "3.5". Empty is None."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return Decimal(str(formula.parse_number(text.replace("%", "")))).quantize(
                Decimal("0.01")
            )
        except ValidationError:
            raise ValidationError(
                f"{text!r} is not a number. Write it like 250000 or 250,000."
            ) from None


class _VersionedForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class OpportunityForm(_VersionedForm):
    title = forms.CharField(
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True}),
        help_text="Short and specific, e.g. “Relining of furnace 3”.",
    )
    origin = forms.ChoiceField(
        choices=Origin.choices,
        widget=forms.RadioSelect,
        initial=Origin.PUSH,
        help_text="Push: we found it (e.g. in the Open Space). Pull: the customer asked (RFP).",
    )
    state = forms.ChoiceField(
        choices=OpportunityState.choices,
        initial=OpportunityState.EARLY_STAGE,
        help_text="The four open states are the quadrants I-IV of the prioritization matrix.",
    )
    value = AmountField(
        required=False,
        help_text="Expected sales value in the reporting currency; 250,000 is fine.",
    )
    probability = forms.IntegerField(
        initial=10, help_text="Chance of winning, a whole percent from 0 to 100."
    )
    margin_percent = AmountField(
        required=False,
        label="Margin (%)",
        help_text="Expected gross margin as a percent of the value, -100 to 100. Optional.",
    )
    expected_close = forms.DateField(
        required=False,
        widget=_DATE,
        help_text="When you expect the customer to decide. A past date on an open deal is flagged.",
    )
    buying_stage = forms.ChoiceField(
        choices=_blank(BuyingStage.choices, "— not known yet —"),
        required=False,
        help_text="Where the customer's buying process stands (sales-process alignment).",
    )
    growth_type = forms.ChoiceField(
        choices=_blank(GrowthType.choices, "— not set —"),
        required=False,
        help_text="Enhance: more of what they buy. Expand: an offering they buy, in a new part"
        " of the customer. Extend: something they do not buy from us yet.",
    )
    phase = forms.ChoiceField(
        choices=ProjectPhase.choices,
        initial=ProjectPhase.INITIATION,
        label="Project phase",
    )
    owner = _PersonChoice(
        queryset=None,
        required=False,
        empty_label="— nobody yet —",
        help_text="Who on our side drives this opportunity.",
    )
    open_space_cell = _CellChoice(
        queryset=None,
        required=False,
        empty_label="— none —",
        label="Open Space cell",
        help_text="The cell of this account's Open Space the opportunity comes from.",
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="What it is about."
    )
    economic_objectives = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Volume, price and margin we aim for.",
    )
    sociopolitical_objectives = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Socio-political objectives",
        help_text="Which stakeholders to win, which of our people to mobilise.",
    )

    def __init__(
        self,
        *args: Any,
        workspace: Workspace,
        customer: Customer,
        linked_cell_id: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        owner_field = cast(forms.ModelChoiceField, self.fields["owner"])
        owner_field.queryset = workspace_people(workspace)
        cell_field = cast(forms.ModelChoiceField, self.fields["open_space_cell"])
        # Only cells worth linking: those with an estimated potential, of this account.
        cell_field.queryset = (
            OpenSpaceCell.objects.filter(workspace=workspace, open_space__customer=customer)
            .filter(Q(potential__isnull=False) | Q(pk=linked_cell_id))
            .select_related("segment", "column__offering")
            .order_by("segment__position", "column__position", "pk")
        )

    def service_fields(self) -> dict[str, Any]:
        data = super().service_fields()
        if data.get("value") is None:
            data["value"] = Decimal("0")
        return data


def opportunity_initial(opportunity: Opportunity) -> dict[str, Any]:
    names = [n for n in OpportunityForm.base_fields if n not in ("version",)]
    initial = {name: getattr(opportunity, name) for name in names}
    initial["owner"] = opportunity.owner_id
    initial["open_space_cell"] = opportunity.open_space_cell_id
    initial["version"] = opportunity.version
    return initial


class CabsForm(_VersionedForm):
    """The four checkpoints, each a tick and its evidence."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, hint) in CABS_CHECKPOINTS.items():
            self.fields[name] = forms.BooleanField(required=False, label=label)
            self.fields[f"{name}_evidence"] = forms.CharField(
                required=False,
                label="Evidence",
                label_suffix="",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=hint.replace("Say ", "Write ", 1),
            )

    def pairs(self) -> list[tuple[Any, Any]]:
        return [(self[name], self[f"{name}_evidence"]) for name in CABS_CHECKPOINTS]


def cabs_initial(opportunity: Opportunity) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": opportunity.version}
    for name in CABS_CHECKPOINTS:
        initial[name] = getattr(opportunity, name)
        initial[f"{name}_evidence"] = getattr(opportunity, f"{name}_evidence")
    return initial


_ANSWERS = [("yes", "Yes"), ("no", "No"), ("", "Not answered")]
_ANSWER_VALUE = {"yes": True, "no": False, "": None}


class ValuePropositionForm(_VersionedForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, (name, text) in enumerate(VP_QUESTIONS, start=1):
            self.fields[name] = forms.ChoiceField(
                choices=_ANSWERS,
                required=False,
                widget=forms.RadioSelect,
                label=f"{number}. {text}",
            )

    def service_fields(self) -> dict[str, Any]:
        data = super().service_fields()
        return {name: _ANSWER_VALUE.get(data.get(name) or "") for name, _ in VP_QUESTIONS}


def vp_initial(opportunity: Opportunity) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": opportunity.version}
    for name, _ in VP_QUESTIONS:
        answer = getattr(opportunity, name)
        initial[name] = "" if answer is None else ("yes" if answer else "no")
    return initial


class ValueDriverForm(_VersionedForm):
    driver = forms.CharField(
        max_length=200,
        help_text="What creates the value for the customer, e.g. “Higher wafer yield”.",
    )
    metric_owner = _StakeholderChoice(
        queryset=None,
        required=False,
        empty_label="— nobody named —",
        help_text="The person at the customer who owns the metric (from this account).",
    )
    inputs = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="One input per line as name = number, e.g. wafers_per_month = 2,000."
        " Names: letters, digits and underscores. 4,000 means 4000 and 3% means 0.03.",
    )
    formula = forms.CharField(
        max_length=500,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        help_text="Use the input names, numbers, + - * / ** and parentheses, and min, max,"
        " round, abs. e.g. wafers_per_month * price_per_wafer * yield_gain.",
    )
    unit = forms.CharField(
        max_length=40, required=False, help_text="What the result counts, e.g. USD per month."
    )

    def __init__(self, *args: Any, workspace: Workspace, customer: Customer, **kwargs: Any):
        super().__init__(*args, **kwargs)
        owner = cast(forms.ModelChoiceField, self.fields["metric_owner"])
        owner.queryset = Stakeholder.objects.filter(
            workspace=workspace, customer=customer
        ).order_by("name", "pk")

    def clean_inputs(self) -> dict[str, float]:
        try:
            return formula.parse_inputs_text(self.cleaned_data.get("inputs") or "")
        except ValidationError as error:
            # The parser keys its messages by field; here they belong to this one.
            raise ValidationError(error.messages) from None


def value_driver_initial(row: ValueDriver) -> dict[str, Any]:
    return {
        "driver": row.driver,
        "metric_owner": row.metric_owner_id,
        "inputs": formula.format_inputs_text(row.inputs or {}),
        "formula": row.formula,
        "unit": row.unit,
        "version": row.version,
    }


class _MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class ContributorForm(forms.Form):
    member = _MemberChoice(
        queryset=None,
        empty_label="— choose a team member —",
        label="Team member",
        help_text="From this account's selling center; add people there first.",
    )
    contribution = forms.CharField(
        max_length=200, required=False, help_text="What they bring, e.g. “Refractory expertise”."
    )
    until = forms.DateField(
        required=False, widget=_DATE, help_text="When their help ends. Optional."
    )
    # What the editor started from: there is no version column on contributors.
    expected_member = forms.CharField(required=False, widget=forms.HiddenInput)
    expected_contribution = forms.CharField(required=False, widget=forms.HiddenInput)
    expected_until = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, workspace: Workspace, customer: Customer, **kwargs: Any):
        super().__init__(*args, **kwargs)
        member = cast(forms.ModelChoiceField, self.fields["member"])
        member.queryset = (
            SellingCenterMember.objects.filter(workspace=workspace, customer=customer)
            .select_related("user")
            .order_by("name", "pk")
        )

    def expected(self) -> dict[str, Any]:
        raw = self.cleaned_data.get("expected_member") or ""
        return {
            "member": int(raw) if raw.isdigit() else None,
            "contribution": self.cleaned_data.get("expected_contribution") or "",
            "until": self.cleaned_data.get("expected_until") or "",
        }

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in ("member", "contribution", "until")}


def contributor_initial(row: OpportunityContributor) -> dict[str, Any]:
    snapshot = contributor_snapshot(row)
    return {
        "member": row.member_id,
        "contribution": row.contribution,
        "until": row.until,
        "expected_member": str(snapshot["member"]),
        "expected_contribution": snapshot["contribution"],
        "expected_until": snapshot["until"],
    }


class TaskForm(_VersionedForm):
    title = forms.CharField(max_length=300, label="Task", help_text="What needs doing.")
    owner = _PersonChoice(
        queryset=None,
        required=False,
        empty_label="— nobody yet —",
        help_text="A member of this workspace.",
    )
    due_date = forms.DateField(
        required=False, widget=_DATE, help_text="Open tasks past this date are flagged overdue."
    )
    status = forms.ChoiceField(choices=TaskStatus.choices, initial=TaskStatus.OPEN)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any):
        super().__init__(*args, **kwargs)
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        people = workspace_people(workspace)
        kept = (kwargs.get("initial") or {}).get("owner")
        if isinstance(kept, int):
            # An owner who left the workspace stays on their task until someone else takes it.
            people = (people | people.model._default_manager.filter(pk=kept)).distinct()
        owner.queryset = people


def task_initial(row: OpportunityTask) -> dict[str, Any]:
    return {
        "title": row.title,
        "owner": row.owner_id,
        "due_date": row.due_date,
        "status": row.status,
        "version": row.version,
    }


def section_forms(
    opportunity: Opportunity, *, workspace: Workspace, can_edit: bool
) -> dict[str, Any]:
    """Unbound forms of the editable sections, under the names the fragments read.

    Empty for people who may only read: the fragments then show the checklists
    without forms. The account plan includes the fragments with this context too.
    """
    if not can_edit:
        return {}
    customer = opportunity.customer
    return {
        "cabs_form": CabsForm(initial=cabs_initial(opportunity)),
        "vp_form": ValuePropositionForm(initial=vp_initial(opportunity)),
        "driver_form": ValueDriverForm(workspace=workspace, customer=customer),
        "contributor_form": ContributorForm(workspace=workspace, customer=customer),
        "task_form": TaskForm(workspace=workspace),
    }
