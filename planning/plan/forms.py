"""Forms of the plan page: a text, its confirmation, the owner and a satisfaction entry."""

from __future__ import annotations

from typing import Any

from django import forms

from planning.models import PlanTopic
from planning.plan.services.texts import MAX_TEXT_LENGTH


class PlanTextForm(forms.Form):
    """One hand-typed text; ``version`` 0 means nobody had written it yet."""

    topic = forms.ChoiceField(choices=PlanTopic.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Keep it under {MAX_TEXT_LENGTH} characters."},
    )

    def __init__(self, *args: Any, topic: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{topic or 'text'}_%s")
        super().__init__(*args, **kwargs)
        if topic:
            self.fields["text"].label = PlanTopic(topic).label


class ConfirmForm(forms.Form):
    topic = forms.ChoiceField(choices=PlanTopic.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class PlanOwnerForm(forms.Form):
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    owner = PersonChoiceField(
        queryset=None,
        required=False,
        label="Plan owner",
        empty_label="Nobody yet",
        help_text="Who keeps this plan up to date; by default the key account manager.",
    )

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        from django.contrib.auth import get_user_model

        field.queryset = get_user_model().objects.filter(pk__in=[m.pk for m in members])


class SatisfactionEntryForm(forms.Form):
    measured_on = forms.DateField(
        label="Measured on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day of the survey, review or conversation.",
        error_messages={"invalid": "Give the date as a date, e.g. 2026-11-30."},
    )
    score = forms.IntegerField(
        label="Score (0-10)",
        min_value=0,
        max_value=10,
        help_text="0 very dissatisfied, 10 very satisfied.",
        error_messages={
            "min_value": "The score goes from 0 to 10.",
            "max_value": "The score goes from 0 to 10.",
            "invalid": "Give a whole number from 0 to 10.",
        },
    )
    source = forms.CharField(
        label="Source",
        required=False,
        max_length=200,
        help_text="e.g. Annual survey, review meeting, call with the buyer",
    )

    def service_fields(self) -> dict[str, Any]:
        return {
            "measured_on": self.cleaned_data["measured_on"],
            "score": self.cleaned_data["score"],
            "source": self.cleaned_data.get("source") or "",
        }
