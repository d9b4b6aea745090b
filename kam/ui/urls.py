"""Interface preferences and the component style guide."""

from django.urls import path

from kam.ui import views

urlpatterns = [
    path("theme/", views.theme_switch, name="theme-switch"),
    path("styleguide/", views.styleguide, name="styleguide"),
]
