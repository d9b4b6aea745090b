"""Writing account health: the computation, the manual override, the workspace's weights.

Three kinds of write, kept apart on purpose:

* :func:`health_recompute` stores what the rules computed. It is not a
  person's change: it writes only the ``computed_*`` columns and the history,
  logs nothing to the change log, and leaves ``version`` alone, so an override
  form opened before a recompute still saves (the version guards what people
  write, and the computation writes none of it).
* :func:`health_override_set` / :func:`health_override_clear` are a person's
  judgement: they need a reason and an expiry date, are logged, and are never
  touched by the computation. An override shows until its date has passed.
* :func:`health_settings_update` changes the weights and thresholds, is
  logged, and asks for a recompute of every key account once it commits.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Customer, CustomerScore, CustomerStatus
from kam.changelog.models import ChangeAction, ChangeLogEntry
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import update_if_version
from kam.workspaces.models import Workspace
from planning.health.inputs import health_inputs
from planning.health.recompute import request_health_recompute_on_commit
from planning.health.rules import SIGNALS, Thresholds, assess
from planning.models import AccountHealth, HealthRating, HealthRecord, HealthSettings

#: Ratings a person may set by hand ("unknown" is what the app says when it cannot tell).
OVERRIDE_RATINGS: tuple[str, ...] = (HealthRating.GREEN, HealthRating.AMBER, HealthRating.RED)
#: An override is looked at again at least this often.
OVERRIDE_LONGEST_DAYS = 366
#: A weight above this would drown every other signal; it is a typing mistake.
WEIGHT_MAX = Decimal(100)
#: An account whose change-log entry is this close to its last computation is recomputed:
#: an edit committed while a run was reading (so invisible to it) is not missed.
RECENT_CHANGE_SLACK = datetime.timedelta(minutes=10)


# -- settings ------------------------------------------------------------------------------


def health_settings_get(*, workspace: Workspace) -> HealthSettings:
    """The workspace's health settings, creating the default row on first use."""
    found = HealthSettings.objects.filter(workspace=workspace).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():  # two first requests at once: the loser reads the winner's
            return HealthSettings.objects.create(workspace=workspace)
    except IntegrityError:
        return HealthSettings.objects.get(workspace=workspace)


def thresholds_of(settings: HealthSettings) -> Thresholds:
    weights = {
        code: Decimal(str(value))
        for code, value in (settings.weights or {}).items()
        if code in SIGNALS
    }
    return Thresholds(
        amber_at=Decimal(settings.amber_at), red_at=Decimal(settings.red_at), weights=weights
    )


def _number(raw: Any, label: str) -> Decimal:
    if raw is None or isinstance(raw, bool) or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError(f"{label} is required.")
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(f"{label} must be a number; you entered {raw!r}.") from None
    if not value.is_finite():
        raise ValidationError(f"{label} must be a number; you entered {raw!r}.")
    return value


@transaction.atomic
def health_settings_update(
    *,
    workspace: Workspace,
    expected_version: int,
    weights: Mapping[str, Any],
    amber_at: Any,
    red_at: Any,
) -> HealthSettings:
    """Change the weights (by signal code) and thresholds; every mistake named at once."""
    unknown = set(weights) - set(SIGNALS)
    if unknown:
        raise TypeError(f"not a health signal: {', '.join(sorted(unknown))}")
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for code, raw in weights.items():
        label = f"The weight of “{SIGNALS[code].label}”"
        try:
            value = _number(raw, label)
        except ValidationError as error:
            errors[f"weight_{code}"] = error.messages[0]
            continue
        if not Decimal(0) <= value <= WEIGHT_MAX:
            errors[f"weight_{code}"] = (
                f"{label} must be between 0 (ignore this signal) and {WEIGHT_MAX};"
                f" you entered {value}."
            )
        else:
            cleaned[code] = str(value.quantize(Decimal("0.01")).normalize())
    limits: dict[str, Decimal] = {}
    for name, raw, label in (
        ("amber_at", amber_at, "Amber from"),
        ("red_at", red_at, "Red from"),
    ):
        try:
            limits[name] = _number(raw, label)
        except ValidationError as error:
            errors[name] = error.messages[0]
            continue
        if limits[name] <= 0:
            errors[name] = f"{label} must be above 0; you entered {limits[name]}."
    if (
        "amber_at" in limits
        and "red_at" in limits
        and "red_at" not in errors
        and limits["red_at"] <= limits["amber_at"]
    ):
        errors["red_at"] = (
            f"Red from must be above amber from ({limits['amber_at']}), or no account"
            f" could ever be amber; you entered {limits['red_at']}."
        )
    if errors:
        raise ValidationError(errors)
    settings = health_settings_get(workspace=workspace)
    before = change_log_values(settings, ["weights", "amber_at", "red_at"])
    defaults = {code: str(signal.default_weight) for code, signal in SIGNALS.items()}
    # Only weights that differ from the default are stored: a changed default reaches
    # every workspace that never chose otherwise.
    stored = {code: value for code, value in cleaned.items() if value != defaults[code]}
    update_if_version(
        settings,
        expected_version=expected_version,
        changes={
            "weights": stored,
            "amber_at": limits["amber_at"],
            "red_at": limits["red_at"],
        },
    )
    changes = change_log_diff(
        settings,
        before,
        display={"weights": lambda value: _weights_text(value, defaults)},
    )
    change_log_record(
        workspace=workspace,
        obj=settings,
        action=ChangeAction.CHANGED,
        changes=changes,
        label="Health settings",
    )
    if changes:
        request_health_recompute_on_commit(workspace_id=workspace.pk)
    return settings


def _weights_text(value: Any, defaults: Mapping[str, str]) -> str:
    chosen = dict(value or {})
    if not chosen:
        return "the defaults"
    return ", ".join(
        f"{SIGNALS[code].label} {weight}"
        for code, weight in sorted(chosen.items())
        if code in SIGNALS
    )


# -- the computation -----------------------------------------------------------------------


def key_account_ids(
    *, workspace: Workspace, customer_ids: Iterable[int] | None = None
) -> list[int]:
    customers = Customer.objects.filter(workspace=workspace, status=CustomerStatus.KEY_ACCOUNT)
    if customer_ids is not None:
        customers = customers.filter(pk__in={int(pk) for pk in customer_ids})
    return list(customers.order_by("pk").values_list("pk", flat=True))


def health_recompute(
    *,
    workspace: Workspace,
    customer_ids: Iterable[int] | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Compute the health of key accounts (``None``: all of them); return how many changed.

    Writes ``computed_*`` of each account's :class:`AccountHealth` (creating it on
    first use) and appends a :class:`HealthRecord` when the rating or score changed,
    or when the account has no record of today yet (so a trend has one point a day).
    The override columns and the version are never written here.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    ids = key_account_ids(workspace=workspace, customer_ids=customer_ids)
    if not ids:
        return 0
    thresholds = thresholds_of(health_settings_get(workspace=workspace))
    facts = health_inputs(workspace=workspace, customer_ids=ids, today=today)
    with transaction.atomic():
        rows = {
            row.customer_id: row
            for row in AccountHealth.objects.filter(workspace=workspace, customer_id__in=ids)
        }
        last_record = dict(
            HealthRecord.objects.filter(workspace=workspace, customer_id__in=ids)
            .values("customer_id")
            .annotate(last=Max("at"))
            .values_list("customer_id", "last")
        )
        new_rows: list[AccountHealth] = []
        rewritten: list[AccountHealth] = []
        records: list[HealthRecord] = []
        changed = 0
        for pk in ids:
            result = assess(facts[pk], thresholds)
            reasons = [reason.as_dict() for reason in result.reasons]
            row = rows.get(pk)
            if row is None:
                row = AccountHealth(workspace=workspace, customer_id=pk)
                new_rows.append(row)
            moved = (
                row.computed_at is None
                or row.computed_rating != result.rating
                or _score(row.computed_score) != _score(result.score)
            )
            changed += int(moved)
            if moved or row.reasons != reasons:
                row.computed_rating = result.rating
                row.computed_score = result.score
                row.reasons = reasons
                if row.pk is not None:
                    rewritten.append(row)
            row.computed_at = now
            last = last_record.get(pk)
            if moved or last is None or timezone.localdate(last) < today:
                records.append(
                    HealthRecord(
                        workspace=workspace,
                        customer_id=pk,
                        at=now,
                        rating=result.rating,
                        score=result.score,
                        reasons=reasons,
                    )
                )
        AccountHealth.objects.bulk_create(new_rows)
        # Only rows whose verdict moved are rewritten (a CASE per row and column is
        # costly); every row's "computed at" moves on in one plain UPDATE.
        AccountHealth.objects.bulk_update(
            rewritten, ["computed_rating", "computed_score", "reasons"], batch_size=200
        )
        AccountHealth.objects.filter(workspace=workspace, customer_id__in=list(rows)).update(
            computed_at=now
        )
        HealthRecord.objects.bulk_create(records, batch_size=500)
    return changed


def _score(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def health_due_ids(*, workspace: Workspace, now: datetime.datetime | None = None) -> list[int]:
    """Key accounts whose health may be out of date: what the debounced run recomputes.

    Due: no health yet, none computed today, or a change-log entry about the account
    since (or shortly before) its last computation. Every plan-relevant write records
    such an entry in its own transaction, so the log is the list of what changed.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    ids = key_account_ids(workspace=workspace)
    computed = dict(
        AccountHealth.objects.filter(workspace=workspace, customer_id__in=ids).values_list(
            "customer_id", "computed_at"
        )
    )
    due = {pk for pk in ids if computed.get(pk) is None or timezone.localdate(computed[pk]) < today}
    fresh = [at for pk, at in computed.items() if pk not in due and at is not None]
    if not fresh:
        return sorted(due)
    # New weights or thresholds make every account due.
    settings_changed = ChangeLogEntry.objects.filter(
        workspace=workspace,
        content_type=ContentType.objects.get_for_model(HealthSettings),
        at__gte=min(fresh) - RECENT_CHANGE_SLACK,
    ).aggregate(last=Max("at"))["last"]
    if settings_changed is not None:
        due |= {
            pk
            for pk, at in computed.items()
            if at is not None and settings_changed >= at - RECENT_CHANGE_SLACK
        }
    latest = dict(
        ChangeLogEntry.objects.filter(
            workspace=workspace,
            account_id__in=[pk for pk in ids if pk not in due],
            at__gte=min(fresh) - RECENT_CHANGE_SLACK,
        )
        .values("account_id")
        .annotate(last=Max("at"))
        .values_list("account_id", "last")
    )
    for pk, last in latest.items():
        at = computed.get(int(pk))
        if at is not None and last >= at - RECENT_CHANGE_SLACK:
            due.add(int(pk))
    # The scores run (figures, purchase model) stores without a change-log entry.
    scored = CustomerScore.objects.filter(
        workspace=workspace,
        customer_id__in=[pk for pk in ids if pk not in due],
        computed_at__gte=min(fresh) - RECENT_CHANGE_SLACK,
    ).values_list("customer_id", "computed_at")
    for pk, scored_at in scored:
        at = computed.get(pk)
        if at is not None and scored_at >= at - RECENT_CHANGE_SLACK:
            due.add(pk)
    return sorted(due)


# -- the override --------------------------------------------------------------------------


def _health_row(workspace: Workspace, customer: Customer) -> AccountHealth:
    if customer.workspace_id != workspace.pk:
        raise ValueError(f"{customer!r} belongs to another workspace")
    row, _ = AccountHealth.objects.get_or_create(workspace=workspace, customer=customer)
    return row


def _override_summary(customer: Customer, rating: str, until: datetime.date, reason: str) -> str:
    label = HealthRating(rating).label.lower()
    short = reason if len(reason) <= 120 else reason[:119] + "…"
    return f"set the health of {customer.name} to {label} until {until.isoformat()}: {short}"


@transaction.atomic
def health_override_set(
    *,
    workspace: Workspace,
    customer: Customer,
    rating: str,
    reason: str,
    until: datetime.date | None,
    expected_version: int,
    user: Any = None,
    today: datetime.date | None = None,
) -> AccountHealth:
    """Rate the account by hand until ``until``; the computation keeps running underneath."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if rating not in OVERRIDE_RATINGS:
        errors["rating"] = "Choose red, amber or green."
    if not reason:
        errors["reason"] = (
            "Say why the computed health is wrong for this account: the next person to"
            " read it needs to know."
        )
    elif len(reason) > 1000:
        errors["reason"] = f"Keep the reason under 1000 characters; it has {len(reason)}."
    if until is None:
        errors["until"] = (
            "Choose until when the override holds; after that day the computed health shows again."
        )
    elif until <= today:
        errors["until"] = (
            f"The override must hold until a day after today ({today.isoformat()});"
            f" you chose {until.isoformat()}."
        )
    elif until > (latest := today + datetime.timedelta(days=OVERRIDE_LONGEST_DAYS)):
        errors["until"] = (
            "An override can hold for a year at most, so that someone looks at it again;"
            f" choose {latest.isoformat()} or earlier."
        )
    if errors:
        raise ValidationError(errors)
    assert until is not None
    row = _health_row(workspace, customer)
    fields = ["override_rating", "override_reason", "override_until"]
    before = change_log_values(row, fields)
    update_if_version(
        row,
        expected_version=expected_version,
        changes={
            "override_rating": rating,
            "override_reason": reason,
            "override_until": until,
            "override_by": user if user is not None and user.is_authenticated else None,
            "override_at": timezone.now(),
        },
    )
    change_log_record(
        workspace=workspace,
        obj=row,
        action=ChangeAction.CHANGED,
        account_id=customer.pk,
        changes=change_log_diff(row, before),
        summary=_override_summary(customer, rating, until, reason),
        label=f"Health of {customer.name}",
    )
    return row


@transaction.atomic
def health_override_clear(
    *, workspace: Workspace, customer: Customer, expected_version: int
) -> AccountHealth:
    """Drop the override: the computed health shows again."""
    row = _health_row(workspace, customer)
    fields = ["override_rating", "override_reason", "override_until"]
    before = change_log_values(row, fields)
    had = bool(row.override_rating)
    update_if_version(
        row,
        expected_version=expected_version,
        changes={
            "override_rating": "",
            "override_reason": "",
            "override_until": None,
            "override_by": None,
            "override_at": None,
        },
    )
    change_log_record(
        workspace=workspace,
        obj=row,
        action=ChangeAction.CHANGED,
        account_id=customer.pk,
        changes=change_log_diff(row, before),
        summary=(
            f"removed the manual health of {customer.name}; the computed health shows again"
            if had
            else f"confirmed {customer.name} has no manual health"
        ),
        label=f"Health of {customer.name}",
    )
    return row
