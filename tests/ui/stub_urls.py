"""The real URL map plus stand-ins for pages other issues deliver.

Lets the navigation tests see every item (members, API tokens, API docs) before
those pages exist, under the URL names the navigation looks for first.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from kam.urls import urlpatterns as real_urlpatterns


def _stand_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("stand-in")


urlpatterns = [
    *real_urlpatterns,
    path("stand-in/members/", _stand_in, name="members"),
    path("stand-in/tokens/", _stand_in, name="tokens"),
    path("stand-in/api-docs/", _stand_in, name="api-docs"),
    path("stand-in/switch/", _stand_in, name="workspace-switch"),
]
