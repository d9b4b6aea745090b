"""Job resources of the REST API."""

urlpatterns: list = []
