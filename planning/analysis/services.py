"""Writes for the analyses of an opportunity: needs, decision criteria, challenge questions.

Every function takes the workspace first, checks that each object it is handed
belongs to it and to the opportunity's account, and says which field is wrong
in words a person can act on. Rows are versioned: a stale edit raises
``VersionConflict`` and nothing is overwritten. Pages and the API both call
these functions, so the rules hold whichever way the data comes in.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model, TextChoices
from django.utils import timezone

from buying_center.models import BuyingRole, Stakeholder
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_record, change_log_values
from kam.concurrency import VersionConflict, delete_if_version, update_if_version
from kam.workspaces.models import Membership, Workspace
from planning.analysis.scoring import CHALLENGE_SCALE, CRITERION_SCALE
from planning.analysis.standard_questions import STANDARD_QUESTIONS
from planning.models import (
    ChallengeCategory,
    ChallengeQuestion,
    CriterionGroup,
    DecisionCriterion,
    HighAnxiety,
    LackOfReceptivity,
    NeedNature,
    NeedStatus,
    Opportunity,
    Severity,
    StakeholderNeed,
    StakeholderNeedKind,
    VulnerabilityStrategy,
)
from planning.opportunities.services.opportunities import opportunity_row_log

NEED_FIELDS = frozenset(
    {
        "stakeholder",
        "kind",
        "nature",
        "description",
        "severity",
        "owner",
        "status",
        "lack_of_receptivity",
        "high_anxiety",
        "verified_on",
    }
)
CRITERION_FIELDS = frozenset(
    {
        "role",
        "stakeholder",
        "group",
        "name",
        "importance",
        "difference",
        "vulnerability_strategy",
        "note",
    }
)
SCORE_FIELDS: dict[str, str] = {
    "team_confidence": "Team confidence",
    "team_implications": "Team implications",
    "team_actions": "Team actions",
    "reviewer_confidence": "Reviewer confidence",
    "reviewer_implications": "Reviewer implications",
    "reviewer_actions": "Reviewer actions",
}
QUESTION_FIELDS = frozenset({"category", "question", "position", "reviewer", "note", *SCORE_FIELDS})

#: The warning-sign checklists: field -> (its choices, how the list is named in messages).
WARNING_SIGNS: dict[str, tuple[type[TextChoices], str]] = {
    "lack_of_receptivity": (LackOfReceptivity, "lack of receptivity"),
    "high_anxiety": (HighAnxiety, "high anxiety"),
}


# -- checks -----------------------------------------------------------------------


def _only(changes: Mapping[str, Any], allowed: frozenset[str], noun: str) -> dict[str, Any]:
    unknown = set(changes) - allowed
    if unknown:
        # A programming error, not bad input: the API and forms only pass known fields.
        raise TypeError(f"cannot set {', '.join(sorted(unknown))} on {noun}")
    return dict(changes)


def _check_workspace(workspace: Workspace, obj: Model | None, noun: str, field: str) -> None:
    if obj is not None and getattr(obj, "workspace_id", None) != workspace.pk:
        # Worded exactly like an id that does not exist: nothing leaks across workspaces.
        raise ValidationError({field: f"{noun} {obj.pk} does not exist."})


def _check_choice(value: Any, choices: type[TextChoices], field: str, noun: str) -> str:
    if value not in choices.values:
        shown = ", ".join(f"{v} ({label.lower()})" for v, label in choices.choices)
        raise ValidationError({field: f"{value!r} is not a {noun}. Choose one of: {shown}."})
    return str(value)


def check_stakeholder(
    *, workspace: Workspace, opportunity: Opportunity, stakeholder: Stakeholder | None, field: str
) -> None:
    """The stakeholder must be in the buying center of the opportunity's own account."""
    if stakeholder is None:
        return
    _check_workspace(workspace, stakeholder, "Stakeholder", field)
    if stakeholder.customer_id != opportunity.customer_id:
        theirs = stakeholder.customer.name
        ours = opportunity.customer.name
        raise ValidationError(
            {
                field: f"That stakeholder ({stakeholder.name}) belongs to another account"
                f" ({theirs}), not to {ours}. Choose someone from {ours}'s buying center."
            }
        )


def check_member(*, workspace: Workspace, user: Any, field: str, noun: str) -> None:
    """``user`` must be a member of the workspace (owners and reviewers are our people)."""
    if user is None:
        return
    if not Membership.objects.filter(workspace=workspace, user_id=user.pk).exists():
        raise ValidationError(
            {field: f"{noun} must be a member of this workspace; user {user.pk} is not."}
        )


def check_warning_signs(field: str, signs: Iterable[str] | None) -> list[str]:
    """The ticked signs in their checklist order; unknown keys are refused by name."""
    choices, noun = WARNING_SIGNS[field]
    if signs is None:
        return []
    if isinstance(signs, str) or not isinstance(signs, Iterable):
        raise ValidationError({field: f"Give the {noun} warning signs as a list of keys."})
    given = [str(sign).strip() for sign in signs if str(sign).strip()]
    unknown = [sign for sign in given if sign not in choices.values]
    if unknown:
        raise ValidationError(
            {
                field: f"Unknown {noun} warning sign {', '.join(repr(s) for s in unknown)}."
                f" The signs are: {', '.join(choices.values)}."
            }
        )
    return [value for value in choices.values if value in given]


def check_verified_on(value: datetime.date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(
            {
                "verified_on": f"The verified-on date {value:%d %b %Y} is in the future;"
                " enter the day you last confirmed it with the stakeholder."
            }
        )


def check_scale(value: Any, *, field: str, label: str, scale: range) -> int | None:
    """An integer on ``scale`` (or None when ``allow_none``), with a message naming the range."""
    if value is None or value == "":
        return None
    low, high = scale.start, scale.stop - 1
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(
            {field: f"{label} must be a whole number between {low} and {high}; {value!r} is not."}
        )
    return value


# -- expectations and concerns ------------------------------------------------------


def _validate_need(
    *, workspace: Workspace, opportunity: Opportunity, fields: dict[str, Any]
) -> dict[str, Any]:
    stakeholder = fields.get("stakeholder")
    if stakeholder is None:
        raise ValidationError({"stakeholder": "Choose the stakeholder this is about."})
    check_stakeholder(
        workspace=workspace, opportunity=opportunity, stakeholder=stakeholder, field="stakeholder"
    )
    kind = _check_choice(fields.get("kind"), StakeholderNeedKind, "kind", "kind of need")
    fields["kind"] = kind
    fields["nature"] = _check_choice(fields.get("nature"), NeedNature, "nature", "nature")
    fields["description"] = str(fields.get("description") or "").strip()
    if not fields["description"]:
        noun = "concern" if kind == StakeholderNeedKind.CONCERN else "expectation"
        raise ValidationError({"description": f"Describe the {noun} in a few words."})
    severity = fields.get("severity") or ""
    if kind == StakeholderNeedKind.CONCERN and not severity:
        raise ValidationError({"severity": "A concern needs a severity: low, medium or high."})
    if severity:
        _check_choice(severity, Severity, "severity", "severity")
    fields["severity"] = severity
    fields["status"] = _check_choice(
        fields.get("status") or NeedStatus.OPEN, NeedStatus, "status", "status"
    )
    for field in WARNING_SIGNS:
        fields[field] = check_warning_signs(field, fields.get(field))
    check_verified_on(fields.get("verified_on"))
    check_member(workspace=workspace, user=fields.get("owner"), field="owner", noun="The owner")
    return fields


@transaction.atomic
def stakeholder_need_create(
    *, workspace: Workspace, opportunity: Opportunity, **fields: Any
) -> StakeholderNeed:
    """Record an expectation or a concern of one of the account's stakeholders."""
    _check_workspace(workspace, opportunity, "Opportunity", "opportunity")
    fields = _only(fields, NEED_FIELDS, "an expectation or concern")
    fields.setdefault("status", NeedStatus.OPEN)
    fields = _validate_need(workspace=workspace, opportunity=opportunity, fields=fields)
    need = StakeholderNeed(workspace=workspace, opportunity=opportunity, **fields)
    need.save()
    opportunity_row_log(
        workspace=workspace, row=need, action=ChangeAction.CREATED, label=_need_label(need)
    )
    return need


def _need_label(need: StakeholderNeed) -> str:
    return f"{need.stakeholder.name}: {need.description[:80]}"


def _locked(model: type[Model], workspace: Workspace, pk: int, expected_version: int) -> Any:
    """The row at ``expected_version``, locked; VersionConflict when it moved on."""
    current = (
        model._default_manager.select_for_update(of=("self",))
        .filter(workspace=workspace, pk=pk, version=expected_version)
        .first()
    )
    if current is None:
        stale = model._default_manager.filter(workspace=workspace, pk=pk).first()
        raise VersionConflict(stale or model(pk=pk), expected_version)
    return current


@transaction.atomic
def stakeholder_need_update(
    *,
    workspace: Workspace,
    need: StakeholderNeed,
    expected_version: int,
    **changes: Any,
) -> StakeholderNeed:
    """Change the need if nobody else did since ``expected_version``."""
    _check_workspace(workspace, need, "Expectation or concern", "need")
    changes = _only(changes, NEED_FIELDS, "an expectation or concern")
    current = _locked(StakeholderNeed, workspace, need.pk, expected_version)
    opportunity = Opportunity.objects.select_related("customer").get(
        workspace=workspace, pk=current.opportunity_id
    )
    merged = {field: getattr(current, field) for field in NEED_FIELDS}
    merged.update(changes)
    merged = _validate_need(workspace=workspace, opportunity=opportunity, fields=merged)
    # Write every field that changed after normalising (a new kind can clear the severity).
    to_write = {field: merged[field] for field in NEED_FIELDS if field in changes}
    before = change_log_values(current, to_write)
    update_if_version(current, expected_version=expected_version, changes=to_write)
    opportunity_row_log(
        workspace=workspace,
        row=current,
        action=ChangeAction.CHANGED,
        label=_need_label(current),
        before=before,
    )
    return current


@transaction.atomic
def stakeholder_need_delete(
    *, workspace: Workspace, need: StakeholderNeed, expected_version: int | None = None
) -> None:
    _check_workspace(workspace, need, "Expectation or concern", "need")
    opportunity_row_log(
        workspace=workspace, row=need, action=ChangeAction.DELETED, label=_need_label(need)
    )
    delete_if_version(need, expected_version=expected_version)


# -- decision criteria ------------------------------------------------------------


def _validate_criterion(
    *, workspace: Workspace, opportunity: Opportunity, fields: dict[str, Any]
) -> dict[str, Any]:
    fields["role"] = _check_choice(fields.get("role"), BuyingRole, "role", "buying role")
    check_stakeholder(
        workspace=workspace,
        opportunity=opportunity,
        stakeholder=fields.get("stakeholder"),
        field="stakeholder",
    )
    fields["group"] = _check_choice(fields.get("group"), CriterionGroup, "group", "criterion group")
    fields["name"] = str(fields.get("name") or "").strip()
    if not fields["name"]:
        raise ValidationError({"name": "Name the criterion, e.g. Response time on site."})
    for field, label in (("importance", "Importance"), ("difference", "Difference")):
        value = check_scale(fields.get(field), field=field, label=label, scale=CRITERION_SCALE)
        if value is None:
            raise ValidationError({field: f"{label} is needed: a whole number between 1 and 7."})
        fields[field] = value
    strategy = fields.get("vulnerability_strategy") or ""
    if strategy:
        _check_choice(strategy, VulnerabilityStrategy, "vulnerability_strategy", "strategy")
    fields["vulnerability_strategy"] = strategy
    fields["note"] = str(fields.get("note") or "")
    return fields


@transaction.atomic
def decision_criterion_create(
    *, workspace: Workspace, opportunity: Opportunity, **fields: Any
) -> DecisionCriterion:
    """Add how a buying role chooses, and how we compare on it."""
    _check_workspace(workspace, opportunity, "Opportunity", "opportunity")
    fields = _only(fields, CRITERION_FIELDS, "a decision criterion")
    fields = _validate_criterion(workspace=workspace, opportunity=opportunity, fields=fields)
    criterion = DecisionCriterion(workspace=workspace, opportunity=opportunity, **fields)
    criterion.save()
    # Relevance is computed by the database; read it back so callers show the real value.
    criterion.refresh_from_db(fields=["relevance"])
    opportunity_row_log(
        workspace=workspace, row=criterion, action=ChangeAction.CREATED, label=criterion.name
    )
    return criterion


@transaction.atomic
def decision_criterion_update(
    *,
    workspace: Workspace,
    criterion: DecisionCriterion,
    expected_version: int,
    **changes: Any,
) -> DecisionCriterion:
    _check_workspace(workspace, criterion, "Decision criterion", "criterion")
    changes = _only(changes, CRITERION_FIELDS, "a decision criterion")
    current = _locked(DecisionCriterion, workspace, criterion.pk, expected_version)
    opportunity = Opportunity.objects.select_related("customer").get(
        workspace=workspace, pk=current.opportunity_id
    )
    merged = {field: getattr(current, field) for field in CRITERION_FIELDS}
    merged["stakeholder"] = current.stakeholder if current.stakeholder_id else None
    merged.update(changes)
    merged = _validate_criterion(workspace=workspace, opportunity=opportunity, fields=merged)
    to_write = {field: merged[field] for field in changes}
    before = change_log_values(current, to_write)
    update_if_version(current, expected_version=expected_version, changes=to_write)
    current.refresh_from_db(fields=["relevance"])
    opportunity_row_log(
        workspace=workspace,
        row=current,
        action=ChangeAction.CHANGED,
        label=current.name,
        before=before,
    )
    return current


@transaction.atomic
def decision_criterion_delete(
    *, workspace: Workspace, criterion: DecisionCriterion, expected_version: int | None = None
) -> None:
    _check_workspace(workspace, criterion, "Decision criterion", "criterion")
    opportunity_row_log(
        workspace=workspace, row=criterion, action=ChangeAction.DELETED, label=criterion.name
    )
    delete_if_version(criterion, expected_version=expected_version)


# -- challenge questions -------------------------------------------------------------


def _validate_question(*, workspace: Workspace, fields: dict[str, Any]) -> dict[str, Any]:
    fields["category"] = _check_choice(
        fields.get("category"), ChallengeCategory, "category", "question category"
    )
    fields["question"] = str(fields.get("question") or "").strip()
    if not fields["question"]:
        raise ValidationError({"question": "Write the question the plan has to answer."})
    if len(fields["question"]) > 300:
        raise ValidationError(
            {
                "question": "Keep the question under 300 characters"
                f" (it has {len(fields['question'])})."
            }
        )
    for field, label in SCORE_FIELDS.items():
        fields[field] = check_scale(
            fields.get(field), field=field, label=label, scale=CHALLENGE_SCALE
        )
    position = fields.get("position")
    if position is not None and (
        isinstance(position, bool) or not isinstance(position, int) or position < 0
    ):
        raise ValidationError({"position": "The position is a whole number, 0 or more."})
    check_member(
        workspace=workspace, user=fields.get("reviewer"), field="reviewer", noun="The reviewer"
    )
    fields["note"] = str(fields.get("note") or "")
    return fields


def _next_position(workspace: Workspace, opportunity: Opportunity) -> int:
    last = ChallengeQuestion.objects.filter(workspace=workspace, opportunity=opportunity).aggregate(
        last=Max("position")
    )["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def challenge_question_create(
    *, workspace: Workspace, opportunity: Opportunity, **fields: Any
) -> ChallengeQuestion:
    """Add a question to the challenge of the capture plan (at the end unless placed)."""
    _check_workspace(workspace, opportunity, "Opportunity", "opportunity")
    fields = _only(fields, QUESTION_FIELDS, "a challenge question")
    fields = _validate_question(workspace=workspace, fields=fields)
    if fields.get("position") is None:
        fields["position"] = _next_position(workspace, opportunity)
    question = ChallengeQuestion(workspace=workspace, opportunity=opportunity, **fields)
    question.save()
    opportunity_row_log(
        workspace=workspace, row=question, action=ChangeAction.CREATED, label=question.question
    )
    return question


@transaction.atomic
def challenge_question_update(
    *,
    workspace: Workspace,
    challenge_question: ChallengeQuestion,
    expected_version: int,
    **changes: Any,
) -> ChallengeQuestion:
    """Change the question or its scores; ``question`` in ``changes`` is the new wording."""
    _check_workspace(workspace, challenge_question, "Challenge question", "challenge_question")
    changes = _only(changes, QUESTION_FIELDS, "a challenge question")
    current = _locked(ChallengeQuestion, workspace, challenge_question.pk, expected_version)
    merged = {field: getattr(current, field) for field in QUESTION_FIELDS}
    merged["reviewer"] = current.reviewer if current.reviewer_id else None
    merged.update(changes)
    merged = _validate_question(workspace=workspace, fields=merged)
    if merged.get("position") is None:
        merged["position"] = current.position
    to_write = {field: merged[field] for field in changes}
    before = change_log_values(current, to_write)
    update_if_version(current, expected_version=expected_version, changes=to_write)
    opportunity_row_log(
        workspace=workspace,
        row=current,
        action=ChangeAction.CHANGED,
        label=current.question,
        before=before,
    )
    return current


@transaction.atomic
def challenge_question_delete(
    *,
    workspace: Workspace,
    challenge_question: ChallengeQuestion,
    expected_version: int | None = None,
) -> None:
    _check_workspace(workspace, challenge_question, "Challenge question", "challenge_question")
    opportunity_row_log(
        workspace=workspace,
        row=challenge_question,
        action=ChangeAction.DELETED,
        label=challenge_question.question,
    )
    delete_if_version(challenge_question, expected_version=expected_version)


@transaction.atomic
def challenge_questions_add_standard(
    *, workspace: Workspace, opportunity: Opportunity
) -> list[ChallengeQuestion]:
    """Add the starter questions the opportunity does not have yet (clicking twice adds none)."""
    _check_workspace(workspace, opportunity, "Opportunity", "opportunity")
    existing = {
        text.strip().lower()
        for text in ChallengeQuestion.objects.filter(
            workspace=workspace, opportunity=opportunity
        ).values_list("question", flat=True)
    }
    position = _next_position(workspace, opportunity)
    new = []
    for category, text in STANDARD_QUESTIONS:
        if text.lower() in existing:
            continue
        new.append(
            ChallengeQuestion(
                workspace=workspace,
                opportunity=opportunity,
                category=category,
                question=text,
                position=position,
            )
        )
        position += 1
    for question in new:
        # save() (not bulk_create) so the workspace-reference check runs on each row.
        question.save()
    if new:
        # One entry for the batch, like a paste: the questions are listed in it.
        change_log_record(
            workspace=workspace,
            obj=opportunity,
            action=ChangeAction.CHANGED,
            account_id=opportunity.customer_id,
            summary=f"added {len(new)} standard challenge questions to {opportunity.title}",
            changes=[
                {"field": "question", "label": "challenge question", "from": "", "to": q.question}
                for q in new
            ],
        )
    return new
