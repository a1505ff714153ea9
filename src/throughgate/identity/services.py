"""Writes of the identity app: sign-in and sign-out, device registration, partner tokens, TOTP enrolment, staff
notifications."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.mail import BadHeaderError, send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from throughgate.core import activity, audit, context
from throughgate.core.access import PERMISSIONS, VIEW_AUDIT
from throughgate.identity import events
from throughgate.identity.middleware import SESSION_DEVICE, SESSION_ESTABLISHMENT, SESSION_LAST_SEEN
from throughgate.identity.models import (
    ApiToken,
    Establishment,
    Location,
    Notification,
    RegisteredDevice,
    Role,
    RoleKind,
    SignInFailure,
    StaffAssignment,
    User,
    hash_secret,
)

DEVICE_REGISTERED = audit.register_action(
    "identity.device.registered", gettext_lazy("Registered a kiosk or in-cell device")
)
DEVICE_ENROLLED = audit.register_action("identity.device.enrolled", gettext_lazy("A registered device was enrolled"))
TOKEN_ISSUED = audit.register_action("identity.token.issued", gettext_lazy("Issued a partner API token"))
TOTP_ENROLLED = audit.register_action("identity.totp.enrolled", gettext_lazy("Set up an authenticator app"))
logger = logging.getLogger(__name__)

ESTABLISHMENT_SWITCHED = audit.register_action(
    "identity.establishment.switched", gettext_lazy("Switched establishment")
)
ESTABLISHMENT_ADDED = audit.register_action(
    "identity.establishment.added", gettext_lazy("Added an establishment named in an import")
)


def staff_password_check(*, request: HttpRequest, username: str, password: str) -> User | None:
    """First step of staff sign-in. Returns the user without signing them in; None for any failure, whatever
    the reason, so the page never reveals whether an account exists. Failures slow the next tries down
    (``selectors.sign_in_wait``)."""
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        audit.record(action=audit.LOGIN_FAILED, detail={"username": username[:150], "step": "password"})
        sign_in_failure_record(username=username, device=None)
        return None
    return user


def staff_totp_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


@transaction.atomic
def staff_login(*, request: HttpRequest, user: User, device: TOTPDevice) -> None:
    """Second step: the TOTP code was right, so sign the user in with the device that verified them."""
    login(request, user, backend="throughgate.identity.backends.StaffBackend")
    otp_login(request, device)
    request.session[SESSION_LAST_SEEN] = timezone.now().timestamp()
    audit.record(action=audit.LOGIN_SUCCEEDED, actor=user, detail={"method": "password+totp"})


def totp_start_enrolment(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for a staff member who has none yet (confirmed once they enter a code)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_confirm_enrolment(*, request: HttpRequest, user: User, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(action=TOTP_ENROLLED, actor=user)
    staff_login(request=request, user=user, device=device)
    return True


@transaction.atomic
def resident_login(*, request: HttpRequest, prison_number: str, pin: str, device: RegisteredDevice) -> User | None:
    """Sign a resident in on a registered device. None for any failure (never says which part was wrong)."""
    user = authenticate(request, prison_number=prison_number, pin=pin, device=device, username=prison_number)
    if not isinstance(user, User):
        audit.record(action=audit.LOGIN_FAILED, detail={"username": prison_number[:16], "step": "pin"})
        sign_in_failure_record(username=prison_number, device=device)
        return None
    login(request, user, backend="throughgate.identity.backends.ResidentBackend")
    request.session[SESSION_DEVICE] = device.pk
    request.session[SESSION_LAST_SEEN] = timezone.now().timestamp()
    request.session[SESSION_ESTABLISHMENT] = device.establishment.code
    now = timezone.now()
    RegisteredDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    audit.record(
        action=audit.LOGIN_SUCCEEDED, actor=user, subject=user.username, detail={"method": "pin", "device": device.pk}
    )
    activity.emit(
        person=user.username,
        kind=events.KIOSK_LOGIN,
        occurred_at=now,
        source="kiosk",
        idempotency_key=f"kiosk.login:{request.session.session_key or secrets.token_hex(8)}:{user.pk}",
        payload={"device_kind": device.kind},
    )
    return user


def sign_out(*, request: HttpRequest) -> None:
    if request.user.is_authenticated:
        audit.record(action=audit.LOGOUT, actor=request.user)
    logout(request)


@dataclass(frozen=True)
class IssuedSecret:
    """A secret shown once, at issue; only its hash is stored."""

    secret: str
    record_id: int


@transaction.atomic
def device_register(
    *, name: str, kind: str, establishment: Establishment, location: Location | None = None, by: User | None = None
) -> IssuedSecret:
    """Register a kiosk or in-cell device. Returns a one-time enrolment code, valid for 24 hours, which staff
    open on the device (/kiosk/enrol/?code=...) to give it its own token cookie."""
    code = secrets.token_urlsafe(18)
    device = RegisteredDevice.objects.create(
        name=name,
        kind=kind,
        establishment=establishment,
        location=location,
        enrolment_code_hash=hash_secret(code),
        enrolment_expires_at=timezone.now() + timedelta(hours=24),
    )
    audit.record(action=DEVICE_REGISTERED, actor=by, obj=device, detail={"establishment": establishment.code})
    return IssuedSecret(secret=code, record_id=device.pk)


@transaction.atomic
def device_enrol(*, code: str) -> tuple[RegisteredDevice, str] | None:
    """Exchange a one-time enrolment code for the device's token (kept only as a hash). None if the code is wrong,
    used or expired."""
    if not code or len(code) > 100:
        return None
    device = (
        RegisteredDevice.objects.select_for_update()
        .filter(enrolment_code_hash=hash_secret(code), enrolment_expires_at__gt=timezone.now(), active=True)
        .first()
    )
    if device is None:
        return None
    token = RegisteredDevice.new_token()
    device.token_hash = hash_secret(token)
    device.enrolment_code_hash = None
    device.enrolment_expires_at = None
    device.save(update_fields=["token_hash", "enrolment_code_hash", "enrolment_expires_at"])
    audit.record(action=DEVICE_ENROLLED, obj=device, detail={"establishment": device.establishment.code})
    return device, token


@transaction.atomic
def api_token_issue(
    *, user: User, name: str, scopes: list[str], expires_at: datetime | None = None, by: User | None = None
) -> IssuedSecret:
    """Issue a bearer token limited to ``scopes`` (registered permission codes the user's roles also grant)."""
    if user.kind != RoleKind.PARTNER:
        raise ValueError("API tokens are issued to partner system accounts only")
    unknown = [scope for scope in scopes if scope not in PERMISSIONS]
    if unknown:
        raise ValueError(f"Unknown scopes: {', '.join(unknown)}")
    beyond = [scope for scope in scopes if scope not in user.permission_codes()]
    if beyond:
        raise ValueError(f"The partner's roles do not grant: {', '.join(beyond)}")
    secret = "tg_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:8],
        token_hash=hash_secret(secret),
        scopes=scopes,
        expires_at=expires_at or timezone.now() + timedelta(days=90),
    )
    audit.record(action=TOKEN_ISSUED, actor=by, obj=token, detail={"scopes": scopes, "partner": user.username})
    return IssuedSecret(secret=secret, record_id=token.pk)


@transaction.atomic
def establishments_for_import(*, codes: Iterable[str], source: str) -> dict[str, Establishment]:
    """The establishments with these codes, by code. A code we do not know yet is added (named "HMP <code>" until
    someone names it), with an audit row: an import names prisons by code only."""
    wanted = set(codes)
    places = {place.code: place for place in Establishment.objects.filter(code__in=wanted)}
    for code in sorted(wanted - places.keys()):
        places[code] = Establishment.objects.create(code=code, name=f"HMP {code}")
        audit.record(
            action=ESTABLISHMENT_ADDED, obj=places[code], establishment=code, detail={"code": code, "source": source}
        )
    return places


def establishment_switch(*, request: HttpRequest, user: User, establishment: Establishment) -> None:
    request.session[SESSION_ESTABLISHMENT] = establishment.code
    audit.record(action=ESTABLISHMENT_SWITCHED, actor=user, detail={"establishment": establishment.code})


NOTIFICATION_SENT = audit.register_action("identity.notification.sent", gettext_lazy("Sent a notification to staff"))
NOTIFICATIONS_READ = audit.register_action("identity.notifications.read", gettext_lazy("Marked notifications as read"))


@transaction.atomic
def notification_send(
    *,
    recipients: Iterable[User],
    kind: str,
    key: str,
    message: Callable[[], str],
    url: str = "",
    establishment: Establishment | None = None,
) -> int:
    """Tell each recipient once per ``key`` (sending again with the same key does nothing); returns how many were new.

    ``message`` is called once per language (under ``translation.override``), so it should build its text with
    gettext. When ``THROUGHGATE_NOTIFICATION_EMAILS`` is on, each new notification is also emailed (after commit) to a
    recipient who has an email address, through Django's email backend."""
    text: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            text[code] = str(message())
    new: list[Notification] = []
    for user in {user.pk: user for user in recipients if user.is_active}.values():
        notification, created = Notification.objects.get_or_create(
            recipient=user,
            key=key[:200],
            defaults={"kind": kind, "text": text, "url": url, "establishment": establishment},
        )
        if created:
            new.append(notification)
    if new:
        audit.record(
            action=NOTIFICATION_SENT,
            detail={"kind": kind, "key": key[:200], "recipients": [n.recipient_id for n in new]},
        )
        if settings.NOTIFICATION_EMAILS:
            ids = [n.pk for n in new]
            transaction.on_commit(lambda: _email_notifications(ids))
    return len(new)


def _email_notifications(ids: list[int]) -> None:
    for notification in Notification.objects.select_related("recipient").filter(pk__in=ids):
        user = notification.recipient
        if not user.email:
            continue
        language = user.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = str(gettext_lazy("Throughgate: something needs your attention"))
        try:
            send_mail(subject, notification.message(language), None, [user.email])
        except (OSError, BadHeaderError):
            logger.exception("could not email notification %s to user %s", notification.pk, user.pk)


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read: those in ``ids``, or all when ``ids`` is None. Returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    count = unread.update(read_at=timezone.now())
    if count:
        audit.record(action=NOTIFICATIONS_READ, actor=user, detail={"count": count})
    return count


SESSIONS_ENDED = audit.register_action(
    "identity.sessions.ended", gettext_lazy("Ended the sessions of a deactivated account")
)


def sessions_end_for(*, user_id: int) -> int:
    """Delete every session of one user (their account was deactivated): each server reads the session row on every
    request, so the account stops working everywhere at once, not when a process's identity cache expires."""
    from django.contrib.sessions.models import Session

    from throughgate.identity.sessions import SessionStore

    store = SessionStore()
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(store.decode(session.session_data).get("_auth_user_id")) == str(user_id)
    ]
    Session.objects.filter(pk__in=ended).delete()
    if ended:
        audit.record(action=SESSIONS_ENDED, detail={"user": user_id, "sessions": len(ended)})
    return len(ended)


def sign_in_failure_record(*, username: str, device: RegisteredDevice | None) -> None:
    """Keep a wrong password, PIN or security code (it slows the next tries down), and tell security staff once an
    hour when one kiosk or client address has had wrong tries for more accounts than anyone mistypes: a spray."""
    ip = context.current().ip or None
    SignInFailure.objects.create(username=username[:150], device=device, ip=ip)
    from throughgate.identity import selectors

    accounts = selectors.sign_in_spray_accounts(device=device, ip=ip or "")
    if accounts < selectors.SPRAY_FREE_ACCOUNTS:
        return
    if device is not None:
        where, place = f"device:{device.pk}", device.establishment
        recipients = selectors.staff_holding(permission=VIEW_AUDIT, establishment=place)
    else:
        where, place = f"ip:{ip}", None
        recipients = selectors.staff_holding_anywhere(permission=VIEW_AUDIT)
    name = device.name if device is not None else str(ip)

    def message() -> str:
        return gettext(
            "Wrong sign-in tries for %(count)d different people came from %(where)s in the last 10 minutes. "
            "Sign-in from there is slowed down. Check who is using it."
        ) % {"count": accounts, "where": name}

    notification_send(
        recipients=recipients,
        kind="identity.sign_in.spray",
        key=f"identity.sign_in.spray:{where}:{timezone.now():%Y-%m-%dT%H}",
        message=message,
        url=reverse("core:audit") + "?action=" + audit.LOGIN_FAILED,
        establishment=place,
    )


def sign_in_failures_prune(*, before: datetime) -> int:
    """Forget wrong sign-in tries older than ``before`` (they no longer slow anything down)."""
    deleted, _rows = SignInFailure.objects.filter(at__lt=before).delete()
    return int(deleted)


ACCOUNT_TO_PROBATION = audit.register_action(
    "identity.account.to_probation",
    gettext_lazy("A released person's account became a person on probation's (kiosk sign-in ended)"),
)
ACCOUNT_TO_CUSTODY = audit.register_action(
    "identity.account.to_custody",
    gettext_lazy("A recalled person's account became a resident's again (kiosk sign-in in one prison)"),
)


@transaction.atomic
def account_released(*, user: User, subject: str) -> None:
    """A person left custody: their account stops being a resident's (no kiosk, no establishment) and becomes a
    person on probation's. Their open sessions end at once, so a kiosk session cannot outlive the release."""
    resident = Role.objects.get(code="resident")
    on_probation = Role.objects.get(code="person_on_probation")
    user.roles.remove(resident)
    user.roles.add(on_probation)
    places = list(user.assignments.values_list("establishment__code", flat=True))
    user.assignments.all().delete()
    audit.record(action=ACCOUNT_TO_PROBATION, subject=subject, detail={"user": user.pk, "left": places})
    sessions_end_for(user_id=user.pk)


@transaction.atomic
def account_recalled(*, user: User, subject: str, establishment: Establishment) -> None:
    """A person on probation is back in custody: their account is a resident's again, in one establishment."""
    resident = Role.objects.get(code="resident")
    on_probation = Role.objects.get(code="person_on_probation")
    user.roles.remove(on_probation)
    user.roles.add(resident)
    user.assignments.all().delete()
    StaffAssignment.objects.create(user=user, establishment=establishment)
    audit.record(
        action=ACCOUNT_TO_CUSTODY, subject=subject, detail={"user": user.pk, "establishment": establishment.code}
    )
    sessions_end_for(user_id=user.pk)
