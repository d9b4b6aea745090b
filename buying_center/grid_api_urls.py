"""Analysis grids in the REST API."""

from rest_framework.routers import SimpleRouter

from buying_center.grid_api import AnalysisGridViewSet

router = SimpleRouter(use_regex_path=False)
router.register("analysis-grids", AnalysisGridViewSet, basename="api-analysis_grid")

urlpatterns = router.urls
