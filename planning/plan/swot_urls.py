"""URLs of the SWOT and objectives under /accounts/<customer_id>/plan/ (planning/plan_urls.py)."""

from django.urls import URLPattern, path

from kam.editing.urls import row_paths
from planning.plan import objective_views, swot_views

_SWOT = "<int:customer_id>/plan/swot/"
_OBJECTIVES = "<int:customer_id>/plan/objectives/"

urlpatterns: list[URLPattern] = [
    path(_SWOT, swot_views.swot_page, name="account-plan-swot"),
    *row_paths(
        _SWOT,
        argument="swot_item_id",
        name="account-plan-swot",
        add=swot_views.swot_item_add,
        edit=swot_views.swot_item_edit,
        delete=swot_views.swot_item_delete,
    ),
    path(
        f"{_SWOT}suggestions/accept/",
        swot_views.swot_suggestion_accept,
        name="account-plan-swot-accept",
    ),
    path(
        f"{_SWOT}suggestions/dismiss/",
        swot_views.swot_suggestion_dismiss,
        name="account-plan-swot-dismiss",
    ),
    path(_OBJECTIVES, objective_views.objectives_page, name="account-plan-objectives"),
    *row_paths(
        _OBJECTIVES,
        argument="objective_id",
        name="account-plan-objective",
        add=objective_views.objective_add,
        edit=objective_views.objective_edit,
        delete=objective_views.objective_delete,
    ),
]
