"""Pages of an account's critical success factors (included by planning/open_space_urls.py)."""

from django.urls import URLPattern, path

from planning.open_space import csf_views

urlpatterns: list[URLPattern] = [
    path(
        "<int:customer_id>/success-factors/",
        csf_views.success_factor_list,
        name="account-success-factors",
    ),
    path(
        "<int:customer_id>/success-factors/add/",
        csf_views.success_factor_add,
        name="success-factor-add",
    ),
    path(
        "<int:customer_id>/success-factors/<int:critical_success_factor_id>/edit/",
        csf_views.success_factor_edit,
        name="success-factor-edit",
    ),
    path(
        "<int:customer_id>/success-factors/<int:critical_success_factor_id>/remove/",
        csf_views.success_factor_remove,
        name="success-factor-remove",
    ),
    path(
        "<int:customer_id>/success-factors/<int:critical_success_factor_id>/move/",
        csf_views.success_factor_move,
        name="success-factor-move",
    ),
]
