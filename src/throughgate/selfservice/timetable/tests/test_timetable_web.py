"""Timetable pages and API: wiring, permissions and scope, errors next to their fields, idempotent API writes, the
resident's week in plain words (reading ease) and in Welsh."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polib
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import EstablishmentFactory, make_resident, make_staff, sign_in_resident, sign_in_staff
from tests.test_readability import (  # noqa: F401  (the fixture patches syllable counting)
    MINIMUM_READING_EASE,
    _syllables_from_pyphen,
    main_text,
    reading_ease,
)
from throughgate.core.tests.test_translations import WELSH_PO, assert_welsh
from throughgate.selfservice.timetable.models import ActivitySession, Allocation, AttendanceRecord
from throughgate.selfservice.timetable.tests.helpers import activity, allocate, sessions_between, weekly

pytestmark = pytest.mark.django_db


@pytest.fixture
def place() -> Any:
    return EstablishmentFactory(code="MDI", name="HMP Moorland Demo")


def _today_session(place: Any, people: list[Any], code: str = "workshop", category: str = "WORK") -> Any:
    """An activity with a session every day this week and next, the people allocated, today's session."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    act = activity(place, code, category)
    for weekday in range(7):
        weekly(act, weekday=weekday, slot="AM", starts_on=monday)
    for person in people:
        allocate(person, act, starts_on=monday)
    sessions_between(act, monday, monday + timedelta(days=13))
    return ActivitySession.objects.get(activity=act, date=today)


# --- The resident's week ---------------------------------------------------------------------------------------


def test_the_resident_sees_their_own_week_in_plain_words(client: Client, place: Any) -> None:
    me = make_resident(place, prison_number="A1234BC", first_name="Sam", last_name="Jones")
    other = make_resident(place)
    _today_session(place, [me])
    _today_session(place, [other], "gym", "GYM")
    sign_in_resident(client, me)
    response = client.get(reverse("selfservice:my_timetable"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="tg-activity"') == 14  # every day this week and next
    assert "Work: Workshop" in html
    assert "Gym" not in html
    assert "tg-activity__icon" in html
    text = main_text(html)
    score = reading_ease(text)
    assert score >= MINIMUM_READING_EASE, f"{score:.1f}: {text}"


def test_the_week_page_is_all_welsh(client: Client, place: Any, settings: Any) -> None:
    me = make_resident(place, prison_number="A1234BC", first_name="Sam", last_name="Jones")
    session = _today_session(place, [me])
    session.activity.name_cy = "Gweithdy"
    session.activity.location_cy = "Gweithdy 3"
    session.activity.save()
    sign_in_resident(client, me)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    response = client.get(reverse("selfservice:my_timetable"))
    assert response.status_code == 200
    assert_welsh(response.content.decode(), "my timetable", polib.pofile(str(WELSH_PO)))


def test_staff_cannot_open_the_resident_week_and_residents_cannot_open_registers(client: Client, place: Any) -> None:
    me = make_resident(place)
    session = _today_session(place, [me])
    sign_in_resident(client, me)
    assert client.get(reverse("selfservice:timetable_register", args=[session.pk])).status_code == 403
    assert client.get(reverse("api:timetable_register", args=[session.pk])).status_code == 403
    staff = Client()
    sign_in_staff(staff, make_staff("wing_officer", [place]))
    assert staff.get(reverse("selfservice:my_timetable")).status_code == 403


# --- Registers -------------------------------------------------------------------------------------------------


def test_an_officer_marks_everyone_attended_then_records_a_refusal_with_a_comment(client: Client, place: Any) -> None:
    people = [make_resident(place) for _ in range(3)]
    session = _today_session(place, people)
    sign_in_staff(client, make_staff("wing_officer", [place]))
    day = client.get(reverse("selfservice:timetable_registers"))
    assert day.status_code == 200
    assert reverse("selfservice:timetable_register", args=[session.pk]) in day.content.decode()
    register_url = reverse("selfservice:timetable_register", args=[session.pk])
    page = client.get(register_url)
    assert page.status_code == 200
    assert all(person.prison_number in page.content.decode() for person in people)
    done = client.post(register_url, {"action": "all"})
    assert done.status_code == 302
    assert AttendanceRecord.objects.filter(session=session, code="ATTENDED").count() == 3
    assert client.post(register_url, {"action": "all"}).status_code == 302  # again: nothing more
    assert AttendanceRecord.objects.count() == 3

    change_url = reverse("selfservice:timetable_attendance", args=[session.pk, people[0].prison_number])
    form = client.get(change_url)
    assert "Already recorded as Attended" in form.content.decode()
    missing = client.post(change_url, {"code": "REFUSED", "comment": ""})
    assert missing.status_code == 422
    html = missing.content.decode()
    assert "govuk-error-summary" in html
    assert 'id="id_comment-error"' in html
    assert 'href="#id_comment"' in html
    sick = client.post(change_url, {"code": "SICK"})
    assert sick.status_code == 422
    assert 'id="id_paid-error"' in sick.content.decode()
    saved = client.post(change_url, {"code": "REFUSED", "comment": "Would not leave the cell"})
    assert saved.status_code == 302
    record = AttendanceRecord.objects.get(person=people[0])
    assert (record.code, record.version, record.comment) == ("REFUSED", 2, "Would not leave the cell")


def test_ticking_nobody_is_an_error_on_the_page(client: Client, place: Any) -> None:
    session = _today_session(place, [make_resident(place)])
    sign_in_staff(client, make_staff("wing_officer", [place]))
    response = client.post(reverse("selfservice:timetable_register", args=[session.pk]), {"action": "selected"})
    assert response.status_code == 400
    assert "Tick the people who attended." in response.content.decode()


def test_registers_of_another_prison_look_like_nothing(client: Client, place: Any) -> None:
    session = _today_session(place, [make_resident(place)])
    sign_in_staff(client, make_staff("wing_officer", [EstablishmentFactory(code="LEI")]))
    assert client.get(reverse("selfservice:timetable_register", args=[session.pk])).status_code == 404
    assert (
        client.post(reverse("selfservice:timetable_register", args=[session.pk]), {"action": "all"}).status_code == 404
    )
    assert not AttendanceRecord.objects.exists()


def test_a_bad_date_on_the_registers_page_is_a_clear_400(client: Client, place: Any) -> None:
    sign_in_staff(client, make_staff("wing_officer", [place]))
    response = client.get(reverse("selfservice:timetable_registers"), {"date": "31/2/2026"})
    assert response.status_code == 400
    assert 'id="id_date-error"' in response.content.decode()


# --- Activities ------------------------------------------------------------------------------------------------


def test_setting_up_an_activity_shows_errors_next_to_fields_then_saves(client: Client, place: Any) -> None:
    sign_in_staff(client, make_staff("education", [place]))
    url = reverse("selfservice:timetable_activities")
    bad = client.post(url, {"name": "", "code": "no spaces", "category": "", "location": "", "capacity": "0"})
    assert bad.status_code == 400
    html = bad.content.decode()
    for field in ("name", "code", "category", "location", "capacity"):
        assert f'id="id_{field}-error"' in html, field
    good = client.post(
        url, {"name": "Workshop", "code": "workshop", "category": "WORK", "location": "Workshop 3", "capacity": "12"}
    )
    assert good.status_code == 302
    taken = client.post(
        url, {"name": "Workshop", "code": "workshop", "category": "WORK", "location": "Workshop 3", "capacity": "12"}
    )
    assert taken.status_code == 422
    assert 'id="id_code-error"' in taken.content.decode()


def test_an_overlapping_allocation_is_refused_next_to_the_prison_number(client: Client, place: Any) -> None:
    person = make_resident(place)
    _today_session(place, [person])
    gym = activity(place, "gym", "GYM")
    weekly(gym, weekday=timezone.localdate().weekday(), slot="AM", starts_on=timezone.localdate())
    sign_in_staff(client, make_staff("education", [place]))
    response = client.post(
        reverse("selfservice:timetable_allocate", args=[gym.pk]),
        {"prison_number": person.prison_number, "starts_on": timezone.localdate().strftime("%d/%m/%Y")},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="allocate_prison_number-error"' in html
    assert "already busy at that time" in html
    assert not Allocation.objects.filter(activity=gym).exists()
    schedule = client.post(reverse("selfservice:timetable_schedule", args=[gym.pk]), {"weekday": "9", "slot": "AM"})
    assert schedule.status_code == 400
    assert 'id="schedule_weekday-error"' in schedule.content.decode()


def test_the_hours_page_lists_people_of_the_establishment(client: Client, place: Any) -> None:
    person = make_resident(place)
    session = _today_session(place, [person])
    AttendanceRecord.objects.create(session=session, person=person, code="ATTENDED", paid=True)
    sign_in_staff(client, make_staff("governor", [place]))
    response = client.get(reverse("selfservice:timetable_hours"))
    assert response.status_code == 200
    assert person.prison_number in response.content.decode()
    assert response.context["report"].rows[0].attended_minutes == session.minutes


# --- API -------------------------------------------------------------------------------------------------------


def test_the_in_cell_app_reads_the_resident_week(client: Client, place: Any) -> None:
    me = make_resident(place)
    _today_session(place, [me])
    _today_session(place, [make_resident(place)], "gym", "GYM")
    sign_in_resident(client, me)
    response = client.get(reverse("api:timetable_week"))
    assert response.status_code == 200
    weeks = response.json()
    assert len(weeks) == 2
    sessions = [s for week in weeks for day in week["days"] for s in day["sessions"]]
    assert len(sessions) == 14
    assert {s["category"] for s in sessions} == {"WORK"}
    assert weeks[0]["purposeful_hours_planned"] > 0


def test_the_register_api_is_idempotent_and_changes_are_explicit(client: Client, place: Any) -> None:
    people = [make_resident(place) for _ in range(2)]
    session = _today_session(place, people)
    sign_in_staff(client, make_staff("wing_officer", [place]))
    url = reverse("api:timetable_attendance", args=[session.pk])
    body = {"prison_number": people[0].prison_number, "code": "ATTENDED"}
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert AttendanceRecord.objects.count() == 1
    refused = {"prison_number": people[0].prison_number, "code": "REFUSED", "comment": ""}
    conflict = client.post(url, {**refused, "comment": "Refused"}, content_type="application/json")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "attendance_recorded"
    no_comment = client.post(url, {**refused, "change": True}, content_type="application/json")
    assert no_comment.status_code == 422
    assert set(no_comment.json()["fields"]) == {"comment"}
    changed = client.post(url, {**refused, "comment": "Refused", "change": True}, content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    rest = client.post(reverse("api:timetable_attended", args=[session.pk]), {}, content_type="application/json")
    assert rest.json() == {"marked": 1}
    register = client.get(reverse("api:timetable_register", args=[session.pk])).json()
    assert sorted(row["code"] for row in register) == ["ATTENDED", "REFUSED"]
    stranger = client.post(
        url, {"prison_number": make_resident(place).prison_number, "code": "ATTENDED"}, content_type="application/json"
    )
    assert stranger.status_code == 404
    hours = client.get(reverse("api:timetable_hours"))
    assert hours.status_code == 200
    assert {row["prison_number"] for row in hours.json()} >= {p.prison_number for p in people}
