"""Request middleware of core: the request context (correlation id, client address) for the audit log, no caching of
anyone's personal pages, and domain errors as pages."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from throughgate.core import context

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` proxies the entry of X-Forwarded-For
    that the outermost trusted proxy added (entries further left are whatever the client sent, so never trusted)."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted <= 0 or not forwarded:
        return remote
    entries = [entry.strip() for entry in str(forwarded).split(",")]
    if len(entries) < trusted:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-trusted]))
    except ValueError:
        return remote


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get("X-Request-ID", "")
        correlation_id = offered if _SAFE_ID.match(offered) else context.new_correlation_id()
        ctx = context.RequestContext(correlation_id=correlation_id, ip=client_address(request))
        request.correlation_id = correlation_id  # type: ignore[attr-defined]
        with context.bind(ctx):
            response = self.get_response(request)
        response["X-Request-ID"] = correlation_id
        return response


class PrivatePagesMiddleware:
    """Nothing shown to a signed-in user, and no API answer, may be kept by a browser or a proxy: on a shared kiosk
    the Back button must not show the last resident's page. Adds ``Cache-Control: no-store`` (with Django's
    never-cache headers) unless the view set its own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        private = bool(getattr(user, "is_authenticated", False)) or request.path.startswith("/api/")
        if private and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class DomainErrorMiddleware:
    """Maps domain errors raised by services and selectors to pages: NotVisible is a 404 (it must look the same as
    a record that does not exist); any other is a 4xx page that says what was wrong. Never a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.http import Http404
        from django.shortcuts import render

        from throughgate.core.errors import NotVisible, ServiceError

        if isinstance(exception, NotVisible):
            raise Http404(exception.message) from exception
        if isinstance(exception, ServiceError):
            return render(request, "core/errors/domain.html", {"error": exception}, status=exception.status)
        return None
