"""URLs of the account plan under /accounts/<customer_id>/plan/ (see planning/plan_urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
