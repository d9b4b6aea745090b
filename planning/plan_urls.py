"""The account plan's pages, under /accounts/: one module per part of the plan."""

from django.urls import include, path

urlpatterns = [
    path("", include("planning.plan.page_urls")),
    path("", include("planning.plan.action_urls")),
    path("", include("planning.plan.swot_urls")),
    path("", include("planning.plan.my_week_urls")),
    path("", include("planning.pdf.urls")),
    path("", include("planning.reviews.urls")),
]
