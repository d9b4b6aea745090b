"""Pure calculations of the opportunity analyses: no Django, so they are tested directly.

Relevance and vulnerability of decision criteria, and the red/amber/green of the
challenge scoring. The thresholds live here and only here: pages, the API and the
user guide all read them from this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# -- decision criteria -------------------------------------------------------------

#: Both scales of a decision criterion run from 1 to 7.
CRITERION_SCALE = range(1, 8)

#: A criterion is weak (we are vulnerable on it) when it weighs this much or more...
WEAK_MIN_IMPORTANCE = 5
#: ... and we stand out from competitors this little or less.
WEAK_MAX_DIFFERENCE = 3


def relevance(importance: int, difference: int) -> int:
    """Importance x difference, 1..49: the same product the database stores."""
    return importance * difference


def is_weak(importance: int, difference: int) -> bool:
    """It matters to the buyer and we do not stand out: a competitor can win on it."""
    return importance >= WEAK_MIN_IMPORTANCE and difference <= WEAK_MAX_DIFFERENCE


# -- challenge scoring -------------------------------------------------------------

#: Scores of the challenge run from 1 (weak) to 5 (strong).
CHALLENGE_SCALE = range(1, 6)

#: An average below this is red: we do not know enough to rely on it.
RED_BELOW = 2.5
#: An average below this (and not red) is amber: partly known, check it.
AMBER_BELOW = 3.5
#: The team scoring itself this much higher than the reviewer is flagged.
GAP_FLAG_AT = 1.5

RAG_LABELS: dict[str, str] = {"red": "Red", "amber": "Amber", "green": "Green", "": "Not scored"}

RAG_EXPLANATION = (
    f"Averages below {RED_BELOW} are red (we do not really know), below {AMBER_BELOW} amber"
    f" (partly known: check it), {AMBER_BELOW} or more green. A gap of {GAP_FLAG_AT} or more"
    " between the team and the reviewer means the team is more confident than an outsider"
    " thinks it should be."
)


def rag(average: float | None) -> str:
    """ "red", "amber", "green", or "" when nothing is scored yet."""
    if average is None:
        return ""
    if average < RED_BELOW:
        return "red"
    if average < AMBER_BELOW:
        return "amber"
    return "green"


def mean(scores: Iterable[int | float | None]) -> float | None:
    """Average of the given scores, ignoring blanks; None when all are blank."""
    given = [float(score) for score in scores if score is not None]
    if not given:
        return None
    return round(sum(given) / len(given), 2)


def gap(team: float | None, reviewer: float | None) -> float | None:
    """Team minus reviewer; positive when the team is more confident."""
    if team is None or reviewer is None:
        return None
    return round(team - reviewer, 2)


def gap_flagged(difference: float | None) -> bool:
    return difference is not None and difference >= GAP_FLAG_AT


@dataclass(frozen=True)
class Scores:
    """Confidence, implications and actions of one side (team or reviewer)."""

    confidence: int | None
    implications: int | None
    actions: int | None

    @property
    def average(self) -> float | None:
        return mean((self.confidence, self.implications, self.actions))

    @property
    def complete(self) -> bool:
        return None not in (self.confidence, self.implications, self.actions)
