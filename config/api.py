"""The JSON API at /api/v1/: one NinjaAPI, routers from each app, and one error envelope {code, message, fields}."""

from __future__ import annotations

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from throughgate.contact.api import ROUTERS as CONTACT_ROUTERS
from throughgate.core.access import public
from throughgate.core.errors import ServiceError
from throughgate.identity.api import API_AUTH
from throughgate.learning.api import ROUTERS as LEARNING_ROUTERS
from throughgate.people.api import router as people_router
from throughgate.selfservice.api import ROUTERS as SELFSERVICE_ROUTERS

api = NinjaAPI(
    title="Throughgate API",
    version="1",
    description="Typed API for the in-cell app, staff tools and partner systems. "
    "Errors always have the shape {code, message, fields}.",
    auth=API_AUTH,
    urls_namespace="api",
    docs_decorator=public,
)
api.add_router("/people/", people_router, tags=["people"])
for selfservice_router in SELFSERVICE_ROUTERS:
    api.add_router("/selfservice/", selfservice_router, tags=["selfservice"])
for contact_router in CONTACT_ROUTERS:
    api.add_router("/contact/", contact_router, tags=["contact"])
for learning_router in LEARNING_ROUTERS:
    api.add_router("/learning/", learning_router, tags=["learning"])


@public
def api_root(request: HttpRequest) -> HttpResponse:
    """/api/v1/ points people at the documentation."""
    from django.shortcuts import redirect

    return redirect("api:openapi-view")


def envelope(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "fields": fields or {}}, status=status)


@api.exception_handler(ServiceError)
def domain_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    fields = {exc.field: [exc.message]} if exc.field else None
    return envelope(request, exc.status, exc.code, exc.message, fields)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(location) or "request", []).append(str(error.get("msg", "Invalid value")))
    return envelope(request, 422, "invalid_input", "Some of the values sent are not valid.", fields)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return envelope(request, 401, "unauthenticated", "Sign in or send a valid API token.")


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return envelope(request, 403, "forbidden", "You do not have permission for this operation.")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return envelope(request, 404, "not_found", "Not found.")


def bad_request(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    """A body that cannot be read (multipart without a boundary, say, found by the CSRF check): the client's fault."""
    return envelope(request, 400, "bad_request", "The request body could not be read.")


for _unreadable in (MultiPartParserError, UnreadablePostError, BadRequest, SuspiciousOperation):
    api.add_exception_handler(_unreadable, bad_request)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return envelope(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    import logging

    logging.getLogger("throughgate.api").exception("Unhandled API error")
    return envelope(request, 500, "server_error", "Something went wrong. It has been logged.")
