"""Pages to create, list and revoke personal access tokens."""

from django.urls import path

from kam.api import token_views

urlpatterns = [
    path("", token_views.token_list, name="tokens"),
    path("new/", token_views.token_create, name="token-create"),
    path("<int:access_token_id>/revoke/", token_views.token_revoke, name="token-revoke"),
]
