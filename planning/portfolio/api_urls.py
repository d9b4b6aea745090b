"""The portfolio in the REST API (mounted under /api/v1/ by planning/plan_api_urls.py)."""

from rest_framework.routers import SimpleRouter

from planning.portfolio import api

router = SimpleRouter(use_regex_path=False)
router.register("portfolio", api.PortfolioViewSet, basename="api-portfolio")
router.register(
    "portfolio-decisions", api.PortfolioDecisionViewSet, basename="api-portfolio_decision"
)
router.register("portfolio-factors", api.PortfolioFactorViewSet, basename="api-portfolio_factor")

urlpatterns = router.urls
