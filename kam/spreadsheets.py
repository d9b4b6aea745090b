"""Writing cells people will open in Excel or LibreOffice."""

from __future__ import annotations

#: Characters that make a spreadsheet treat a cell as a formula (CSV injection).
FORMULA_STARTS = frozenset({"=", "+", "-", "@", "\t", "\r"})


def spreadsheet_safe(text: object) -> str:
    """``text`` as a cell that stays text: a leading ' neutralises = + - @ (e.g. ``=CMD(...)``)."""
    value = "" if text is None else str(text)
    return "'" + value if value[:1] in FORMULA_STARTS else value
