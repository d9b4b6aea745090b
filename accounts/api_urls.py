"""Customers, offerings and sales lines in the REST API."""

urlpatterns: list = []
