"""Job status pages (polled by htmx)."""

urlpatterns: list = []
