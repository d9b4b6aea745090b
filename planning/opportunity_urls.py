"""Pages of planning (filled in by its owner; see the module docstring once written)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
