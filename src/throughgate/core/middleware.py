"""Request middleware of core: the request context (correlation id, client address) for the audit log, no caching of
anyone's personal pages, and domain errors as pages."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.utils.cache import add_never_cache_headers

from throughgate.core import context
from throughgate.core.validators import NUL_MESSAGE, has_nul, nul_path

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


class NulCharactersMiddleware:
    """Input with a NUL character in it is refused: PostgreSQL cannot store NUL in text, and only tools send one. In
    an API JSON body: 422 with the API's error envelope, naming the field; in the address, the query string or a plain
    form: 400 (the envelope under /api/, the error page elsewhere). Forms' CharFields refuse NUL themselves too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        if self._has_nul(request):
            if api:
                return JsonResponse({"code": "bad_request", "message": NUL_MESSAGE, "fields": {}}, status=400)
            raise BadRequest(NUL_MESSAGE)
        if api and request.content_type == "application/json":
            found = self._nul_in_json(request)
            if found is not None:
                body = {
                    "code": "invalid_input",
                    "message": "Some of the values sent are not valid.",
                    "fields": {".".join(found) or "request": [NUL_MESSAGE]},
                }
                return JsonResponse(body, status=422)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or "\x00" in request.path_info:
            return True
        if any(has_nul(key) or has_nul(values) for key, values in request.GET.lists()):
            return True
        if request.content_type == "application/x-www-form-urlencoded" and request.method == "POST":
            try:
                return any(has_nul(key) or has_nul(values) for key, values in request.POST.lists())
            except (BadRequest, UnreadablePostError):
                return False
        return False

    @staticmethod
    def _nul_in_json(request: HttpRequest) -> tuple[str, ...] | None:
        try:
            raw = request.body
        except (BadRequest, UnreadablePostError):
            return None
        if b"\\u0000" not in raw and b"\x00" not in raw:  # the cheap test first: almost every body passes here
            return None
        try:
            return nul_path(json.loads(raw))
        except ValueError:
            return None  # not JSON: the API says so itself


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
    a record that does not exist); any other is a 4xx page that says what was wrong. Never a 500. Also gives the
    empty 405 Django answers for a form address opened by GET (``require_POST``) a page that says what to do."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and not request.path.startswith("/api/"):
            from django.shortcuts import render

            page = render(request, "core/errors/405.html", status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.http import Http404
        from django.shortcuts import render

        from throughgate.core.errors import NotVisible, ServiceError

        if isinstance(exception, NotVisible):
            raise Http404(exception.message) from exception
        if isinstance(exception, ServiceError):
            return render(request, "core/errors/domain.html", {"error": exception}, status=exception.status)
        return None
