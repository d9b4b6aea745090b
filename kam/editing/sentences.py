"""The standard sentences of editing, written once. ``what`` names the row for a reader."""

from __future__ import annotations

SOMEONE_ELSE = "Someone else"


def added(what: str) -> str:
    return f"{what} was added."


def saved(what: str) -> str:
    return f"{what} was saved."


def removed(what: str) -> str:
    return f"{what} was removed."


def not_removed(what: str) -> str:
    """A delete refused because the row changed since the page was opened."""
    return (
        f"{what} was changed by someone else meanwhile; nothing was removed."
        " Look at the current version and delete it again if you still want to."
    )


def conflict(change: str, *, who: str = SOMEONE_ELSE) -> str:
    """The headline of a stale edit, e.g. ``conflict("saved this pair")``."""
    return f"{who} {change} while you were editing"


def deleted_meanwhile(what: str) -> str:
    return f"{what} was removed by someone else meanwhile; nothing was saved."
