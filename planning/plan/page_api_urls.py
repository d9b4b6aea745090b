"""API routes of the account plan under /api/v1/ (see planning/plan_api_urls.py)."""

from rest_framework.routers import SimpleRouter

from planning.plan import page_api

router = SimpleRouter(use_regex_path=False)
router.register("account-plans", page_api.AccountPlanViewSet, basename="api-account_plan")
router.register("plan-texts", page_api.PlanTextViewSet, basename="api-plan_text")
router.register(
    "satisfaction-entries", page_api.SatisfactionEntryViewSet, basename="api-satisfaction_entry"
)

urlpatterns = router.urls
