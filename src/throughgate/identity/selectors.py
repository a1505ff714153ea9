"""Reads of identity data, scoped to the acting user."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from throughgate.identity import principals
from throughgate.identity.models import (
    ApiToken,
    Establishment,
    Location,
    LocationLevel,
    Notification,
    RegisteredDevice,
    Role,
    RoleKind,
    SignInFailure,
    User,
    hash_secret,
)


def establishments_for(*, user: User) -> QuerySet[Establishment]:
    """The establishments a user may act in: all for HQ roles, otherwise those they are assigned to."""
    if user.sees_all_establishments:
        return Establishment.objects.filter(active=True)
    return Establishment.objects.filter(active=True, assignments__user=user).distinct()


def staff_may_act_in(user: User, establishment: Establishment | None) -> bool:
    """Whether a member of staff may act in ``establishment`` (one of theirs, or any for HQ roles)."""
    if establishment is None or not user.is_authenticated or not user.is_active or not user.is_staff_member:
        return False
    return establishments_for(user=user).filter(pk=establishment.pk).exists()


def establishments_by_pk(*, ids: Iterable[int]) -> dict[int, Establishment]:
    """Establishments by primary key (for a batch job that holds their keys, such as AIM's scoring)."""
    return {place.pk: place for place in Establishment.objects.filter(pk__in=set(ids))}


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


def acting_establishment(request: HttpRequest) -> Establishment | None:
    """The establishment a signed-in page acts in: the one the establishment middleware chose for the session."""
    return getattr(request, "establishment", None)


def establishment_named(request: HttpRequest, *, user: User, code: str = "") -> Establishment | None:
    """The establishment an API call by ``user`` acts in: the one it names by ``code`` if the user may act there
    (None if not), else the session's, else the first the user may act in."""
    places = establishments_for(user=user)
    if code:
        return places.filter(code=code).first()
    return acting_establishment(request) or places.first()


def establishment_with_code(code: str) -> Establishment | None:
    """The establishment with this code, active or not (for a device or a command that names it), or None."""
    return Establishment.objects.filter(code=code).first()


def establishments_active() -> QuerySet[Establishment]:
    """Every active establishment (for estate-wide jobs, such as the internet policy snapshot)."""
    return Establishment.objects.filter(active=True)


def locations_in(*, establishment: Establishment | None, level: LocationLevel | None = None) -> QuerySet[Location]:
    """The locations of an establishment (of one level: wings, landings or cells), for a feature's selector that has
    already checked the user may act there; an establishment of None has none."""
    if establishment is None:
        return Location.objects.none()
    found = Location.objects.filter(establishment=establishment)
    return found if level is None else found.filter(level=level)


def location_with_parents(pk: int) -> Location:
    """A location with its parent and grandparent loaded (a cell, its landing and its wing) in one query."""
    return Location.objects.select_related("parent__parent").get(pk=pk)


def user_named(username: str) -> User | None:
    """The user with this username (a command's ``--by``), or None."""
    return User.objects.filter(username=username).first()


def active_users() -> QuerySet[User]:
    """Every active account, to narrow down (for example to the members of some departments)."""
    return User.objects.filter(is_active=True)


def staff_working_in(*, establishment: Establishment) -> QuerySet[User]:
    """Active staff assigned to the establishment (each once), by name."""
    return (
        User.objects.filter(is_active=True, assignments__establishment=establishment, roles__kind=RoleKind.STAFF)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


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


# Sign-in throttling. Instead of a lock that anyone who knows a prison number or a username could put on its owner,
# each further try waits longer: 5 s, 10 s, 20 s ... up to a cap. An account gets 3 free wrong tries in 30 minutes;
# a kiosk or a client address gets 5 accounts with wrong tries in 10 minutes (that many is a spray: one PIN or
# password tried against many people, and security staff are told).
THROTTLE_BASE_SECONDS = 5
ACCOUNT_FREE_TRIES, ACCOUNT_WINDOW, ACCOUNT_CAP = 3, timedelta(minutes=30), timedelta(minutes=5)
SPRAY_FREE_ACCOUNTS, SPRAY_WINDOW, SPRAY_CAP = 5, timedelta(minutes=10), timedelta(minutes=15)


def _remaining(count: int, free: int, last: datetime | None, cap: timedelta, now: datetime) -> int:
    if count < free or last is None:
        return 0
    delay = min(timedelta(seconds=THROTTLE_BASE_SECONDS * 2 ** min(count - free, 20)), cap)
    return max(0, math.ceil((last + delay - now).total_seconds()))


def sign_in_wait(*, username: str, device: RegisteredDevice | None, ip: str, now: datetime | None = None) -> int:
    """Seconds to wait before this sign-in may be tried (0: go ahead), from the recent wrong tries for the account,
    and for any account from the same kiosk or (when not on a kiosk) the same client address."""
    moment = now or timezone.now()
    account = SignInFailure.objects.filter(username__iexact=username, at__gte=moment - ACCOUNT_WINDOW)
    stats = account.aggregate(count=Count("id"), last=Max("at"))
    wait = _remaining(stats["count"], ACCOUNT_FREE_TRIES, stats["last"], ACCOUNT_CAP, moment)
    source = SignInFailure.objects.filter(at__gte=moment - SPRAY_WINDOW)
    if device is not None:
        source = source.filter(device=device)
    elif ip:
        source = source.filter(device__isnull=True, ip=ip)
    else:
        return wait
    spray = source.aggregate(accounts=Count("username", distinct=True), last=Max("at"))
    return max(wait, _remaining(spray["accounts"], SPRAY_FREE_ACCOUNTS, spray["last"], SPRAY_CAP, moment))


def sign_in_spray_accounts(*, device: RegisteredDevice | None, ip: str, now: datetime | None = None) -> int:
    """How many accounts had wrong tries from this kiosk (or client address) in the spray window."""
    moment = now or timezone.now()
    source = SignInFailure.objects.filter(at__gte=moment - SPRAY_WINDOW)
    source = source.filter(device=device) if device is not None else source.filter(device__isnull=True, ip=ip or None)
    return int(source.values("username").distinct().count())
