"""Sign-in for staff (password, then TOTP), for residents on a registered device (prison number and PIN), and
the home page of tiles for each role."""

from __future__ import annotations

import math
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from throughgate.core import context
from throughgate.core.access import public, requires
from throughgate.identity import selectors, services
from throughgate.identity.middleware import SESSION_DEVICE
from throughgate.identity.models import RegisteredDevice, User
from throughgate.identity.panels import panels_for, panels_key
from throughgate.identity.permissions import SWITCH_ESTABLISHMENT, VIEW_HOME, VIEW_NOTIFICATIONS
from throughgate.identity.selectors import acting_user
from throughgate.identity.tiles import tiles_for
from throughgate.identity.web.forms import (
    RESIDENT_FAILURE,
    STAFF_FAILURE,
    EstablishmentForm,
    NotificationsReadForm,
    ResidentLoginForm,
    StaffLoginForm,
    TotpForm,
)

PENDING_USER = "tg_pending_user"
PENDING_NEXT = "tg_pending_next"


def _safe_next(request: HttpRequest, candidate: str | None, default: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _paused(
    request: HttpRequest, username: str, *, device: RegisteredDevice | None = None, kiosk: bool = False
) -> HttpResponse | None:
    """The "wait and try again" page when recent wrong tries slow this sign-in down (no password is checked then)."""
    seconds = selectors.sign_in_wait(username=username, device=device, ip=context.current().ip)
    if not seconds:
        return None
    minutes = max(1, math.ceil(seconds / 60))
    return render(request, "identity/locked_out.html", {"kiosk": kiosk, "minutes": minutes}, status=429)


@public
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Staff sign-in, step 1: username and password."""
    form = StaffLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        paused = _paused(request, username)
        if paused is not None:
            return paused
        user = services.staff_password_check(request=request, username=username, password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, STAFF_FAILURE)
        else:
            request.session.cycle_key()
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_NEXT] = _safe_next(request, request.GET.get("next"), reverse("identity:home"))
            if services.staff_totp_device(user=user) is None:
                return HttpResponseRedirect(reverse("identity:enrol"))
            return HttpResponseRedirect(reverse("identity:verify"))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "identity/login.html", {"form": form}, status=status)


def _pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(PENDING_USER)
    return User.objects.filter(pk=pk, is_active=True).first() if pk else None


@public
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Staff sign-in, step 2: the code from their authenticator app."""
    user = _pending_user(request)
    if user is None:
        return HttpResponseRedirect(reverse("identity:login"))
    device = services.staff_totp_device(user=user)
    if device is None:
        return HttpResponseRedirect(reverse("identity:enrol"))
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        paused = _paused(request, user.username)
        if paused is not None:
            request.session.flush()
            return paused
        allowed, _reason = device.verify_is_allowed()
        if not allowed:
            # django-otp slows down guessing after a wrong code: say so, rather than call a right code wrong.
            form.add_error("token", _("Wait a few seconds, then enter the code again."))
        elif device.verify_token(form.cleaned_data["token"]):
            next_url = request.session.get(PENDING_NEXT) or reverse("identity:home")
            services.staff_login(request=request, user=user, device=device)
            return HttpResponseRedirect(next_url)
        else:
            services.sign_in_failure_record(username=user.username, device=None)
            form.add_error("token", _("The security code is not right. Check your app and try again."))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "identity/verify.html", {"form": form}, status=status)


@public
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in of a staff member with no authenticator yet: scan a QR code, then enter a code to confirm."""
    user = _pending_user(request)
    if user is None:
        return HttpResponseRedirect(reverse("identity:login"))
    if services.staff_totp_device(user=user) is not None:
        return HttpResponseRedirect(reverse("identity:verify"))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or services.totp_start_enrolment(user=user)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm_enrolment(request=request, user=user, device=device, token=form.cleaned_data["token"]):
            messages.success(request, _("Your authenticator app is set up."))
            return HttpResponseRedirect(reverse("identity:home"))
        services.sign_in_failure_record(username=user.username, device=None)
        form.add_error("token", _("The security code is not right. Check your app and try again."))
    buffer = BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    context: dict[str, Any] = {
        "form": form,
        "qr_svg": buffer.getvalue().decode(),
        "secret": _base32(device.bin_key),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "identity/enrol.html", context, status=status)


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@public
@require_http_methods(["GET"])
def kiosk_enrol(request: HttpRequest) -> HttpResponse:
    """Staff open this once on a new kiosk or in-cell device with the code they were given; the device keeps
    its own token in a cookie from then on."""
    enrolled = services.device_enrol(code=request.GET.get("code", ""))
    if enrolled is None:
        return render(request, "identity/kiosk_enrol_failed.html", status=400)
    _device, token = enrolled
    response = HttpResponseRedirect(reverse("identity:kiosk_login"))
    response.set_cookie(
        settings.DEVICE_COOKIE_NAME,
        token,
        max_age=5 * 365 * 24 * 60 * 60,
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@public
@require_http_methods(["GET", "POST"])
def kiosk_login(request: HttpRequest) -> HttpResponse:
    """Resident sign-in: prison number and PIN, only on a registered device."""
    device = selectors.device_from_cookie(request.COOKIES.get(settings.DEVICE_COOKIE_NAME, ""))
    if device is None:
        return render(request, "identity/kiosk_unregistered.html", status=403)
    form = ResidentLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        prison_number = form.cleaned_data["prison_number"]
        paused = _paused(request, prison_number, device=device, kiosk=True)
        if paused is not None:
            return paused
        request.session.cycle_key()
        user = services.resident_login(
            request=request, prison_number=prison_number, pin=form.cleaned_data["pin"], device=device
        )
        if user is not None:
            return HttpResponseRedirect(reverse("identity:home"))
        form.add_error(None, RESIDENT_FAILURE)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "identity/kiosk_login.html", {"form": form, "device": device}, status=status)


@public
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    on_device = SESSION_DEVICE in request.session
    services.sign_out(request=request)
    if request.POST.get("reason") == "idle":
        messages.info(request, _("You were signed out because you did not use the screen for a while."))
    return HttpResponseRedirect(reverse("identity:kiosk_login" if on_device else "identity:login"))


@requires(VIEW_HOME)
def home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    template = "identity/home_resident_page.html" if user.is_resident else "identity/home_staff.html"
    tiles = tiles_for(user)
    panels = panels_for(user)
    # The tiles a page shows follow from which ones it is (their words from the language, which memo keys on too);
    # the panels from their own keys.
    context = {
        "tiles": tiles,
        "tiles_key": tuple(tile.url_name for tile in tiles),
        "home_panels": panels,
        "home_key": panels_key(panels),
    }
    return render(request, template, context)


@requires(SWITCH_ESTABLISHMENT)
@require_POST
def switch_establishment(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = EstablishmentForm(request.POST)
    if not form.is_valid():
        return render(request, "core/errors/400.html", status=400)
    place = selectors.establishments_for(user=user).filter(code=form.cleaned_data["establishment"]).first()
    if place is None:
        messages.error(request, _("You cannot work in that establishment."))
    else:
        services.establishment_switch(request=request, user=user, establishment=place)
        messages.success(request, _("You are now working in %(name)s.") % {"name": place.name})
    return HttpResponseRedirect(_safe_next(request, form.cleaned_data.get("next"), reverse("identity:home")))


@requires(VIEW_HOME)
@require_POST
def keepalive(request: HttpRequest) -> HttpResponse:
    """The kiosk page says the person is still using it (the middleware has already refreshed the idle clock)."""
    return HttpResponse(status=204)


@requires(VIEW_NOTIFICATIONS)
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """A staff member's notifications, unread first in the count; mark one or all of them read."""
    user = acting_user(request)
    if request.method == "POST":
        form = NotificationsReadForm(request.POST)
        if not form.is_valid():
            return render(request, "core/errors/400.html", status=400)
        one = form.cleaned_data.get("notification")
        count = services.notifications_mark_read(user=user, ids=None if one is None else [one])
        if count:
            messages.success(request, _("Marked as read."))
        return HttpResponseRedirect(reverse("identity:notifications"))
    page = Paginator(selectors.notifications_for(user=user), 25).get_page(request.GET.get("page"))
    language = get_language() or settings.LANGUAGE_CODE
    rows = [(notification, notification.message(language)) for notification in page]
    return render(
        request,
        "identity/notifications.html",
        {"page": page, "rows": rows, "unread": selectors.unread_notification_count(user=user)},
    )
