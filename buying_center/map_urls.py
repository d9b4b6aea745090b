"""Relationship map and analysis grids of a key account, under /accounts/<customer_id>/."""

from django.urls import path

from buying_center import grid_views, map_views

urlpatterns = [
    path("<int:customer_id>/map/", map_views.account_map, name="account-map"),
    path("<int:customer_id>/map.svg", map_views.account_map_svg, name="account-map-svg"),
    path("<int:customer_id>/grids/", grid_views.account_grids, name="account-grids"),
    path(
        "<int:customer_id>/grids/<int:analysis_grid_id>/",
        grid_views.analysis_grid_card,
        name="analysis-grid",
    ),
    path(
        "<int:customer_id>/grids/<int:analysis_grid_id>/edit/",
        grid_views.analysis_grid_edit,
        name="analysis-grid-edit",
    ),
]
