"""Pages of the pipeline: across key accounts and one account's prioritization matrix.

Included at the root, so the paths are written in full.
"""

from django.urls import URLPattern, path

from planning.pipeline import views

urlpatterns: list[URLPattern] = [
    path("opportunities/", views.pipeline, name="pipeline"),
    path(
        "accounts/<int:customer_id>/priorities/",
        views.account_priorities,
        name="account-priorities",
    ),
]
