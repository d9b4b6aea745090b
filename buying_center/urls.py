"""Key-account pages under /accounts/: the account shell and the buying center.

The list of key accounts itself (``my-accounts``) is in planning/plan/my_week_urls.py.
"""

from django.urls import path

from buying_center import import_views, views

urlpatterns = [
    path("<int:customer_id>/", views.account_detail, name="account-detail"),
    path(
        "<int:customer_id>/stakeholders/new/",
        views.stakeholder_create,
        name="stakeholder-create",
    ),
    path(
        "<int:customer_id>/stakeholders/import/",
        import_views.stakeholder_import,
        name="stakeholder-import",
    ),
    path(
        "<int:customer_id>/stakeholders/<int:stakeholder_id>/",
        views.stakeholder_detail,
        name="stakeholder-detail",
    ),
    path(
        "<int:customer_id>/stakeholders/<int:stakeholder_id>/edit/",
        views.stakeholder_edit,
        name="stakeholder-edit",
    ),
    path(
        "<int:customer_id>/stakeholders/<int:stakeholder_id>/score/",
        views.stakeholder_score,
        name="stakeholder-score",
    ),
    path(
        "<int:customer_id>/stakeholders/<int:stakeholder_id>/reassess/",
        views.stakeholder_reassess,
        name="stakeholder-reassess",
    ),
    path(
        "<int:customer_id>/stakeholders/<int:stakeholder_id>/delete/",
        views.stakeholder_delete,
        name="stakeholder-delete",
    ),
    path(
        "<int:customer_id>/stakeholders/<int:stakeholder_id>/influence/",
        views.influence_link_create,
        name="influence-link-create",
    ),
    path(
        "<int:customer_id>/influence-links/<int:influence_link_id>/delete/",
        views.influence_link_delete,
        name="influence-link-delete",
    ),
]
