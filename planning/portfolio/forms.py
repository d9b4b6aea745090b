"""Forms of the portfolio: one judged factor, and a decision on a recommendation.

They only parse (fields are not required here); ``planning.portfolio.services``
checks and writes, so the page and the API refuse the same values with the
same messages.
"""

from __future__ import annotations

from django import forms

from planning.models import Commitment, FactorCode


class FactorForm(forms.Form):
    code = forms.ChoiceField(choices=FactorCode.choices, widget=forms.HiddenInput)
    score = forms.TypedChoiceField(
        label="Score",
        choices=[("", "Not judged")] + [(n, str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="1 low, 5 high.",
    )
    reason = forms.CharField(
        label="Why",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "What you saw or were told"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("confirm", "Confirm"), ("override", "Override")], widget=forms.HiddenInput
    )
    recommendation = forms.ChoiceField(choices=Commitment.choices, widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="Decide instead",
        choices=[("", "Choose…"), *Commitment.choices],
        required=False,
    )
    reason = forms.CharField(
        label="Why",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Required when overriding"}),
    )
