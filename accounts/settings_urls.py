"""Valuation settings and exchange-rate pages, under /settings/valuation/."""

from django.urls import path

from accounts import settings_views as views

app_name = "valuation"

urlpatterns = [
    path("", views.valuation_settings, name="settings"),
    path("rates/", views.exchange_rates, name="exchange_rates"),
    path("rates/add/", views.exchange_rate_add, name="exchange_rate_add"),
    path("rates/<int:exchange_rate_id>/", views.exchange_rate_edit, name="exchange_rate_edit"),
    path(
        "rates/<int:exchange_rate_id>/delete/",
        views.exchange_rate_remove,
        name="exchange_rate_delete",
    ),
]
