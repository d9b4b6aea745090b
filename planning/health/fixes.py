"""Where each health reason is fixed: the evidence lines of the health box, with links.

The rules stay pure and only name what a line is about (``rules.Ref``: a kind, an
id, a key, the row's version when health was computed); this module turns that into
the exact page, anchor or one-click form that fixes it. URL building only, no query:
the plan's health section keeps its query count whatever the number of reasons.

A one-click fix posts the version health read. When the row changed since (which
also recomputes health), the fix is refused as stale like any other stale save and
the page shows the row as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from planning.health.selectors import ShownReason


@dataclass(frozen=True)
class QuickFix:
    """A one-click form: POST ``fields`` (plus ``next``) to ``url``."""

    url: str
    label: str
    fields: dict[str, str]
    #: Plain words for the button's title: what the click does.
    help: str


@dataclass(frozen=True)
class EvidenceLine:
    text: str
    #: The page where the line is fixed ("" when nothing to link to) and the link's words.
    href: str = ""
    link_label: str = ""
    quick: QuickFix | None = None


@dataclass(frozen=True)
class FixableReason:
    reason: ShownReason
    lines: list[EvidenceLine]


def _plan(customer_id: int, anchor: str) -> str:
    return reverse("account-plan", kwargs={"customer_id": customer_id}) + f"#{anchor}"


def _line(customer_id: int, text: str, ref: dict[str, Any] | None) -> EvidenceLine:
    if not ref:
        return EvidenceLine(text)
    kind = str(ref.get("kind", ""))
    pk = int(ref.get("id") or 0)
    key = str(ref.get("key") or "")
    version = str(ref.get("version") or "")
    ids = {"customer_id": customer_id}
    if kind == "action" and pk:
        return EvidenceLine(
            text,
            reverse("account-plan-action-edit", kwargs={**ids, "action_id": pk}),
            "Edit the action",
            QuickFix(
                reverse("account-plan-action-complete", kwargs={**ids, "action_id": pk}),
                "Done",
                {"version": version},
                "Mark this action done",
            ),
        )
    if kind == "plan_text" and key:
        return EvidenceLine(
            text,
            _plan(customer_id, f"text-{key}"),
            "Read the text",
            QuickFix(
                reverse("account-plan-text-confirm", kwargs=ids),
                "Confirm unchanged",
                {"topic": key, "version": version},
                "Still true: stamp today's date without changing the text",
            ),
        )
    if kind == "stakeholder" and pk:
        person = {**ids, "stakeholder_id": pk}
        if key == "edit":
            return EvidenceLine(
                text, reverse("stakeholder-edit", kwargs=person), "Set owner or relationship"
            )
        if key == "assess":
            return EvidenceLine(
                text,
                reverse("stakeholder-detail", kwargs=person),
                "Review the assessment",
                QuickFix(
                    reverse("stakeholder-reassess", kwargs=person),
                    "Mark assessed today",
                    {"version": version},
                    "Still accurate: stamp today as the date of the last assessment",
                ),
            )
        return EvidenceLine(text, reverse("stakeholder-detail", kwargs=person), "Open the person")
    if kind == "opportunity_needs" and pk:
        return EvidenceLine(
            text,
            reverse("account-opportunity-needs", kwargs={**ids, "opportunity_id": pk}),
            "Open the needs",
        )
    if kind == "opportunity" and pk:
        return EvidenceLine(
            text,
            reverse("account-opportunity-cabs", kwargs={**ids, "opportunity_id": pk}),
            "Qualify (CABS)",
        )
    if kind == "open_space":
        return EvidenceLine(
            text, reverse("account-open-space", kwargs=ids), "Open Space and portfolio"
        )
    return EvidenceLine(text)


def fixable(customer_id: int, reasons: list[ShownReason]) -> list[FixableReason]:
    """The reasons with every evidence line linked to where it is fixed, where there is one."""
    return [
        FixableReason(
            reason=reason,
            lines=[_line(customer_id, text, ref) for text, ref in reason.lines],
        )
        for reason in reasons
    ]
