"""The account plan in the REST API: one module per part of the plan."""

from django.urls import include, path

urlpatterns = [
    path("", include("planning.plan.page_api_urls")),
    path("", include("planning.plan.action_api_urls")),
    path("", include("planning.plan.swot_api_urls")),
    path("", include("planning.health.api_urls")),
    path("", include("planning.reviews.api_urls")),
    path("", include("planning.portfolio.api_urls")),
]
