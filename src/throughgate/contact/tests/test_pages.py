"""The contact pages' wiring: the resident asks on the kiosk and sees the decision; security refuses with a reason
(an empty reason is refused next to the field); visits staff add a session and book (a refusal shows its reason);
the visits hall records an outcome; the API lists a resident's contacts and visits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_resident, make_staff, sign_in_resident, sign_in_staff
from throughgate.contact.contacts.models import Contact, ContactStatus
from throughgate.contact.tests.factories import approved_contact, next_weekday, session
from throughgate.contact.visits.models import Visit, VisitSession, VisitSlot, VisitStatus
from throughgate.core.models import ActivityEvent

pytestmark = pytest.mark.django_db


def test_a_resident_asks_and_security_refuses_with_a_reason(establishment: Any) -> None:
    person = make_resident(establishment)
    kiosk = sign_in_resident(Client(), person)
    form = kiosk.get(reverse("contact:contact_new")).context["form"]
    bad = kiosk.post(reverse("contact:contact_new"), {"key": form.initial["key"], "first_name": "Ola"})
    assert bad.status_code == 400
    sent = {
        "key": form.initial["key"],
        "first_name": "Ola",
        "last_name": "Sample",
        "relationship": "friend",
        "kind": "social",
        "phone": "07700 900123",
    }
    assert kiosk.post(reverse("contact:contact_new"), sent).status_code == 302
    assert kiosk.post(reverse("contact:contact_new"), sent).status_code == 302  # a retry stores nothing new
    contact = Contact.objects.get()
    security = sign_in_staff(Client(), make_staff("security_it", [establishment]))
    assert "Ola Sample" in security.get(reverse("contact:approvals")).content.decode()
    empty = security.post(reverse("contact:approval", args=[contact.pk]), {"action": "refuse", "reason": ""})
    assert empty.status_code == 400
    assert "Enter the reason." in empty.content.decode()
    security.post(reverse("contact:approval", args=[contact.pk]), {"action": "refuse", "reason": "Not known to us."})
    page = kiosk.get(reverse("contact:my_contacts")).content.decode()
    assert "Refused" in page
    assert "Not known to us." in page
    api = kiosk.get("/api/v1/contact/contacts").json()
    assert api[0]["status"] == ContactStatus.REFUSED


def test_visits_staff_add_a_session_and_book_and_a_refusal_shows_why(establishment: Any) -> None:
    person = make_resident(establishment)
    contact = approved_contact(person)
    staff = sign_in_staff(Client(), make_staff("visits_booking", [establishment]))
    added = staff.post(
        reverse("contact:session_new"),
        {
            "room": "Hall",
            "weekday": "5",
            "starts_at": "14:00",
            "ends_at": "13:00",
            "open_capacity": "1",
            "closed_capacity": "0",
            "max_adults": "3",
            "max_children": "3",
            "valid_from": timezone.localdate().isoformat(),
        },
    )
    assert added.status_code == 400
    assert "The end time must be after the start time." in added.content.decode()
    s = session(establishment, open_capacity=1, closed=0)
    day = next_weekday(s.weekday)
    url = reverse("contact:staff_book", args=[person.prison_number])
    booked = staff.post(
        url, {"key": "k" * 32, "slot": f"{s.pk}_{day.isoformat()}", "visitors": [contact.pk], "kind": "open"}
    )
    assert booked.status_code == 302
    other = make_resident(establishment)
    full = staff.post(
        reverse("contact:staff_book", args=[other.prison_number]),
        {
            "key": "j" * 32,
            "slot": f"{s.pk}_{day.isoformat()}",
            "visitors": [approved_contact(other, "Pat").pk],
            "kind": "open",
        },
    )
    assert full.status_code == 400
    assert "That visiting time is full." in full.content.decode()
    kiosk = sign_in_resident(Client(), person)
    assert contact.full_name in kiosk.get(reverse("contact:my_visits")).content.decode()
    assert kiosk.get("/api/v1/contact/visits").json()[0]["visitors"] == [contact.full_name]


def test_the_visits_hall_records_an_outcome(establishment: Any) -> None:
    person = make_resident(establishment)
    contact = approved_contact(person)
    today = timezone.localdate()
    s = VisitSession.objects.create(
        establishment=establishment,
        room="Hall",
        weekday=today.weekday(),
        starts_at=dt.time(0, 0),
        ends_at=dt.time(23, 59),
        open_capacity=5,
        valid_from=today,
    )
    visit = Visit.objects.create(
        slot=VisitSlot.objects.create(session=s, date=today),
        person=person,
        booked_at=timezone.now(),
        booked_via="staff",
        idempotency_key="hall-test",
    )
    visit.visitors.set([contact])
    hall = sign_in_staff(Client(), make_staff("wing_officer", [establishment]))
    assert person.prison_number in hall.get(reverse("contact:hall")).content.decode()
    assert hall.post(reverse("contact:hall_visit", args=[visit.pk]), {"action": "arrived"}).status_code == 302
    nothing = hall.post(reverse("contact:hall_visit", args=[visit.pk]), {})
    assert nothing.status_code == 400
    hall.post(reverse("contact:hall_visit", args=[visit.pk]), {"outcome": "attended"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.COMPLETED
    assert ActivityEvent.objects.filter(kind="visit.attended", person=person.prison_number).count() == 1
    other_prison = sign_in_staff(Client(), make_staff("wing_officer", []))
    assert other_prison.post(reverse("contact:hall_visit", args=[visit.pk]), {"action": "arrived"}).status_code == 404
