"""URLs of My week and the accounts list (see planning/plan_urls.py)."""

from django.urls import path

from planning.plan import accounts_views, my_week_views

urlpatterns = [
    path("", accounts_views.my_accounts, name="my-accounts"),
    path("my-week/", my_week_views.my_week_page, name="my-week"),
]
