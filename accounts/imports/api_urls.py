"""Import resources of the REST API."""

from rest_framework.routers import SimpleRouter

from accounts.imports.api import ImportBatchViewSet

router = SimpleRouter(use_regex_path=False)
router.register("imports", ImportBatchViewSet, basename="api-import")

urlpatterns = router.urls
