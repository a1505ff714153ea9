"""The practitioner's caseload: their own people only, most pressing first; one page per person."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import EstablishmentFactory, make_staff, sign_in_staff
from throughgate.core.models import AuditEntry
from throughgate.probation.caseload import selectors
from throughgate.probation.checkins import services as checkins
from throughgate.probation.checkins.models import CheckIn, CheckinStatus
from throughgate.probation.passport.models import PathwayState, PathwayStatus
from throughgate.probation.tests.factories import days_ago, on_probation

pytestmark = pytest.mark.django_db


def test_the_caseload_puts_what_needs_doing_first_and_shows_only_your_people() -> None:
    mdi = EstablishmentFactory(code="MDI")
    practitioner = make_staff("probation_practitioner", [])
    calm = on_probation(mdi, practitioner, phone="07700900401", last_name="Aardvark")
    missed = on_probation(mdi, practitioner, phone="07700900402", last_name="Zebra")
    support = on_probation(mdi, practitioner, phone="07700900403", last_name="Moose")
    PathwayState.objects.filter(passport__person=calm).update(status=PathwayStatus.DONE)
    PathwayState.objects.filter(passport__person=support, pathway="accommodation").update(
        status=PathwayStatus.SUPPORT_REQUIRED
    )
    CheckIn.objects.create(person=missed, due_on=days_ago(10), expires_on=days_ago(5))
    checkins.checkins_expire(today=timezone.localdate())
    CheckIn.objects.create(person=calm, due_on=timezone.localdate(), expires_on=timezone.localdate())

    someone_else = make_staff("probation_practitioner", [])
    theirs = on_probation(mdi, someone_else, phone="07700900404")

    rows = selectors.caseload_rows(user=practitioner)
    assert [row.person for row in rows] == [missed, support, calm]
    assert rows[0].missed == 1
    assert rows[0].open_tasks == 1
    assert rows[2].next_checkin is not None
    assert rows[2].next_checkin.status == CheckinStatus.CREATED

    client = sign_in_staff(Client(), practitioner)
    page = client.get(reverse("probation:caseload"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("ZEBRA") < html.index("MOOSE") < html.index("AARDVARK")
    assert theirs.last_name.upper() not in html
    assert client.get(reverse("probation:case", args=[theirs.prison_number])).status_code == 404
    case = client.get(reverse("probation:case", args=[missed.prison_number]))
    assert case.status_code == 200
    assert "Missed check-in" in case.content.decode()
    assert AuditEntry.objects.filter(action="probation.case.viewed", subject=missed.prison_number).exists()
    assert AuditEntry.objects.filter(action="probation.caseload.viewed", actor_username=practitioner.username).exists()


def test_the_practitioner_builds_on_the_passport_from_the_case_page() -> None:
    mdi = EstablishmentFactory(code="MDI")
    practitioner = make_staff("probation_practitioner", [])
    person = on_probation(mdi, practitioner)
    client = sign_in_staff(Client(), practitioner)
    url = reverse("probation:case_action", args=[person.prison_number, "todo"])
    assert client.post(url, {"key": "b" * 32, "text": "Register with a GP", "pathway": "health"}).status_code == 302
    assert "Register with a GP" in client.get(reverse("probation:case", args=[person.prison_number])).content.decode()
    assert client.post(reverse("probation:case_action", args=[person.prison_number, "nonsense"])).status_code == 404
