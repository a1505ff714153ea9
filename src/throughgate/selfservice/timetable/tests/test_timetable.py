"""Timetable services and selectors: weekly sessions, allocations that never overlap, the MoJ attendance codes and
their rules, idempotent registers with explicit, audited changes, and purposeful activity hours per week (across a
week boundary and both clock changes)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import EstablishmentFactory, make_resident, make_staff
from throughgate.core.errors import InvalidInput, InvalidTransition, LimitExceeded, NotVisible
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.selfservice.timetable import selectors, services
from throughgate.selfservice.timetable.models import ActivitySession, AttendanceCode, AttendanceRecord
from throughgate.selfservice.timetable.rules import PAY_RULE, session_bounds
from throughgate.selfservice.timetable.tests.helpers import (
    MONDAY,
    activity,
    allocate,
    session_on,
    sessions_between,
    weekly,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def place() -> Any:
    return EstablishmentFactory(code="MDI", name="HMP Moorland Demo")


@pytest.fixture
def officer(place: Any) -> Any:
    return make_staff("wing_officer", [place])


# --- Sessions and allocations ----------------------------------------------------------------------------------


def test_a_weekly_schedule_makes_one_session_a_week_and_generating_again_adds_nothing(place: Any) -> None:
    act = activity(place)
    schedule = weekly(act, weekday=2, slot="PM", starts_on=MONDAY, ends_on=MONDAY + timedelta(days=27))
    made = services.sessions_generate(start=MONDAY, end=MONDAY + timedelta(days=60), schedules=[schedule])
    sessions = list(ActivitySession.objects.filter(schedule=schedule).order_by("date"))
    assert made == 4
    assert [s.date for s in sessions] == [MONDAY + timedelta(days=2 + 7 * n) for n in range(4)]
    assert all(s.date.weekday() == 2 and s.minutes == 165 and s.slot == "PM" for s in sessions)
    assert timezone.localtime(sessions[0].starts_at).time() == time(13, 45)
    assert services.sessions_generate(start=MONDAY, end=MONDAY + timedelta(days=60), schedules=[schedule]) == 0


def test_explicit_times_are_needed_for_another_time_and_must_be_in_order(place: Any) -> None:
    act = activity(place)
    with pytest.raises(InvalidInput) as missing:
        weekly(act, slot="OTHER")
    assert missing.value.field == "start_time"
    with pytest.raises(InvalidInput) as backwards:
        weekly(act, slot="OTHER", start_time=time(10), end_time=time(9))
    assert backwards.value.field == "end_time"
    schedule = weekly(act, slot="OTHER", start_time=time(9, 15), end_time=time(10, 0))
    assert (schedule.start_time, schedule.end_time) == (time(9, 15), time(10, 0))


def test_a_person_cannot_be_allocated_to_overlapping_sessions(place: Any) -> None:
    person = make_resident(place)
    workshop = activity(place, "workshop")
    weekly(workshop, weekday=0, slot="AM")
    education = activity(place, "maths", "EDUCATION")
    weekly(education, weekday=0, slot="OTHER", start_time=time(11), end_time=time(12))  # overlaps 08:30-11:45
    allocate(person, workshop)
    with pytest.raises(LimitExceeded) as refused:
        allocate(person, education)
    assert refused.value.code == "allocation_overlap"
    assert "Workshop" in refused.value.message
    # The class once the workshop allocation has ended is fine, and so is a class from 12:00 (when the 11:00 one ends).
    afternoon = activity(place, "english", "EDUCATION")
    weekly(afternoon, weekday=0, slot="OTHER", start_time=time(12), end_time=time(12, 45))
    allocate(person, afternoon)
    services.allocation_end(
        by=make_staff("education", [place]),
        allocation=person.allocations.get(activity=workshop),
        ends_on=MONDAY + timedelta(days=13),
        reason="Moved to education",
    )
    allocate(person, education, starts_on=MONDAY + timedelta(days=14))
    assert person.allocations.count() == 3


def test_overlap_needs_a_shared_date(place: Any) -> None:
    person = make_resident(place)
    gardens = activity(place, "gardens")
    weekly(gardens, weekday=1, slot="AM", ends_on=MONDAY + timedelta(days=6))
    kitchens = activity(place, "kitchens")
    weekly(kitchens, weekday=1, slot="AM", starts_on=MONDAY + timedelta(days=7))
    allocate(person, gardens)
    allocate(person, kitchens)  # the same slot, but the gardens sessions end before the kitchens ones start
    assert person.allocations.count() == 2


def test_allocated_twice_to_one_activity_and_a_full_activity_are_refused(place: Any) -> None:
    gym = activity(place, "gym", "GYM", capacity=1)
    weekly(gym, weekday=3, slot="ED")
    first, second = make_resident(place), make_resident(place)
    allocate(first, gym)
    with pytest.raises(LimitExceeded) as twice:
        allocate(first, gym, starts_on=MONDAY + timedelta(days=10))
    assert twice.value.code == "already_allocated"
    with pytest.raises(LimitExceeded) as full:
        allocate(second, gym)
    assert full.value.code == "activity_full"


def test_a_new_weekly_session_that_would_double_book_an_allocated_person_is_refused(place: Any) -> None:
    person = make_resident(place)
    workshop = activity(place, "workshop")
    weekly(workshop, weekday=0, slot="AM")
    gym = activity(place, "gym", "GYM")
    weekly(gym, weekday=1, slot="AM")
    allocate(person, workshop)
    allocate(person, gym)
    with pytest.raises(LimitExceeded) as refused:
        weekly(gym, weekday=0, slot="AM")
    assert refused.value.code == "allocation_overlap"
    assert person.prison_number in refused.value.message


def test_allocation_is_for_staff_with_the_permission_in_the_establishment(place: Any) -> None:
    act = activity(place)
    person = make_resident(place)
    with pytest.raises(PermissionDenied):
        services.allocate(by=make_staff("wing_officer", [place]), person=person, activity=act, starts_on=MONDAY)
    elsewhere = make_staff("education", [EstablishmentFactory(code="LEI")])
    with pytest.raises(NotVisible):
        services.allocate(by=elsewhere, person=person, activity=act, starts_on=MONDAY)
    stranger = make_resident(EstablishmentFactory(code="LEI"))
    with pytest.raises(NotVisible):
        allocate(stranger, act)


# --- Attendance ------------------------------------------------------------------------------------------------


def _register(place: Any, people: int = 1, category: str = "WORK") -> tuple[Any, list[Any]]:
    act = activity(place, category.lower(), category)
    weekly(act, weekday=0, slot="AM")
    residents = [make_resident(place) for _ in range(people)]
    for person in residents:
        allocate(person, act)
    return session_on(act, MONDAY), residents


@pytest.mark.parametrize(
    ("code", "paid", "expected"),
    [
        ("ATTENDED", None, True),
        ("NOT_REQUIRED", None, True),
        ("CANCELLED", False, True),  # the rule decides, whatever is sent
        ("CLASH", True, False),
        ("SUSPENDED", None, False),
        ("SICK", True, True),
        ("SICK", False, False),
        ("REST", True, True),
    ],
)
def test_pay_follows_the_rule_of_each_code(place: Any, officer: Any, code: str, paid: Any, expected: bool) -> None:
    session, (person,) = _register(place)
    recorded = services.attendance_record(by=officer, session=session, person=person, code=code, paid=paid)
    assert recorded.record.paid is expected


def test_every_domain_code_has_a_rule() -> None:
    assert (
        set(PAY_RULE)
        == set(AttendanceCode.values)
        == {
            "ATTENDED",
            "REFUSED",
            "SICK",
            "NOT_REQUIRED",
            "REST",
            "CLASH",
            "SUSPENDED",
            "CANCELLED",
            "OTHER",
        }
    )


def test_a_refusal_or_other_reason_needs_a_comment_and_sick_needs_a_pay_decision(place: Any, officer: Any) -> None:
    session, (person,) = _register(place)
    for code in ("REFUSED", "OTHER"):
        with pytest.raises(InvalidInput) as no_comment:
            services.attendance_record(by=officer, session=session, person=person, code=code, paid=False, comment=" ")
        assert no_comment.value.field == "comment"
    with pytest.raises(InvalidInput) as no_pay:
        services.attendance_record(by=officer, session=session, person=person, code="SICK")
    assert no_pay.value.field == "paid"
    with pytest.raises(InvalidInput) as unknown:
        services.attendance_record(by=officer, session=session, person=person, code="ABSENT")
    assert unknown.value.field == "code"
    assert not AttendanceRecord.objects.exists()
    refused = services.attendance_record(
        by=officer, session=session, person=person, code="REFUSED", comment="Stayed in bed", incentive_warning=True
    ).record
    assert (refused.paid, refused.incentive_warning, refused.comment) == (False, True, "Stayed in bed")


def test_recording_twice_stores_once_and_a_change_is_explicit_and_audited(place: Any, officer: Any) -> None:
    session, (person,) = _register(place)
    first = services.attendance_record(by=officer, session=session, person=person, code="ATTENDED")
    again = services.attendance_record(by=officer, session=session, person=person, code="ATTENDED")
    assert first.created
    assert not again.created
    assert again.record.pk == first.record.pk
    assert AttendanceRecord.objects.count() == 1
    assert AuditEntry.objects.filter(action="selfservice.attendance.recorded").count() == 1
    attended = ActivityEvent.objects.filter(kind="activity.attended", person=person.prison_number)
    assert attended.count() == 1
    assert attended.get().payload["session"] == "AM"
    assert attended.get().occurred_at == session.starts_at

    with pytest.raises(InvalidTransition) as different:
        services.attendance_record(by=officer, session=session, person=person, code="REFUSED", comment="No")
    assert different.value.code == "attendance_recorded"

    changed = services.attendance_change(by=officer, record=first.record, code="REFUSED", comment="Walked out")
    assert (changed.code, changed.version, changed.paid) == ("REFUSED", 2, False)
    audit_row = AuditEntry.objects.get(action="selfservice.attendance.changed")
    assert audit_row.detail["from"]["code"] == "ATTENDED"
    assert audit_row.detail["to"]["code"] == "REFUSED"
    assert audit_row.subject == person.prison_number
    assert ActivityEvent.objects.filter(kind="activity.refused", person=person.prison_number).count() == 1
    # The same change again changes nothing.
    services.attendance_change(by=officer, record=changed, code="REFUSED", comment="Walked out")
    assert AttendanceRecord.objects.get().version == 2
    assert AuditEntry.objects.filter(action="selfservice.attendance.changed").count() == 1


def test_everyone_attended_then_exceptions(place: Any, officer: Any) -> None:
    session, people = _register(place, people=3)
    services.attendance_record(by=officer, session=session, person=people[0], code="SICK", paid=True)
    assert services.register_mark_attended(by=officer, session=session) == 2
    assert services.register_mark_attended(by=officer, session=session) == 0
    codes = dict(AttendanceRecord.objects.values_list("person_id", "code"))
    assert codes == {people[0].pk: "SICK", people[1].pk: "ATTENDED", people[2].pk: "ATTENDED"}
    assert AuditEntry.objects.filter(action="selfservice.attendance.recorded").count() == 3
    assert ActivityEvent.objects.filter(kind="activity.attended").count() == 2


def test_registers_refuse_future_sessions_people_not_on_them_and_other_prisons(place: Any, officer: Any) -> None:
    act = activity(place)
    weekly(act, weekday=0, slot="AM", starts_on=timezone.localdate() - timedelta(days=14))
    person = make_resident(place)
    allocate(person, act, starts_on=timezone.localdate() - timedelta(days=14))
    today = timezone.localdate()
    future = session_on(act, today + timedelta(days=(7 - today.weekday()) or 7))
    with pytest.raises(InvalidTransition) as too_soon:
        services.attendance_record(by=officer, session=future, person=person, code="ATTENDED")
    assert too_soon.value.code == "session_in_future"
    past = ActivitySession.objects.filter(activity=act, date__lte=today).first()
    assert past is not None
    with pytest.raises(NotVisible):
        services.attendance_record(by=officer, session=past, person=make_resident(place), code="ATTENDED")
    elsewhere = make_staff("wing_officer", [EstablishmentFactory(code="LEI")])
    with pytest.raises(NotVisible):
        services.attendance_record(by=elsewhere, session=past, person=person, code="ATTENDED")
    with pytest.raises(PermissionDenied):
        services.attendance_record(by=make_staff("healthcare", [place]), session=past, person=person, code="ATTENDED")


# --- Purposeful activity hours ---------------------------------------------------------------------------------


def test_session_lengths_count_real_time_across_both_clock_changes() -> None:
    # Clocks go forward at 01:00 on Sunday 29 March 2026 and back at 02:00 on Sunday 25 October 2026.
    assert session_bounds(date(2026, 3, 29), time(0, 30), time(2, 30))[2] == 60
    assert session_bounds(date(2026, 10, 25), time(0, 30), time(2, 30))[2] == 180
    assert session_bounds(date(2026, 3, 30), time(0, 30), time(2, 30))[2] == 120


def test_purposeful_hours_count_attended_purposeful_sessions_in_their_week(place: Any, officer: Any) -> None:
    person = make_resident(place)
    # Late shifts on Sunday 29 March (clocks go forward that night) and Monday 30 March (the next week).
    kitchens = activity(place, "kitchens", "WORK")
    sunday = date(2026, 3, 29)
    weekly(kitchens, weekday=6, slot="OTHER", start_time=time(0, 30), end_time=time(2, 30), starts_on=sunday)
    weekly(kitchens, weekday=0, slot="OTHER", start_time=time(0, 30), end_time=time(2, 30), starts_on=sunday)
    gym = activity(place, "gym", "GYM")
    weekly(gym, weekday=5, slot="PM", starts_on=date(2026, 3, 23))
    exercise = activity(place, "yard", "EXERCISE")  # time outside: not purposeful
    weekly(exercise, weekday=4, slot="PM", starts_on=date(2026, 3, 23))
    library = activity(place, "library", "LIBRARY")
    weekly(library, weekday=3, slot="PM", starts_on=date(2026, 3, 23))
    for act in (kitchens, gym, exercise, library):
        allocate(person, act, starts_on=date(2026, 3, 23))
        sessions_between(act, date(2026, 3, 23), date(2026, 4, 5))

    def record(act: Any, day: date, code: str = "ATTENDED", **extra: Any) -> None:
        session = ActivitySession.objects.get(activity=act, date=day)
        services.attendance_record(by=officer, session=session, person=person, code=code, **extra)

    record(kitchens, sunday)  # 60 real minutes, in the week of Monday 23 March
    record(gym, date(2026, 3, 28))  # 165 minutes
    record(exercise, date(2026, 3, 27))  # not counted
    record(library, date(2026, 3, 26), "REFUSED", comment="Did not want to go")  # not attended: not counted
    record(kitchens, date(2026, 3, 30))  # 120 minutes, the next week

    week = selectors.purposeful_minutes(person_ids=[person.pk], week=date(2026, 3, 25))
    assert week == {person.pk: 60 + 165}
    assert selectors.purposeful_minutes(person_ids=[person.pk], week=date(2026, 3, 30)) == {person.pk: 120}
    planned = selectors.planned_purposeful_minutes(person_ids=[person.pk], week=date(2026, 3, 23))
    assert planned == {person.pk: 60 + 165 + 165}  # kitchens, gym and library; not the yard
    assert selectors.hours_text(225) == "3.8"


def test_hours_report_lists_the_establishment_fewest_first_and_filters_by_wing(place: Any) -> None:
    from tests.factories import cell_in

    a_wing = make_resident(place, location=cell_in(place, "A"))
    b_wing = make_resident(place, location=cell_in(place, "B"))
    act = activity(place, "workshop")
    weekly(act, weekday=0, slot="AM")
    allocate(a_wing, act)
    session = session_on(act, MONDAY)
    services.attendance_record(by=make_staff("wing_officer", [place]), session=session, person=a_wing, code="ATTENDED")
    governor = make_staff("governor", [place])
    report = selectors.hours_report(user=governor, establishment=place, week=MONDAY)
    assert [(row.person, row.attended_minutes) for row in report.rows] == [(b_wing, 0), (a_wing, 195)]
    only_a = selectors.hours_report(user=governor, establishment=place, week=MONDAY, wing="A")
    assert [row.person for row in only_a.rows] == [a_wing]
    assert only_a.rows[0].wing == "A"
    outsider = make_staff("governor", [EstablishmentFactory(code="LEI")])
    assert selectors.hours_report(user=outsider, establishment=place, week=MONDAY).rows == []
    assert selectors.hours_report(user=make_staff("healthcare", [place]), establishment=place, week=MONDAY).rows == []


# --- The resident's week ---------------------------------------------------------------------------------------


def test_a_resident_sees_only_their_own_sessions_this_week_and_next(place: Any, officer: Any) -> None:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    mine, theirs = make_resident(place), make_resident(place)
    workshop = activity(place, "workshop")
    weekly(workshop, weekday=today.weekday(), slot="AM", starts_on=monday - timedelta(days=7))
    gym = activity(place, "gym", "GYM")
    weekly(gym, weekday=today.weekday(), slot="PM", starts_on=monday - timedelta(days=7))
    allocate(mine, workshop, starts_on=monday)
    allocate(theirs, gym, starts_on=monday)
    sessions_between(workshop, monday, monday + timedelta(days=13))
    sessions_between(gym, monday, monday + timedelta(days=13))
    services.attendance_record(
        by=officer, session=ActivitySession.objects.get(activity=workshop, date=today), person=mine, code="ATTENDED"
    )
    weeks = selectors.resident_weeks(user=mine.user, today=today)
    assert [week.start for week in weeks] == [monday, monday + timedelta(days=7)]
    entries = [entry for week in weeks for day in week.days for entry in day.entries]
    assert [entry.activity for entry in entries] == [workshop, workshop]
    assert entries[0].outcome == "ATTENDED"
    assert entries[1].outcome == ""
    assert weeks[0].attended_minutes == 195
    assert next(day for day in weeks[0].days if day.is_today).date == today
    with pytest.raises(NotVisible):
        selectors.resident_weeks(user=officer)


def test_the_daily_command_makes_the_coming_sessions_once(place: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    act = activity(place)
    weekly(act, weekday=0, slot="AM", starts_on=timezone.localdate() - timedelta(days=30))
    ActivitySession.objects.all().delete()
    out = StringIO()
    call_command("timetable_sessions", "--days", "13", stdout=out)
    assert out.getvalue().strip() == "2 sessions made."
    call_command("timetable_sessions", "--days", "13", stdout=out)
    assert ActivitySession.objects.count() == 2
