"""Reviews and their snapshots in the REST API."""

from rest_framework.routers import SimpleRouter

from planning.reviews import api

router = SimpleRouter(use_regex_path=False)
router.register("reviews", api.ReviewViewSet, basename="api-review")
router.register("review-snapshots", api.ReviewSnapshotViewSet, basename="api-review_snapshot")

urlpatterns = router.urls
