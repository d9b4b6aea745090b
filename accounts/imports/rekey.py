"""Sales lines already imported under another key: found at the check, re-keyed at the apply.

A sales line's key is its line id, or (without a line-id column) a hash of its
values. When the mapping of the line-id column changes between two imports of
the same export (mapped now, not before; or another column), every line gets a
new key, and applying would add every line a second time. The check therefore
pairs each file line whose key is new with a stored line that

* has the same content (customer, offering, date, segment, amounts, currency), and
* has a key the file does not hold (so it is not the file's own line already),

one stored line per file line (identical lines pair off in turn). The pairs are
kept next to the staged rows (``rekey.csv``: stored line id, new key); the apply
refuses while any exist, unless the person chose to replace the earlier
import's keys, and then gives those stored lines their new keys first, so the
apply finds them unchanged instead of adding them again.
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from accounts.imports.changes import sales_columns, sales_comparable
from accounts.imports.staged import DataChanged, WorkFiles
from accounts.models import SalesLine

KEY_CHUNK = 5000


def rekey_file(work: WorkFiles) -> Path:
    return work.directory / "rekey.csv"


def _fingerprint(values: Iterable[object]) -> bytes:
    """A short digest of a line's compared values; 10.0 and 10.00 give the same one.

    Digests, not the values: a re-import of a million lines keeps a million of
    these in memory while the stored lines are read.
    """
    text = "\x1f".join(
        format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
        for value in values
    )
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _stored_keys(keys: list[str]) -> set[str]:
    return set(SalesLine.objects.filter(source_key__in=keys).values_list("source_key", flat=True))


def rekeyed_lines_find(*, work: WorkFiles) -> int:
    """Pair new file lines with stored lines of the same content; write and count the pairs."""
    target = rekey_file(work)
    target.unlink(missing_ok=True)
    if not SalesLine.objects.exists():
        return 0
    file_keys: set[str] = set()
    new_by_content: dict[bytes, list[str]] = defaultdict(list)
    with work.staged.open(newline="", encoding="utf-8") as handle:
        chunk: list[list[str]] = []
        for row in csv.reader(handle):
            chunk.append(row)
            if len(chunk) == KEY_CHUNK:
                _collect(chunk, file_keys, new_by_content)
                chunk = []
        _collect(chunk, file_keys, new_by_content)
    if not new_by_content:
        return 0
    pairs: list[tuple[int, str]] = []
    stored = SalesLine.objects.values_list("pk", "source_key", *sales_columns()).order_by("pk")
    for pk, key, *values in stored.iterator(chunk_size=KEY_CHUNK):
        if key in file_keys:
            continue
        waiting = new_by_content.get(_fingerprint(sales_comparable(values)))
        if waiting:
            pairs.append((pk, waiting.pop(0)))
    if pairs:
        with target.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(pairs)
    return len(pairs)


def _collect(
    chunk: list[list[str]], file_keys: set[str], new_by_content: dict[bytes, list[str]]
) -> None:
    if not chunk:
        return
    keys = [row[0] for row in chunk]
    file_keys.update(keys)
    stored = _stored_keys(keys)
    for row in chunk:
        if row[0] not in stored:
            new_by_content[_fingerprint(sales_comparable(row[1:]))].append(row[0])


def rekeyed_lines_replace(*, work: WorkFiles) -> int:
    """Give the paired stored lines the file's keys (inside the apply's transaction)."""
    target = rekey_file(work)
    if not target.exists():
        return 0
    with target.open(newline="", encoding="utf-8") as handle:
        pairs = {int(pk): key for pk, key in csv.reader(handle)}
    lines = list(SalesLine.objects.filter(pk__in=pairs).only("pk", "source_key"))
    if len(lines) != len(pairs) or _stored_keys(list(pairs.values())):
        raise DataChanged(
            "Sales lines were changed or deleted since the check, so the earlier keys cannot be"
            " replaced safely."
        )
    for line in lines:
        line.source_key = pairs[line.pk]
    SalesLine.objects.bulk_update(lines, ["source_key"], batch_size=1000)
    return len(lines)
