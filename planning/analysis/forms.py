"""Forms of the analysis pages. They only read input; the services validate and write.

Numbers are read as plain integers without range limits here, so the service
answers out-of-range values with its own message ("between 1 and 7") and the
page shows it next to the field, keeping everything else that was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from buying_center.models import BuyingRole, Stakeholder
from planning.analysis import scoring
from planning.models import (
    ChallengeCategory,
    ChallengeQuestion,
    CriterionGroup,
    DecisionCriterion,
    HighAnxiety,
    LackOfReceptivity,
    NeedNature,
    NeedStatus,
    Severity,
    StakeholderNeed,
    StakeholderNeedKind,
    VulnerabilityStrategy,
)


def _blank(choices: list[tuple[str, str]], label: str = "—") -> list[tuple[str, str]]:
    return [("", label), *choices]


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _person(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class StakeholderChoiceField(forms.TypedChoiceField):
    """Offers the account's stakeholders but accepts any id, so that the service, not the
    form, answers someone of another account, with its message naming both accounts."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() or super().valid_value(value)


FindStakeholder = Callable[[int], Stakeholder | None]


def _stakeholder(pk: int | None, known: dict[int, Stakeholder], find: FindStakeholder) -> Any:
    if pk is None:
        return None
    found = known.get(pk) or find(pk)
    if found is None:
        raise ValidationError({"stakeholder": f"Stakeholder {pk} does not exist."})
    return found


class _VersionedForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class StakeholderNeedForm(_VersionedForm):
    stakeholder = StakeholderChoiceField(
        coerce=int, label="Stakeholder", widget=forms.Select(attrs={"autofocus": True})
    )
    kind = forms.ChoiceField(
        choices=StakeholderNeedKind.choices,
        widget=forms.RadioSelect,
        initial=StakeholderNeedKind.CONCERN,
        help_text="An expectation is what they hope to get; a concern is what worries them.",
    )
    nature = forms.ChoiceField(
        choices=NeedNature.choices,
        widget=forms.RadioSelect,
        initial=NeedNature.SOLUTION,
        help_text="Solution-based: about what we deliver. Relational: about how we work with them.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="In their words if you can, e.g. “Downtime during the changeover”.",
    )
    severity = forms.ChoiceField(
        choices=_blank(Severity.choices, "— (expectations have none) —"),
        required=False,
        help_text="Needed for a concern: how badly it could hurt the deal.",
    )
    owner = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        label="Our owner",
        help_text="Who on our side looks after it.",
    )
    status = forms.ChoiceField(choices=NeedStatus.choices, initial=NeedStatus.OPEN)
    lack_of_receptivity = forms.MultipleChoiceField(
        choices=LackOfReceptivity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Signs of a lack of receptivity",
        help_text="Tick what you have seen. Three or more signs put a warning on the stakeholder.",
    )
    high_anxiety = forms.MultipleChoiceField(
        choices=HighAnxiety.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Signs of high anxiety",
        help_text="Tick what you have seen. Three or more signs put a warning on the stakeholder.",
    )
    verified_on = forms.DateField(
        required=False,
        label="Verified on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=(
            "The day you last confirmed this with them. After 90 days it asks to be checked again."
        ),
    )

    def __init__(
        self,
        *args: Any,
        stakeholders: list[Stakeholder],
        members: list[Any],
        find_stakeholder: FindStakeholder,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "stakeholder").choices = _blank(
            [(str(s.pk), f"{s.name}{f' ({s.title})' if s.title else ''}") for s in stakeholders],
            "— choose a stakeholder —",
        )
        _choice_field(self, "owner").choices = _blank(
            [(str(u.pk), _person(u)) for u in members], "— nobody yet —"
        )
        self._stakeholders: dict[int, Stakeholder] = {s.pk: s for s in stakeholders}
        self._find = find_stakeholder
        self._members: dict[int, Any] = {u.pk: u for u in members}

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as objects; an unknown stakeholder id raises ValidationError."""
        data = super().service_fields()
        data["stakeholder"] = _stakeholder(data["stakeholder"], self._stakeholders, self._find)
        data["owner"] = self._members.get(data["owner"]) if data["owner"] else None
        return data


def need_initial(need: StakeholderNeed) -> dict[str, Any]:
    return {
        "stakeholder": need.stakeholder_id,
        "kind": need.kind,
        "nature": need.nature,
        "description": need.description,
        "severity": need.severity,
        "owner": need.owner_id,
        "status": need.status,
        "lack_of_receptivity": list(need.lack_of_receptivity or []),
        "high_anxiety": list(need.high_anxiety or []),
        "verified_on": need.verified_on,
        "version": need.version,
    }


_SEVEN = "1 (low) to 7 (high)"


class DecisionCriterionForm(_VersionedForm):
    role = forms.ChoiceField(
        choices=BuyingRole.choices,
        label="Buying role",
        widget=forms.Select(attrs={"autofocus": True}),
        help_text="Whose criterion this is: the role that applies it when choosing.",
    )
    stakeholder = StakeholderChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Optional: the person in that role, if it is theirs in particular.",
    )
    group = forms.ChoiceField(
        choices=CriterionGroup.choices,
        help_text=(
            "Core transactional (price, quality, delivery), service, process, or buyer-seller fit."
        ),
    )
    name = forms.CharField(
        max_length=200, label="Criterion", help_text="e.g. Response time on site"
    )
    importance = forms.IntegerField(
        widget=forms.NumberInput(attrs={"min": 1, "max": 7, "inputmode": "numeric"}),
        help_text=f"How much it weighs for them, {_SEVEN}.",
    )
    difference = forms.IntegerField(
        widget=forms.NumberInput(attrs={"min": 1, "max": 7, "inputmode": "numeric"}),
        help_text=f"How far we stand out from the competitors on it, {_SEVEN}.",
    )
    vulnerability_strategy = forms.ChoiceField(
        choices=_blank(VulnerabilityStrategy.choices, "— none chosen —"),
        required=False,
        label="Vulnerability strategy",
        help_text=(
            f"Needed when the criterion is weak (importance {scoring.WEAK_MIN_IMPORTANCE} or more,"
            f" difference {scoring.WEAK_MAX_DIFFERENCE} or less): how you will stop a competitor"
            " winning on it."
        ),
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self,
        *args: Any,
        stakeholders: list[Stakeholder],
        find_stakeholder: FindStakeholder,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "stakeholder").choices = _blank(
            [(str(s.pk), s.name) for s in stakeholders], "— the role in general —"
        )
        # The browser may not stop 0 or 8 (no min/max validation with novalidate):
        # the service answers with "between 1 and 7".
        self._stakeholders: dict[int, Stakeholder] = {s.pk: s for s in stakeholders}
        self._find = find_stakeholder

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as objects; an unknown stakeholder id raises ValidationError."""
        data = super().service_fields()
        data["stakeholder"] = _stakeholder(data["stakeholder"], self._stakeholders, self._find)
        return data


def criterion_initial(criterion: DecisionCriterion) -> dict[str, Any]:
    return {
        "role": criterion.role,
        "stakeholder": criterion.stakeholder_id,
        "group": criterion.group,
        "name": criterion.name,
        "importance": criterion.importance,
        "difference": criterion.difference,
        "vulnerability_strategy": criterion.vulnerability_strategy,
        "note": criterion.note,
        "version": criterion.version,
    }


def _score_field(label: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        label=label,
        widget=forms.NumberInput(attrs={"min": 1, "max": 5, "inputmode": "numeric"}),
        help_text=help_text,
    )


_CONFIDENCE = "1 to 5: how sure, with hard evidence and first-hand information?"
_IMPLICATIONS = "1 to 5: do we know what it means for their buying process?"
_ACTIONS = "1 to 5: do we know what to do, and how we will see it working?"


class ChallengeQuestionForm(_VersionedForm):
    category = forms.ChoiceField(
        choices=ChallengeCategory.choices, widget=forms.Select(attrs={"autofocus": True})
    )
    question = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"size": 60}))
    team_confidence = _score_field("Team: confidence", _CONFIDENCE)
    team_implications = _score_field("Team: implications", _IMPLICATIONS)
    team_actions = _score_field("Team: actions", _ACTIONS)
    reviewer = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        label="Independent reviewer",
        help_text="Someone of the workspace who is not on this account's selling center.",
    )
    reviewer_confidence = _score_field("Reviewer: confidence", _CONFIDENCE)
    reviewer_implications = _score_field("Reviewer: implications", _IMPLICATIONS)
    reviewer_actions = _score_field("Reviewer: actions", _ACTIONS)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "reviewer").choices = _blank(
            [(str(u.pk), _person(u)) for u in members], "— nobody yet —"
        )
        self._members: dict[int, Any] = {u.pk: u for u in members}

    def service_fields(self) -> dict[str, Any]:
        data = super().service_fields()
        data["reviewer"] = self._members.get(data["reviewer"]) if data["reviewer"] else None
        return data


def question_initial(question: ChallengeQuestion) -> dict[str, Any]:
    return {
        "category": question.category,
        "question": question.question,
        "team_confidence": question.team_confidence,
        "team_implications": question.team_implications,
        "team_actions": question.team_actions,
        "reviewer": question.reviewer_id,
        "reviewer_confidence": question.reviewer_confidence,
        "reviewer_implications": question.reviewer_implications,
        "reviewer_actions": question.reviewer_actions,
        "note": question.note,
        "version": question.version,
    }
