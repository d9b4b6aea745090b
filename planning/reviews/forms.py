"""Forms of the review pages: schedule or change a review, close it."""

from __future__ import annotations

from typing import Any

from django import forms

from planning.models import Review, ReviewKind, ReviewStatus
from planning.reviews.services import review_fields


class _PeopleField(forms.ModelMultipleChoiceField):
    """Our people, by name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class _StakeholdersField(forms.ModelMultipleChoiceField):
    """The customer's people, with their job title."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}, {obj.title}" if obj.title else str(obj.name)


class ReviewForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label="Kind of review",
        choices=ReviewKind.choices,
        help_text="The management review comes 7 to 10 days after the planning session;"
        " the 60-day and 90-day reviews follow it.",
    )
    scheduled_on = forms.DateField(
        label="Day of the meeting", widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[
            (ReviewStatus.SCHEDULED, "Scheduled"),
            (ReviewStatus.CANCELLED, "Cancelled"),
        ],
        initial=ReviewStatus.SCHEDULED,
        help_text="A review becomes held when you close it after the meeting.",
    )
    our_attendees = _PeopleField(
        label="Our people",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    customer_attendees = _StakeholdersField(
        label="The customer's people",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People of this account's buying center who attend.",
    )
    agenda = forms.CharField(
        label="Agenda",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the meeting will walk through, one point a line.",
    )

    def __init__(self, data: Any = None, *, members: Any, stakeholders: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        ours = self.fields["our_attendees"]
        theirs = self.fields["customer_attendees"]
        assert isinstance(ours, forms.ModelMultipleChoiceField)
        assert isinstance(theirs, forms.ModelMultipleChoiceField)
        ours.queryset = members
        theirs.queryset = stakeholders

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["our_attendees"] = list(data.get("our_attendees") or [])
        data["customer_attendees"] = list(data.get("customer_attendees") or [])
        return data


def review_initial(review: Review) -> dict[str, Any]:
    fields = review_fields(review)
    return {
        "kind": fields["kind"],
        "scheduled_on": fields["scheduled_on"],
        "status": fields["status"],
        "agenda": fields["agenda"],
        "our_attendees": [u.pk for u in fields["our_attendees"]],
        "customer_attendees": [p.pk for p in fields["customer_attendees"]],
        "version": review.version,
    }


class ReviewCloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    held_on = forms.DateField(label="Held on", widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.CharField(
        label="Minutes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What was said and decided. Once closed, the review no longer changes.",
    )
