"""Pages to create, list and revoke personal access tokens."""

urlpatterns: list = []
