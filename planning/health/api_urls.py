"""Account health in the REST API (mounted under /api/v1/ by planning/plan_api_urls.py)."""

from rest_framework.routers import SimpleRouter

from planning.health import api

router = SimpleRouter(use_regex_path=False)
router.register("account-health", api.AccountHealthViewSet, basename="api-account_health")

urlpatterns = router.urls
