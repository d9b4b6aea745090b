"""API routes of the account plan under /api/v1/ (see planning/plan_api_urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
