"""Selling center and SCAP alignment in the REST API."""

from rest_framework.routers import SimpleRouter

from selling_center import api

router = SimpleRouter(use_regex_path=False)
router.register(
    "selling-center-members", api.SellingCenterMemberViewSet, basename="api-selling_center_member"
)
router.register(
    "interface-alignments", api.InterfaceAlignmentViewSet, basename="api-interface_alignment"
)
router.register("connections", api.ConnectionViewSet, basename="api-connection")
router.register("engagement-plans", api.EngagementPlanViewSet, basename="api-engagement_plan")
router.register("stage-resources", api.StageResourceViewSet, basename="api-stage_resource")
router.register(
    "connection-level-decisions",
    api.ConnectionLevelDecisionViewSet,
    basename="api-connection_level_decision",
)

urlpatterns = router.urls
