"""Sign-in for people on probation: a one-time code sent to the phone number or email address on record. A code
lasts 10 minutes and works once; wrong codes slow the next tries down like any other sign-in."""

from __future__ import annotations

import re

from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from throughgate.core import audit, context
from throughgate.core.errors import InvalidInput, RateLimited
from throughgate.identity.middleware import SESSION_LAST_SEEN
from throughgate.identity.models import User
from throughgate.identity.selectors import sign_in_wait
from throughgate.identity.services import sign_in_failure_record
from throughgate.people.models import Person
from throughgate.probation import events, notify
from throughgate.probation.myprobation.models import Channel, SignInContact

CODE_SECONDS = 600
SESSION_PENDING = "tg_probation_code_for"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_contact(raw: str) -> tuple[str, str]:
    """(channel, address) for what a person typed: a UK mobile number (07..., +447...) or an email address."""
    text = raw.strip()
    if "@" in text:
        if not EMAIL.match(text) or len(text) > 254:
            raise InvalidInput(
                _("Enter an email address like name@example.com"), code="contact_invalid", field="contact"
            )
        return Channel.EMAIL, text.lower()
    digits = re.sub(r"[\s()-]", "", text)
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    if not re.fullmatch(r"07\d{9}", digits):
        raise InvalidInput(
            _("Enter a mobile number like 07700 900123, or an email address"), code="contact_invalid", field="contact"
        )
    return Channel.SMS, digits


@transaction.atomic
def contacts_set(*, person: Person, by: User, phone: str = "", email: str = "") -> list[SignInContact]:
    """Set the phone number and email address a person signs in with (replacing the old ones)."""
    if person.user is None:
        raise InvalidInput(_("This person has no account to sign in with."), code="no_account")
    wanted = [normalise_contact(value) for value in (phone, email) if value.strip()]
    if not wanted:
        raise InvalidInput(_("Enter a mobile number or an email address"), code="contact_required", field="phone")
    clash = SignInContact.objects.exclude(user=person.user).filter(
        address__in=[address for _channel, address in wanted]
    )
    if clash.exists():
        raise InvalidInput(_("Someone else signs in with this number or email"), code="contact_taken", field="phone")
    SignInContact.objects.filter(user=person.user).delete()
    made = [
        SignInContact.objects.create(user=person.user, name=channel, channel=channel, address=address, confirmed=True)
        for channel, address in wanted
    ]
    audit.record(
        action=events.CONTACT_SET, actor=by, subject=person.prison_number, detail={"channels": [c for c, _a in wanted]}
    )
    return made


def code_send(*, request: HttpRequest, contact: str) -> None:
    """Send a sign-in code to a known phone or email. Whether the contact is known is never said: the page is the
    same either way (nobody can learn who is on probation by trying numbers)."""
    channel, address = normalise_contact(contact)
    wait = sign_in_wait(username=address, device=None, ip=context.current().ip or "")
    if wait:
        raise RateLimited(_("Too many tries. Wait %(seconds)d seconds and try again.") % {"seconds": wait})
    request.session[SESSION_PENDING] = address
    device = (
        SignInContact.objects.select_related("user")
        .filter(channel=channel, address=address, confirmed=True, user__is_active=True)
        .first()
    )
    if device is None or device.user.kind != "probation":
        audit.record(action=audit.LOGIN_FAILED, detail={"step": "probation_code_send", "channel": channel})
        return
    device.generate_token(length=6, valid_secs=CODE_SECONDS)
    language = device.user.preferred_language or translation.get_language() or "en"
    with translation.override(language):
        body = _("Your MyProbation code is %(code)s. It works for 10 minutes. Do not share it.") % {
            "code": device.token
        }
        notify.send(channel=channel, to=address, subject=_("Your MyProbation code"), body=body)
    audit.record(action=events.SIGN_IN_CODE_SENT, actor=device.user, detail={"channel": channel})


@transaction.atomic
def code_sign_in(*, request: HttpRequest, code: str) -> User | None:
    """Sign in with the code sent to the contact this session asked for; None if it is wrong or out of date."""
    address = str(request.session.get(SESSION_PENDING, ""))
    if not address:
        return None
    wait = sign_in_wait(username=address, device=None, ip=context.current().ip or "")
    if wait:
        raise RateLimited(_("Too many tries. Wait %(seconds)d seconds and try again.") % {"seconds": wait})
    device = SignInContact.objects.select_related("user").filter(address=address, confirmed=True).first()
    if device is None or not device.user.is_active or not device.verify_token(code.strip()):
        audit.record(action=audit.LOGIN_FAILED, detail={"step": "probation_code"})
        sign_in_failure_record(username=address, device=None)
        return None
    user = device.user
    login(request, user, backend="throughgate.identity.backends.StaffBackend")
    otp_login(request, device)
    request.session[SESSION_LAST_SEEN] = timezone.now().timestamp()
    audit.record(action=audit.LOGIN_SUCCEEDED, actor=user, detail={"method": f"code:{device.channel}"})
    return user
