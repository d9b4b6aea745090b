"""Routes of account health (settings and overrides; the API under /api/v1/)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
