"""The form of a critical success factor (the services check the owner's account)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from buying_center.models import Stakeholder


class StakeholderChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": "Choose someone from this account's buying center.",
    }

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}, {obj.title}" if obj.title else obj.name


class SuccessFactorForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        label="Critical success factor",
        help_text=(
            "Something the customer must get right to win in its own market,"
            " e.g. “Grow exploration in Africa”."
        ),
        error_messages={"required": "Say what the customer must get right."},
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why it matters to them, how they measure it. Optional.",
    )
    owner = StakeholderChoiceField(
        queryset=None,
        required=False,
        label="Owned by",
        empty_label="Nobody named yet",
        help_text="The customer executive who owns this factor (from the buying center).",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, stakeholders: QuerySet[Stakeholder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = stakeholders
