"""REST routes of the Open Space: CSFs, matrices, their rows, columns and cells."""

from rest_framework.routers import SimpleRouter

from planning.open_space.api import OpenSpaceCellViewSet, OpenSpaceViewSet
from planning.open_space.csf_api import SuccessFactorViewSet
from planning.open_space.layout_api import OpenSpaceColumnViewSet, OpenSpaceSegmentViewSet

router = SimpleRouter(use_regex_path=False)
router.register(
    "critical-success-factors",
    SuccessFactorViewSet,
    basename="api-critical_success_factor",
)
router.register("open-spaces", OpenSpaceViewSet, basename="api-open_space")
router.register("open-space-segments", OpenSpaceSegmentViewSet, basename="api-open_space_segment")
router.register("open-space-columns", OpenSpaceColumnViewSet, basename="api-open_space_column")
router.register("open-space-cells", OpenSpaceCellViewSet, basename="api-open_space_cell")

urlpatterns = router.urls
