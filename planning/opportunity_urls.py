"""Pages of opportunities under /accounts/<customer>/opportunities/ (planning.opportunities)."""

from django.urls import URLPattern, path

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
    path(
        f"{_ONE}/value-drivers/new/",
        row_views.value_driver_add,
        name="opportunity-value-driver-add",
    ),
    path(
        f"{_ONE}/value-drivers/<int:value_driver_id>/edit/",
        row_views.value_driver_edit,
        name="opportunity-value-driver-edit",
    ),
    path(
        f"{_ONE}/value-drivers/<int:value_driver_id>/delete/",
        row_views.value_driver_delete,
        name="opportunity-value-driver-delete",
    ),
    path(
        f"{_ONE}/contributors/new/",
        row_views.contributor_add,
        name="opportunity-contributor-add",
    ),
    path(
        f"{_ONE}/contributors/<int:opportunity_contributor_id>/edit/",
        row_views.contributor_edit,
        name="opportunity-contributor-edit",
    ),
    path(
        f"{_ONE}/contributors/<int:opportunity_contributor_id>/delete/",
        row_views.contributor_delete,
        name="opportunity-contributor-delete",
    ),
    path(f"{_ONE}/tasks/new/", row_views.task_add, name="opportunity-task-add"),
    path(
        f"{_ONE}/tasks/<int:opportunity_task_id>/edit/",
        row_views.task_edit,
        name="opportunity-task-edit",
    ),
    path(
        f"{_ONE}/tasks/<int:opportunity_task_id>/status/",
        row_views.task_status,
        name="opportunity-task-status",
    ),
    path(
        f"{_ONE}/tasks/<int:opportunity_task_id>/delete/",
        row_views.task_delete,
        name="opportunity-task-delete",
    ),
]
