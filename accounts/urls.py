"""Selection workspace pages, under /selection/ (names start with "selection")."""

from django.urls import path

from accounts import model_views, views
from kam import charts

urlpatterns = [
    path("", views.selection_list, name="selection"),
    path("mine/", views.selection_mine, name="selection-mine"),
    path("pareto/", views.selection_pareto, name="selection-pareto"),
    path("freshness/", views.selection_freshness, name="selection-freshness"),
    path("history/", views.history, name="selection-history"),
    path("model/", model_views.selection_model, name="selection-model"),
    path(
        "model/customers.csv",
        model_views.selection_model_download,
        {"file_format": "csv"},
        name="selection-model-csv",
    ),
    path(
        "model/customers.xlsx",
        model_views.selection_model_download,
        {"file_format": "xlsx"},
        name="selection-model-xlsx",
    ),
    path("review/", views.review, name="selection-review"),
    path("review/close/", views.review_close, name="selection-review-close"),
    path("customers/<int:customer_id>/", views.candidate, name="selection-candidate"),
    path(
        "customers/<int:customer_id>/judgement/",
        views.candidate_judgement,
        name="selection-judgement",
    ),
    path("customers/<int:customer_id>/promote/", views.promote, name="selection-promote"),
    path("customers/<int:customer_id>/demote/", views.demote, name="selection-demote"),
    # The shared chart runtime (kam/charts.py); here until kam/urls.py gives it a home.
    path("vega-runtime.js", charts.vega_runtime, name="vega-runtime"),
]
