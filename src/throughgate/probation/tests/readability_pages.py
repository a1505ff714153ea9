"""The probation pages people read themselves (the kiosk plan for release, MyProbation on a phone), for the reading
ease test in tests/test_readability.py. Each takes a client and an establishment and returns the page's HTML."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_resident, make_staff, sign_in_resident
from throughgate.probation.appointments.services import appointment_book
from throughgate.probation.checkins.models import CheckIn
from throughgate.probation.passport import services as passport_services
from throughgate.probation.tests.factories import on_probation, passport_with_answers, sign_in_on_phone

PHONE = "07700900999"


def _resident(establishment: Any) -> Any:
    return make_resident(establishment, prison_number="A1234BC", first_name="Sam", last_name="Jones")


def page_plan(client: Client, establishment: Any) -> str:
    person = _resident(establishment)
    staff = make_staff("resettlement", [establishment])
    passport = passport_services.passport_ensure(person=person, by=staff)
    passport_services.todo_add(passport=passport, by=staff, text="Open a bank account")
    sign_in_resident(client, person)
    response = client.get(reverse("probation:my_passport"))
    assert response.status_code == 200
    return response.content.decode()


def page_questions(client: Client, establishment: Any) -> str:
    sign_in_resident(client, _resident(establishment))
    response = client.get(reverse("probation:my_questions", args=["immediate_needs"]))
    assert response.status_code == 200
    return response.content.decode()


def page_answers_given(client: Client, establishment: Any) -> str:
    person = _resident(establishment)
    passport_with_answers(person)
    sign_in_resident(client, person)
    response = client.get(reverse("probation:my_questions", args=["immediate_needs"]))
    assert response.status_code == 200
    return response.content.decode()


def page_sign_in(client: Client, establishment: Any) -> str:
    response = client.get(reverse("probation:sign_in"))
    assert response.status_code == 200
    return response.content.decode()


def page_code(client: Client, establishment: Any) -> str:
    client.post(reverse("probation:sign_in"), {"contact": PHONE})
    response = client.get(reverse("probation:sign_in_code"))
    assert response.status_code == 200
    return response.content.decode()


def _on_probation(client: Client, establishment: Any) -> Any:
    person = on_probation(establishment, make_staff("probation_practitioner", []), phone=PHONE, first_name="Sam")
    sign_in_on_phone(client, PHONE)
    return person


def page_home(client: Client, establishment: Any) -> str:
    person = _on_probation(client, establishment)
    CheckIn.objects.create(person=person, due_on=timezone.localdate(), expires_on=timezone.localdate())
    response = client.get(reverse("probation:home"))
    assert response.status_code == 200
    return response.content.decode()


def page_checkin(client: Client, establishment: Any) -> str:
    person = _on_probation(client, establishment)
    checkin = CheckIn.objects.create(person=person, due_on=timezone.localdate(), expires_on=timezone.localdate())
    response = client.get(reverse("probation:checkin", args=[checkin.pk]))
    assert response.status_code == 200
    return response.content.decode()


def page_appointment(client: Client, establishment: Any) -> str:
    person = _on_probation(client, establishment)
    practitioner = person.caseload_entries.get().staff
    appointment = appointment_book(
        by=practitioner, person=person, kind="office", starts_at=timezone.now() + timedelta(days=2)
    )
    response = client.get(reverse("probation:appointment", args=[appointment.pk]))
    assert response.status_code == 200
    return response.content.decode()


PROBATION_PAGES = {
    "plan for release": page_plan,
    "your needs (questions)": page_questions,
    "your needs (answered)": page_answers_given,
    "MyProbation sign-in": page_sign_in,
    "MyProbation code": page_code,
    "MyProbation home": page_home,
    "MyProbation check-in": page_checkin,
    "MyProbation appointment": page_appointment,
}
