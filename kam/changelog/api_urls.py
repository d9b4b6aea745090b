"""Change-log resource of the REST API."""

from rest_framework.routers import SimpleRouter

from kam.changelog.api import ChangeLogViewSet

router = SimpleRouter(use_regex_path=False)
router.register("change-log", ChangeLogViewSet, basename="api-change-log")

urlpatterns = router.urls
