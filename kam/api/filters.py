"""Filter backends shared by every resource."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request


class StableOrderingFilter(OrderingFilter):
    """``?ordering=`` with the primary key as the last tie-breaker.

    Without it, rows that share the sort value (ten customers in tier 1) may
    come back in a different order on each page, so a client paging through
    could see a row twice and miss another.
    """

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> list[str]:
        ordering = [
            str(term)
            for term in (
                super().get_ordering(request, queryset, view)
                or queryset.query.order_by
                or queryset.model._meta.ordering
            )
        ]
        if not any(term.lstrip("-") in {"pk", "id"} for term in ordering):
            ordering.append("pk")
        return ordering
