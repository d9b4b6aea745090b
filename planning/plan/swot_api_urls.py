"""API routes of the plan's SWOT and objectives under /api/v1/ (see planning/plan_api_urls.py)."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from planning.plan import swot_api

router = SimpleRouter(use_regex_path=False)
router.register("swot-items", swot_api.SwotItemViewSet, basename="api-swot_item")
router.register("objectives", swot_api.ObjectiveViewSet, basename="api-objective")
router.register("swot-suggestions", swot_api.SwotSuggestionViewSet, basename="api-swot_suggestion")

urlpatterns: list[URLPattern | URLResolver] = list(router.urls)
