"""Context for the analysis sections of an opportunity page (filled in by its owner)."""

from __future__ import annotations

from typing import Any

from planning.models import Opportunity


def opportunity_analysis_context(opportunity: Opportunity) -> dict[str, Any]:
    """Everything the ``planning/analysis/_*.html`` fragments need, in a fixed number of queries."""
    return {}
