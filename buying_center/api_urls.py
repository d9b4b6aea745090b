"""Stakeholders, influence links and stakeholder changes in the REST API."""

from rest_framework.routers import SimpleRouter

from buying_center.api import InfluenceLinkViewSet, StakeholderChangeViewSet, StakeholderViewSet

router = SimpleRouter(use_regex_path=False)
router.register("stakeholders", StakeholderViewSet, basename="api-stakeholder")
router.register("influence-links", InfluenceLinkViewSet, basename="api-influence_link")
router.register("stakeholder-changes", StakeholderChangeViewSet, basename="api-stakeholder_change")

urlpatterns = router.urls
