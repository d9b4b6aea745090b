"""Routes of account health (settings and overrides; the API under /api/v1/)."""

from django.urls import path

from planning.health import views

urlpatterns = [
    path(
        "accounts/<int:customer_id>/health/",
        views.account_health_page,
        name="health-account",
    ),
    path(
        "accounts/<int:customer_id>/health/override/",
        views.override_set,
        name="health-override",
    ),
    path(
        "accounts/<int:customer_id>/health/override/clear/",
        views.override_clear,
        name="health-override-clear",
    ),
    path("settings/health/", views.health_settings, name="health-settings"),
]
