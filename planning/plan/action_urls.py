"""URLs of the account's actions, under /accounts/<customer_id>/plan/actions/."""

from django.urls import URLPattern, path

from kam.editing.urls import row_paths
from planning.plan import action_views

_ACTIONS = "<int:customer_id>/plan/actions/"

urlpatterns: list[URLPattern] = [
    path(_ACTIONS, action_views.action_list, name="account-plan-actions"),
    *row_paths(
        _ACTIONS,
        argument="action_id",
        name="account-plan-action",
        add=action_views.action_add,
        edit=action_views.action_edit,
        delete=action_views.action_delete,
    ),
    path(
        f"{_ACTIONS}<int:action_id>/done/",
        action_views.action_complete,
        name="account-plan-action-complete",
    ),
]
