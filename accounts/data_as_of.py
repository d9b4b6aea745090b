"""The day a workspace's sales data is complete up to ("data as of").

Every valuation figure ends on this day, not on the day it is computed: the
three-year window, the yearly margins and their trend, the Pareto shares and
the calibration of the purchase models. An ERP export whose last invoice is
five months old otherwise looks like five months without sales, and BG/NBD
reads that silence as customers leaving.

Where it comes from, first match wins:

1. set by an admin on the valuation settings page (``ValuationSettings.data_as_of``),
   for example the last day of the last closed month;
2. the day of the latest sales line (``ValuationSettings.latest_sales_date``,
   kept by every sales import and every recompute);
3. unknown: no sales yet.

Imports move the second automatically. They never move a date an admin set;
when newer lines arrive, the pages offer to move it (see ``DataAsOf.newer_lines``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import SalesLine, ValuationSettings
from kam.workspaces.models import Workspace

#: From this many days behind today the pages warn that the figures are old.
STALE_AFTER_DAYS = 45


@dataclass(frozen=True)
class DataAsOf:
    day: datetime.date | None
    #: "admin" (set on the settings page), "latest_line" or "none".
    source: str
    latest_sales_date: datetime.date | None
    today: datetime.date

    @property
    def age_days(self) -> int | None:
        return None if self.day is None else (self.today - self.day).days

    @property
    def stale(self) -> bool:
        return self.day is not None and (self.today - self.day).days > STALE_AFTER_DAYS

    @property
    def newer_lines(self) -> bool:
        """Sales lines exist after the day an admin set: worth offering to move it."""
        return (
            self.source == "admin"
            and self.day is not None
            and self.latest_sales_date is not None
            and self.latest_sales_date > self.day
        )

    @property
    def stale_after_days(self) -> int:
        return STALE_AFTER_DAYS

    def as_dict(self) -> dict[str, object]:
        return {
            "data_as_of": self.day.isoformat() if self.day else None,
            "source": self.source,
            "latest_sales_date": self.latest_sales_date.isoformat()
            if self.latest_sales_date
            else None,
            "age_days": self.age_days,
            "stale": self.stale,
        }


def data_as_of_from(settings: ValuationSettings, *, today: datetime.date | None = None) -> DataAsOf:
    today = today or timezone.localdate()
    if settings.data_as_of is not None:
        return DataAsOf(settings.data_as_of, "admin", settings.latest_sales_date, today)
    if settings.latest_sales_date is not None:
        latest = settings.latest_sales_date
        return DataAsOf(latest, "latest_line", latest, today)
    return DataAsOf(None, "none", None, today)


def data_as_of_get(*, workspace: Workspace) -> DataAsOf:
    """The workspace's data-as-of day, for pages and the API (one query, no writes)."""
    settings = ValuationSettings.objects.filter(workspace=workspace).first()
    if settings is None:
        return DataAsOf(None, "none", None, timezone.localdate())
    return data_as_of_from(settings)


def latest_sales_date_store(
    *, workspace_id: int, latest: datetime.date | None, model_fit: dict[str, object] | None = None
) -> None:
    """Remember the latest sales line's day (and the recompute's fit) on the settings row.

    Not a setting anyone types, so the version does not move and no change-log
    entry is written: a person editing the settings meanwhile is not in conflict.
    Creates the settings row if the workspace never had one.
    """
    values: dict[str, object] = {"latest_sales_date": latest}
    if model_fit is not None:
        values["model_fit"] = model_fit
    if ValuationSettings.objects.filter(workspace_id=workspace_id).update(**values):
        return
    try:
        with transaction.atomic():
            ValuationSettings.objects.create(workspace_id=workspace_id, **values)
    except IntegrityError:  # created meanwhile by a first page view
        ValuationSettings.objects.filter(workspace_id=workspace_id).update(**values)


def latest_sales_date_query(*, workspace_id: int) -> datetime.date | None:
    day: datetime.date | None = SalesLine.objects.filter(workspace_id=workspace_id).aggregate(
        latest=Max("date")
    )["latest"]
    return day
