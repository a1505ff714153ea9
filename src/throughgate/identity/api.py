"""The API side of the permission map: authentication (partner bearer tokens, or a verified staff or resident
session) and a Router whose every operation is checked against its declared rule. An undeclared operation
answers 403 (fail closed)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

import ninja
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from ninja.security import HttpBearer, SessionAuth
from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from throughgate.core import context
from throughgate.core.access import rule_for
from throughgate.core.errors import DomainError
from throughgate.core.forms import EARLIEST_DATE, LATEST_DATE
from throughgate.core.validators import MAX_ID
from throughgate.identity import selectors
from throughgate.identity.middleware import SESSION_FAMILY, device_session_is_valid
from throughgate.identity.models import ApiToken, User

# Numbers in request bodies are JSON numbers, never coerced: ``true`` is not 1 and ``"5"`` is not 5 (422 instead).
# An id must also fit the database's 64-bit key (SQLite's driver fails on larger ones).
StrictInt = Annotated[int, Field(strict=True)]
ApiId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    """Pydantic also reads a number as seconds since 1970 (``?day=0`` was 1 January 1970): an API date is YYYY-MM-DD."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_format", "Enter a date as YYYY-MM-DD.")
    return value


def _date_in_range(value: date) -> date:
    """Years nobody means (before 1900, after 2199) are refused, as in the web forms: the days around them cannot be
    worked out."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise PydanticCustomError("date_range", "Enter a date between 1900-01-01 and 2199-12-31.")
    return value


# A date in a query string or an address, written as the OpenAPI document says (format: date).
ApiDate = Annotated[date, BeforeValidator(_iso_date_only), AfterValidator(_date_in_range)]


class ErrorOut(Schema):
    """Every error the API returns has this shape."""

    code: str
    message: str
    fields: dict[str, list[str]]


# Declared on each operation so the OpenAPI document shows the error envelope. Any request can be a 400 (a NUL
# character in the address or the query string, a body that cannot be read), before the operation is reached.
ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ApiForbidden(DomainError):
    code = "forbidden"
    status = 403


class ApiUnauthenticated(DomainError):
    code = "unauthenticated"
    status = 401


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tg_...`` for partner systems."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = selectors.api_token_from_secret(token)
        if api_token is None:
            return None
        if api_token.last_used_at is None or (timezone.now() - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        context.update(
            actor_id=api_token.user_id, actor_username=api_token.user.username, device=f"token:{api_token.prefix}"
        )
        return api_token


class VerifiedSessionAuth(SessionAuth):
    """The in-cell app and staff pages call the API with their signed-in session and its CSRF token: a staff
    session must have passed its second factor, a resident's must be on its registered device."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated:
            return None
        if user.is_resident:
            return user if device_session_is_valid(request) else None
        if user.is_family_member:  # the family site's sign-in (contact app); such a session holds no staff permission
            return user if request.session.get(SESSION_FAMILY) else None
        return user if user.is_verified() else None  # type: ignore[attr-defined]


def acting_user(request: HttpRequest) -> User:
    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiToken):
        return auth.user
    if isinstance(auth, User):
        return auth
    raise ApiUnauthenticated("Sign in or send a valid API token.")


def check_operation(request: HttpRequest, func: Callable[..., Any]) -> None:
    rule = rule_for(func)
    if rule is None:
        raise ApiForbidden("This operation is not available.", code="undeclared_route")
    if rule.kind == "public":
        return
    user = acting_user(request)
    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiToken) and rule.permission not in auth.scopes:
        raise ApiForbidden("This token's scopes do not include this operation.")
    if not user.has_perm(rule.permission):
        raise ApiForbidden("You do not have permission for this operation.")


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        check_operation(request, func)
        return func(request, *args, **kwargs)

    return wrapper


class Router(ninja.Router):
    """Every operation added through this router is checked against its declared access rule.

    ``published_as`` keeps the operation ids of a router whose module has moved: an id is ``<module>_<function>``
    with dots as underscores, and clients generated from the OpenAPI document call operations by that id."""

    def __init__(self, *args: Any, published_as: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published_as = published_as

    def add_api_operation(self, path: str, methods: list[str], view_func: Callable[..., Any], **kwargs: Any) -> None:
        if self.published_as and not kwargs.get("operation_id"):
            kwargs["operation_id"] = f"{self.published_as}.{view_func.__name__}".replace(".", "_")
        super().add_api_operation(path, methods, guarded(view_func), **kwargs)


API_AUTH = [TokenAuth(), VerifiedSessionAuth()]


class _PermissionFirst:
    """Authenticates like the API's own methods, then checks the operation's permission before the body is read:
    someone who may not use an operation is told 403, never a 422 about the shape of what they sent."""

    def __init__(self, inner: Any, permission: str) -> None:
        self.inner = inner
        self.permission = permission
        self.openapi_security_schema = getattr(inner, "openapi_security_schema", None)

    def __call__(self, request: HttpRequest) -> Any:
        result = self.inner(request)
        if not result:
            return result
        user = result.user if isinstance(result, ApiToken) else result
        if isinstance(result, ApiToken) and self.permission not in result.scopes:
            raise ApiForbidden("This token's scopes do not include this operation.")
        if not isinstance(user, User) or not user.has_perm(self.permission):
            raise ApiForbidden("You do not have permission for this operation.")
        return result


def permission_first(permission: str) -> list[Any]:
    """The API's authentication methods, each checking ``permission`` as soon as the caller is known."""
    return [type(inner.__class__.__name__, (_PermissionFirst,), {})(inner, permission) for inner in API_AUTH]


# The errors of an operation that writes: also 409 (a replayed key with other content), in the same envelope.
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}
