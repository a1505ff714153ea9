"""Family-site accounts: sign up with an email address and a password, confirm the address with a six-digit code
sent to it (Django's email backend), sign in. A family account is never staff: it holds the family role only."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.contact import events
from throughgate.contact.family.models import FamilyAccount
from throughgate.core import audit
from throughgate.core.errors import InvalidInput, RateLimited
from throughgate.identity.backends import family_username
from throughgate.identity.models import Role, RoleKind, User

FAMILY_ROLE = "family_member"
CODE_MINUTES = 30
MAX_WRONG_CODES = 5
RESEND_SECONDS = 60


@dataclass(frozen=True)
class SignedUp:
    account: FamilyAccount
    code: str  # sent by email; returned for the demo command and the tests, never shown on a page


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def family_sign_up(*, email: str, password: str, first_name: str, last_name: str) -> SignedUp:
    """Make a family account (unconfirmed) and email it a code."""
    address = email.strip().lower()
    if "@" not in address:
        raise InvalidInput(_("Enter an email address, like name@example.com."), code="email", field="email")
    if not first_name.strip():
        raise InvalidInput(_("Enter your first name."), code="first_name", field="first_name")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), code="password", field="password") from exc
    if User.objects.filter(username=family_username(address)).exists():
        raise InvalidInput(
            _("There is already an account for this email address. Sign in instead."), code="exists", field="email"
        )
    code = _new_code()
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=family_username(address),
                email=address,
                password=password,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
            )
            user.roles.add(Role.objects.get(code=FAMILY_ROLE, kind=RoleKind.FAMILY))
            now = timezone.now()
            account = FamilyAccount.objects.create(
                user=user, email=address, code_hash=make_password(code), code_sent_at=now, created_at=now
            )
            audit.record(action=events.FAMILY_SIGNED_UP, actor=user, obj=account)
            transaction.on_commit(lambda: _send_code(address, code))
    except IntegrityError as exc:
        raise InvalidInput(
            _("There is already an account for this email address. Sign in instead."), code="exists", field="email"
        ) from exc
    return SignedUp(account, code)


def _send_code(address: str, code: str) -> None:
    send_mail(
        subject=_("Your code for the family site"),
        message=_(
            "Your code is %(code)s. It works for %(minutes)s minutes. If you did not ask for it, ignore this email."
        )
        % {"code": code, "minutes": CODE_MINUTES},
        from_email=None,
        recipient_list=[address],
    )


def family_code_resend(*, account: FamilyAccount) -> str:
    """Send a new code (at most one a minute); the old one stops working."""
    now = timezone.now()
    if account.code_sent_at and (now - account.code_sent_at).total_seconds() < RESEND_SECONDS:
        raise RateLimited(_("We sent a code less than a minute ago. Check your email, or wait a minute."))
    code = _new_code()
    account.code_hash = make_password(code)
    account.code_sent_at = now
    account.wrong_codes = 0
    account.save(update_fields=["code_hash", "code_sent_at", "wrong_codes"])
    _send_code(account.email, code)
    return code


def family_confirm(*, account: FamilyAccount, code: str) -> FamilyAccount:
    """Check the emailed code; five wrong codes and it must be sent again (a wrong try is counted even though the
    confirmation is refused)."""
    with transaction.atomic():
        account = FamilyAccount.objects.select_for_update().get(pk=account.pk)
        if account.is_confirmed:
            return account
        sent = account.code_sent_at
        expired = sent is None or (timezone.now() - sent).total_seconds() > CODE_MINUTES * 60
        if expired or account.wrong_codes >= MAX_WRONG_CODES:
            raise InvalidInput(
                _("This code has stopped working. Ask for a new code."), code="code_expired", field="code"
            )
        right = check_password(code.strip(), account.code_hash)
        if right:
            account.confirmed_at = timezone.now()
            account.code_hash = ""
            account.save(update_fields=["confirmed_at", "code_hash"])
            audit.record(action=events.FAMILY_CONFIRMED, actor=account.user, obj=account)
        else:
            account.wrong_codes += 1
            account.save(update_fields=["wrong_codes"])
    if not right:
        raise InvalidInput(_("The code is not right. Check your email and try again."), code="code_wrong", field="code")
    return account


def family_signed_in(*, user: User) -> None:
    audit.record(action=events.FAMILY_SIGNED_IN, actor=user)
