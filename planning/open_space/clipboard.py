"""A block copied from a spreadsheet, read back into rows and values (pure)."""

from __future__ import annotations


def parse_clipboard(text: str) -> list[list[str]]:
    """A block copied from a spreadsheet: rows by line, values by tab.

    Excel ends the block with a line break (dropped here) and quotes values
    that contain a tab, a line break or a quote (doubling the quotes inside).
    """
    rows: list[list[str]] = []
    row: list[str] = []
    value: list[str] = []
    quoted = False
    i = 0
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    while i < len(text):
        char = text[i]
        if quoted:
            if char == '"' and text[i + 1 : i + 2] == '"':
                value.append('"')
                i += 1
            elif char == '"':
                quoted = False
            else:
                value.append(char)
        elif char == '"' and not value:
            quoted = True
        elif char == "\t":
            row.append("".join(value))
            value = []
        elif char == "\n":
            row.append("".join(value))
            rows.append(row)
            row, value = [], []
        else:
            value.append(char)
        i += 1
    if value or row:
        row.append("".join(value))
        rows.append(row)
    return rows
