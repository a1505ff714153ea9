"""Staff and resident sign-in: both factors, lockout, device checks, and no hint whether an account exists."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import RESIDENT_PIN, STAFF_PASSWORD, make_device, make_resident, make_staff
from throughgate.core.models import AuditEntry
from throughgate.identity import selectors
from throughgate.identity.models import Notification, SignInFailure

pytestmark = pytest.mark.django_db


def current_code(user) -> str:  # type: ignore[no-untyped-def]
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_staff_sign_in_needs_password_then_code(client, establishment):
    officer = make_staff("wing_officer", [establishment], username="officer1")
    response = client.post(reverse("identity:login"), {"username": "officer1", "password": STAFF_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:verify")
    # Not signed in yet: the home page sends them back to the second step.
    assert client.get(reverse("identity:home")).status_code == 302
    response = client.post(reverse("identity:verify"), {"token": current_code(officer)})
    assert response.status_code == 302
    assert client.get(reverse("identity:home")).status_code == 200
    assert AuditEntry.objects.filter(action="identity.login.succeeded", actor_id=officer.pk).exists()


def test_wrong_code_is_refused_next_to_the_field(client, establishment):
    make_staff("wing_officer", [establishment], username="officer2")
    client.post(reverse("identity:login"), {"username": "officer2", "password": STAFF_PASSWORD})
    response = client.post(reverse("identity:verify"), {"token": "000000"})
    assert response.status_code == 400
    assert "The security code is not right" in response.content.decode()
    assert client.get(reverse("identity:home")).status_code == 302


def test_login_error_is_the_same_for_unknown_and_known_accounts(client, establishment):
    make_staff("wing_officer", [establishment], username="known")
    wrong_password = client.post(reverse("identity:login"), {"username": "known", "password": "nope-nope-nope"})
    no_account = client.post(reverse("identity:login"), {"username": "nobody-here", "password": "nope-nope-nope"})
    assert wrong_password.status_code == no_account.status_code == 400
    assert "Enter a correct username and password" in wrong_password.content.decode()
    assert "Enter a correct username and password" in no_account.content.decode()


def test_repeated_failures_pause_the_account_for_a_while_not_half_an_hour(client, establishment):
    make_staff("wing_officer", [establishment], username="target")
    for _ in range(5):
        client.post(reverse("identity:login"), {"username": "target", "password": "wrong-password-x"})
    response = client.post(reverse("identity:login"), {"username": "target", "password": STAFF_PASSWORD})
    assert response.status_code == 429
    assert "Sign-in is paused" in response.content.decode()
    assert "Wait 1 minute and try again" in response.content.decode()
    # The wait grows with each wrong try (5 s, 10 s, 20 s ...) but the owner is not shut out for long: once the last
    # wrong try is a minute old, the right password works again.
    SignInFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=1))
    again = client.post(reverse("identity:login"), {"username": "target", "password": STAFF_PASSWORD})
    assert again.status_code == 302


def test_the_wait_grows_with_each_wrong_try_up_to_a_cap(establishment):
    now = timezone.now()
    for n in range(12):
        SignInFailure.objects.create(username="A1234BC", at=now)
        wait = selectors.sign_in_wait(username="a1234bc", device=None, ip="", now=now)
        expected = 0 if n + 1 < 3 else min(5 * 2 ** (n + 1 - 3), 300)
        assert wait == expected, n


def test_one_pin_sprayed_across_many_residents_on_one_kiosk_is_slowed_and_reported(client, establishment):
    security = make_staff("security_it", [establishment])
    _device, token = make_device(establishment)
    people = [make_resident(establishment) for _ in range(8)]
    client.cookies[settings.DEVICE_COOKIE_NAME] = token
    statuses = []
    for person in people:
        response = client.post(reverse("identity:kiosk_login"), {"prison_number": person.prison_number, "pin": "0000"})
        statuses.append(response.status_code)
    # A few people's wrong tries are what a busy kiosk sees; the fifth person's makes a spray: the kiosk waits from
    # then on, whatever PIN is tried, and security staff are told once.
    assert statuses[:5] == [400] * 5
    assert set(statuses[5:]) == {429}
    right = client.post(
        reverse("identity:kiosk_login"), {"prison_number": people[-1].prison_number, "pin": RESIDENT_PIN}
    )
    assert right.status_code == 429
    told = Notification.objects.get(kind="identity.sign_in.spray")
    assert told.recipient == security
    assert "5 different people" in told.text["en"]
    assert told.text["cy"]
    # Another kiosk in the prison is not slowed down.
    _other, other_token = make_device(establishment)
    elsewhere = Client()
    elsewhere.cookies[settings.DEVICE_COOKIE_NAME] = other_token
    fine = elsewhere.post(
        reverse("identity:kiosk_login"), {"prison_number": people[0].prison_number, "pin": RESIDENT_PIN}
    )
    assert fine.status_code == 302


def test_one_password_sprayed_across_staff_usernames_is_slowed(client, establishment):
    for n in range(12):
        make_staff("wing_officer", [establishment], username=f"staff{n}")
    statuses = [
        client.post(reverse("identity:login"), {"username": f"staff{n}", "password": "Winter2026!"}).status_code
        for n in range(12)
    ]
    assert statuses[:5] == [400] * 5
    assert set(statuses[5:]) == {429}


def test_resident_signs_in_only_on_a_registered_device(client, establishment):
    person = make_resident(establishment)
    unregistered = client.post(
        reverse("identity:kiosk_login"), {"prison_number": person.prison_number, "pin": RESIDENT_PIN}
    )
    assert unregistered.status_code == 403
    _device, token = make_device(establishment)
    client.cookies["tg_device"] = token
    response = client.post(
        reverse("identity:kiosk_login"), {"prison_number": person.prison_number.lower(), "pin": RESIDENT_PIN}
    )
    assert response.status_code == 302
    assert client.get(reverse("identity:home")).status_code == 200


def test_resident_cannot_sign_in_on_another_prisons_kiosk(client, establishment, other_establishment):
    person = make_resident(establishment)
    _device, token = make_device(other_establishment)
    client.cookies["tg_device"] = token
    response = client.post(
        reverse("identity:kiosk_login"), {"prison_number": person.prison_number, "pin": RESIDENT_PIN}
    )
    assert response.status_code == 400
    assert "Your prison number or PIN is not right" in response.content.decode()


def test_malformed_prison_number_gets_a_message_next_to_the_field(client, establishment):
    _device, token = make_device(establishment)
    client.cookies["tg_device"] = token
    response = client.post(reverse("identity:kiosk_login"), {"prison_number": "12345", "pin": "1111"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_prison_number-error"' in body
    assert "Enter a prison number in the correct format" in body


def test_kiosk_session_ends_after_idle_limit(client, establishment, settings):
    from tests.factories import sign_in_resident

    person = make_resident(establishment)
    sign_in_resident(client, person)
    assert client.get(reverse("identity:home")).status_code == 200
    session = client.session
    session["tg_last_seen"] = session["tg_last_seen"] - settings.KIOSK_IDLE_SECONDS - 1
    session.save()
    response = client.get(reverse("identity:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:kiosk_login")


def test_first_sign_in_sets_up_an_authenticator(client, establishment):
    from tests.factories import role
    from throughgate.identity.models import User

    user = User.objects.create_user(username="newstarter", password=STAFF_PASSWORD)
    user.roles.add(role("wing_officer"))
    response = client.post(reverse("identity:login"), {"username": "newstarter", "password": STAFF_PASSWORD})
    assert response["Location"] == reverse("identity:enrol")
    page = client.get(reverse("identity:enrol"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post(reverse("identity:enrol"), {"token": code})
    assert response.status_code == 302
    assert client.get(reverse("identity:home")).status_code == 200


def test_a_signed_out_kiosk_goes_back_to_the_kiosk_sign_in(client, establishment):
    _device, token = make_device(establishment)
    client.cookies["tg_device"] = token
    response = client.get(reverse("identity:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:kiosk_login")


def test_a_code_sent_while_throttled_is_not_called_wrong(client, establishment):
    officer = make_staff("wing_officer", [establishment], username="throttled")
    client.post(reverse("identity:login"), {"username": "throttled", "password": STAFF_PASSWORD})
    client.post(reverse("identity:verify"), {"token": "000000"})
    response = client.post(reverse("identity:verify"), {"token": current_code(officer)})
    assert response.status_code == 400
    assert "Wait a few seconds, then enter the code again." in response.content.decode()


def test_a_deactivated_account_stops_working_at_once(
    client: Client, establishment: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.contrib.sessions.models import Session

    from tests.factories import sign_in_staff

    officer = make_staff("wing_officer", [establishment])
    other = make_staff("wing_officer", [establishment])
    sign_in_staff(client, officer)
    colleague = sign_in_staff(Client(), other)
    assert client.get("/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        officer.is_active = False
        officer.save()
    assert client.get("/").status_code == 302  # back to sign in, even where a process still caches the user
    assert colleague.get("/").status_code == 200
    assert Session.objects.count() == 1


def test_partner_tokens_carry_only_scopes_their_roles_grant(establishment: Any) -> None:
    from tests.factories import make_partner
    from throughgate.identity import services as identity_services

    partner, _secret = make_partner()
    with pytest.raises(ValueError, match="do not grant"):
        identity_services.api_token_issue(user=partner, name="too wide", scopes=["core.view_audit"])
