"""The starter questions of the capture-plan challenge, by category.

Written for this app after the "challenging the capture plan" worksheet: a team
scores how sure it is of each answer (confidence), what the answer means for
the customer's buying process (implications) and what it will do about it
(actions). Teams add, reword or delete questions freely once added.
"""

from __future__ import annotations

from planning.models import ChallengeCategory

STANDARD_QUESTIONS: tuple[tuple[str, str], ...] = (
    (ChallengeCategory.CUSTOMER_ISSUES, "What does the customer want to achieve with this?"),
    (ChallengeCategory.CUSTOMER_ISSUES, "How urgently must the customer reach that objective?"),
    (ChallengeCategory.CUSTOMER_ISSUES, "Why did the customer start this buying process now?"),
    (ChallengeCategory.CUSTOMER_ISSUES, "What happens to them if they do nothing?"),
    (ChallengeCategory.BUYING_PROCESS, "Who makes the final decision, and who influences it most?"),
    (ChallengeCategory.BUYING_PROCESS, "Which criteria will they use to choose a supplier?"),
    (ChallengeCategory.BUYING_PROCESS, "Is the budget approved, and who can release it?"),
    (ChallengeCategory.BUYING_PROCESS, "What are the next steps and dates of their process?"),
    (ChallengeCategory.COMPETITION, "Which competitors are in the running, and who is favoured?"),
    (ChallengeCategory.COMPETITION, "What will the competitors do next, and how do we answer?"),
    (ChallengeCategory.OUR_POSITION, "Why would they choose us rather than a competitor?"),
    (ChallengeCategory.OUR_POSITION, "What evidence of our value have the key people seen?"),
    (ChallengeCategory.OUR_POSITION, "What could make us lose, and what do we do about it?"),
)
