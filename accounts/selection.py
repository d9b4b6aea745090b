"""Selecting key accounts: warnings, promote and demote with a reason, judgement inputs, reviews.

A promotion or demotion is a decision somebody must be able to explain later,
so each one is kept (``SelectionDecision``) with its reason, the warnings the
person saw and acknowledged, and the scores they were looking at. Warnings do
not forbid anything: the program's limits and the "only friends" rule are
advice from the book, and an executive may have good reasons to go past them.
They must only be read first.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.dirty import mark_customers_dirty
from accounts.models import (
    Customer,
    CustomerScore,
    CustomerStatus,
    Quadrant,
    SelectionDecision,
    SelectionReview,
)
from accounts.selection_selectors import selection_snapshot
from accounts.valuation_settings import valuation_settings_get
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import update_if_version
from kam.workspaces.models import Workspace

#: Where a demotion leads from each status a demotion is possible from.
DEMOTE_TO: dict[str, str] = {
    CustomerStatus.KEY_ACCOUNT: CustomerStatus.FORMER_KEY_ACCOUNT,
    CustomerStatus.CANDIDATE: CustomerStatus.CUSTOMER,
}
JUDGEMENT_FIELDS: tuple[str, ...] = (
    "strategic_importance",
    "strategic_importance_reason",
    "fit_strategic",
    "fit_operational",
    "fit_cultural",
    "upv_estimate",
)
RATING_LABELS: dict[str, str] = {
    "strategic_importance": "Strategic importance",
    "fit_strategic": "Strategic fit",
    "fit_operational": "Operational fit",
    "fit_cultural": "Cultural fit",
}


def _check_in_workspace(workspace: Workspace, customer: Customer) -> None:
    if customer.workspace_id != workspace.pk:
        raise ValueError(f"{customer!r} belongs to another workspace")


def selection_warnings(*, workspace: Workspace, customer: Customer, to_status: str) -> list[str]:
    """What a person should read before moving ``customer`` to ``to_status``."""
    _check_in_workspace(workspace, customer)
    if to_status != CustomerStatus.KEY_ACCOUNT or customer.status == CustomerStatus.KEY_ACCOUNT:
        return []
    settings = valuation_settings_get(workspace=workspace)
    warnings: list[str] = []
    score = CustomerScore.objects.filter(workspace=workspace, customer=customer).first()
    if score is None or not score.quadrant:
        warnings.append(
            f"{customer.name} has no relationship quadrant yet (its scores are not computed),"
            " so nobody can tell whether it is a friend."
        )
    elif score.quadrant != Quadrant.FRIEND:
        label = Quadrant(score.quadrant).label.lower()
        warnings.append(
            f"{customer.name} is a {label}, not a friend: only loyal, profitable customers"
            " usually repay a key-account program."
        )
    if customer.scores_dirty:
        warnings.append(
            f"{customer.name}'s scores are being recomputed; the numbers you see may change."
        )
    key_accounts = Customer.objects.filter(
        workspace=workspace, status=CustomerStatus.KEY_ACCOUNT
    ).count()
    if key_accounts + 1 > settings.max_key_accounts:
        warnings.append(
            f"The program would have {key_accounts + 1} key accounts, more than the"
            f" {settings.max_key_accounts} the workspace settings allow for."
        )
    if customer.owner is None:
        warnings.append(f"{customer.name} has no key account manager yet.")
    else:
        held = Customer.objects.filter(
            workspace=workspace, status=CustomerStatus.KEY_ACCOUNT, owner=customer.owner
        ).count()
        if held + 1 > settings.max_accounts_per_kam:
            who = customer.owner.get_full_name() or customer.owner.get_username()
            warnings.append(
                f"{who} would hold {held + 1} key accounts, more than the"
                f" {settings.max_accounts_per_kam} one key account manager can look after well."
            )
    return warnings


def _score_snapshot(workspace: Workspace, customer: Customer) -> dict[str, Any]:
    score = CustomerScore.objects.filter(workspace=workspace, customer=customer).first()
    if score is None:
        return {}
    return {
        "currency": score.currency,
        "revenue_3y": str(score.revenue_3y),
        "margin_3y": str(score.margin_3y),
        "clv_contractual": None if score.clv_contractual is None else str(score.clv_contractual),
        "clv_transactional": (
            None if score.clv_transactional is None else str(score.clv_transactional)
        ),
        "upv": None if score.upv is None else str(score.upv),
        "upv_source": score.upv_source,
        "quadrant": score.quadrant,
        "composite": score.composite,
        "revenue_rank": score.revenue_rank,
        "computed_at": score.computed_at.isoformat(),
        "stale": customer.scores_dirty,
    }


def _decide(
    *,
    workspace: Workspace,
    customer: Customer,
    to_status: str,
    reason: str,
    user: User | None,
    acknowledge_warnings: bool,
    expected_version: int | None,
) -> SelectionDecision:
    _check_in_workspace(workspace, customer)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Give a reason: the decision is kept, and others will read why."}
        )
    # Lock the customer: two people promoting at once must both see the count
    # the other one is about to change.
    locked = Customer.objects.select_for_update().get(workspace=workspace, pk=customer.pk)
    version = locked.version if expected_version is None else expected_version
    warnings = selection_warnings(workspace=workspace, customer=locked, to_status=to_status)
    if warnings and not acknowledge_warnings:
        raise ValidationError(
            {"acknowledge_warnings": "Tick “I have read the warnings” to go ahead."}
        )
    from_status = locked.status
    before = change_log_values(locked, ["status"])
    update_if_version(locked, expected_version=version, changes={"status": to_status})
    customer.status, customer.version = locked.status, locked.version
    promoted = to_status == CustomerStatus.KEY_ACCOUNT
    change_log_record(
        workspace=workspace,
        obj=locked,
        action=ChangeAction.PROMOTED if promoted else ChangeAction.DEMOTED,
        account_id=locked.pk,
        changes=change_log_diff(locked, before),
        summary=f"{'promoted' if promoted else 'demoted'} {locked.name} to"
        f" {locked.get_status_display().lower()}: {reason[:300]}",
    )
    return SelectionDecision.objects.create(
        workspace=workspace,
        customer=locked,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        warnings=warnings,
        score_snapshot=_score_snapshot(workspace, locked),
        decided_by=user,
    )


@transaction.atomic
def customer_promote(
    *,
    workspace: Workspace,
    customer: Customer,
    reason: str,
    user: User | None,
    acknowledge_warnings: bool,
    expected_version: int | None = None,
) -> SelectionDecision:
    """Make ``customer`` a key account; refuse without a reason or unread warnings.

    Raises ``ValidationError`` (field -> message) and ``VersionConflict`` when
    somebody changed the customer since ``expected_version``.
    """
    if customer.status == CustomerStatus.KEY_ACCOUNT:
        raise ValidationError({"status": f"{customer.name} is a key account already."})
    return _decide(
        workspace=workspace,
        customer=customer,
        to_status=CustomerStatus.KEY_ACCOUNT,
        reason=reason,
        user=user,
        acknowledge_warnings=acknowledge_warnings,
        expected_version=expected_version,
    )


@transaction.atomic
def customer_demote(
    *,
    workspace: Workspace,
    customer: Customer,
    reason: str,
    user: User | None,
    acknowledge_warnings: bool = True,
    expected_version: int | None = None,
) -> SelectionDecision:
    """Take a key account out of the program (or a candidate off the list), with a reason."""
    to_status = DEMOTE_TO.get(customer.status)
    if to_status is None:
        raise ValidationError(
            {"status": f"{customer.name} is neither a key account nor a candidate."}
        )
    return _decide(
        workspace=workspace,
        customer=customer,
        to_status=to_status,
        reason=reason,
        user=user,
        acknowledge_warnings=acknowledge_warnings,
        expected_version=expected_version,
    )


def _check_rating(name: str, raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError(
            {name: f"{RATING_LABELS[name]} is a whole number from 1 to 5; “{raw}” is not."}
        )
    return value


def _check_upv(raw: Any) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).replace(" ", "").replace(",", ""))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0:
        raise ValidationError(
            {"upv_estimate": f"The UPV estimate is an amount of 0 or more; “{raw}” is not."}
        )
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def customer_judgement_update(
    *,
    workspace: Workspace,
    customer: Customer,
    expected_version: int,
    changes: Mapping[str, Any],
    user: User | None = None,
) -> Customer:
    """Save the scorecard's judgement inputs; refuse a stale save (``VersionConflict``)."""
    _check_in_workspace(workspace, customer)
    unknown = set(changes) - set(JUDGEMENT_FIELDS)
    if unknown:
        raise ValueError(f"not judgement inputs: {sorted(unknown)}")
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, raw in changes.items():
        try:
            if name == "strategic_importance_reason":
                values[name] = str(raw or "").strip()
            elif name == "upv_estimate":
                values[name] = _check_upv(raw)
            else:
                values[name] = _check_rating(name, raw)
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if values.get("strategic_importance") and not values.get(
        "strategic_importance_reason", customer.strategic_importance_reason
    ):
        errors.setdefault(
            "strategic_importance_reason",
            "Say why this customer matters strategically, so others can weigh the rating.",
        )
    if errors:
        raise ValidationError(errors)
    before = change_log_values(customer, values)
    update_if_version(customer, expected_version=expected_version, changes=values)
    change_log_record(
        workspace=workspace,
        obj=customer,
        action=ChangeAction.CHANGED,
        account_id=customer.pk,
        changes=change_log_diff(customer, before),
    )
    mark_customers_dirty(workspace=workspace, customer_ids=[customer.pk], requested_by=user)
    return customer


def current_period(now: Any = None) -> str:
    day = timezone.localdate(now) if now is not None else timezone.localdate()
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@transaction.atomic
def selection_review_close(
    *,
    workspace: Workspace,
    user: User | None,
    notes: str = "",
    period: str | None = None,
) -> SelectionReview:
    """Close the quarter's review: keep the key accounts and top candidates as they stand."""
    period = period or current_period()
    if SelectionReview.objects.filter(workspace=workspace, period=period).exists():
        raise ValidationError({"period": f"The review of {period} is closed already."})
    try:
        with transaction.atomic():
            review = SelectionReview.objects.create(
                workspace=workspace,
                period=period,
                held_by=user,
                notes=(notes or "").strip(),
                snapshot=selection_snapshot(workspace=workspace),
            )
    except IntegrityError:  # somebody closed it a moment ago
        raise ValidationError({"period": f"The review of {period} is closed already."}) from None
    change_log_record(
        workspace=workspace,
        obj=review,
        action=ChangeAction.CONFIRMED,
        summary=f"closed the selection review of {period}",
    )
    return review
