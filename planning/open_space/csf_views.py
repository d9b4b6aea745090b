"""Pages of an account's critical success factors (being written)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from kam.permissions import Capability
from kam.tenancy.views import workspace_view


@workspace_view(Capability.VIEW)
def success_factor_list(request: HttpRequest, customer_id: int) -> HttpResponse:
    return HttpResponse("Critical success factors: coming in the next commit.")


success_factor_add = success_factor_edit = success_factor_remove = success_factor_move = (
    success_factor_list
)
