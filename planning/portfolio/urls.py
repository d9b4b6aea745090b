"""Routes of the portfolio (the API under /api/v1/)."""

from django.urls import path

from planning.portfolio import views

urlpatterns = [
    path("", views.portfolio_page, name="portfolio"),
    path(
        "accounts/<int:customer_id>/decision/",
        views.decision_post,
        name="portfolio-decision",
    ),
    path(
        "accounts/<int:customer_id>/factors/",
        views.factors_page,
        name="portfolio-factors",
    ),
]
