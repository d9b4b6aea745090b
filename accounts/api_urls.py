"""Customers, sales, valuation settings, exchange rates, scores and selection in the REST API."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import (
    CustomerScoreViewSet,
    CustomerViewSet,
    ExchangeRateViewSet,
    OfferingViewSet,
    SalesLineViewSet,
    SelectionDecisionViewSet,
    SelectionReviewViewSet,
    ValuationSettingsViewSet,
)
from accounts.model_api import ValuationModelViewSet

# Path converters (<int:pk>) rather than regexes: ids are numbers, and the URL
# map reads the same as the pages'.
router = SimpleRouter(use_regex_path=False)
router.register("customers", CustomerViewSet, basename="api-customer")
router.register("offerings", OfferingViewSet, basename="api-offering")
router.register("sales-lines", SalesLineViewSet, basename="api-sales_line")
router.register("exchange-rates", ExchangeRateViewSet, basename="api-exchange_rate")
router.register("customer-scores", CustomerScoreViewSet, basename="api-customer_score")
router.register("selection-decisions", SelectionDecisionViewSet, basename="api-selection_decision")
router.register("selection-reviews", SelectionReviewViewSet, basename="api-selection_review")

urlpatterns = [
    # One settings object per workspace, so no id in its URL. Named like a
    # collection ("-list") so the API root lists it with the others.
    path(
        "valuation-settings/",
        ValuationSettingsViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "partial_update"}
        ),
        name="api-valuation_settings-list",
    ),
    path(
        "valuation-model/",
        ValuationModelViewSet.as_view({"get": "retrieve"}),
        name="api-valuation_model-list",
    ),
    *router.urls,
]
