"""URL conf for the web benchmark only: every real route, plus a bare view to compare against.

Selected with ``THROUGHGATE_URLCONF=bench.benchurls`` (config/settings.py reads it); never used outside bench/.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from throughgate.core.access import public


@public
def bare_view(request: HttpRequest) -> HttpResponse:
    """The floor: the full middleware stack, no session, no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare", bare_view, name="bench-bare"),
    path("", include("config.urls")),
]

handler400 = "throughgate.core.web.views.bad_request"
handler403 = "throughgate.core.web.views.permission_denied"
handler404 = "throughgate.core.web.views.page_not_found"
handler500 = "throughgate.core.web.views.server_error"
