"""URL map. Each area includes its own module; the API lives under /api/v1/."""

from django.urls import include, path

from buying_center.activity_views import account_activity
from kam import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("kam.workspaces.urls")),
    path("jobs/", include("kam.jobs.urls")),
    path("imports/", include("accounts.imports.urls")),
    path("selection/", include("accounts.urls")),
    path("settings/tokens/", include("kam.api.token_urls")),
    path("settings/valuation/", include("accounts.settings_urls")),
    path("accounts/", include("selling_center.urls")),
    path("accounts/", include("buying_center.urls")),
    path("accounts/", include("buying_center.map_urls")),
    path("accounts/", include("planning.open_space_urls")),
    path("accounts/", include("planning.opportunity_urls")),
    path("accounts/", include("planning.analysis_urls")),
    path("accounts/", include("planning.plan_urls")),
    path("", include("planning.health.urls")),
    path("", include("planning.pipeline_urls")),
    path("portfolio/", include("planning.portfolio.urls")),
    path("accounts/<int:customer_id>/activity/", account_activity, name="account-activity"),
    path("history/", include("kam.changelog.urls")),
    path("api/v1/", include("kam.api.urls")),
    path("ui/", include("kam.ui.urls")),
]
