"""Pages of the opportunity analyses under /accounts/<customer>/opportunities/<opportunity>/.

needs/, criteria/ and challenge/ show one section each (the same fragment the
opportunity page includes); the other routes add, edit and delete rows.
"""

from django.urls import URLPattern, path

from kam.editing.urls import row_paths
from planning.analysis import views

_BASE = "<int:customer_id>/opportunities/<int:opportunity_id>"

urlpatterns: list[URLPattern] = [
    path(f"{_BASE}/needs/", views.needs_page, name="account-opportunity-needs"),
    *row_paths(
        f"{_BASE}/needs/",
        argument="stakeholder_need_id",
        name="opportunity-need",
        add=views.need_create,
        edit=views.need_edit,
        delete=views.need_delete,
        add_name="create",
    ),
    path(
        f"{_BASE}/needs/<int:stakeholder_need_id>/verified/",
        views.need_verified,
        name="opportunity-need-verified",
    ),
    path(f"{_BASE}/criteria/", views.criteria_page, name="account-opportunity-criteria"),
    *row_paths(
        f"{_BASE}/criteria/",
        argument="decision_criterion_id",
        name="opportunity-criterion",
        add=views.criterion_create,
        edit=views.criterion_edit,
        delete=views.criterion_delete,
        add_name="create",
    ),
    path(
        f"{_BASE}/criteria/<int:decision_criterion_id>/strategy/",
        views.criterion_strategy,
        name="opportunity-criterion-strategy",
    ),
    path(f"{_BASE}/challenge/", views.challenge_page, name="account-opportunity-challenge"),
    path(
        f"{_BASE}/challenge/standard/",
        views.questions_add_standard,
        name="opportunity-questions-standard",
    ),
    *row_paths(
        f"{_BASE}/challenge/",
        argument="challenge_question_id",
        name="opportunity-question",
        add=views.question_create,
        edit=views.question_edit,
        delete=views.question_delete,
        add_name="create",
    ),
    path(
        f"{_BASE}/challenge/<int:challenge_question_id>/scores/",
        views.question_scores,
        name="opportunity-question-scores",
    ),
]
