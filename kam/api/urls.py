"""REST API v1: every app contributes its routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("kam.api.routes")),
    path("", include("kam.jobs.api_urls")),
    path("", include("kam.changelog.api_urls")),
    path("", include("accounts.api_urls")),
    path("", include("accounts.imports.api_urls")),
    path("", include("selling_center.api_urls")),
    path("", include("buying_center.api_urls")),
    path("", include("buying_center.grid_api_urls")),
    path("", include("planning.open_space_api_urls")),
    path("", include("planning.opportunity_api_urls")),
    path("", include("planning.analysis_api_urls")),
    path("", include("planning.plan_api_urls")),
]
