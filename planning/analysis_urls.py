"""Pages of the opportunity analyses under /accounts/<customer>/opportunities/<opportunity>/.

needs/, criteria/ and challenge/ show one section each (the same fragment the
opportunity page includes); the other routes add, edit and delete rows.
"""

from django.urls import URLPattern, path

from planning.analysis import views

_BASE = "<int:customer_id>/opportunities/<int:opportunity_id>"

urlpatterns: list[URLPattern] = [
    path(f"{_BASE}/needs/", views.needs_page, name="account-opportunity-needs"),
    path(f"{_BASE}/needs/new/", views.need_create, name="opportunity-need-create"),
    path(
        f"{_BASE}/needs/<int:stakeholder_need_id>/edit/",
        views.need_edit,
        name="opportunity-need-edit",
    ),
    path(
        f"{_BASE}/needs/<int:stakeholder_need_id>/verified/",
        views.need_verified,
        name="opportunity-need-verified",
    ),
    path(
        f"{_BASE}/needs/<int:stakeholder_need_id>/delete/",
        views.need_delete,
        name="opportunity-need-delete",
    ),
    path(f"{_BASE}/criteria/", views.criteria_page, name="account-opportunity-criteria"),
    path(f"{_BASE}/criteria/new/", views.criterion_create, name="opportunity-criterion-create"),
    path(
        f"{_BASE}/criteria/<int:decision_criterion_id>/edit/",
        views.criterion_edit,
        name="opportunity-criterion-edit",
    ),
    path(
        f"{_BASE}/criteria/<int:decision_criterion_id>/strategy/",
        views.criterion_strategy,
        name="opportunity-criterion-strategy",
    ),
    path(
        f"{_BASE}/criteria/<int:decision_criterion_id>/delete/",
        views.criterion_delete,
        name="opportunity-criterion-delete",
    ),
    path(f"{_BASE}/challenge/", views.challenge_page, name="account-opportunity-challenge"),
    path(
        f"{_BASE}/challenge/standard/",
        views.questions_add_standard,
        name="opportunity-questions-standard",
    ),
    path(f"{_BASE}/challenge/new/", views.question_create, name="opportunity-question-create"),
    path(
        f"{_BASE}/challenge/<int:challenge_question_id>/edit/",
        views.question_edit,
        name="opportunity-question-edit",
    ),
    path(
        f"{_BASE}/challenge/<int:challenge_question_id>/scores/",
        views.question_scores,
        name="opportunity-question-scores",
    ),
    path(
        f"{_BASE}/challenge/<int:challenge_question_id>/delete/",
        views.question_delete,
        name="opportunity-question-delete",
    ),
]
