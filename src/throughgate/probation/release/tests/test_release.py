"""Release through the gate and recall: a resident with a passport and answers given on the kiosk is released; the
practitioner sees all of it, the prison officer no longer does, the person signs in on a phone and sees their to-do
list. Recall reverses it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import EstablishmentFactory, make_resident, make_staff, sign_in_resident, sign_in_staff
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.people.models import CaseloadEntry, CaseloadKind, Movement, MovementKind, Person
from throughgate.probation.passport.models import TodoItem
from throughgate.probation.passport.services import todo_add
from throughgate.probation.release import services
from throughgate.probation.tests.factories import next_crn, passport_with_answers, sign_in_on_phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def mdi():
    return EstablishmentFactory(code="MDI", name="HMP Moorland Demo")


def test_a_released_person_takes_their_passport_to_the_practitioner_and_their_phone(mdi) -> None:
    person = make_resident(mdi, first_name="Sam", last_name="Testperson")
    officer = make_staff("wing_officer", [mdi])
    key_worker = make_staff("key_worker", [mdi])
    CaseloadEntry.objects.create(staff=key_worker, person=person, kind=CaseloadKind.KEY_WORKER)
    resettlement = make_staff("resettlement", [mdi])
    practitioner = make_staff("probation_practitioner", [], last_name="Practitioner")
    passport = passport_with_answers(person)
    todo_add(passport=passport, by=resettlement, text="Apply for a birth certificate", pathway="finance_id")

    # Before: the officer sees the person; the practitioner does not.
    officer_client = sign_in_staff(Client(), officer)
    record = reverse("people:detail", args=[person.prison_number])
    assert officer_client.get(record, {"purpose": "daily_care"}).status_code == 200
    practitioner_client = sign_in_staff(Client(), practitioner)
    case = reverse("probation:case", args=[person.prison_number])
    assert practitioner_client.get(case).status_code == 404
    kiosk = sign_in_resident(Client(), person)

    # The release, from the resettlement staff's page.
    staff_client = sign_in_staff(Client(), resettlement)
    crn = next_crn()
    response = staff_client.post(
        reverse("probation:release", args=[person.prison_number]),
        {
            "crn": crn,
            "practitioner": str(practitioner.pk),
            "on": timezone.localdate().isoformat(),
            "phone": "07700 900123",
            "email": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.establishment is None
    assert person.crn == crn
    assert person.release_date == timezone.localdate()
    assert Movement.objects.filter(person=person, kind=MovementKind.RELEASE).count() == 1
    assert not CaseloadEntry.objects.filter(person=person, kind=CaseloadKind.KEY_WORKER).exists()
    assert CaseloadEntry.objects.filter(person=person, staff=practitioner, kind=CaseloadKind.PROBATION).exists()
    assert ActivityEvent.objects.filter(person=person.prison_number, kind="release.completed").count() == 1
    actions = set(AuditEntry.objects.filter(subject=person.prison_number).values_list("action", flat=True))
    assert {
        "people.person.released",
        "people.caseload.practitioner_allocated",
        "probation.release.completed",
        "identity.account.to_probation",
    } <= actions

    # The prison's access has ended: the officer, the resettlement page and the kiosk session.
    assert officer_client.get(record, {"purpose": "daily_care"}).status_code == 404
    assert staff_client.get(reverse("probation:passport", args=[person.prison_number])).status_code == 404
    assert kiosk.get(reverse("probation:my_passport")).status_code == 302

    # The practitioner's has begun: the person's own answers, the pathways and the to-do list.
    page = practitioner_client.get(case)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Do you have a home to go to when you leave?" in html
    assert "Apply for a birth certificate" in html
    assert "Answered on the kiosk" in html
    assert AuditEntry.objects.filter(
        action="probation.passport.viewed", actor_username=practitioner.username, subject=person.prison_number
    ).exists()

    # The person signs in on their phone with a texted code and sees their to-do list.
    phone = Client(headers={"user-agent": "Mozilla/5.0 (Linux; Android 10; K) Mobile"})
    assert sign_in_on_phone(phone, "07700900123")["Location"] == reverse("probation:home")
    home = phone.get(reverse("probation:home"))
    assert home.status_code == 200
    assert "Apply for a birth certificate" in home.content.decode()


def test_recall_reverses_the_release(mdi) -> None:
    person = make_resident(mdi)
    practitioner = make_staff("probation_practitioner", [])
    resettlement = make_staff("resettlement", [mdi])
    passport_with_answers(person)
    services.release_complete(
        by=resettlement,
        establishment=mdi,
        prison_number=person.prison_number,
        crn=next_crn(),
        practitioner=practitioner,
        on=timezone.localdate(),
        phone="07700900555",
    )
    lei = EstablishmentFactory(code="LEI", name="HMP Leeds Demo")
    client = sign_in_staff(Client(), practitioner)
    response = client.post(
        reverse("probation:recall", args=[person.prison_number]),
        {"establishment": str(lei.pk), "on": timezone.localdate().isoformat(), "reason": "Breach of licence"},
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=person.pk)
    assert person.establishment == lei
    assert person.release_date is None
    assert person.user is not None
    assert person.user.kind == "resident"
    assert client.get(reverse("probation:case", args=[person.prison_number])).status_code == 404
    assert AuditEntry.objects.filter(action="people.caseload.practitioner_ended", subject=person.prison_number).exists()
    # The receiving prison's resettlement staff see the same passport, answers and all.
    receiving = sign_in_staff(Client(), make_staff("resettlement", [lei]))
    page = receiving.get(reverse("probation:passport", args=[person.prison_number]))
    assert page.status_code == 200
    assert "Answered on the kiosk" in page.content.decode()


def test_release_refuses_bad_input_next_to_the_field(mdi) -> None:
    person = make_resident(mdi)
    practitioner = make_staff("probation_practitioner", [])
    client = sign_in_staff(Client(), make_staff("resettlement", [mdi]))
    url = reverse("probation:release", args=[person.prison_number])
    response = client.post(url, {"crn": "123", "practitioner": str(practitioner.pk), "on": "2026-02-30", "phone": "12"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"on", "phone"}
    response = client.post(
        url, {"crn": "123", "practitioner": str(practitioner.pk), "on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 400
    assert "crn" in response.context["form"].errors
    person.refresh_from_db()
    assert person.establishment == mdi


def test_only_a_practitioner_can_be_allocated_and_only_from_your_own_prison(mdi) -> None:
    person = make_resident(mdi)
    officer = make_staff("wing_officer", [mdi])
    resettlement = make_staff("resettlement", [mdi])
    from throughgate.core.errors import InvalidInput, NotVisible

    with pytest.raises(InvalidInput):
        services.release_complete(
            by=resettlement,
            establishment=mdi,
            prison_number=person.prison_number,
            crn=next_crn(),
            practitioner=officer,
            on=timezone.localdate(),
        )
    lei = EstablishmentFactory(code="LEI")
    elsewhere = make_staff("resettlement", [lei])
    with pytest.raises(NotVisible):
        services.release_complete(
            by=elsewhere,
            establishment=lei,
            prison_number=person.prison_number,
            crn=next_crn(),
            practitioner=make_staff("probation_practitioner", []),
            on=timezone.localdate(),
        )
    assert not TodoItem.objects.exists()
