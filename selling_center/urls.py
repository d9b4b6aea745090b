"""Pages of one key account's selling center and SCAP alignment, under /accounts/."""

from django.urls import path

from selling_center import views

account = "<int:customer_id>/"
members = account + "selling-center/members/"
alignment = account + "alignment/"

urlpatterns = [
    path("kam-load/", views.kam_load, name="selling-center-kam-load"),
    path(account + "selling-center/", views.selling_center, name="account-selling-center"),
    path(members + "add/", views.member_add, name="account-selling-center-member-add"),
    path(
        members + "<int:selling_center_member_id>/edit/",
        views.member_edit,
        name="account-selling-center-member-edit",
    ),
    path(
        members + "<int:selling_center_member_id>/remove/",
        views.member_remove,
        name="account-selling-center-member-remove",
    ),
    path(alignment, views.alignment, name="account-alignment"),
    path(alignment + "interfaces/add/", views.interface_add, name="account-interface-add"),
    path(
        alignment + "interfaces/suggested/",
        views.interface_add_common,
        name="account-interface-add-common",
    ),
    path(
        alignment + "interfaces/<int:interface_alignment_id>/edit/",
        views.interface_edit,
        name="account-interface-edit",
    ),
    path(
        alignment + "interfaces/<int:interface_alignment_id>/remove/",
        views.interface_remove,
        name="account-interface-remove",
    ),
    path(
        alignment + "connections/toggle/",
        views.connection_toggle,
        name="account-connection-toggle",
    ),
    path(
        alignment + "executives/<int:stakeholder_id>/plan/",
        views.engagement_plan_edit,
        name="account-engagement-plan",
    ),
    path(alignment + "stages/add/", views.stage_resource_add, name="account-stage-resource-add"),
    path(
        alignment + "stages/<int:stage_resource_id>/remove/",
        views.stage_resource_remove,
        name="account-stage-resource-remove",
    ),
    path(
        alignment + "connection-level/",
        views.connection_level_decide,
        name="account-connection-level",
    ),
]
