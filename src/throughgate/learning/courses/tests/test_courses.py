"""Courses: a resident asks to join (once, whatever the retries), education staff allocate within capacity, record
progress, completions and assessments; events and audit rows; scoping to the establishment."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import EstablishmentFactory, make_resident, make_staff, sign_in_resident, sign_in_staff
from throughgate.core.errors import InvalidInput, InvalidTransition, LimitExceeded, NotVisible
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.learning.courses import selectors, services
from throughgate.learning.courses.models import Enrolment, EnrolmentStatus
from throughgate.learning.tests.factories import make_course

pytestmark = pytest.mark.django_db


def test_a_resident_asks_once_and_goes_on_the_waiting_list(establishment: Any) -> None:
    person = make_resident(establishment)
    course = make_course(establishment)
    first = services.course_request(user=person.user, course=course, idempotency_key="key-00001")
    again = services.course_request(user=person.user, course=course, idempotency_key="key-00001")
    assert first.created
    assert not again.created
    assert first.enrolment.pk == again.enrolment.pk
    assert first.enrolment.status == EnrolmentStatus.REQUESTED
    with pytest.raises(LimitExceeded):
        services.course_request(user=person.user, course=course, idempotency_key="key-00002")
    assert ActivityEvent.objects.filter(kind="course.requested", person=person.prison_number).count() == 1
    assert selectors.waiting_position(first.enrolment) == 1


def test_a_course_in_another_prison_is_not_there(establishment: Any) -> None:
    person = make_resident(establishment)
    elsewhere = make_course(EstablishmentFactory())
    with pytest.raises(NotVisible):
        services.course_request(user=person.user, course=elsewhere, idempotency_key="key-00001")
    with pytest.raises(NotVisible):
        selectors.course_for_resident(user=person.user, course_id=elsewhere.pk)


def test_allocation_respects_capacity_and_emits_course_enrolled(establishment: Any) -> None:
    staff = make_staff("education", [establishment])
    course = make_course(establishment, capacity=1)
    first, second = make_resident(establishment), make_resident(establishment)
    a = services.course_request(user=first.user, course=course, idempotency_key="key-aaaaa").enrolment
    b = services.course_request(user=second.user, course=course, idempotency_key="key-bbbbb").enrolment
    services.enrolment_allocate(by=staff, enrolment=a)
    with pytest.raises(LimitExceeded) as full:
        services.enrolment_allocate(by=staff, enrolment=b)
    assert full.value.code == "course_full"
    with pytest.raises(InvalidTransition):
        services.enrolment_allocate(by=staff, enrolment=a)
    event = ActivityEvent.objects.get(kind="course.enrolled")
    assert event.person == first.prison_number
    assert event.payload["level"] == "L1"
    assert AuditEntry.objects.filter(action="learning.enrolment.allocated", subject=first.prison_number).exists()


def test_progress_and_completion_with_a_qualification(establishment: Any) -> None:
    staff = make_staff("education", [establishment])
    person = make_resident(establishment)
    course = make_course(establishment)
    enrolment = services.course_request(user=person.user, course=course, idempotency_key="key-aaaaa").enrolment
    with pytest.raises(InvalidTransition):
        services.enrolment_complete(by=staff, enrolment=enrolment, qualification_achieved=False)
    services.enrolment_allocate(by=staff, enrolment=enrolment)
    with pytest.raises(InvalidInput):
        services.enrolment_progress(by=staff, enrolment=enrolment, progress=101)
    services.enrolment_progress(by=staff, enrolment=enrolment, progress=60)
    done = services.enrolment_complete(by=staff, enrolment=enrolment, qualification_achieved=True, grade="Pass")
    assert done.status == EnrolmentStatus.COMPLETED
    assert done.progress == 100
    assert done.grade == "Pass"
    event = ActivityEvent.objects.get(kind="course.completed")
    assert event.payload["qualification"] is True


def test_a_qualification_cannot_be_recorded_on_a_course_without_one(establishment: Any) -> None:
    staff = make_staff("education", [establishment])
    course = make_course(establishment, qualification="")
    enrolment = Enrolment.objects.create(course=course, person=make_resident(establishment))
    services.enrolment_allocate(by=staff, enrolment=enrolment)
    with pytest.raises(InvalidInput) as refused:
        services.enrolment_complete(by=staff, enrolment=enrolment, qualification_achieved=True)
    assert refused.value.field == "qualification_achieved"


def test_staff_of_another_prison_cannot_allocate_or_see_learners(establishment: Any) -> None:
    course = make_course(establishment)
    enrolment = Enrolment.objects.create(course=course, person=make_resident(establishment))
    other = EstablishmentFactory()
    stranger = make_staff("education", [other])
    with pytest.raises(NotVisible):
        services.enrolment_allocate(by=stranger, enrolment=enrolment)
    assert list(selectors.courses_for_staff(user=stranger, establishment=establishment)) == []
    with pytest.raises(NotVisible):
        selectors.enrolment_for_staff(user=stranger, establishment=other, enrolment_id=enrolment.pk)
    officer = make_staff("wing_officer", [establishment])
    assert list(selectors.courses_for_staff(user=officer, establishment=establishment)) == []


def test_assessments_are_recorded_and_shown_on_the_waiting_list(establishment: Any) -> None:
    staff = make_staff("education", [establishment])
    person = make_resident(establishment)
    course = make_course(establishment)
    services.course_request(user=person.user, course=course, idempotency_key="key-aaaaa")
    with pytest.raises(InvalidInput):
        services.assessment_record(
            by=staff,
            establishment=establishment,
            person=person,
            subject="ENGLISH",
            level="E3",
            assessed_on=timezone.localdate() + timedelta(days=1),
        )
    services.assessment_record(
        by=staff,
        establishment=establishment,
        person=person,
        subject="ENGLISH",
        level="E2",
        assessed_on=date(2026, 1, 5),
    )
    services.assessment_record(
        by=staff,
        establishment=establishment,
        person=person,
        subject="ENGLISH",
        level="E3",
        assessed_on=date(2026, 3, 5),
    )
    learners = selectors.course_learners_read(user=staff, establishment=establishment, course=course)
    assert [(row.english, row.maths) for row in learners.waiting] == [("E3", "")]
    assert AuditEntry.objects.filter(action="learning.learners.viewed").count() == 1


# --- Pages and API ----------------------------------------------------------------------------------------------


def test_the_kiosk_pages_ask_to_join(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    course = make_course(establishment, title="Digital skills", title_cy="Sgiliau digidol", area="DIGITAL")
    sign_in_resident(client, person)
    page = client.get(reverse("learning:courses"))
    assert page.status_code == 200
    assert "Digital skills" in page.content.decode()
    detail = client.get(reverse("learning:course", args=[course.pk]))
    key = detail.context["form"].initial["key"]
    response = client.post(reverse("learning:course", args=[course.pk]), {"key": key})
    assert response.status_code == 302
    assert client.post(reverse("learning:course", args=[course.pk]), {"key": key}).status_code == 302  # a retry
    assert Enrolment.objects.filter(person=person).count() == 1
    refused = client.post(reverse("learning:course", args=[course.pk]), {"key": "another-key"})
    assert refused.status_code == 409
    assert "already asked" in refused.content.decode()


def test_staff_pages_allocate_and_show_a_clear_error(client: Client, establishment: Any) -> None:
    staff = make_staff("education", [establishment])
    course = make_course(establishment)
    enrolment = Enrolment.objects.create(course=course, person=make_resident(establishment))
    sign_in_staff(client, staff)
    assert client.get(reverse("learning:staff_courses")).status_code == 200
    assert client.get(reverse("learning:staff_course", args=[course.pk])).status_code == 200
    url = reverse("learning:enrolment_action", args=[enrolment.pk, "allocate"])
    assert client.post(url).status_code == 302
    bad = client.post(reverse("learning:enrolment_action", args=[enrolment.pk, "progress"]), {"progress": "lots"})
    assert bad.status_code == 422
    assert "Enter a number from 0 to 100." in bad.content.decode()
    made = client.post(
        reverse("learning:course_new"),
        {
            "code": "maths-e3",
            "title": "Maths",
            "area": "MATHS",
            "level": "E3",
            "mode": "IN_CELL",
            "hours": "20",
            "capacity": "8",
            "active": "on",
        },
    )
    assert made.status_code == 302
    clash = client.post(
        reverse("learning:course_new"),
        {
            "code": "maths-e3",
            "title": "Maths again",
            "area": "MATHS",
            "level": "E3",
            "mode": "IN_CELL",
            "hours": "20",
            "capacity": "8",
        },
    )
    assert clash.status_code == 422
    assert "Another course already has this code." in clash.content.decode()


def test_the_api_join_is_idempotent(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    course = make_course(establishment)
    sign_in_resident(client, person)
    listed = client.get(reverse("api:courses"))
    assert [c["id"] for c in listed.json()] == [course.pk]
    url = reverse("api:course_join", args=[course.pk])
    first = client.post(url, {"idempotency_key": "abc-123456"}, content_type="application/json")
    again = client.post(url, {"idempotency_key": "abc-123456"}, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert client.get(reverse("api:my_places")).json()[0]["waiting_position"] == 1
