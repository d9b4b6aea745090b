"""URLs of My week and the accounts list (see planning/plan_urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
