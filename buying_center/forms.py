"""Forms of the buying-center pages. They only read input; services validate and write."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from accounts.models import Customer
from buying_center.models import (
    RELATIONSHIP_SCORES,
    Attitude,
    BuyingRole,
    MeetingFrequency,
    PromoterType,
    Stakeholder,
    Zone,
)
from buying_center.owners import RelationshipOwner

#: The five steps, with words so the radio group reads well to a screen reader too.
SCORE_WORDS = {-2: "very poor", -1: "poor", 0: "neutral", 1: "good", 2: "very good"}
SCORE_CHOICES = [("", "Not assessed")] + [
    (str(value), f"{symbol} ({SCORE_WORDS[value]})")
    for value, symbol in RELATIONSHIP_SCORES.items()
]


def _blank(choices: list[tuple[str, str]], label: str = "—") -> list[tuple[str, str]]:
    return [("", label), *choices]


class StakeholderForm(forms.Form):
    """Field order is the tab order: who they are, their roles, our assessment, notes."""

    name = forms.CharField(
        max_length=200, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"})
    )
    title = forms.CharField(max_length=200, required=False, help_text="e.g. Head of Purchasing")
    function = forms.CharField(max_length=120, required=False, help_text="e.g. Procurement")
    site = forms.CharField(max_length=120, required=False, help_text="e.g. Kiruna plant")
    email = forms.EmailField(required=False)
    reports_to = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label="Reports to"
    )
    roles = forms.MultipleChoiceField(
        choices=BuyingRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every role this person plays in buying decisions.",
    )
    relationship_score = forms.TypedChoiceField(
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label="Relationship score",
        help_text="Arrow keys move between the five steps; keys 1 to 5 pick -- to ++.",
    )
    attitude = forms.ChoiceField(
        choices=_blank(Attitude.choices), required=False, label="Attitude to our proposal"
    )
    zone = forms.ChoiceField(choices=_blank(Zone.choices), required=False)
    owner = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        label="Our owner",
        help_text="Who in the selling center looks after this relationship.",
    )
    meeting_frequency = forms.ChoiceField(
        choices=_blank(MeetingFrequency.choices), required=False, label="We meet"
    )
    promoter_type = forms.ChoiceField(
        choices=_blank(PromoterType.choices),
        required=False,
        label="Promoter type",
        help_text="For influencers who support us.",
    )
    dominant_advisor = forms.BooleanField(required=False, label="Dominant advisor")
    opponent_influencer = forms.BooleanField(
        required=False, label="Opponent influencer", help_text="Works against our proposal."
    )
    personal_goals = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Personal goals"
    )
    needs = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    constraints_text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Constraints"
    )
    how_we_help = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="How we can help"
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        customer: Customer,
        colleagues: list[Stakeholder],
        owners: list[RelationshipOwner],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["reports_to"]).choices = _blank(
            [(str(s.pk), f"{s.name}{f' ({s.title})' if s.title else ''}") for s in colleagues],
            "— nobody at this account —",
        )
        cast(forms.ChoiceField, self.fields["owner"]).choices = _blank(
            [(str(m.pk), f"{m.display_name} ({m.get_role_display()})") for m in owners],
            "— nobody yet —",
        )
        if not owners:
            self.fields["owner"].help_text = (
                f"{customer.name} has no selling-center members yet; add them on the"
                " Selling center tab to name an owner."
            )

    def service_fields(
        self, *, colleagues: dict[int, Stakeholder], owners: dict[int, RelationshipOwner]
    ) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["reports_to"] = colleagues.get(data["reports_to"]) if data["reports_to"] else None
        data["owner"] = owners.get(data["owner"]) if data["owner"] else None
        return data


def stakeholder_initial(stakeholder: Stakeholder) -> dict[str, Any]:
    return {
        "name": stakeholder.name,
        "title": stakeholder.title,
        "function": stakeholder.function,
        "site": stakeholder.site,
        "email": stakeholder.email,
        "reports_to": stakeholder.reports_to_id,
        "roles": list(stakeholder.roles or []),
        "relationship_score": stakeholder.relationship_score,
        "attitude": stakeholder.attitude,
        "zone": stakeholder.zone,
        "owner": stakeholder.owner_id,
        "meeting_frequency": stakeholder.meeting_frequency,
        "promoter_type": stakeholder.promoter_type,
        "dominant_advisor": stakeholder.dominant_advisor,
        "opponent_influencer": stakeholder.opponent_influencer,
        "personal_goals": stakeholder.personal_goals,
        "needs": stakeholder.needs,
        "constraints_text": stakeholder.constraints_text,
        "how_we_help": stakeholder.how_we_help,
        "version": stakeholder.version,
    }


class InfluenceLinkForm(forms.Form):
    target = forms.TypedChoiceField(coerce=int, label="Influences")
    strength = forms.TypedChoiceField(
        coerce=int,
        choices=[("1", "1: weak"), ("2", "2: moderate"), ("3", "3: strong")],
        initial="2",
    )
    notes = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, others: list[Stakeholder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["target"]).choices = [
            (str(s.pk), s.name) for s in others
        ]


class ScoreForm(forms.Form):
    relationship_score = forms.TypedChoiceField(
        choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False
    )
    version = forms.IntegerField()
