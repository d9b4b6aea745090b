"""Small display helpers for stakeholders: score symbols and colours, role names."""

from __future__ import annotations

from django import template

from buying_center.models import BuyingRole, StakeholderChange
from buying_center.selectors import score_symbol

register = template.Library()

_SCORE_BADGES = {
    -2: "badge-danger",
    -1: "badge-warn",
    0: "badge-muted",
    1: "badge-ok",
    2: "badge-ok",
}
_ROLE_LABELS = dict(BuyingRole.choices)


@register.filter
def score(value: int | None) -> str:
    """-2..2 as the five-step scale (-- - 0 + ++); empty when not assessed."""
    return score_symbol(value)


@register.filter
def score_badge(value: int | None) -> str:
    return _SCORE_BADGES.get(value, "badge-muted") if value is not None else "badge-muted"


@register.filter
def role_label(value: str) -> str:
    return _ROLE_LABELS.get(value, value)


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key, "")


_CHANGE_LABELS = {
    "relationship_score": "Relationship score",
    "attitude": "Attitude",
    "zone": "Zone",
    "roles": "Roles",
    "promoter_type": "Promoter type",
    "opponent_influencer": "Opponent influencer",
    "dominant_advisor": "Dominant advisor",
    "meeting_frequency": "Meeting frequency",
    "owner": "Our owner",
}


@register.filter
def change_label(field: str) -> str:
    return _CHANGE_LABELS.get(field, field.replace("_", " ").capitalize())


def _change_value(field: str, value: str) -> str:
    if field == "relationship_score" and value.lstrip("-").isdigit():
        return score_symbol(int(value))
    if field == "roles":
        return ", ".join(_ROLE_LABELS.get(r.strip(), r.strip()) for r in value.split(",") if r)
    if field in {"attitude", "zone", "promoter_type", "meeting_frequency"}:
        return value.replace("_", " ").capitalize()
    return value


@register.filter
def change_old(change: StakeholderChange) -> str:
    return _change_value(change.field, change.old_value)


@register.filter
def change_new(change: StakeholderChange) -> str:
    return _change_value(change.field, change.new_value)
