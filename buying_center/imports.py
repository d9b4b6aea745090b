"""Importing stakeholders from an org export (CSV or XLSX): map, check, apply all or nothing.

A thin adapter over the accounts imports: file reading (encoding, delimiter,
XLSX), header normalising and the ``FieldSpec`` shape come from
``accounts.imports``. Its batches and background apply are not reused: their
``ImportKind`` has no stakeholder kind and their apply writes flat rows, while
an org chart needs a second pass to link managers. Org exports are small, so
the check and the apply run while the person waits, in one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.imports.fields import FieldSpec, normalise_header
from accounts.imports.reading import FileFormat, UnreadableFile, detect_format, iter_rows
from accounts.models import Customer
from buying_center import services
from buying_center.models import (
    Attitude,
    BuyingRole,
    MeetingFrequency,
    PromoterType,
    Stakeholder,
    Zone,
)
from buying_center.org_chart import cycle_text, find_cycles, first_name
from kam.changelog.services import change_log_batch
from kam.workspaces.models import Workspace

#: Above this many rows, an org export is probably something else.
MAX_ROWS = 5000

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "Name", "text", required=True, synonyms=("full name", "employee", "person")),
    FieldSpec(
        "person_id",
        "Person id",
        "text",
        synonyms=("id", "employee id", "personnel number", "person id", "staff id"),
        help="Needed only when managers are named by id in the reports-to column.",
    ),
    FieldSpec("title", "Title", "text", synonyms=("job title", "position", "job")),
    FieldSpec("function", "Function", "text", synonyms=("department", "division")),
    FieldSpec("site", "Site", "text", synonyms=("location", "office", "plant")),
    FieldSpec("email", "E-mail", "text", synonyms=("email", "e mail", "mail")),
    FieldSpec(
        "reports_to",
        "Reports to",
        "text",
        synonyms=("manager", "supervisor", "reports to", "line manager", "manager id"),
        help="The manager's name, or their id from the person-id column.",
    ),
    FieldSpec("roles", "Buying roles", "text", synonyms=("roles", "role", "buying role")),
    FieldSpec(
        "relationship_score", "Relationship score", "text", synonyms=("score", "relationship")
    ),
    FieldSpec("attitude", "Attitude", "text"),
    FieldSpec("zone", "Zone", "text"),
    FieldSpec("meeting_frequency", "Meeting frequency", "text", synonyms=("meetings",)),
)

_SCORES = {"--": -2, "-": -1, "0": 0, "+": 1, "++": 2, "-2": -2, "-1": -1, "1": 1, "2": 2}
_CHOICE_FIELDS: dict[str, type[Any]] = {
    "attitude": Attitude,
    "zone": Zone,
    "meeting_frequency": MeetingFrequency,
    "promoter_type": PromoterType,
}


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    index = {
        normalise_header(s): spec.name
        for spec in FIELDS
        for s in (spec.name, spec.label, *spec.synonyms)
    }
    mapping: dict[str, str] = {}
    for header in headers:
        name = index.get(normalise_header(header))
        if name and name not in mapping:
            mapping[name] = header
    return mapping


# -- the uploaded file ----------------------------------------------------------------


def upload_folder(workspace: Workspace) -> Path:
    return Path(settings.MEDIA_ROOT) / "workspaces" / str(workspace.pk) / "stakeholder-imports"


def store_upload(*, workspace: Workspace, upload: Any) -> str:
    """Keep the file under our own name; the token names it in later steps."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in {".csv", ".txt", ".tsv", ".xlsx"}:
        raise UnreadableFile("Upload a CSV file (.csv, .txt, .tsv) or an Excel workbook (.xlsx).")
    token = f"{uuid.uuid4().hex}{suffix}"
    folder = upload_folder(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / token).open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return token


def stored_file(*, workspace: Workspace, token: str) -> Path | None:
    """The workspace's uploaded file for ``token``; ``None`` for anything else."""
    stem, _, suffix = token.partition(".")
    if len(stem) != 32 or not all(c in "0123456789abcdef" for c in stem):
        return None
    if suffix not in {"csv", "txt", "tsv", "xlsx"}:
        return None
    path = upload_folder(workspace) / token
    return path if path.is_file() else None


# -- checking ----------------------------------------------------------------------------


@dataclass
class RowError:
    line: int
    column: str
    reason: str


@dataclass
class ParsedRow:
    line: int
    values: dict[str, Any]
    reports_to: str = ""
    person_id: str = ""


@dataclass
class StakeholderCheck:
    headers: list[str]
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new: int = 0
    changed: int = 0

    @property
    def can_apply(self) -> bool:
        return not self.errors and bool(self.rows)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_row(
    line: int, cells: dict[str, str], mapping: dict[str, str], errors: list[RowError]
) -> ParsedRow:
    def column(name: str) -> str:
        return mapping.get(name, "")

    values: dict[str, Any] = {}
    for name in ("name", "title", "function", "site", "email"):
        if column(name):
            values[name] = cells.get(column(name), "")
    if not values.get("name"):
        errors.append(RowError(line, column("name"), "The name is empty."))
    if column("roles"):
        raw = cells.get(column("roles"), "")
        given = [r.strip().lower() for r in raw.replace(";", ",").replace("/", ",").split(",")]
        given = [r for r in given if r]
        unknown = [r for r in given if r not in BuyingRole.values]
        if unknown:
            errors.append(
                RowError(
                    line,
                    column("roles"),
                    f"Unknown role {', '.join(repr(r) for r in unknown)}; the roles are"
                    f" {', '.join(BuyingRole.values)}.",
                )
            )
        values["roles"] = [r for r in given if r in BuyingRole.values]
    if column("relationship_score"):
        raw = cells.get(column("relationship_score"), "").replace(" ", "")
        if raw:
            if raw.lstrip("+") in _SCORES and raw not in _SCORES:
                raw = raw.lstrip("+")
            if raw not in _SCORES:
                errors.append(
                    RowError(
                        line,
                        column("relationship_score"),
                        f"{raw!r} is not a relationship score: write --, -, 0, +, ++ or -2 to 2.",
                    )
                )
            else:
                values["relationship_score"] = _SCORES[raw]
    for name, choices in _CHOICE_FIELDS.items():
        if not column(name):
            continue
        raw = cells.get(column(name), "")
        if not raw:
            continue
        by_label = {normalise_header(label): value for value, label in choices.choices}
        value = by_label.get(normalise_header(raw))
        if value is None:
            errors.append(
                RowError(
                    line,
                    column(name),
                    f"{raw!r} is not a {name.replace('_', ' ')}; use one of"
                    f" {', '.join(label for _, label in choices.choices)}.",
                )
            )
        else:
            values[name] = value
    return ParsedRow(
        line=line,
        values=values,
        reports_to=cells.get(column("reports_to"), "") if column("reports_to") else "",
        person_id=cells.get(column("person_id"), "") if column("person_id") else "",
    )


def check_stakeholder_file(
    *,
    workspace: Workspace,
    customer: Customer,
    path: Path,
    original_name: str,
    mapping: dict[str, str],
) -> StakeholderCheck:
    """Read every row, report every problem by line and column; write nothing."""
    file_format: FileFormat = detect_format(path, original_name)
    rows = iter_rows(path, file_format)
    header = [_cell(c) for c in next(rows, [])]
    check = StakeholderCheck(headers=header)
    if not mapping.get("name"):
        check.errors.append(RowError(1, "", "Choose the column that holds the names."))
        return check
    for column in mapping.values():
        if column not in header:
            check.errors.append(RowError(1, column, "This column is not in the file."))
            return check
    for offset, raw in enumerate(rows):
        line = offset + 2  # the header is line 1
        if offset >= MAX_ROWS:
            check.errors.append(
                RowError(line, "", f"The file has more than {MAX_ROWS} people; split it.")
            )
            break
        cells = {h: _cell(raw[i]) if i < len(raw) else "" for i, h in enumerate(header)}
        check.rows.append(_parse_row(line, cells, mapping, check.errors))
    _check_people(workspace=workspace, customer=customer, check=check)
    return check


def _check_people(*, workspace: Workspace, customer: Customer, check: StakeholderCheck) -> None:
    """Names unique in the file, managers found, and no reports-to loop across the file."""
    existing = {
        s.name.casefold(): s
        for s in Stakeholder.objects.filter(workspace=workspace, customer=customer)
    }
    by_name: dict[str, ParsedRow] = {}
    by_id: dict[str, ParsedRow] = {}
    for row in check.rows:
        name = str(row.values.get("name", "")).casefold()
        if not name:
            continue
        if name in by_name:
            check.errors.append(
                RowError(
                    row.line,
                    "",
                    f"{row.values['name']} appears twice (lines {by_name[name].line} and"
                    f" {row.line}); people are matched by name, so keep one line each.",
                )
            )
            continue
        by_name[name] = row
        if row.person_id:
            by_id[row.person_id] = row
        if name in existing:
            check.changed += 1
        else:
            check.new += 1
    manager_of: dict[str, str | None] = {}
    for row in check.rows:
        name = str(row.values.get("name", ""))
        if not name or not row.reports_to:
            # An empty cell keeps the manager already recorded, as the apply does.
            kept = existing.get(name.casefold())
            manager = kept.reports_to if kept is not None else None
            manager_of.setdefault(name.casefold(), manager.name.casefold() if manager else None)
            continue
        manager_row = by_id.get(row.reports_to) or by_name.get(row.reports_to.casefold())
        if manager_row is not None:
            manager_of[name.casefold()] = str(manager_row.values["name"]).casefold()
        elif row.reports_to.casefold() in existing:
            manager_of[name.casefold()] = row.reports_to.casefold()
        else:
            check.errors.append(
                RowError(
                    row.line,
                    "reports to",
                    f"{name}'s manager {row.reports_to!r} is neither in the file nor in the"
                    f" buying center of {customer.name}.",
                )
            )
    for person, stakeholder in existing.items():
        if person not in manager_of:
            manager = stakeholder.reports_to
            manager_of[person] = manager.name.casefold() if manager else None
    names = {key: str(row.values["name"]) for key, row in by_name.items()}
    names.update({key: s.name for key, s in existing.items() if key not in names})
    for cycle in find_cycles(manager_of):
        people = [names.get(p, p) for p in cycle]
        first = by_name.get(cycle[0])
        check.errors.append(
            RowError(
                first.line if first else 0,
                "reports to",
                f"These people report to each other in a loop: "
                f"{cycle_text([first_name(p) for p in people])} ({', '.join(people)})."
                " Correct one manager so the chain ends.",
            )
        )


# -- applying ----------------------------------------------------------------------------


@transaction.atomic
@change_log_batch()  # one INSERT for the file's entries, inside its transaction
def apply_stakeholder_file(
    *,
    workspace: Workspace,
    customer: Customer,
    check: StakeholderCheck,
    changed_by: User | None,
) -> int:
    """Create or update every person, then link managers: all in one transaction.

    People are matched by name within the account, so importing the same file
    twice adds nobody twice. Any refusal rolls the whole file back.
    """
    if not check.can_apply:
        raise ValidationError("The file has problems; nothing was imported.")
    existing = {
        s.name.casefold(): s
        for s in Stakeholder.objects.filter(workspace=workspace, customer=customer)
    }
    people: dict[str, Stakeholder] = {}
    ids: dict[str, Stakeholder] = {}
    for row in check.rows:
        values = dict(row.values)
        key = str(values["name"]).casefold()
        current = existing.get(key)
        if current is None:
            person = services.stakeholder_create(
                workspace=workspace, customer=customer, changed_by=changed_by, **values
            )
        else:
            person = services.stakeholder_update(
                workspace=workspace,
                stakeholder=current,
                expected_version=current.version,
                changed_by=changed_by,
                **values,
            )
        people[key] = person
        if row.person_id:
            ids[row.person_id] = person
    for row in check.rows:
        if not row.reports_to:
            continue
        person = people[str(row.values["name"]).casefold()]
        manager = (
            ids.get(row.reports_to)
            or people.get(row.reports_to.casefold())
            or existing.get(row.reports_to.casefold())
        )
        if manager is not None and person.reports_to_id != manager.pk:
            services.stakeholder_update(
                workspace=workspace,
                stakeholder=person,
                expected_version=person.version,
                changed_by=changed_by,
                reports_to=manager,
            )
    return len(people)
