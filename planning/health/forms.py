"""Forms of account health: the manual override and the workspace's weights.

They only parse; ``planning.health.services`` checks and writes, so the pages and
the API refuse the same values with the same messages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from planning.health.rules import SIGNALS
from planning.models import HealthRating, HealthSettings


class OverrideForm(forms.Form):
    rating = forms.ChoiceField(
        label="Rating by hand",
        choices=[("", "Choose…")]
        + [(r.value, r.label) for r in (HealthRating.RED, HealthRating.AMBER, HealthRating.GREEN)],
        required=False,
        help_text="What you know and the data does not show.",
    )
    reason = forms.CharField(
        label="Why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown next to the rating to everyone, with your name.",
    )
    until = forms.DateField(
        label="Holds until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="After this day the computed health shows again; a year at most.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The plan page holds many forms: ids of their own, so labels point at the right field.
        kwargs.setdefault("auto_id", "health_override_%s")
        super().__init__(*args, **kwargs)


class ClearOverrideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "health_clear_%s")
        super().__init__(*args, **kwargs)


def _plain(value: Any) -> str:
    number = Decimal(str(value))
    return format(number.normalize(), "f") if number == number.to_integral() else str(number)


class HealthSettingsForm(forms.Form):
    """One weight per signal (its plain-words description as help), and the two thresholds."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    amber_at = forms.CharField(
        label="Amber from",
        help_text="An account whose signals add up to this much or more is amber.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )
    red_at = forms.CharField(
        label="Red from",
        help_text="An account whose signals add up to this much or more is red.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )

    def __init__(self, *args: Any, read_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, signal in SIGNALS.items():
            self.fields[f"weight_{code}"] = forms.CharField(
                label=signal.label,
                help_text=f"{signal.help} Default {_plain(signal.default_weight)}; 0 ignores it.",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            )
        for field in self.fields.values():
            field.disabled = read_only

    @staticmethod
    def initial_from(settings: HealthSettings) -> dict[str, Any]:
        weights = settings.weights or {}
        initial: dict[str, Any] = {
            f"weight_{code}": _plain(weights.get(code, signal.default_weight))
            for code, signal in SIGNALS.items()
        }
        initial.update(
            version=settings.version,
            amber_at=_plain(settings.amber_at),
            red_at=_plain(settings.red_at),
        )
        return initial

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{code}"] for code in SIGNALS]

    def weights(self) -> dict[str, Any]:
        return {code: self.cleaned_data[f"weight_{code}"] for code in SIGNALS}
