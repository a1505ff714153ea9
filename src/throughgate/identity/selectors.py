"""Reads of identity data, scoped to the acting user."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from throughgate.identity import principals
from throughgate.identity.models import ApiToken, Establishment, RegisteredDevice, User, hash_secret


def establishments_for(*, user: User) -> QuerySet[Establishment]:
    """The establishments a user may act in: all for HQ roles, otherwise those they are assigned to."""
    if user.sees_all_establishments:
        return Establishment.objects.filter(active=True)
    return Establishment.objects.filter(active=True, assignments__user=user).distinct()


def device_from_cookie(token: str) -> RegisteredDevice | None:
    if not token or len(token) > 200:
        return None
    token_hash = hash_secret(token)

    def load() -> RegisteredDevice | None:  # only on a cache miss: building the query costs more than a hit
        devices = RegisteredDevice.objects.select_related("establishment")
        return devices.filter(token_hash=token_hash, active=True).first()

    return principals.cached(("device", token_hash), load)


def api_token_from_secret(secret: str) -> ApiToken | None:
    if not secret or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_secret(secret)).first()
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    return token


def acting_user(request: HttpRequest) -> User:
    """The signed-in user of a request that the access middleware has already let through."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
