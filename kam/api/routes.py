"""API root, "me", personal access tokens, schema and documentation."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from kam.api import schema  # noqa: F401  (registers the Bearer scheme with drf-spectacular)
from kam.api.views import AccessTokenViewSet, ApiRootView, MeView

# Path converters (<int:pk>) rather than regexes: ids are numbers, and the URL
# map reads the same as the pages'.
router = SimpleRouter(use_regex_path=False)
router.register("tokens", AccessTokenViewSet, basename="api-token")

urlpatterns = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("me/", MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "redoc/",
        # Our template drops the stock one's Google Fonts links: no CDN, works offline.
        SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html"),
        name="api-redoc",
    ),
    *router.urls,
]
