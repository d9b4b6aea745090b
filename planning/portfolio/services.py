"""Writes of the portfolio: judging a factor, and confirming or overriding a recommendation.

Both log to the change log in their transaction, against the account. A
decision is never edited: confirming or overriding again adds a row, so the
account keeps its history of decisions.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Customer
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import VersionConflict, update_if_version
from kam.workspaces.models import Workspace
from planning.models import Commitment, FactorCode, PortfolioDecision, PortfolioFactor
from planning.portfolio.selectors import account_position

REASON_LIMIT = 2000


def _own(workspace: Workspace, customer: Customer) -> None:
    if customer.workspace_id != workspace.pk:
        raise ValidationError({"customer": f"Customer {customer.pk} does not exist."})


def _clean_factor(
    code: Any, score: Any, reason: Any, judged_on: Any, today: datetime.date
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if code not in FactorCode.values:
        errors["code"] = [f"{code!r} is not a factor of the portfolio; pick one from the list."]
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        errors["score"] = [f"Give a whole score from 1 (low) to 5 (high); {score!r} is not one."]
    reason = str(reason or "").strip()
    if not reason:
        errors["reason"] = ["Say why you give this score, so the next reader can judge it too."]
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = [f"Keep the reason under {REASON_LIMIT} characters."]
    if not isinstance(judged_on, datetime.date):
        errors["judged_on"] = ["Give the day of the judgement, e.g. 2026-11-30."]
    elif judged_on > today:
        errors["judged_on"] = [f"{judged_on.isoformat()} is in the future; judge as of today."]
    if errors:
        raise ValidationError(errors)
    return {"score": score, "reason": reason, "judged_on": judged_on}


@transaction.atomic
def portfolio_factor_save(
    *,
    workspace: Workspace,
    customer: Customer,
    code: str,
    score: Any,
    reason: Any,
    expected_version: int | None = None,
    judged_on: datetime.date | None = None,
    user: User | None = None,
) -> PortfolioFactor:
    """Judge one factor of the account: create it, or change it on the version read.

    ``expected_version`` is ``None`` when the person saw no judgement yet; if one
    was saved meanwhile, that is a conflict like any other stale edit.
    """
    _own(workspace, customer)
    today = timezone.localdate()
    clean = _clean_factor(code, score, reason, judged_on or today, today)
    clean["judged_by"] = user
    existing = (
        PortfolioFactor.objects.select_for_update()
        .filter(workspace=workspace, customer=customer, code=code)
        .first()
    )
    label = f"{FactorCode(code).label} of {customer.name}"
    if existing is None:
        if expected_version is not None:
            raise ValidationError(
                {"code": ["This judgement was removed meanwhile; judge the factor again."]}
            )
        factor = PortfolioFactor.objects.create(
            workspace=workspace, customer=customer, code=code, **clean
        )
        change_log_record(
            workspace=workspace,
            obj=factor,
            action=ChangeAction.CREATED,
            account_id=customer.pk,
            label=label,
            summary=f"judged {label}: {factor.score}/5 ({factor.reason[:80]})",
        )
        return factor
    if expected_version is None:
        raise VersionConflict(existing, 0)
    before = change_log_values(existing, clean)
    update_if_version(existing, expected_version=expected_version, changes=clean)
    change_log_record(
        workspace=workspace,
        obj=existing,
        action=ChangeAction.CHANGED,
        account_id=customer.pk,
        label=label,
        changes=change_log_diff(existing, before),
    )
    return existing


def _current(workspace: Workspace, customer: Customer, seen: Any) -> Commitment:
    """The recommendation today, which must be the one the person saw."""
    position = account_position(workspace=workspace, customer=customer)
    if position is None or position.recommendation is None:
        raise ValidationError(
            {
                "recommendation": [
                    "There is no recommendation for this account: its data is missing."
                ]
            }
        )
    current = Commitment(position.recommendation.commitment.value)
    if seen is not None and seen != current.value:
        raise ValidationError(
            {
                "recommendation": [
                    f"The recommendation changed to {current.label.lower()} since the page was"
                    " loaded; look at it again before deciding."
                ]
            }
        )
    return current


def _decide(
    *,
    workspace: Workspace,
    customer: Customer,
    recommendation: Commitment,
    decision: Commitment,
    reason: str,
    user: User | None,
) -> PortfolioDecision:
    position = account_position(workspace=workspace, customer=customer)
    row = PortfolioDecision.objects.create(
        workspace=workspace,
        customer=customer,
        recommendation=recommendation,
        decision=decision,
        reason=reason,
        basis=position.basis() if position else {},
        decided_by=user,
        decided_at=timezone.now(),
    )
    if decision == recommendation:
        summary = f"confirmed the recommendation for {customer.name}: {decision.label.lower()}"
    else:
        summary = (
            f"overrode the recommendation for {customer.name}: {decision.label.lower()} instead"
            f" of {recommendation.label.lower()}"
        )
    change_log_record(
        workspace=workspace,
        obj=row,
        action=ChangeAction.CREATED,
        account_id=customer.pk,
        label=f"Portfolio decision on {customer.name}",
        summary=summary + (f" ({reason[:80]})" if reason else ""),
    )
    return row


@transaction.atomic
def portfolio_decision_confirm(
    *,
    workspace: Workspace,
    customer: Customer,
    recommendation: str | None = None,
    reason: str = "",
    user: User | None = None,
) -> PortfolioDecision:
    """Confirm today's recommendation (``recommendation``: the one the person saw)."""
    _own(workspace, customer)
    current = _current(workspace, customer, recommendation)
    return _decide(
        workspace=workspace,
        customer=customer,
        recommendation=current,
        decision=current,
        reason=str(reason or "").strip()[:REASON_LIMIT],
        user=user,
    )


@transaction.atomic
def portfolio_decision_override(
    *,
    workspace: Workspace,
    customer: Customer,
    decision: Any,
    reason: Any,
    recommendation: str | None = None,
    user: User | None = None,
) -> PortfolioDecision:
    """Decide otherwise than recommended; the reason is required."""
    _own(workspace, customer)
    errors: dict[str, list[str]] = {}
    if decision not in Commitment.values:
        errors["decision"] = ["Pick what to do instead: maintain, increase, reduce or cease."]
    reason = str(reason or "").strip()
    if not reason:
        errors["reason"] = ["Say why you decide otherwise than recommended."]
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = [f"Keep the reason under {REASON_LIMIT} characters."]
    try:
        current = _current(workspace, customer, recommendation)
    except ValidationError as error:
        errors |= error.message_dict
    else:
        if not errors and decision == current.value:
            errors["decision"] = [
                f"{current.label} is the recommendation; confirm it instead of overriding."
            ]
    if errors:
        raise ValidationError(errors)
    return _decide(
        workspace=workspace,
        customer=customer,
        recommendation=current,
        decision=Commitment(decision),
        reason=reason,
        user=user,
    )
