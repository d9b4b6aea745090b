"""Page forms for the selling center and the alignment page.

Forms only read and shape input; the services check the rules (same account,
dates, required reasons) so pages and the API refuse the same things.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from selling_center.models import (
    AlignmentStatus,
    BuyingStage,
    ConnectionLevel,
    SellingCenterMember,
    SellingRole,
)

DATE = forms.DateInput(attrs={"type": "date"})


class PersonChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": "This person is not a member of this workspace."}

    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class MemberChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": "Choose someone from this account's selling center.",
    }

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.get_role_display()})"


class SellingCenterMemberForm(forms.Form):
    role = forms.ChoiceField(choices=SellingRole.choices)
    user = PersonChoiceField(
        queryset=None,
        required=False,
        label="Person in this workspace",
        empty_label="Someone outside the app (type the name below)",
    )
    name = forms.CharField(
        max_length=200,
        required=False,
        label="Name of someone outside the app",
        help_text="Only when the person has no account here.",
    )
    title = forms.CharField(max_length=200, required=False)
    email = forms.EmailField(required=False)
    permanent = forms.BooleanField(
        required=False,
        initial=True,
        label="Permanent member",
        help_text="Untick for someone who joins for a period; give the dates.",
    )
    starts_on = forms.DateField(required=False, widget=DATE, label="From")
    ends_on = forms.DateField(required=False, widget=DATE, label="Until")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = people


class InterfaceAlignmentForm(forms.Form):
    supplier_function = forms.CharField(
        max_length=120, label="Our function", help_text="e.g. Invoicing"
    )
    customer_function = forms.CharField(
        max_length=120, label="Their function", help_text="e.g. Payables"
    )
    status = forms.ChoiceField(choices=AlignmentStatus.choices)
    owner = MemberChoiceField(
        queryset=None, required=False, empty_label="Nobody yet", label="Owner on our side"
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, members: QuerySet[SellingCenterMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = members


class EngagementPlanForm(forms.Form):
    objective = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What we want from this relationship in the coming year.",
    )
    owner = MemberChoiceField(
        queryset=None, required=False, empty_label="Nobody yet", label="Owner on our side"
    )
    cadence = forms.CharField(max_length=60, required=False, help_text="e.g. quarterly meeting")
    next_step = forms.CharField(max_length=300, required=False)
    next_step_due = forms.DateField(required=False, widget=DATE, label="Next step due")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, members: QuerySet[SellingCenterMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = members


class StageResourceForm(forms.Form):
    stage = forms.ChoiceField(choices=BuyingStage.choices, label="Buying stage")
    member = MemberChoiceField(queryset=None, label="Our person")

    def __init__(self, *args: Any, members: QuerySet[SellingCenterMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["member"]).queryset = members


class ConnectionLevelForm(forms.Form):
    level = forms.ChoiceField(choices=ConnectionLevel.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you choose another level than the suggestion.",
    )
