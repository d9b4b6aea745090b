"""Reading dates and numbers the way ERP exports write them. Plain Python, no Django.

Dates: ISO (2024-03-31), German (31.03.2024), British (31/03/2024) and American
(03/31/2024). Dots and dashes are unambiguous; a slash is not, so the slash
order comes from the person's choice or from :func:`detect_slash_order`, which
refuses to guess when every sample date could be read both ways.

Numbers: decimal point or decimal comma, thousands separators, spaces and the
trailing minus some ERP systems (SAP) print for credit notes. A parsed number is
returned as normalised text (``"-1234.50"``) so it can be written to COPY or
hashed without ever becoming a float.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

# Choices of the "date format" option (the stored value, the label).
DATE_FORMATS: dict[str, str] = {
    "auto": "Recognise automatically",
    "iso": "2024-03-31 (year-month-day)",
    "dmy_dot": "31.03.2024 (day.month.year)",
    "dmy_slash": "31/03/2024 (day/month/year)",
    "mdy_slash": "03/31/2024 (month/day/year)",
}
DECIMAL_SEPARATORS: dict[str, str] = {
    "auto": "Recognise automatically",
    ".": "Decimal point (1,234.50)",
    ",": "Decimal comma (1.234,50)",
}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?: .*)?$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?: .*)?$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


class AmbiguousDates(ValueError):
    """Every slash date seen could be day/month or month/day: a person must choose."""


def _year(text: str) -> int:
    year = int(text)
    # Two-digit years in exports are this century's; nobody imports 1920s sales.
    return year + 2000 if len(text) == 2 else year


def parse_date(text: str, *, slash_order: str) -> datetime.date | None:
    """The date written in ``text``; ``None`` if it is not a date we can read.

    ``slash_order`` is ``"dmy"`` or ``"mdy"`` and decides 03/04/2024.
    """
    text = text.strip()
    try:
        if match := _ISO.match(text):
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DOTTED.match(text):
            return datetime.date(_year(match[3]), int(match[2]), int(match[1]))
        if match := _SLASHED.match(text):
            first, second = int(match[1]), int(match[2])
            day, month = (first, second) if slash_order == "dmy" else (second, first)
            return datetime.date(_year(match[3]), month, day)
    except ValueError:  # 31.02.2024, month 13, ...
        return None
    return None


def detect_slash_order(samples: Iterable[str]) -> str | None:
    """``"dmy"`` or ``"mdy"`` from sample dates; ``None`` when no sample uses slashes.

    Raises :class:`AmbiguousDates` when slash dates exist but none of them has a
    part above 12, so either reading is possible.
    """
    seen_slash = False
    for text in samples:
        match = _SLASHED.match(text.strip())
        if not match:
            continue
        seen_slash = True
        first, second = int(match[1]), int(match[2])
        if first > 12 >= second:
            return "dmy"
        if second > 12 >= first:
            return "mdy"
    if seen_slash:
        raise AmbiguousDates
    return None


def slash_order_for(date_format: str) -> str | None:
    """The slash order an explicit format choice implies; ``None`` for ``auto``."""
    return {"dmy_slash": "dmy", "mdy_slash": "mdy", "dmy_dot": "dmy", "iso": "dmy"}.get(date_format)


def detect_decimal_separator(samples: Iterable[str]) -> str:
    """``","`` when the sample numbers use a decimal comma, else ``"."``.

    A value like ``1,234`` alone could be either (exactly three digits after the
    separator); values with both separators, or other digit counts, decide.
    """
    comma_votes = point_votes = 0
    for raw in samples:
        text = raw.strip().replace(" ", "").replace("\u00a0", "")
        if "," in text and "." in text:
            if text.rfind(",") > text.rfind("."):
                comma_votes += 1
            else:
                point_votes += 1
        elif "," in text:
            if len(text) - text.rfind(",") - 1 != 3:
                comma_votes += 1
        elif "." in text and len(text) - text.rfind(".") - 1 != 3:
            point_votes += 1
    return "," if comma_votes > point_votes else "."


def parse_number(text: str, *, decimal_separator: str) -> str | None:
    """Normalised number text (``"-1234.5"``), or ``None`` if ``text`` is not a number."""
    text = text.strip().replace(" ", "").replace("\u00a0", "").replace("'", "")
    if not text:
        return None
    if text.endswith("-") and text[:-1].replace(",", "").replace(".", "").isdigit():
        text = "-" + text[:-1]  # SAP writes credit notes as 120.00-
    if decimal_separator == ",":
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        return None
    if text.startswith("+"):
        text = text[1:]
    return text


def number_fits(text: str, *, max_digits: int, decimal_places: int) -> bool:
    """Whether a normalised number fits a DECIMAL(max_digits, decimal_places) column."""
    whole = text.lstrip("-").split(".", 1)[0].lstrip("0")
    return len(whole) <= max_digits - decimal_places
