"""Sign-in to MyProbation by a one-time code: by email through a real SMTP server, by text through the SMS backend;
the page never says whether a number is known; wrong codes slow the next tries; a code works once."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import EstablishmentFactory, make_staff
from throughgate.probation import notify
from throughgate.probation.tests.factories import on_probation, sign_in_on_phone

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """A real SMTP server on localhost, and Django's SMTP backend pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    try:
        yield inbox
    finally:
        controller.stop()


def wait_for(inbox: Inbox, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def person():
    practitioner = make_staff("probation_practitioner", [])
    return on_probation(EstablishmentFactory(code="MDI"), practitioner, phone="07700900333", email="Sam@Example.org")


def test_a_code_by_email_through_a_real_smtp_server_signs_the_person_in(smtp: Inbox, person) -> None:
    client = Client()
    response = client.post(reverse("probation:sign_in"), {"contact": "sam@example.org"})
    assert response.status_code == 302
    wait_for(smtp, 1)
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "sam@example.org"
    body = message.get_payload(decode=True).decode()
    code = re.search(r"\b(\d{6})\b", body)
    assert code is not None
    signed_in = client.post(reverse("probation:sign_in_code"), {"code": code.group(1)})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("probation:home")
    assert client.get(reverse("probation:home")).status_code == 200
    # The code works once.
    other = Client()
    other.post(reverse("probation:sign_in"), {"contact": "sam@example.org"})
    session = other.session
    assert other.post(reverse("probation:sign_in_code"), {"code": code.group(1)}).status_code == 400
    assert session is not None


def test_an_unknown_number_gets_the_same_page_and_no_text(person) -> None:
    client = Client()
    response = client.post(reverse("probation:sign_in"), {"contact": "07700 999999"})
    assert response.status_code == 302
    assert response["Location"] == reverse("probation:sign_in_code")
    assert notify.outbox == []
    assert client.post(reverse("probation:sign_in_code"), {"code": "123456"}).status_code == 400


def test_bad_contacts_and_codes_are_named_next_to_the_field(person) -> None:
    client = Client()
    response = client.post(reverse("probation:sign_in"), {"contact": "not a number"})
    assert response.status_code == 400
    assert "contact" in response.context["form"].errors
    client.post(reverse("probation:sign_in"), {"contact": "07700900333"})
    response = client.post(reverse("probation:sign_in_code"), {"code": "12"})
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == ["The code has 6 numbers"]


def test_wrong_codes_slow_the_next_tries_down(person) -> None:
    client = Client()
    client.post(reverse("probation:sign_in"), {"contact": "07700900333"})
    real = re.search(r"\d{6}", notify.outbox[-1].body)
    assert real is not None
    wrong = "000000" if real.group(0) != "000000" else "111111"
    statuses = [client.post(reverse("probation:sign_in_code"), {"code": wrong}).status_code for _ in range(4)]
    assert statuses[:3] == [400, 400, 400]
    assert statuses[3] == 429
    # While the wait runs, even the right code is not checked.
    assert client.post(reverse("probation:sign_in_code"), {"code": real.group(0)}).status_code == 429


def test_a_recalled_person_can_no_longer_sign_in_by_code(person) -> None:
    from throughgate.probation.release import services

    practitioner = person.caseload_entries.get().staff
    services.recall_complete(
        by=practitioner,
        prison_number=person.prison_number,
        establishment=EstablishmentFactory(code="LEI"),
        on=timezone.localdate(),
        reason="Recall",
    )
    notify.outbox.clear()
    client = Client()
    client.post(reverse("probation:sign_in"), {"contact": "07700900333"})
    assert notify.outbox == []


def test_a_person_on_probation_signs_out_to_the_code_page(person) -> None:
    client = Client()
    sign_in_on_phone(client, "07700900333")
    response = client.post(reverse("probation:sign_out"))
    assert response["Location"] == reverse("probation:sign_in")
    assert client.get(reverse("probation:home")).status_code == 302
