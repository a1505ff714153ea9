"""Reads of the timetable, scoped to the acting user: a resident sees only their own week; staff see the activities,
registers and hours of an establishment they may act in. Anything else looks like a record that does not exist.

Purposeful activity hours: the real minutes of sessions a person attended (outcome ATTENDED) whose activity is in
``PURPOSEFUL_CATEGORIES`` (work, education, programmes, gym, library), counted in the week (Monday to Sunday) of the
session's local date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core.errors import NotVisible
from throughgate.identity import selectors as identity_selectors
from throughgate.identity.models import Establishment, Location, LocationLevel, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people import selectors as people_selectors
from throughgate.people.models import Person
from throughgate.people.selectors import own_record_for
from throughgate.selfservice.permissions import (
    MANAGE_ACTIVITIES,
    RECORD_ATTENDANCE,
    USE_TIMETABLE,
    VIEW_ACTIVITY_HOURS,
)
from throughgate.selfservice.timetable.models import (
    PURPOSEFUL_CATEGORIES,
    Activity,
    ActivitySession,
    Allocation,
    AttendanceCode,
    AttendanceRecord,
)
from throughgate.selfservice.timetable.rules import week_start

# --- Purposeful activity hours ---------------------------------------------------------------------------------


def purposeful_minutes(*, person_ids: list[int], week: date) -> dict[int, int]:
    """Attended purposeful minutes per person in the week starting on Monday ``week`` (people with none left out)."""
    start = week_start(week)
    rows = (
        AttendanceRecord.objects.filter(
            person_id__in=person_ids,
            code=AttendanceCode.ATTENDED,
            session__activity__category__in=PURPOSEFUL_CATEGORIES,
            session__date__gte=start,
            session__date__lte=start + timedelta(days=6),
        )
        .values("person_id")
        .annotate(minutes=Sum("session__minutes"))
    )
    return {row["person_id"]: int(row["minutes"] or 0) for row in rows}


def planned_purposeful_minutes(*, person_ids: list[int], week: date) -> dict[int, int]:
    """Minutes of purposeful sessions (not cancelled) each person is allocated to in the week."""
    start = week_start(week)
    end = start + timedelta(days=6)
    allocations = list(
        Allocation.objects.filter(
            person_id__in=person_ids, activity__category__in=PURPOSEFUL_CATEGORIES, starts_on__lte=end
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .values_list("person_id", "activity_id", "starts_on", "ends_on")
    )
    sessions: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for activity_id, day, minutes in ActivitySession.objects.filter(
        activity_id__in={row[1] for row in allocations}, date__gte=start, date__lte=end, cancelled=False
    ).values_list("activity_id", "date", "minutes"):
        sessions[activity_id].append((day, minutes))
    planned: dict[int, int] = defaultdict(int)
    for person_id, activity_id, first, last in allocations:
        for day, minutes in sessions.get(activity_id, ()):
            if first <= day and (last is None or day <= last):
                planned[person_id] += minutes
    return dict(planned)


def hours_text(minutes: int) -> str:
    """Minutes as hours for people: 90 -> "1.5", 120 -> "2"."""
    hours = round(minutes / 60, 1)
    return f"{hours:g}"


# --- Residents -------------------------------------------------------------------------------------------------


def _sessions_of(person: Person, first: date, last: date) -> QuerySet[ActivitySession]:
    """The sessions a person is on the register of, from ``first`` to ``last``."""
    allocated = Allocation.objects.filter(
        person=person, activity=OuterRef("activity"), starts_on__lte=OuterRef("date")
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("date")))
    return (
        ActivitySession.objects.filter(date__gte=first, date__lte=last, activity__establishment=person.establishment)
        .filter(Exists(allocated))
        .select_related("activity")
        .order_by("starts_at", "activity__name")
    )


@dataclass(frozen=True)
class Entry:
    session: ActivitySession
    activity: Activity
    outcome: str  # an AttendanceCode value, or "" when nothing is recorded yet


@dataclass(frozen=True)
class Day:
    date: date
    entries: list[Entry]
    is_today: bool


@dataclass(frozen=True)
class Week:
    start: date
    days: list[Day]
    attended_minutes: int  # purposeful minutes attended
    planned_minutes: int  # purposeful minutes on the person's timetable

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def attended_hours(self) -> str:
        return hours_text(self.attended_minutes)

    @property
    def planned_hours(self) -> str:
        return hours_text(self.planned_minutes)


def person_week(*, person: Person, week: date, today: date | None = None) -> Week:
    start = week_start(week)
    end = start + timedelta(days=6)
    day_now = today or timezone.localdate()
    sessions = list(_sessions_of(person, start, end))
    outcomes = dict(
        AttendanceRecord.objects.filter(person=person, session__in=sessions).values_list("session_id", "code")
    )
    by_day: dict[date, list[Entry]] = defaultdict(list)
    for session in sessions:
        by_day[session.date].append(Entry(session, session.activity, outcomes.get(session.pk, "")))
    days = [
        Day(start + timedelta(days=n), by_day.get(start + timedelta(days=n), []), start + timedelta(days=n) == day_now)
        for n in range(7)
    ]
    return Week(
        start=start,
        days=days,
        attended_minutes=purposeful_minutes(person_ids=[person.pk], week=start).get(person.pk, 0),
        planned_minutes=planned_purposeful_minutes(person_ids=[person.pk], week=start).get(person.pk, 0),
    )


def resident_weeks(*, user: User, today: date | None = None) -> list[Week]:
    """The resident's own timetable: this week and next."""
    person = own_record_for(user=user, permission=USE_TIMETABLE)
    day = today or timezone.localdate()
    start = week_start(day)
    return [
        person_week(person=person, week=start, today=day),
        person_week(person=person, week=start + timedelta(7), today=day),
    ]


# --- Staff -----------------------------------------------------------------------------------------------------


def activities_for_staff(*, user: User, establishment: Establishment | None) -> QuerySet[Activity]:
    if not (user.has_perm(MANAGE_ACTIVITIES) or user.has_perm(RECORD_ATTENDANCE)):
        return Activity.objects.none()
    if not staff_may_act_in(user, establishment):
        return Activity.objects.none()
    return Activity.objects.filter(establishment=establishment).order_by("-active", "name")


def activity_for_staff(*, user: User, establishment: Establishment | None, activity_id: int) -> Activity:
    found = activities_for_staff(user=user, establishment=establishment).filter(pk=activity_id).first()
    if found is None:
        raise NotVisible(_("No activity found"))
    return found


def allocations_of(*, activity: Activity, today: date | None = None) -> list[Allocation]:
    """Current and future allocations of an activity (ended ones are left out)."""
    day = today or timezone.localdate()
    return list(
        Allocation.objects.filter(activity=activity)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("person", "person__location")
        .order_by("person__last_name", "person__first_name")
    )


def person_in(*, user: User, establishment: Establishment | None, prison_number: str) -> Person:
    """A person in the establishment, for allocating."""
    if not staff_may_act_in(user, establishment):
        raise NotVisible(_("No person with that prison number was found"))
    person = people_selectors.person_held_in(establishment=establishment, prison_number=prison_number)
    if person is None:
        raise NotVisible(_("No person with that prison number was found"))
    return person


@dataclass(frozen=True)
class SessionRow:
    session: ActivitySession
    on_register: int
    recorded: int


def _on_register(session: ActivitySession) -> QuerySet[Allocation]:
    return Allocation.objects.filter(activity_id=session.activity_id, starts_on__lte=session.date).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=session.date)
    )


def sessions_on(*, user: User, establishment: Establishment | None, day: date) -> list[SessionRow]:
    """The sessions of a day in the establishment, each with how many people are on its register and recorded."""
    if not user.has_perm(RECORD_ATTENDANCE) or not staff_may_act_in(user, establishment):
        return []
    sessions = list(
        ActivitySession.objects.filter(activity__establishment=establishment, date=day)
        .select_related("activity")
        .order_by("starts_at", "activity__name")
    )
    recorded: dict[int, int] = defaultdict(int)
    for session_id in AttendanceRecord.objects.filter(session__in=sessions).values_list("session_id", flat=True):
        recorded[session_id] += 1
    allocations = list(
        Allocation.objects.filter(activity_id__in={s.activity_id for s in sessions}, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values_list("activity_id", flat=True)
    )
    counts: dict[int, int] = defaultdict(int)
    for activity_id in allocations:
        counts[activity_id] += 1
    return [SessionRow(s, counts[s.activity_id], recorded[s.pk]) for s in sessions]


def session_for_staff(*, user: User, establishment: Establishment | None, session_id: int) -> ActivitySession:
    if not user.has_perm(RECORD_ATTENDANCE) or not staff_may_act_in(user, establishment):
        raise NotVisible(_("No session found"))
    session = (
        ActivitySession.objects.select_related("activity", "activity__establishment")
        .filter(pk=session_id, activity__establishment=establishment)
        .first()
    )
    if session is None:
        raise NotVisible(_("No session found"))
    return session


@dataclass(frozen=True)
class RegisterRow:
    person: Person
    record: AttendanceRecord | None


def register_rows(*, session: ActivitySession) -> list[RegisterRow]:
    """One row per person on the session's register (allocated on its date), by name."""
    people = list(
        people_selectors.people_with_pks(ids=_on_register(session).values("person_id"))
        .select_related("location", "location__parent", "location__parent__parent")
        .order_by("last_name", "first_name")
    )
    records = {r.person_id: r for r in AttendanceRecord.objects.filter(session=session, person__in=people)}
    return [RegisterRow(person, records.get(person.pk)) for person in people]


def register_person(*, session: ActivitySession, prison_number: str) -> RegisterRow:
    for row in register_rows(session=session):
        if row.person.prison_number == prison_number:
            return row
    raise NotVisible(_("This person is not on this register."))


def wings_of(*, user: User, establishment: Establishment | None) -> list[Location]:
    if not staff_may_act_in(user, establishment):
        return []
    return list(identity_selectors.locations_in(establishment=establishment, level=LocationLevel.WING).order_by("code"))


@dataclass(frozen=True)
class HoursRow:
    person: Person
    wing: str
    attended_minutes: int
    planned_minutes: int

    @property
    def attended_hours(self) -> str:
        return hours_text(self.attended_minutes)

    @property
    def planned_hours(self) -> str:
        return hours_text(self.planned_minutes)


@dataclass(frozen=True)
class HoursReport:
    week: date
    rows: list[HoursRow]

    @property
    def average_hours(self) -> str:
        if not self.rows:
            return "0"
        return hours_text(round(sum(row.attended_minutes for row in self.rows) / len(self.rows)))


def hours_report(
    *, user: User, establishment: Establishment | None, week: date, wing: str = "", limit: int = 2000
) -> HoursReport:
    """Purposeful activity hours of each person in the establishment (or one wing) in a week, fewest first."""
    start = week_start(week)
    if not user.has_perm(VIEW_ACTIVITY_HOURS) or not staff_may_act_in(user, establishment):
        return HoursReport(start, [])
    people = people_selectors.people_held_in(establishment=establishment).select_related(
        "location", "location__parent", "location__parent__parent"
    )
    if wing:
        people = people.filter(
            Q(location__parent__parent__code=wing, location__parent__parent__parent__isnull=True)
            | Q(location__parent__code=wing, location__parent__parent__isnull=True)
        )
    chosen = list(people.order_by("last_name", "first_name")[:limit])
    ids = [person.pk for person in chosen]
    attended = purposeful_minutes(person_ids=ids, week=start)
    planned = planned_purposeful_minutes(person_ids=ids, week=start)
    rows = [
        HoursRow(
            person=person,
            wing=person.location.wing.code if person.location else "",
            attended_minutes=attended.get(person.pk, 0),
            planned_minutes=planned.get(person.pk, 0),
        )
        for person in chosen
    ]
    rows.sort(key=lambda row: (row.attended_minutes, row.person.last_name, row.person.first_name))
    return HoursReport(start, rows)
