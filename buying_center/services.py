"""Writes for the buying center: stakeholders, their assessed history, influence links.

Every function takes the workspace first and checks each object it is handed
belongs to it (and to the right account) with a message a person can act on.
Stakeholders are versioned: a stale edit raises ``VersionConflict`` instead of
overwriting someone else's change. Every change of an assessed attribute is
written to ``StakeholderChange`` and moves ``assessed_at`` to now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Customer
from buying_center.models import (
    RELATIONSHIP_SCORES,
    Attitude,
    BuyingRole,
    InfluenceLink,
    MeetingFrequency,
    PromoterType,
    Stakeholder,
    StakeholderChange,
    Zone,
)
from buying_center.org_chart import first_name, path_to
from buying_center.owners import check_owner
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import VersionConflict, delete_if_version, update_if_version
from kam.workspaces.models import Workspace

#: Attributes that are a judgement about the person; their changes are history.
ASSESSED_FIELDS: tuple[str, ...] = (
    "relationship_score",
    "attitude",
    "zone",
    "roles",
    "promoter_type",
    "opponent_influencer",
    "dominant_advisor",
    "meeting_frequency",
    "owner",
)

STAKEHOLDER_FIELDS = frozenset(
    {
        "name",
        "title",
        "function",
        "site",
        "email",
        "reports_to",
        "personal_goals",
        "needs",
        "constraints_text",
        "how_we_help",
        *ASSESSED_FIELDS,
    }
)

_CHOICES: dict[str, tuple[type[Any], str]] = {
    "attitude": (Attitude, "attitude"),
    "zone": (Zone, "zone"),
    "promoter_type": (PromoterType, "promoter type"),
    "meeting_frequency": (MeetingFrequency, "meeting frequency"),
}


# -- checks ---------------------------------------------------------------------


def _only(changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - STAKEHOLDER_FIELDS
    if unknown:
        raise TypeError(f"cannot set {', '.join(sorted(unknown))} on a stakeholder")
    return dict(changes)


def _check_workspace(workspace: Workspace, obj: Any, noun: str, field: str) -> None:
    if obj is not None and obj.workspace_id != workspace.pk:
        # Worded exactly like an id that does not exist: nothing leaks across workspaces.
        raise ValidationError({field: f"{noun} {obj.pk} does not exist."})


def check_roles(roles: Iterable[str]) -> list[str]:
    """The roles in their canonical order, or a message naming the unknown ones."""
    given = [str(role).strip().lower() for role in roles if str(role).strip()]
    unknown = [role for role in given if role not in BuyingRole.values]
    if unknown:
        raise ValidationError(
            {
                "roles": f"Unknown buying role {', '.join(repr(r) for r in unknown)}."
                f" The roles are: {', '.join(BuyingRole.values)}."
            }
        )
    return [role for role in BuyingRole.values if role in given]


def check_score(score: int | None) -> None:
    if score is not None and score not in RELATIONSHIP_SCORES:
        raise ValidationError(
            {
                "relationship_score": f"{score} is not on the relationship scale: use -2 (--),"
                " -1 (-), 0, 1 (+) or 2 (++)."
            }
        )


def check_choices(fields: Mapping[str, Any]) -> None:
    for field, (choices, noun) in _CHOICES.items():
        value = fields.get(field)
        if value and value not in choices.values:
            raise ValidationError(
                {field: f"{value!r} is not a {noun}. Choose one of: {', '.join(choices.values)}."}
            )


def check_reports_to(
    *,
    workspace: Workspace,
    customer: Customer,
    stakeholder: Stakeholder | None,
    name: str,
    manager: Stakeholder | None,
) -> None:
    """Same account, not oneself, and no loop in the org chart."""
    if manager is None:
        return
    _check_workspace(workspace, manager, "Stakeholder", "reports_to")
    if manager.customer_id != customer.pk:
        raise ValidationError(
            {
                "reports_to": f"{manager.name} belongs to the buying center of another account;"
                f" {name} can only report to someone at {customer.name}."
            }
        )
    if stakeholder is None or stakeholder.pk is None:
        return
    if manager.pk == stakeholder.pk:
        raise ValidationError({"reports_to": f"{name} cannot report to themselves."})
    rows = Stakeholder.objects.filter(workspace=workspace, customer=customer).values_list(
        "pk", "reports_to_id", "name"
    )
    manager_of = {pk: reports_to for pk, reports_to, _ in rows}
    names = {pk: person for pk, _, person in rows}
    names[stakeholder.pk] = name
    path = path_to(manager.pk, stakeholder.pk, manager_of)
    if path is not None:
        people = " -> ".join(first_name(names[pk]) for pk in path)
        raise ValidationError(
            {
                "reports_to": f"{name} cannot report to {manager.name}:"
                f" {first_name(manager.name)} already reports to {first_name(name)} ({people})."
            }
        )


def check_promoter_type(roles: list[str], promoter_type: str) -> None:
    if promoter_type and BuyingRole.INFLUENCER not in roles:
        raise ValidationError(
            {
                "promoter_type": "A promoter type describes an influencer: add the influencer"
                " role or leave the promoter type empty."
            }
        )


def _validate(
    *,
    workspace: Workspace,
    customer: Customer,
    stakeholder: Stakeholder | None,
    fields: dict[str, Any],
) -> dict[str, Any]:
    """Check the merged state of a stakeholder; return the fields, normalised."""
    name = str(fields.get("name", "")).strip()
    if not name:
        raise ValidationError({"name": "Give the stakeholder's name."})
    fields["name"] = name
    fields["roles"] = check_roles(fields.get("roles") or [])
    check_score(fields.get("relationship_score"))
    check_choices(fields)
    check_promoter_type(fields["roles"], fields.get("promoter_type") or "")
    check_owner(workspace=workspace, customer=customer, owner=fields.get("owner"))
    check_reports_to(
        workspace=workspace,
        customer=customer,
        stakeholder=stakeholder,
        name=name,
        manager=fields.get("reports_to"),
    )
    return fields


# -- history --------------------------------------------------------------------


def change_text(field: str, value: Any) -> str:
    """How an assessed value is written in the history (scores stay numbers for trends)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(value)
    if field == "owner":
        return str(value.display_name)[:200]
    return str(value)[:200]


def _comparable(field: str, value: Any) -> Any:
    if field == "owner":
        return value.pk if value is not None else None
    if field == "roles":
        return list(value or [])
    if value == "" and field in _CHOICES:
        return ""
    return value


def _assessed_changes(
    before: Stakeholder | None, after: Mapping[str, Any]
) -> list[tuple[str, Any, Any]]:
    changed = []
    for field in ASSESSED_FIELDS:
        if field not in after:
            continue
        old = getattr(before, field) if before is not None else None
        if field == "owner" and before is not None:
            old = before.owner if before.owner_id else None
        new = after[field]
        if _comparable(field, old) != _comparable(field, new) and not (
            before is None and new in (None, "", False, [])
        ):
            changed.append((field, old, new))
    return changed


def _record(
    *,
    workspace: Workspace,
    stakeholder: Stakeholder,
    changes: list[tuple[str, Any, Any]],
    changed_by: User | None,
) -> None:
    author = changed_by if changed_by is not None and changed_by.pk else None
    StakeholderChange.objects.bulk_create(
        [
            StakeholderChange(
                workspace=workspace,
                stakeholder=stakeholder,
                field=field,
                old_value=change_text(field, old),
                new_value=change_text(field, new),
                changed_by=author,
            )
            for field, old, new in changes
        ]
    )


# -- change log -------------------------------------------------------------------

#: How the log shows a score: the scale's signs, as people say them.
_SCORE_DISPLAY = {"relationship_score": lambda score: RELATIONSHIP_SCORES.get(score, str(score))}


def _score_summary(stakeholder: Stakeholder, changes: list[dict[str, str]]) -> str | None:
    """ "raised Ingrid Ortega's relationship from 0 to +" when only the score moved."""
    if [change["field"] for change in changes] != ["relationship_score"]:
        return None
    change = changes[0]
    scale = list(RELATIONSHIP_SCORES.values())
    old, new = change["from"], change["to"]
    if not old:
        return f"rated {stakeholder.name}'s relationship {new}"
    if not new:
        return f"cleared {stakeholder.name}'s relationship (was {old})"
    verb = "raised" if scale.index(new) > scale.index(old) else "lowered"
    return f"{verb} {stakeholder.name}'s relationship from {old} to {new}"


# -- stakeholders -----------------------------------------------------------------


@transaction.atomic
def stakeholder_create(
    *, workspace: Workspace, customer: Customer, changed_by: User | None = None, **fields: Any
) -> Stakeholder:
    """Add a person to the account's buying center; assessed values start the history."""
    _check_workspace(workspace, customer, "Customer", "customer")
    fields = _validate(
        workspace=workspace, customer=customer, stakeholder=None, fields=_only(fields)
    )
    changes = _assessed_changes(None, fields)
    stakeholder = Stakeholder(workspace=workspace, customer=customer, **fields)
    if changes:
        stakeholder.assessed_at = timezone.now()
    stakeholder.save()
    _record(workspace=workspace, stakeholder=stakeholder, changes=changes, changed_by=changed_by)
    change_log_record(
        workspace=workspace,
        obj=stakeholder,
        action=ChangeAction.CREATED,
        account_id=customer.pk,
        summary=f"added {stakeholder.name} to the buying center",
    )
    return stakeholder


@transaction.atomic
def stakeholder_update(
    *,
    workspace: Workspace,
    stakeholder: Stakeholder,
    expected_version: int,
    changed_by: User | None = None,
    **changes: Any,
) -> Stakeholder:
    """Change the stakeholder if nobody else did since ``expected_version``.

    The row is re-read under lock at that version, so the history compares with
    what was really stored, not with what the caller happened to load.
    """
    _check_workspace(workspace, stakeholder, "Stakeholder", "stakeholder")
    changes = _only(changes)
    current = (
        Stakeholder.objects.select_for_update(of=("self",))
        .select_related("owner", "owner__user", "customer")
        .filter(workspace=workspace, pk=stakeholder.pk, version=expected_version)
        .first()
    )
    if current is None:
        raise VersionConflict(stakeholder, expected_version)
    merged = {field: getattr(current, field) for field in STAKEHOLDER_FIELDS}
    merged["owner"] = current.owner if current.owner_id else None
    merged["reports_to"] = current.reports_to if current.reports_to_id else None
    merged.update(changes)
    merged = _validate(
        workspace=workspace, customer=current.customer, stakeholder=current, fields=merged
    )
    to_write = {field: merged[field] for field in changes}
    assessed = _assessed_changes(current, to_write)
    if assessed:
        to_write["assessed_at"] = timezone.now()
    before = change_log_values(current, to_write)
    update_if_version(current, expected_version=expected_version, changes=to_write)
    _record(workspace=workspace, stakeholder=current, changes=assessed, changed_by=changed_by)
    logged = change_log_diff(current, before, display=_SCORE_DISPLAY)
    change_log_record(
        workspace=workspace,
        obj=current,
        action=ChangeAction.CHANGED,
        account_id=current.customer_id,
        changes=logged,
        summary=_score_summary(current, logged),
    )
    return current


@transaction.atomic
def stakeholder_confirm_assessment(
    *, workspace: Workspace, stakeholder: Stakeholder, expected_version: int
) -> Stakeholder:
    """Nothing changed, and someone checked: the assessment is current again."""
    _check_workspace(workspace, stakeholder, "Stakeholder", "stakeholder")
    update_if_version(
        stakeholder, expected_version=expected_version, changes={"assessed_at": timezone.now()}
    )
    change_log_record(
        workspace=workspace,
        obj=stakeholder,
        action=ChangeAction.CONFIRMED,
        account_id=stakeholder.customer_id,
        summary=f"confirmed the assessment of {stakeholder.name} is current",
    )
    return stakeholder


@transaction.atomic
def stakeholder_delete(
    *, workspace: Workspace, stakeholder: Stakeholder, expected_version: int | None = None
) -> None:
    """Remove the person; people reporting to them keep their place without a manager."""
    _check_workspace(workspace, stakeholder, "Stakeholder", "stakeholder")
    # Logged first, while the stakeholder still has its id (same transaction).
    change_log_record(
        workspace=workspace,
        obj=stakeholder,
        action=ChangeAction.DELETED,
        account_id=stakeholder.customer_id,
        summary=f"removed {stakeholder.name} from the buying center",
    )
    delete_if_version(stakeholder, expected_version=expected_version)


# -- influence links ----------------------------------------------------------------


def _check_link(
    *, workspace: Workspace, source: Stakeholder, target: Stakeholder, strength: int
) -> None:
    _check_workspace(workspace, source, "Stakeholder", "source")
    _check_workspace(workspace, target, "Stakeholder", "target")
    if source.pk == target.pk:
        raise ValidationError(
            {"target": f"{source.name} cannot influence themselves; choose another person."}
        )
    if source.customer_id != target.customer_id:
        raise ValidationError(
            {
                "target": f"{target.name} is in the buying center of another account;"
                f" influence links join people of the same account as {source.name}."
            }
        )
    if strength not in (1, 2, 3):
        raise ValidationError(
            {"strength": f"Strength {strength} is not possible: use 1 (weak), 2 or 3 (strong)."}
        )


@transaction.atomic
def influence_link_create(
    *,
    workspace: Workspace,
    source: Stakeholder,
    target: Stakeholder,
    strength: int = 2,
    notes: str = "",
) -> InfluenceLink:
    _check_link(workspace=workspace, source=source, target=target, strength=strength)
    if InfluenceLink.objects.filter(workspace=workspace, source=source, target=target).exists():
        raise ValidationError(
            {
                "target": f"{source.name} already influences {target.name};"
                " change the strength of that link instead."
            }
        )
    link = InfluenceLink(
        workspace=workspace, source=source, target=target, strength=strength, notes=notes
    )
    link.save()
    change_log_record(
        workspace=workspace,
        obj=link,
        action=ChangeAction.CREATED,
        account_id=source.customer_id,
        label=_link_label(link),
        summary=f"noted that {source.name} influences {target.name} (strength {strength})",
    )
    return link


@transaction.atomic
def influence_link_update(
    *, workspace: Workspace, link: InfluenceLink, **changes: Any
) -> InfluenceLink:
    unknown = set(changes) - {"strength", "notes"}
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))} of an influence link")
    _check_workspace(workspace, link, "Influence link", "link")
    strength = changes.get("strength", link.strength)
    _check_link(workspace=workspace, source=link.source, target=link.target, strength=strength)
    before = change_log_values(link, changes)
    for field, value in changes.items():
        setattr(link, field, value)
    link.save()
    change_log_record(
        workspace=workspace,
        obj=link,
        action=ChangeAction.CHANGED,
        account_id=link.source.customer_id,
        changes=change_log_diff(link, before),
        label=_link_label(link),
    )
    return link


@transaction.atomic
def influence_link_delete(*, workspace: Workspace, link: InfluenceLink) -> None:
    _check_workspace(workspace, link, "Influence link", "link")
    change_log_record(
        workspace=workspace,
        obj=link,
        action=ChangeAction.DELETED,
        account_id=link.source.customer_id,
        label=_link_label(link),
        summary=f"removed the influence of {_link_label(link)}",
    )
    link.delete()


def _link_label(link: InfluenceLink) -> str:
    return f"{link.source.name} on {link.target.name}"
