"""Form to create a personal access token."""

from __future__ import annotations

from django import forms


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Token name",
        help_text="What the token is for, so you recognise it later, e.g. “ERP sync”.",
        error_messages={
            "required": "Give the token a name, so you can tell it apart from your other tokens.",
            "max_length": "Keep the name under %(limit_value)d characters.",
        },
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the token a name made of more than spaces.")
        return name
