"""What the plan page reads: its texts, their freshness, and who last changed each section.

Everything a GET shows is read here (the page writes nothing); the sections
that list rows of their own supply their context from ``planning.plan.sections``,
the computed parts from :mod:`planning.plan.overview`, :mod:`planning.plan.summaries`
and :mod:`planning.plan.metrics`. The number of queries does not grow with the
account (asserted in tests/planning/plan/test_page.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Model, Q

from accounts.models import Customer, CustomerStatus
from buying_center.models import Stakeholder
from kam.changelog.models import ChangeLogEntry
from kam.changelog.services import person_name
from planning.models import (
    GROWTH_TOPICS,
    PROFILE_GROUPS,
    STALE_AFTER_DAYS,
    AccountPlan,
    Action,
    CriticalSuccessFactor,
    Objective,
    OpenSpace,
    OpenSpaceCell,
    Opportunity,
    PlanText,
    PlanTopic,
    SatisfactionEntry,
    SwotItem,
)
from selling_center.models import Connection, InterfaceAlignment, SellingCenterMember

#: Only these accounts have a plan; any other customer's plan page says why not.
PLANNED_STATUSES = (CustomerStatus.KEY_ACCOUNT, CustomerStatus.CANDIDATE)

#: The page's sections in order: (anchor, title).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "Overview"),
    ("profile", "Customer profile"),
    ("swot", "SWOT"),
    ("csf", "Critical success factors"),
    ("open-space", "Open Space and UPV"),
    ("buying-center", "Buying center"),
    ("selling-center", "Selling center"),
    ("objectives", "Objectives"),
    ("growth", "Growth strategy"),
    ("opportunities", "Opportunity portfolio"),
    ("value-proposition", "Value proposition"),
    ("actions", "Action plan"),
    ("metrics", "Metrics"),
    ("reviews", "Review log"),
)

#: The models whose change-log entries say who last changed each section (keys: anchors
#: with underscores, as templates look them up).
SECTION_MODELS: dict[str, tuple[type[Model], ...]] = {
    "overview": (AccountPlan,),
    "swot": (SwotItem,),
    "csf": (CriticalSuccessFactor,),
    "open_space": (OpenSpace, OpenSpaceCell),
    "buying_center": (Stakeholder,),
    "selling_center": (SellingCenterMember, InterfaceAlignment, Connection),
    "objectives": (Objective,),
    "opportunities": (Opportunity,),
    "actions": (Action,),
    "metrics": (SatisfactionEntry, AccountPlan),
}


def has_plan(customer: Customer) -> bool:
    return customer.status in PLANNED_STATUSES


def plan_of(customer: Customer) -> AccountPlan | None:
    return AccountPlan.objects.filter(customer=customer).select_related("owner").first()


def is_stale(confirmed_on: datetime.date | None, *, today: datetime.date) -> bool:
    """Never confirmed, or confirmed more than ``STALE_AFTER_DAYS`` ago."""
    if confirmed_on is None:
        return True
    return (today - confirmed_on).days > STALE_AFTER_DAYS


@dataclass
class TextView:
    """One hand-typed text as the plan shows it (the row may not exist yet)."""

    topic: str
    label: str
    row: PlanText | None
    today: datetime.date

    @property
    def anchor(self) -> str:
        return f"text-{self.topic}"

    @property
    def text(self) -> str:
        return self.row.text if self.row else ""

    @property
    def version(self) -> int:
        return self.row.version if self.row else 0

    @property
    def confirmed_on(self) -> datetime.date | None:
        return self.row.confirmed_on if self.row else None

    @property
    def confirmed_by(self) -> str:
        return person_name(self.row.confirmed_by) if self.row else ""

    @property
    def stale(self) -> bool:
        """Written but not confirmed for too long (an empty text is "not written", not stale)."""
        return bool(self.text) and is_stale(self.confirmed_on, today=self.today)

    @property
    def age_days(self) -> int | None:
        return (self.today - self.confirmed_on).days if self.confirmed_on else None


def plan_texts(customer: Customer, *, today: datetime.date) -> dict[str, TextView]:
    """Every topic of the plan, written or not (1 query)."""
    rows = {
        row.topic: row
        for row in PlanText.objects.filter(customer=customer).select_related("confirmed_by")
    }
    return {
        topic: TextView(topic=topic, label=label, row=rows.get(topic), today=today)
        for topic, label in PlanTopic.choices
    }


def text_view(customer: Customer, topic: str, *, today: datetime.date) -> TextView:
    row = (
        PlanText.objects.filter(customer=customer, topic=topic)
        .select_related("confirmed_by")
        .first()
    )
    return TextView(topic=topic, label=PlanTopic(topic).label, row=row, today=today)


def profile_groups(texts: dict[str, TextView]) -> list[tuple[str, list[TextView]]]:
    return [(title, [texts[topic] for topic in topics]) for title, topics in PROFILE_GROUPS]


def growth_texts(texts: dict[str, TextView]) -> list[TextView]:
    return [texts[topic] for topic in GROWTH_TOPICS]


@dataclass(frozen=True)
class LastChange:
    who: str
    at: datetime.datetime
    sentence: str


def last_changes(customer: Customer) -> dict[str, LastChange]:
    """Per section, the latest change-log entry about its rows (2 queries, or 3 cold)."""
    models = {model for group in SECTION_MODELS.values() for model in group}
    types = ContentType.objects.get_for_models(*models)
    type_ids = {ct.pk for ct in types.values()}
    latest = (
        ChangeLogEntry.objects.filter(account_id=customer.pk, content_type_id__in=type_ids)
        .values("content_type_id")
        .annotate(last=Max("at"))
    )
    pairs = [(row["content_type_id"], row["last"]) for row in latest]
    if not pairs:
        return {}
    match = Q()
    for type_id, at in pairs:
        match |= Q(content_type_id=type_id, at=at)
    by_type: dict[int, ChangeLogEntry] = {}
    for entry in ChangeLogEntry.objects.filter(match, account_id=customer.pk).order_by("-pk"):
        by_type.setdefault(entry.content_type_id, entry)
    found: dict[str, LastChange] = {}
    for section, group in SECTION_MODELS.items():
        entries = [by_type[types[m].pk] for m in group if types[m].pk in by_type]
        if entries:
            entry = max(entries, key=lambda e: e.at)
            found[section] = LastChange(
                who=entry.actor_name or "Someone", at=entry.at, sentence=entry.sentence
            )
    return found


def text_section_change(views: list[TextView]) -> TextView | None:
    """The most recently confirmed text of a group (who vouched for it last, and when)."""
    dated = [v for v in views if v.confirmed_on]
    return max(dated, key=lambda v: v.confirmed_on or datetime.date.min) if dated else None


def people_of(customer: Customer) -> list[Stakeholder]:
    """The account's stakeholders with only what the summaries read (1 query)."""
    return list(
        Stakeholder.objects.filter(customer=customer)
        .only("name", "title", "roles", "relationship_score", "owner", "assessed_at", "customer")
        .order_by("name", "pk")
    )


def workspace_members(workspace: Any) -> list[Any]:
    """The people who may own the plan: members of this workspace, by name (1 query)."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(memberships__workspace=workspace)
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


def success_factors(customer: Customer) -> list[CriticalSuccessFactor]:
    return list(CriticalSuccessFactor.objects.filter(customer=customer).order_by("position", "pk"))


def open_space_of(customer: Customer) -> OpenSpace | None:
    return (
        OpenSpace.objects.filter(customer=customer).select_related("workspace", "customer").first()
    )
