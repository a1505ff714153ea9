"""The family site: sign-up with a code by email, sign-in, no way in for staff or residents; a family member sees and
books only for their own approved contacts, sees only their own bookings, and refusals show their reason."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import STAFF_PASSWORD, make_resident, make_staff, sign_in_family
from throughgate.contact.family import services
from throughgate.contact.tests.factories import approved_contact, family_user, key, next_weekday, session
from throughgate.contact.visits.models import Visit, VisitStatus
from throughgate.core.errors import InvalidInput
from throughgate.core.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "a long family password 1"


def test_sign_up_sends_a_code_and_the_code_confirms_the_account(
    client: Client, establishment: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("contact:family_sign_up"),
            {"first_name": "Dana", "last_name": "Testcase", "email": "Dana@Example.org", "password": PASSWORD},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dana@example.org"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    wrong = client.post(reverse("contact:family_confirm"), {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "The code is not right" in wrong.content.decode()
    confirmed = client.post(reverse("contact:family_confirm"), {"code": code})
    assert confirmed["Location"] == reverse("contact:family_home")
    assert client.get(reverse("contact:family_home")).status_code == 200
    assert AuditEntry.objects.filter(action="contact.family.confirmed").count() == 1


def test_five_wrong_codes_and_the_code_stops_working(establishment: Any) -> None:
    signed = services.family_sign_up(email="x@example.org", password=PASSWORD, first_name="X", last_name="Y")
    for _ in range(services.MAX_WRONG_CODES):
        with pytest.raises(InvalidInput):
            services.family_confirm(account=signed.account, code="999999" if signed.code != "999999" else "888888")
    with pytest.raises(InvalidInput) as exc:
        services.family_confirm(account=signed.account, code=signed.code)
    assert exc.value.code == "code_expired"


def test_a_bad_sign_up_says_why_next_to_the_field(client: Client, establishment: Any) -> None:
    response = client.post(
        reverse("contact:family_sign_up"),
        {"first_name": "Dana", "last_name": "T", "email": "nope", "password": "short"},
    )
    assert response.status_code == 400
    assert "Enter an email address, like name@example.com." in response.content.decode()
    family_user("taken@example.org")
    again = client.post(
        reverse("contact:family_sign_up"),
        {"first_name": "Dana", "last_name": "T", "email": "taken@example.org", "password": PASSWORD},
    )
    assert again.status_code == 400
    assert "already an account" in again.content.decode()


def test_sign_in_works_for_family_only(client: Client, establishment: Any) -> None:
    family_user("dana@example.org")
    ok = client.post(reverse("contact:family_sign_in"), {"email": "dana@example.org", "password": PASSWORD})
    assert ok["Location"] == reverse("contact:family_home")
    staff = make_staff("governor", [establishment], username="gov@example.org", email="gov@example.org")
    other = Client()
    refused = other.post(reverse("contact:family_sign_in"), {"email": staff.email, "password": STAFF_PASSWORD})
    assert refused.status_code == 400
    # A family account cannot use the staff sign-in either.
    staff_login = Client().post(
        reverse("identity:login"), {"username": "family:dana@example.org", "password": PASSWORD}
    )
    assert staff_login.status_code == 400


def test_a_family_member_is_kept_out_of_staff_and_resident_pages(client: Client, establishment: Any) -> None:
    sign_in_family(client, family_user("dana@example.org"))
    for name in ("identity:home", "people:search", "contact:approvals", "contact:hall", "contact:my_visits"):
        assert client.get(reverse(name)).status_code == 403, name


def test_a_family_member_sees_and_books_only_for_their_own_approved_contacts(
    client: Client, establishment: Any
) -> None:
    mine = make_resident(establishment)
    theirs = make_resident(establishment)
    my_contact = approved_contact(mine, "Dana", "Testcase", email="dana@example.org")
    sibling = approved_contact(mine, "Eli", "Testcase", email="eli@example.org")
    waiting = approved_contact(theirs, "Dana", "Elsewhere", email="dana@example.org", approve=False)
    other_family = approved_contact(theirs, "Fay", "Other", email="fay@example.org")
    s = session(establishment)
    day = next_weekday(s.weekday)
    sign_in_family(client, family_user("dana@example.org"))
    home = client.get(reverse("contact:family_home")).content.decode()
    assert f"Visit {mine.first_name}" in home
    assert f"Visit {theirs.first_name}" not in home
    assert client.get(reverse("contact:family_book", args=[waiting.pk])).status_code == 404
    assert client.get(reverse("contact:family_book", args=[other_family.pk])).status_code == 404

    page = client.get(reverse("contact:family_book", args=[my_contact.pk]))
    form = page.context["form"]
    booked = client.post(
        reverse("contact:family_book", args=[my_contact.pk]),
        {"key": form.initial["key"], "slot": f"{s.pk}_{day.isoformat()}", "visitors": [sibling.pk], "kind": "open"},
    )
    assert booked.status_code == 302
    visit = Visit.objects.get()
    assert set(visit.visitors.all()) == {my_contact, sibling}
    assert visit.booked_via == "family"
    # Someone else's visitor cannot be slipped in.
    refused = client.post(
        reverse("contact:family_book", args=[my_contact.pk]),
        {"key": key(), "slot": f"{s.pk}_{day.isoformat()}", "visitors": [other_family.pk], "kind": "open"},
    )
    assert refused.status_code == 400

    # Another family member sees none of it.
    stranger = Client()
    sign_in_family(stranger, family_user("fay@example.org"))
    assert stranger.get(reverse("contact:family_visit", args=[visit.pk])).status_code == 404
    assert "upcoming-visit" not in stranger.get(reverse("contact:family_home")).content.decode()

    cancelled = client.post(reverse("contact:family_visit", args=[visit.pk]))
    assert cancelled.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.cancel_reason) == (VisitStatus.CANCELLED, "visitor")


def test_a_refused_booking_shows_the_reason(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    contact = approved_contact(person, "Dana", "Testcase", email="dana@example.org")
    s = session(establishment, open_capacity=0, closed=1)
    day = next_weekday(s.weekday)
    sign_in_family(client, family_user("dana@example.org"))
    url = reverse("contact:family_book", args=[contact.pk])
    key_ = client.get(url).context["form"].initial["key"]
    response = client.post(url, {"key": key_, "slot": f"{s.pk}_{day.isoformat()}", "kind": "open"})
    assert response.status_code == 400
    assert "no places for this kind of visit" in response.content.decode()


def test_the_email_code_reaches_a_real_smtp_server(
    establishment: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import socket

    from aiosmtpd.controller import Controller

    received: list[str] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope.content.decode())
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        with django_capture_on_commit_callbacks(execute=True):
            signed = services.family_sign_up(email="smtp@example.org", password=PASSWORD, first_name="S", last_name="M")
    finally:
        controller.stop()
    assert len(received) == 1
    assert signed.code in received[0]
    assert "smtp@example.org" in received[0]
