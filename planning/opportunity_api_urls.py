"""Opportunities, value drivers, contributors and tasks in the REST API."""

from rest_framework.routers import SimpleRouter

from planning.opportunities import api

router = SimpleRouter(use_regex_path=False)
router.register("opportunities", api.OpportunityViewSet, basename="api-opportunity")
router.register("value-drivers", api.ValueDriverViewSet, basename="api-value_driver")
router.register(
    "opportunity-contributors",
    api.OpportunityContributorViewSet,
    basename="api-opportunity_contributor",
)
router.register("opportunity-tasks", api.OpportunityTaskViewSet, basename="api-opportunity_task")

urlpatterns = router.urls
