"""Pages of opportunities under /accounts/<customer>/opportunities/ (planning.opportunities)."""

from django.urls import URLPattern, path

from kam.editing.urls import row_paths
from planning.opportunities import page_views, row_views, section_views

_LIST = "<int:customer_id>/opportunities"
_ONE = f"{_LIST}/<int:opportunity_id>"

urlpatterns: list[URLPattern] = [
    path(f"{_LIST}/", page_views.opportunity_list, name="account-opportunities"),
    path(f"{_LIST}/new/", page_views.opportunity_add, name="account-opportunity-add"),
    path(
        f"{_LIST}/from-cell/<int:open_space_cell_id>/",
        page_views.opportunity_from_cell,
        name="account-opportunity-from-cell",
    ),
    path(f"{_ONE}/", page_views.opportunity_detail, name="account-opportunity"),
    path(f"{_ONE}/edit/", page_views.opportunity_edit, name="account-opportunity-edit"),
    path(f"{_ONE}/delete/", page_views.opportunity_delete, name="account-opportunity-delete"),
    path(f"{_ONE}/cabs/", section_views.cabs_edit, name="account-opportunity-cabs"),
    path(
        f"{_ONE}/value-proposition/",
        section_views.value_proposition_edit,
        name="account-opportunity-value-proposition",
    ),
    *row_paths(
        f"{_ONE}/value-drivers/",
        argument="value_driver_id",
        name="opportunity-value-driver",
        add=row_views.value_driver_add,
        edit=row_views.value_driver_edit,
        delete=row_views.value_driver_delete,
    ),
    *row_paths(
        f"{_ONE}/contributors/",
        argument="opportunity_contributor_id",
        name="opportunity-contributor",
        add=row_views.contributor_add,
        edit=row_views.contributor_edit,
        delete=row_views.contributor_delete,
    ),
    *row_paths(
        f"{_ONE}/tasks/",
        argument="opportunity_task_id",
        name="opportunity-task",
        add=row_views.task_add,
        edit=row_views.task_edit,
        delete=row_views.task_delete,
    ),
    path(
        f"{_ONE}/tasks/<int:opportunity_task_id>/status/",
        row_views.task_status,
        name="opportunity-task-status",
    ),
]
