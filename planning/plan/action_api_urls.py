"""API routes of the account's actions under /api/v1/ (see planning/plan_api_urls.py)."""

from rest_framework.routers import SimpleRouter

from planning.plan import action_api

router = SimpleRouter(use_regex_path=False)
router.register("actions", action_api.ActionViewSet, basename="api-action")

urlpatterns = router.urls
