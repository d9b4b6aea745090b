"""URL map. Each area includes its own module; the API lives under /api/v1/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from kam import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
