"""API root, schema and documentation."""

urlpatterns: list = []
