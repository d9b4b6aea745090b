"""Pages of opportunities under /accounts/<customer>/opportunities/ (planning.opportunities)."""

from django.urls import URLPattern, path

from planning.opportunities import views

_LIST = "<int:customer_id>/opportunities"
_ONE = f"{_LIST}/<int:opportunity_id>"

urlpatterns: list[URLPattern] = [
    path(f"{_LIST}/", views.opportunity_list, name="account-opportunities"),
    path(f"{_LIST}/new/", views.opportunity_add, name="account-opportunity-add"),
    path(
        f"{_LIST}/from-cell/<int:open_space_cell_id>/",
        views.opportunity_from_cell,
        name="account-opportunity-from-cell",
    ),
    path(f"{_ONE}/", views.opportunity_detail, name="account-opportunity"),
    path(f"{_ONE}/edit/", views.opportunity_edit, name="account-opportunity-edit"),
    path(f"{_ONE}/delete/", views.opportunity_delete, name="account-opportunity-delete"),
    path(f"{_ONE}/cabs/", views.cabs_edit, name="account-opportunity-cabs"),
    path(
        f"{_ONE}/value-proposition/",
        views.value_proposition_edit,
        name="account-opportunity-value-proposition",
    ),
    path(
        f"{_ONE}/value-drivers/new/",
        views.value_driver_add,
        name="opportunity-value-driver-add",
    ),
    path(
        f"{_ONE}/value-drivers/<int:value_driver_id>/edit/",
        views.value_driver_edit,
        name="opportunity-value-driver-edit",
    ),
    path(
        f"{_ONE}/value-drivers/<int:value_driver_id>/delete/",
        views.value_driver_delete,
        name="opportunity-value-driver-delete",
    ),
    path(
        f"{_ONE}/contributors/new/",
        views.contributor_add,
        name="opportunity-contributor-add",
    ),
    path(
        f"{_ONE}/contributors/<int:opportunity_contributor_id>/edit/",
        views.contributor_edit,
        name="opportunity-contributor-edit",
    ),
    path(
        f"{_ONE}/contributors/<int:opportunity_contributor_id>/delete/",
        views.contributor_delete,
        name="opportunity-contributor-delete",
    ),
    path(f"{_ONE}/tasks/new/", views.task_add, name="opportunity-task-add"),
    path(
        f"{_ONE}/tasks/<int:opportunity_task_id>/edit/",
        views.task_edit,
        name="opportunity-task-edit",
    ),
    path(
        f"{_ONE}/tasks/<int:opportunity_task_id>/status/",
        views.task_status,
        name="opportunity-task-status",
    ),
    path(
        f"{_ONE}/tasks/<int:opportunity_task_id>/delete/",
        views.task_delete,
        name="opportunity-task-delete",
    ),
]
