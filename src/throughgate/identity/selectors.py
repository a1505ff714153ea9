"""Reads of identity data, scoped to the acting user."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from throughgate.identity import principals
from throughgate.identity.models import (
    ApiToken,
    Establishment,
    Notification,
    RegisteredDevice,
    Role,
    RoleKind,
    User,
    hash_secret,
)


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


def _staff_roles_granting(permission: str) -> list[int]:
    return [role.pk for role in Role.objects.filter(kind=RoleKind.STAFF) if permission in (role.permissions or [])]


def staff_holding(*, permission: str, establishment: Establishment) -> list[User]:
    """Active staff assigned to ``establishment`` whose roles grant ``permission`` (who to tell about something
    there). HQ roles that see every establishment are not included: they are not on that prison's rota."""
    roles = _staff_roles_granting(permission)
    users = User.objects.filter(is_active=True, roles__in=roles, assignments__establishment=establishment)
    return list(users.distinct().order_by("pk")) if roles else []


def staff_holding_anywhere(*, permission: str) -> list[User]:
    """Active staff, wherever they work, whose roles grant ``permission`` (for estate-wide matters)."""
    roles = _staff_roles_granting(permission)
    return list(User.objects.filter(is_active=True, roles__in=roles).distinct().order_by("pk")) if roles else []


def notifications_for(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody sees anyone else's)."""
    return Notification.objects.filter(recipient=user).select_related("establishment").order_by("-created_at", "-id")


def unread_notification_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
