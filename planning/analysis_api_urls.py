"""Needs, decision criteria and challenge questions of opportunities in the REST API."""

from rest_framework.routers import SimpleRouter

from planning.analysis import api

router = SimpleRouter(use_regex_path=False)
router.register("stakeholder-needs", api.StakeholderNeedViewSet, basename="api-stakeholder_need")
router.register(
    "decision-criteria", api.DecisionCriterionViewSet, basename="api-decision_criterion"
)
router.register(
    "challenge-questions", api.ChallengeQuestionViewSet, basename="api-challenge_question"
)

urlpatterns = router.urls
