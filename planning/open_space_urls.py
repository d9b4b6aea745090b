"""Pages of the Open Space: the matrix, its JSON cell endpoints, rows and columns, CSFs."""

from django.urls import URLPattern, URLResolver, include, path

from planning.open_space import layout_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:customer_id>/open-space/", views.open_space_page, name="account-open-space"),
    path(
        "<int:customer_id>/open-space/start/",
        views.open_space_start,
        name="account-open-space-start",
    ),
    path("<int:customer_id>/open-space/cell/", views.cell_save, name="open-space-cell-save"),
    path("<int:customer_id>/open-space/paste/", views.cell_paste, name="open-space-paste"),
    path(
        "<int:customer_id>/open-space/rows/add/",
        layout_views.segment_add,
        name="open-space-segment-add",
    ),
    path(
        "<int:customer_id>/open-space/rows/<int:open_space_segment_id>/edit/",
        layout_views.segment_edit,
        name="open-space-segment-edit",
    ),
    path(
        "<int:customer_id>/open-space/rows/<int:open_space_segment_id>/move/",
        layout_views.segment_move,
        name="open-space-segment-move",
    ),
    path(
        "<int:customer_id>/open-space/rows/<int:open_space_segment_id>/remove/",
        layout_views.segment_remove,
        name="open-space-segment-remove",
    ),
    path(
        "<int:customer_id>/open-space/columns/add/",
        layout_views.columns_add,
        name="open-space-columns-add",
    ),
    path(
        "<int:customer_id>/open-space/columns/co-creation/",
        layout_views.co_creation_add,
        name="open-space-co-creation-add",
    ),
    path(
        "<int:customer_id>/open-space/columns/<int:open_space_column_id>/edit/",
        layout_views.column_edit,
        name="open-space-column-edit",
    ),
    path(
        "<int:customer_id>/open-space/columns/<int:open_space_column_id>/move/",
        layout_views.column_move,
        name="open-space-column-move",
    ),
    path(
        "<int:customer_id>/open-space/columns/<int:open_space_column_id>/remove/",
        layout_views.column_remove,
        name="open-space-column-remove",
    ),
    path("", include("planning.open_space.csf_urls")),
]
