"""Forms of the plan's SWOT items and objectives. They only read input; the services validate.

Numbers and people are read loosely here (any number, any id), so the service
answers a margin above 100 % or a stakeholder of another account with its own
specific message next to the field, and everything typed comes back.
"""

from __future__ import annotations

from typing import Any

from django import forms

from buying_center.models import Stakeholder
from planning.models import (
    GoalLine,
    Horizon,
    Objective,
    ObjectiveKind,
    ObjectiveStatus,
    SwotItem,
    SwotKind,
)


def focus_first_error(form: forms.Form) -> None:
    """After a refused save, put the cursor in the first field at fault (not the first field)."""
    if not form.is_bound or not form.errors:
        return
    wrong = [name for name in form.fields if name in form.errors]
    if not wrong:
        return
    for field in form.fields.values():
        field.widget.attrs.pop("autofocus", None)
    form.fields[wrong[0]].widget.attrs["autofocus"] = True


class _VersionedForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class SwotItemForm(_VersionedForm):
    kind = forms.ChoiceField(
        choices=SwotKind.choices,
        required=False,
        label="Quadrant",
        widget=forms.RadioSelect,
        help_text="Strengths and weaknesses are ours at this account; opportunities and threats"
        " come from the customer and the market.",
    )
    text = forms.CharField(
        required=False,
        label="What it is",
        widget=forms.TextInput(attrs={"autofocus": True}),
        help_text="One sentence, e.g. “Our service engineers are trusted at every site”.",
    )
    implication = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What it means for our plan: what we do about it. Needed before the item"
        " counts as complete.",
    )


def swot_item_initial(item: SwotItem) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "text": item.text,
        "implication": item.implication,
        "version": item.version,
    }


class _AnyIdChoiceField(forms.TypedChoiceField):
    """Offers a list but accepts any id, so the service answers an id that is not allowed."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() or super().valid_value(value)


def _blank(choices: list[tuple[str, str]], label: str) -> list[tuple[str, str]]:
    return [("", label), *choices]


def _person(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


class ObjectiveForm(_VersionedForm):
    title = forms.CharField(
        required=False,
        label="Objective",
        widget=forms.TextInput(attrs={"autofocus": True}),
        help_text="What we want to reach, e.g. “Grow pump revenue to 2.4 million a year”.",
    )
    kind = forms.ChoiceField(
        choices=_blank(ObjectiveKind.choices, "— choose a kind —"),
        required=False,
        help_text="Economic objectives have a target; volume and margin measure themselves"
        " from the sales lines. Socio-political ones are about people.",
    )
    horizon = forms.ChoiceField(choices=Horizon.choices, initial=Horizon.SHORT)
    goal_line = forms.ChoiceField(
        choices=_blank(GoalLine.choices, "— none —"),
        required=False,
        label="Goal line it serves",
    )
    target = forms.CharField(
        required=False,
        help_text="Economic objectives: the yearly revenue (volume), the price, or the margin %"
        " to reach.",
    )
    measured = forms.CharField(
        required=False,
        label="Reached so far",
        help_text="Only for price objectives: the sales lines cannot tell a price, so type it.",
    )
    stakeholder = _AnyIdChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        help_text="For “win a stakeholder”: the person of this account we want on our side.",
    )
    owner = _AnyIdChoiceField(
        coerce=int, empty_value=None, required=False, help_text="Who on our side drives it."
    )
    status = forms.ChoiceField(choices=ObjectiveStatus.choices, initial=ObjectiveStatus.NOT_STARTED)
    progress = forms.CharField(
        required=False,
        label="Progress (%)",
        help_text="0 to 100, for objectives that cannot be measured from a target.",
    )

    def __init__(
        self,
        *args: Any,
        stakeholders: list[Stakeholder],
        members: list[Any],
        find_stakeholder: Any,
        find_user: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        stakeholder_field = self.fields["stakeholder"]
        owner_field = self.fields["owner"]
        assert isinstance(stakeholder_field, forms.ChoiceField)
        assert isinstance(owner_field, forms.ChoiceField)
        stakeholder_field.choices = _blank(
            [(str(s.pk), f"{s.name}{f' ({s.title})' if s.title else ''}") for s in stakeholders],
            "— nobody —",
        )
        owner_field.choices = _blank([(str(u.pk), _person(u)) for u in members], "— nobody yet —")
        self._stakeholders = {s.pk: s for s in stakeholders}
        self._members = {u.pk: u for u in members}
        self._find_stakeholder = find_stakeholder
        self._find_user = find_user

    def service_fields(self) -> dict[str, Any]:
        """Ids become rows; an id nobody has stays as given, for the service's message."""
        data = super().service_fields()
        pk = data.get("stakeholder")
        if pk is not None:
            found = self._stakeholders.get(pk) or self._find_stakeholder(pk)
            if found is None:
                raise forms.ValidationError({"stakeholder": f"Stakeholder {pk} does not exist."})
            data["stakeholder"] = found
        user_pk = data.get("owner")
        if user_pk is not None:
            user = self._members.get(user_pk) or self._find_user(user_pk)
            if user is None:
                raise forms.ValidationError(
                    {
                        "owner": "The owner must be a member of this workspace;"
                        f" user {user_pk} is not."
                    }
                )
            data["owner"] = user
        return data


def objective_initial(objective: Objective) -> dict[str, Any]:
    def plain(value: Any) -> str:
        return "" if value is None else format(value.normalize(), "f")

    return {
        "title": objective.title,
        "kind": objective.kind,
        "horizon": objective.horizon,
        "goal_line": objective.goal_line,
        "target": plain(objective.target),
        "measured": plain(objective.measured),
        "stakeholder": objective.stakeholder_id,
        "owner": objective.owner_id,
        "status": objective.status,
        "progress": "" if objective.progress is None else str(objective.progress),
        "version": objective.version,
    }
