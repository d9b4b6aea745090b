"""Job resources of the REST API."""

from rest_framework.routers import SimpleRouter

from kam.jobs.api import JobViewSet

router = SimpleRouter()
router.register("jobs", JobViewSet, basename="api-job")

urlpatterns = router.urls
