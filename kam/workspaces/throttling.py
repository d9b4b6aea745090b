"""Sign-in throttling: repeated failures for one user name pause its sign-in for a while.

Counted per user name (not per address) so that an attacker spreading guesses
over many machines still hits the limit, and one person's typos never lock out
another person. Failures are rows of :class:`LoginAttempt` rather than cache
entries so the count survives restarts and is shared by every process even in
the embedded set-up (whose cache is per process).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from kam.workspaces.models import LoginAttempt


@dataclass(frozen=True)
class Lockout:
    until: datetime.datetime

    @property
    def seconds_left(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))

    @property
    def wait_in_words(self) -> str:
        minutes = math.ceil(self.seconds_left / 60)
        return "1 minute" if minutes == 1 else f"{minutes} minutes"


def normalize_username(username: str) -> str:
    return username.strip().lower()


def _window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def _recent_failures(username: str) -> list[datetime.datetime]:
    return list(
        LoginAttempt.objects.filter(
            username=normalize_username(username), attempted_at__gt=_window_start()
        )
        .order_by("-attempted_at")
        .values_list("attempted_at", flat=True)[: settings.LOGIN_FAILURE_LIMIT]
    )


def lockout_for(username: str) -> Lockout | None:
    """The running lockout of ``username``, or ``None`` when it may try to sign in.

    Locked while the window holds ``LOGIN_FAILURE_LIMIT`` failures; it opens
    again when the oldest of those leaves the window.
    """
    failures = _recent_failures(username)
    if len(failures) < settings.LOGIN_FAILURE_LIMIT:
        return None
    oldest_counted = failures[settings.LOGIN_FAILURE_LIMIT - 1]
    return Lockout(
        until=oldest_counted + datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    )


def attempts_left(username: str) -> int:
    return max(0, settings.LOGIN_FAILURE_LIMIT - len(_recent_failures(username)))


def record_failure(*, username: str, ip_address: str | None) -> None:
    # Two simultaneous guesses may both pass the check before either is
    # recorded; the limit can be overshot by the number of parallel requests,
    # which is fine for throttling and avoids a lock on every sign-in.
    LoginAttempt.objects.create(username=normalize_username(username), ip_address=ip_address)
    # Failures older than the window no longer count; dropping them here keeps
    # the table small without a scheduled job.
    LoginAttempt.objects.filter(attempted_at__lte=_window_start()).delete()


def clear_failures(*, username: str) -> None:
    LoginAttempt.objects.filter(username=normalize_username(username)).delete()
