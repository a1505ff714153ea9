"""Messages: a rule holds a matching message and a held message is never visible to the resident (pages and API);
release delivers it; a refusal's reason reaches the sender; the resident's reply reaches a real SMTP server and the
family site; retries store one message."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_resident, make_staff, sign_in_family, sign_in_resident, sign_in_staff
from throughgate.contact.messages import selectors, services
from throughgate.contact.messages.models import MessageStatus
from throughgate.contact.tests.factories import approved_contact, family_user, key, security
from throughgate.core.errors import InvalidInput, NotVisible
from throughgate.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _setup(establishment: Any) -> tuple[Any, Any, Any]:
    person = make_resident(establishment)
    contact = approved_contact(person, "Dana", "Testcase", email="dana@example.org")
    services.rule_add(
        by=security(establishment), establishment=establishment, pattern="parcel", is_regex=False, reason="Drop-offs"
    )
    services.rule_add(
        by=security(establishment), establishment=establishment, pattern=r"\b07\d{9}\b", is_regex=True, reason="Numbers"
    )
    return person, contact, family_user("dana@example.org")


def test_a_held_message_is_never_visible_to_the_resident(establishment: Any) -> None:
    person, contact, family = _setup(establishment)
    clean = services.message_send(user=family, contact=contact, body="Love from all of us.", idempotency_key=key())
    held = services.message_send(user=family, contact=contact, body="The PARCEL is ready.", idempotency_key=key())
    number = services.message_send(user=family, contact=contact, body="Ring 07700900123 ok", idempotency_key=key())
    assert clean.status == MessageStatus.RELEASED
    assert (held.status, number.status) == (MessageStatus.HELD, MessageStatus.HELD)
    assert held.held_because == ["parcel: Drop-offs"]
    assert list(selectors.own_messages(user=person.user)) == [clean]
    with pytest.raises(NotVisible):
        services.message_read(user=person.user, message_id=held.pk)
    kiosk = sign_in_resident(Client(), person)
    assert "PARCEL" not in kiosk.get(reverse("contact:my_messages")).content.decode()
    assert kiosk.get(reverse("contact:my_message", args=[held.pk])).status_code == 404
    assert [m["id"] for m in kiosk.get("/api/v1/contact/messages").json()] == [clean.pk]
    assert (
        kiosk.post(
            f"/api/v1/contact/messages/{held.pk}/reply",
            {"body": "x", "idempotency_key": key()},
            content_type="application/json",
        ).status_code
        == 404
    )
    officer = security(establishment)
    services.message_release(by=officer, message=held)
    assert held.pk in [m.pk for m in selectors.own_messages(user=person.user)]
    with pytest.raises(InvalidInput):
        services.message_refuse(by=officer, message=number, reason="")
    services.message_refuse(by=officer, message=number, reason="Phone numbers are not allowed in messages.")
    assert number.pk not in [m.pk for m in selectors.own_messages(user=person.user)]
    family_page = sign_in_family(Client(), family).get(reverse("contact:family_messages", args=[contact.pk]))
    assert "Phone numbers are not allowed in messages." in family_page.content.decode()
    assert AuditEntry.objects.filter(action="contact.message.held").count() == 2
    assert AuditEntry.objects.filter(action="contact.message.refused").count() == 1


def test_a_retry_stores_one_message_and_only_own_contacts_can_be_written_to(establishment: Any) -> None:
    _person, contact, family = _setup(establishment)
    same = key()
    one = services.message_send(user=family, contact=contact, body="Hello", idempotency_key=same)
    two = services.message_send(user=family, contact=contact, body="Hello", idempotency_key=same)
    assert one.pk == two.pk
    other = approved_contact(make_resident(establishment), "Fay", "Other", email="fay@example.org")
    client = sign_in_family(Client(), family)
    assert client.get(reverse("contact:family_messages", args=[other.pk])).status_code == 404
    empty = client.post(reverse("contact:family_messages", args=[contact.pk]), {"key": key(), "body": ""})
    assert empty.status_code == 400
    assert "Write your message." in empty.content.decode()


def test_the_staff_queue_is_for_security_of_that_prison(establishment: Any, other_establishment: Any) -> None:
    _person, contact, family = _setup(establishment)
    held = services.message_send(user=family, contact=contact, body="parcel", idempotency_key=key())
    outsider = sign_in_staff(Client(), security(other_establishment))
    assert outsider.get(reverse("contact:moderation_message", args=[held.pk])).status_code == 404
    officer = sign_in_staff(Client(), make_staff("wing_officer", [establishment]))
    assert officer.get(reverse("contact:moderation")).status_code == 403
    mine = sign_in_staff(Client(), security(establishment))
    assert "Drop-offs" in mine.get(reverse("contact:moderation")).content.decode()
    assert mine.post(reverse("contact:moderation_message", args=[held.pk]), {"action": "release"}).status_code == 302


def test_the_reply_reaches_a_real_smtp_server_and_the_family_site(
    establishment: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from aiosmtpd.controller import Controller

    person, contact, family = _setup(establishment)
    message = services.message_send(user=family, contact=contact, body="How are you?", idempotency_key=key())
    received: list[tuple[list[str], str]] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append((list(envelope.rcpt_tos), envelope.content.decode()))
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
        kiosk = sign_in_resident(Client(), person)
        page = kiosk.get(reverse("contact:my_message", args=[message.pk]))
        with django_capture_on_commit_callbacks(execute=True):
            sent = kiosk.post(
                reverse("contact:my_message", args=[message.pk]),
                {"key": page.context["form"].initial["key"], "body": "All good here, thanks."},
            )
        assert sent.status_code == 302
    finally:
        controller.stop()
    assert len(received) == 1
    assert received[0][0] == ["dana@example.org"]
    assert "All good here, thanks." in received[0][1]
    family_page = sign_in_family(Client(), family).get(reverse("contact:family_messages", args=[contact.pk]))
    assert "All good here, thanks." in family_page.content.decode()
