"""Request middleware of the identity app: idle expiry, the acting establishment, and access enforcement."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from throughgate.core import context
from throughgate.core.access import rule_for
from throughgate.identity import selectors
from throughgate.identity.models import Establishment, RegisteredDevice, User

logger = logging.getLogger(__name__)

API_NAMESPACE = "api"
SESSION_LAST_SEEN = "tg_last_seen"
SESSION_DEVICE = "tg_device_id"
SESSION_ESTABLISHMENT = "tg_establishment"
SESSION_FAMILY = "tg_family"  # set by the family site's sign-in (contact app)
# The idle clock in the session is moved on only when it is at least this old, so a burst of requests does not
# write the session row on every one. A session may therefore end up to this many seconds before its idle limit,
# never after it. (The kiosk page itself only tells the server about touches every 20 seconds.)
SESSION_TOUCH_SECONDS = 5


def idle_limit(request: HttpRequest) -> int:
    return settings.KIOSK_IDLE_SECONDS if SESSION_DEVICE in request.session else settings.STAFF_IDLE_SECONDS


def unwrap_user(request: HttpRequest) -> Any:
    """Put the user itself on ``request.user``, in place of the lazy proxies Django and django-otp wrap it in.

    The proxies only put off reading the user until something asks; every page asks at once (this middleware, the
    access check), and then reads ``request.user`` dozens of times, each read through a proxy costing an attribute
    lookup that fails and is retried on the wrapped object. Evaluating them here changes nothing else: the same user,
    with django-otp's ``is_verified`` and ``otp_device`` already set on it."""
    user: Any = request.user
    while isinstance(user, LazyObject):
        lazy: Any = user  # the stubs do not declare LazyObject's own attributes
        if lazy._wrapped is empty:
            lazy._setup()
        user = lazy._wrapped
    request.user = user
    return user


class SessionExpiryMiddleware:
    """Ends a session after its idle limit: 2 minutes on a kiosk or in-cell device, 30 minutes for staff.

    It is the first of ours after authentication, so it also unwraps ``request.user`` (see ``unwrap_user``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if unwrap_user(request).is_authenticated:
            now = time.time()
            last_seen = request.session.get(SESSION_LAST_SEEN)
            on_device = SESSION_DEVICE in request.session
            if last_seen is not None and now - float(last_seen) > idle_limit(request):
                logout(request)
                messages.info(request, _("You were signed out because you did not use the page for a while."))
                target = "identity:kiosk_login" if on_device else "identity:login"
                return HttpResponseRedirect(reverse(target))
            if last_seen is None or now - float(last_seen) >= SESSION_TOUCH_SECONDS:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class EstablishmentMiddleware:
    """Sets ``request.establishment``: the one a staff member chose (from those they may act in) or a resident's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.establishment = None  # type: ignore[attr-defined]
        user = request.user
        if isinstance(user, User) and user.is_authenticated:
            place = self._establishment(request, user)
            request.establishment = place  # type: ignore[attr-defined]
            context.update(
                actor_id=user.pk, actor_username=user.get_username(), establishment=place.code if place else ""
            )
        return self.get_response(request)

    @staticmethod
    def _establishment(request: HttpRequest, user: User) -> Establishment | None:
        chosen = request.session.get(SESSION_ESTABLISHMENT)
        if chosen and user.is_resident:
            # A resident signs in only on a device of an establishment they are assigned to, and their session is
            # bound to that device: its establishment (read with the device, which the access check needs anyway)
            # is theirs, without a query of its own.
            device = request_device(request)
            if (
                device is not None
                and request.session.get(SESSION_DEVICE) == device.pk
                and device.establishment.code == chosen
                and device.establishment.active
            ):
                return device.establishment
        available = selectors.establishments_for(user=user)
        if chosen:
            match = available.filter(code=chosen).first()
            if match is not None:
                return match
        return available.first()


class AccessMiddleware:
    """Enforces each route's declared rule. A route that declares nothing is refused (fail closed).

    API operations are enforced by the API router (identity.api), which sees token users too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.namespace == API_NAMESPACE and is_api_operation(view_func):
            return None  # an API operation: the API router's guard applies the same map (identity.api)
        rule = rule_for(view_func)
        if rule is None:
            logger.error("Refused %s: the route declares no access rule", request.path)
            raise PermissionDenied(_("This page is not available."))
        if rule.kind == "public":
            return None
        user = request.user
        if not user.is_authenticated or not isinstance(user, User):
            if request_device(request) is not None:  # a kiosk or in-cell device: its own sign-in page
                return HttpResponseRedirect(reverse("identity:kiosk_login"))
            sign_in = reverse(rule.sign_in or settings.LOGIN_URL)
            return HttpResponseRedirect(f"{sign_in}?{urlencode({'next': request.get_full_path()})}")
        if user.is_resident:
            if not device_session_is_valid(request):
                logout(request)
                return HttpResponseRedirect(reverse("identity:kiosk_login"))
        elif user.is_family_member:
            # The family site's own sign-in (contact app): email and password, the address proved by a code sent to
            # it. Such a session holds only the family permission, so every staff page refuses it below.
            if not request.session.get(SESSION_FAMILY):
                logout(request)
                return HttpResponseRedirect(reverse(rule.sign_in or settings.LOGIN_URL))
        elif not user.is_verified():  # type: ignore[attr-defined]
            return HttpResponseRedirect(f"{reverse('identity:verify')}?{urlencode({'next': request.get_full_path()})}")
        if not user.has_perm(rule.permission):
            raise PermissionDenied(_("You do not have permission to see this page."))
        return None


def is_api_operation(view_func: Callable[..., Any]) -> bool:
    """Django-ninja serves each API path through a PathView; its operations carry their own declarations."""
    return getattr(view_func, "__qualname__", "").startswith("PathView.get_view")


def request_device(request: HttpRequest) -> RegisteredDevice | None:
    """The active registered device named by the request's device cookie, read once per request."""
    if not hasattr(request, "_throughgate_device"):
        cookie = request.COOKIES.get(settings.DEVICE_COOKIE_NAME, "")
        request._throughgate_device = selectors.device_from_cookie(cookie)  # type: ignore[attr-defined]
    device: RegisteredDevice | None = request._throughgate_device  # type: ignore[attr-defined]
    return device


def device_session_is_valid(request: HttpRequest) -> bool:
    """A resident's session is valid only on the active registered device it started on."""
    device = request_device(request)
    if device is None or request.session.get(SESSION_DEVICE) != device.pk:
        return False
    context.update(device=f"{device.kind}:{device.pk}")
    return True
