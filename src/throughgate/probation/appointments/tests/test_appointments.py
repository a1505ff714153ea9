"""Appointments: the practitioner books; the person confirms or asks to change on their phone; the practitioner
records the outcome (a failure to attend is an enforcement task and an ``appointment.missed`` event)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import EstablishmentFactory, make_staff, sign_in_staff
from throughgate.core.errors import InvalidInput, InvalidTransition
from throughgate.core.models import ActivityEvent
from throughgate.probation.appointments import services
from throughgate.probation.appointments.models import Appointment, AppointmentStatus
from throughgate.probation.caseload.models import PractitionerTask, TaskKind
from throughgate.probation.caseload.selectors import caseload_rows
from throughgate.probation.tests.factories import on_probation, sign_in_on_phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    practitioner = make_staff("probation_practitioner", [])
    person = on_probation(EstablishmentFactory(code="MDI"), practitioner, phone="07700900601")
    return person, practitioner


def test_book_confirm_and_attend(case) -> None:
    person, practitioner = case
    staff = sign_in_staff(Client(), practitioner)
    url = reverse("probation:case_action", args=[person.prison_number, "appointment"])
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = staff.post(url, {"key": "c" * 32, "kind": "office", "starts_at": past})
    assert refused.status_code == 400
    assert "starts_at" in refused.context["book_form"].errors
    when = (timezone.localtime() + timedelta(days=3)).replace(hour=10, minute=0).strftime("%Y-%m-%dT%H:%M")
    for _retry in range(2):
        assert (
            staff.post(url, {"key": "d" * 32, "kind": "office", "starts_at": when, "place": "Leeds office"}).status_code
            == 302
        )
    appointment = Appointment.objects.get()
    assert caseload_rows(user=practitioner)[0].next_appointment == appointment

    phone = Client()
    sign_in_on_phone(phone, "07700900601")
    home = phone.get(reverse("probation:home")).content.decode()
    assert "Leeds office" in home
    answer = reverse("probation:appointment", args=[appointment.pk])
    assert phone.post(answer, {"answer": "change", "reason": ""}).status_code == 400
    assert phone.post(answer, {"answer": "confirm"}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED

    with pytest.raises(InvalidTransition):  # not yet happened
        services.appointment_record(appointment=appointment, by=practitioner, outcome="attended")
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    outcome = reverse("probation:appointment_outcome", args=[appointment.pk])
    assert staff.post(outcome, {"outcome": "attended", "note": ""}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED
    assert ActivityEvent.objects.filter(person=person.prison_number, kind="appointment.attended").count() == 1
    assert staff.post(outcome, {"outcome": "failed_to_attend", "note": "x"}).status_code == 400


def test_a_failure_to_attend_needs_a_note_and_becomes_an_enforcement_task(case) -> None:
    person, practitioner = case
    appointment = services.appointment_book(
        by=practitioner, person=person, kind="phone", starts_at=timezone.now() + timedelta(hours=2)
    )
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(InvalidInput):
        services.appointment_record(appointment=appointment, by=practitioner, outcome="failed_to_attend")
    services.appointment_record(
        appointment=appointment, by=practitioner, outcome="failed_to_attend", note="No answer, no contact"
    )
    task = PractitionerTask.objects.get(staff=practitioner)
    assert task.kind == TaskKind.ENFORCEMENT
    assert ActivityEvent.objects.filter(person=person.prison_number, kind="appointment.missed").count() == 1


def test_an_acceptable_absence_is_no_missed_appointment(case) -> None:
    person, practitioner = case
    appointment = services.appointment_book(
        by=practitioner, person=person, kind="video", starts_at=timezone.now() + timedelta(hours=2)
    )
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    services.appointment_record(
        appointment=appointment, by=practitioner, outcome="acceptable_absence", note="In hospital: letter seen"
    )
    assert not ActivityEvent.objects.filter(kind__startswith="appointment.").exists()
    assert not PractitionerTask.objects.exists()


def test_only_the_person_and_their_practitioner_reach_an_appointment(case) -> None:
    person, practitioner = case
    appointment = services.appointment_book(
        by=practitioner, person=person, kind="office", starts_at=timezone.now() + timedelta(days=1)
    )
    other_practitioner = make_staff("probation_practitioner", [])
    someone = on_probation(EstablishmentFactory(code="LEI"), other_practitioner, phone="07700900602")
    phone = Client()
    sign_in_on_phone(phone, "07700900602")
    assert phone.get(reverse("probation:appointment", args=[appointment.pk])).status_code == 404
    assert someone.user is not None
    with pytest.raises(InvalidTransition):
        services.appointment_answer(appointment=appointment, by=someone.user, confirm=True)
    stranger = sign_in_staff(Client(), other_practitioner)
    outcome = reverse("probation:appointment_outcome", args=[appointment.pk])
    assert stranger.post(outcome, {"outcome": "attended"}).status_code == 404
    # Asking to change puts the person near the top of the practitioner's caseload.
    assert person.user is not None
    services.appointment_answer(appointment=appointment, by=person.user, confirm=False, reason="Job interview")
    assert caseload_rows(user=practitioner)[0].change_asked == 1


def test_the_practitioner_closes_an_enforcement_task_with_what_they_did(case) -> None:
    person, practitioner = case
    appointment = services.appointment_book(
        by=practitioner, person=person, kind="office", starts_at=timezone.now() + timedelta(hours=2)
    )
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    services.appointment_record(appointment=appointment, by=practitioner, outcome="failed_to_attend", note="No show")
    task = PractitionerTask.objects.get()
    url = reverse("probation:task_close", args=[task.pk])
    stranger = sign_in_staff(Client(), make_staff("probation_practitioner", []))
    assert stranger.post(url, {"outcome": "x"}).status_code == 404
    staff = sign_in_staff(Client(), practitioner)
    assert staff.post(url, {"outcome": ""}).status_code == 400
    assert staff.post(url, {"outcome": "Warning letter sent"}).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    assert task.outcome == "Warning letter sent"
    assert staff.post(url, {"outcome": "again"}).status_code == 400
