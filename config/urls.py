"""Root URL configuration. Every route's view declares its access rule (see throughgate.core.access)."""

from django.urls import URLPattern, URLResolver, include, path

from config.api import api, api_root
from throughgate.core.web import views as core_views


def api_urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    """The API's URL patterns, with django-ninja's undeclared root view replaced by a declared one."""
    patterns, app_name, namespace = api.urls
    replaced = [
        path("", api_root, name="api-root") if isinstance(p, URLPattern) and p.name == "api-root" else p
        for p in patterns
    ]
    return replaced, app_name, namespace


# The identity routes come first: the home page and the kiosk's keep-alive are the most requested, and Django tries
# the patterns in order (no two apps share a path; the RBAC matrix test resolves every one).
urlpatterns = [
    path("", include("throughgate.identity.web.urls")),
    path("health", core_views.health, name="health"),
    path("ready", core_views.ready, name="ready"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("api/v1/", api_urls()),
    path("", include("throughgate.core.web.urls")),
    path("people/", include("throughgate.people.web.urls")),
    path("", include("throughgate.access.web.urls")),
    path("selfservice/", include("throughgate.selfservice.web.urls")),
    path("", include("throughgate.contact.web.urls")),
    path("aim/", include("throughgate.welfare.web.urls")),
    path("data-protection/", include("throughgate.dataprotection.web.urls")),
    path("insights/", include("throughgate.insights.web.urls")),
    path("", include("throughgate.probation.web.urls")),
    path("sharing/", include("throughgate.sharing.web.urls")),
    path("learning/", include("throughgate.learning.web.urls")),
]

handler400 = "throughgate.core.web.views.bad_request"
handler403 = "throughgate.core.web.views.permission_denied"
handler404 = "throughgate.core.web.views.page_not_found"
handler500 = "throughgate.core.web.views.server_error"
