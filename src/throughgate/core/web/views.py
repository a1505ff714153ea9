"""Views of the core app: health checks, language choice, GOV.UK error pages, the audit log search and the scheduled
jobs page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_GET

from throughgate.core import selectors
from throughgate.core.access import VIEW_AUDIT, VIEW_JOBS, public, requires
from throughgate.core.web.forms import AuditSearchForm


@public
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """The process is up (for the load balancer's liveness check)."""
    return JsonResponse({"status": "ok"})


@public
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    """The database answers (readiness check)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means not ready
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@public
@require_GET
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the page language (English or Welsh) and go back to the same page. A link, so it works anywhere."""
    language = request.GET.get("language", "")
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language and check_for_language(language) and language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 60 * 60,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@requires(VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        entries = selectors.audit_search(
            user=request.user, establishment=getattr(request, "establishment", None), **form.cleaned_data
        )
        page = Paginator(entries, 50).get_page(request.GET.get("page"))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "core/audit_log.html", {"form": form, "page": page}, status=status)


@requires(VIEW_JOBS)
@require_GET
def jobs(request: HttpRequest) -> HttpResponse:
    """Every scheduled job: when it runs, how its last run went (result, duration, failure), and recent runs."""
    return render(
        request,
        "core/jobs.html",
        {"statuses": selectors.job_statuses(), "runs": selectors.job_runs_recent(limit=30)},
    )


API_PREFIX = "/api/"
# What the JSON API says for an error Django's own handlers answer (an address no route matches, say): the API's
# error envelope {code, message, fields}, as config/api.py gives for the errors raised inside it.
API_ERRORS = {
    400: ("bad_request", "The request could not be read."),
    403: ("forbidden", "You do not have permission for this operation."),
    404: ("not_found", "Not found."),
    500: ("server_error", "Something went wrong. It has been logged."),
}


def _api_error(request: HttpRequest, status: int) -> HttpResponse | None:
    if not request.path.startswith(API_PREFIX):
        return None
    code, message = API_ERRORS[status]
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


def _error(request: HttpRequest, status: int, template: str, context: dict[str, Any] | None = None) -> HttpResponse:
    return _api_error(request, status) or render(request, template, context or {}, status=status)


@public
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, DisallowedHost) and not request.path.startswith(API_PREFIX):
        # The page's context (links, language toggle) would ask for the host again and fail: a plain page instead.
        return _plain_error(400, "core/errors/400.html")
    return _error(request, 400, "core/errors/400.html")


@public
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "core/errors/403.html")


@public
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "core/errors/404.html")


@public
def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without context processors: whatever failed (the database, say) must not fail this page too."""
    return _api_error(request, 500) or _plain_error(500, "core/errors/500.html")


def _plain_error(status: int, template: str) -> HttpResponse:
    from django.template import loader

    body = loader.get_template(template).render({"shell": {"template": "core/layout_staff.html"}})
    return HttpResponse(body, status=status)
