"""Customers, offerings and sales lines in the REST API."""

from rest_framework.routers import SimpleRouter

from accounts.api import CustomerViewSet, OfferingViewSet, SalesLineViewSet

# Path converters (<int:pk>) rather than regexes: ids are numbers, and the URL
# map reads the same as the pages'.
router = SimpleRouter(use_regex_path=False)
router.register("customers", CustomerViewSet, basename="api-customer")
router.register("offerings", OfferingViewSet, basename="api-offering")
router.register("sales-lines", SalesLineViewSet, basename="api-sales_line")

urlpatterns = router.urls
