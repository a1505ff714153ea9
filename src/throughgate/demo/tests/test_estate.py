"""The synthetic demo estate: deterministic, valid identifiers, every role can sign in, only registered events."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from throughgate.core import activity
from throughgate.core.models import ActivityEvent
from throughgate.core.validators import (
    is_valid_crn,
    is_valid_nhs_number,
    is_valid_pnc_id,
    is_valid_prison_number,
)
from throughgate.demo import estate as demo
from throughgate.identity import events as identity_events
from throughgate.identity import services as identity_services
from throughgate.identity.backends import ResidentBackend
from throughgate.identity.models import RegisteredDevice, RoleKind, StaffAssignment, User
from throughgate.identity.roles import DEFAULT_ROLES
from throughgate.people.models import ALERT_CODES, Alert, Booking, CaseloadEntry, Movement, Person
from throughgate.selfservice.events import (
    ACTIVITY_ATTENDED_KIND,
    CANTEEN_ORDERED_KIND,
)

pytestmark = pytest.mark.django_db

END = date(2026, 3, 31)
SMALL = demo.DemoOptions(prisons=2, people=60, days=14, seed=3, end_date=END)
SMALL_ARGS = ["--prisons", "2", "--people", "60", "--days", "14", "--seed", "3", "--end-date", "2026-03-31"]


def build(*args: str) -> str:
    out = StringIO()
    call_command("demo_estate", *(args or SMALL_ARGS), "--no-progress", stdout=out)
    return out.getvalue()


def all_events(estate: demo.DemoEstate) -> list[demo.EventSpec]:
    return [event for events in demo.iter_events(estate) for event in events]


def test_same_seed_same_estate_and_events():
    first, second = demo.generate(SMALL), demo.generate(SMALL)
    assert first.people == second.people
    assert first.staff == second.staff
    assert first.locations == second.locations
    assert first.on_probation == second.on_probation
    assert all_events(first) == all_events(second)
    other = demo.generate(demo.DemoOptions(prisons=2, people=60, days=14, seed=4, end_date=END))
    assert [p.prison_number for p in other.people] != [p.prison_number for p in first.people]


def test_generated_identifiers_are_valid_and_unique():
    estate = demo.generate(demo.DemoOptions(prisons=4, people=400, days=14, seed=3, end_date=END))
    people = [*estate.people, estate.on_probation]
    numbers = [p.prison_number for p in people]
    assert len(set(numbers)) == len(numbers)
    assert all(is_valid_prison_number(n) for n in numbers)
    for attribute, valid in (("crn", is_valid_crn), ("pnc_id", is_valid_pnc_id), ("nhs_number", is_valid_nhs_number)):
        values = [getattr(p, attribute) for p in people if getattr(p, attribute)]
        assert values, attribute
        assert len(set(values)) == len(values)
        assert all(valid(value) for value in values), attribute
    assert all(p.nhs_number.startswith("999") for p in people if p.nhs_number)
    # From four prisons up, the women's prison holds every woman.
    assert {p.establishment for p in estate.people if p.sex == "F"} == {"NHI"}
    assert all(18 <= END.year - p.date_of_birth.year <= 81 for p in estate.people)


def test_planted_change_is_a_drop_before_self_harm():
    estate = demo.generate(demo.DemoOptions(prisons=2, people=300, days=90, seed=3, end_date=END))
    places = {place.code: place for place in estate.establishments}
    planted = [p for p in estate.people if p.routine_change == "planted"]
    assert planted
    routine = {
        identity_events.KIOSK_LOGIN,
        activity.PHONE_CALL,
        ACTIVITY_ATTENDED_KIND,
        CANTEEN_ORDERED_KIND,
    }
    for person in planted:
        assert person.change_start is not None
        assert person.change_end is not None
        assert person.incidents[0].date() == person.change_end
        events = demo.person_events(person, places[str(person.establishment)], estate.options)
        before = per_day(events, routine, estate.options.start_date, person.change_start)
        during = per_day(events, routine, person.change_start, person.change_end)
        assert during < 0.6 * before


def per_day(events: list[demo.EventSpec], kinds: set[str], start: date, end: date) -> float:
    count = sum(1 for e in events if e.kind in kinds and start <= e.occurred_at.date() < end)
    return count / max(1, (end - start).days)


def test_command_builds_a_working_estate(client):
    output = build()
    estate = demo.generate(SMALL)

    people = Person.objects.exclude(establishment=None)
    assert people.count() == 60
    assert Booking.objects.filter(end_date__isnull=True).count() == 60
    assert Movement.objects.filter(kind="ADM").count() == 61
    assert set(Alert.objects.values_list("code", flat=True)) <= set(ALERT_CODES)
    saved = {p.prison_number: p for p in Person.objects.all()}
    for spec in estate.people:
        row = saved[spec.prison_number]
        assert (row.first_name, row.last_name, row.date_of_birth, row.crn, row.pnc_id, row.nhs_number) == (
            spec.first_name,
            spec.last_name,
            spec.date_of_birth,
            spec.crn,
            spec.pnc_id,
            spec.nhs_number,
        )
        assert row.location is not None
        assert row.location.key == spec.cell
        assert re.fullmatch(r"[A-Z]{3}-[A-Z]+[0-9]*-[0-9]-[0-9]{3}", row.location.key)
        assert is_valid_prison_number(row.prison_number)
        assert not row.crn or is_valid_crn(row.crn)
        assert not row.pnc_id or is_valid_pnc_id(row.pnc_id)
        assert not row.nhs_number or is_valid_nhs_number(row.nhs_number)

    # Every role has a user; every staff member and the person on probation has a confirmed authenticator.
    for spec in DEFAULT_ROLES:
        users = User.objects.filter(roles__code=spec.code)
        assert users.exists(), spec.code
        if spec.kind in (RoleKind.STAFF, RoleKind.PROBATION):
            for user in users:
                assert TOTPDevice.objects.filter(user=user, confirmed=True).exists(), user.username
    for username in ("officer.mdi", "keyworker.lei", "governor.mdi", "hq.analyst", "probation.mdi", "pop.demo"):
        user = User.objects.get(username=username)
        assert user.check_password(demo.DEMO_PASSWORD)
        device = TOTPDevice.objects.get(user=user)
        assert device.key == demo.totp_key(3, username)
    assert StaffAssignment.objects.filter(user__username="officer.mdi", establishment__code="MDI").exists()
    assert CaseloadEntry.objects.filter(staff__username="keyworker.mdi", kind="key_worker").count() == 6

    # Residents sign in with the printed PIN on a registered device of their own prison, and nowhere else.
    assert f"PIN {demo.DEMO_PIN}" in output
    sample = re.search(r"([A-Z][0-9]{4}[A-Z]{2}) at (MDI|LEI), PIN", output)
    assert sample is not None
    number, code = sample.groups()
    own = RegisteredDevice.objects.get(establishment__code=code)
    other = RegisteredDevice.objects.exclude(establishment__code=code).first()
    backend = ResidentBackend()
    user = backend.authenticate(None, prison_number=number, pin=demo.DEMO_PIN, device=own)
    assert user is not None
    assert user.username == number
    assert backend.authenticate(None, prison_number=number, pin=demo.DEMO_PIN, device=other) is None
    assert backend.authenticate(None, prison_number=number, pin="0000", device=own) is None

    # The printed enrolment link enrols the kiosk, and the resident can then sign in on it.
    link = re.search(rf"{code}  http://127\.0\.0\.1:8000(/kiosk/enrol/\?code=\S+)", output)
    assert link is not None
    assert client.get(link.group(1)).status_code == 302
    response = client.post(reverse("identity:kiosk_login"), {"prison_number": number, "pin": demo.DEMO_PIN})
    assert response.status_code == 302
    assert client.get(reverse("identity:home")).status_code == 200

    # Events: registered kinds only, aware times inside the window, the generator's events exactly.
    expected = all_events(estate)
    events = list(ActivityEvent.objects.filter(source="demo").order_by("idempotency_key"))
    assert len(events) == len(expected) > 1000
    assert {event.kind for event in events} <= set(activity.KINDS)
    start = timezone.make_aware(
        timezone.datetime.combine(SMALL.start_date - timedelta(days=1), timezone.datetime.min.time())
    )
    assert all(timezone.is_aware(event.occurred_at) and event.occurred_at >= start for event in events)
    assert {event.idempotency_key for event in events} == {f"demo:3:{n}" for n in range(1, len(expected) + 1)}
    stored = {
        (e.person, e.kind, e.occurred_at, e.value) for e in ActivityEvent.objects.filter(source="demo").iterator()
    }
    assert stored == {(e.person, e.kind, e.occurred_at, e.value) for e in expected}


def test_refuses_a_database_with_people_unless_reset():
    build()
    with pytest.raises(CommandError, match="already has people"):
        build()
    output = build(*SMALL_ARGS, "--reset")
    assert "Reset: deleted" in output
    assert Person.objects.count() == 61
    assert "already stored" in output  # same seed, same keys: the append-only events were kept


def test_totp_code_prints_a_code_the_device_accepts(settings):
    build()
    out = StringIO()
    call_command("totp_code", "officer.mdi", stdout=out, stderr=StringIO())
    code = out.getvalue().strip()
    assert re.fullmatch(r"[0-9]{6}", code)
    assert TOTPDevice.objects.get(user__username="officer.mdi").verify_token(code)
    with pytest.raises(CommandError, match="no confirmed authenticator"):
        call_command("totp_code", "partner.demo", stdout=StringIO(), stderr=StringIO())
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("totp_code", "officer.mdi", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="production"):
        build(*SMALL_ARGS, "--reset")


def test_register_device_prints_a_link_that_enrols(establishment):
    out = StringIO()
    call_command("register_device", "--establishment", "mdi", "--name", "Kiosk A", "--kind", "in_cell", stdout=out)
    match = re.search(r"/kiosk/enrol/\?code=(\S+)", out.getvalue())
    assert match is not None
    enrolled = identity_services.device_enrol(code=match.group(1))
    assert enrolled is not None
    assert enrolled[0].kind == "in_cell"
    assert enrolled[0].establishment == establishment
    with pytest.raises(CommandError, match="No establishment"):
        call_command("register_device", "--establishment", "XYZ", "--name", "Kiosk", stdout=StringIO())
