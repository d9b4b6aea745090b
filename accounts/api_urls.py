"""Customers, offerings and sales lines in the REST API."""

from rest_framework.routers import SimpleRouter

from accounts.api import CustomerViewSet, OfferingViewSet, SalesLineViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="api-customer")
router.register("offerings", OfferingViewSet, basename="api-offering")
router.register("sales-lines", SalesLineViewSet, basename="api-sales_line")

urlpatterns = router.urls
