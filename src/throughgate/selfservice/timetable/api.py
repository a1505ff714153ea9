"""The timetable on the JSON API (/api/v1/selfservice/timetable/...): the in-cell app's week view for a resident, and
registers and purposeful activity hours for staff. The same services and selectors as the pages."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from throughgate.core.access import requires
from throughgate.core.errors import InvalidInput
from throughgate.identity.api import ERRORS, WRITE_ERRORS, ApiDate, Router, acting_user, permission_first
from throughgate.identity.models import User
from throughgate.identity.selectors import establishment_named
from throughgate.selfservice.permissions import RECORD_ATTENDANCE, USE_TIMETABLE, VIEW_ACTIVITY_HOURS
from throughgate.selfservice.timetable import selectors, services
from throughgate.selfservice.timetable.models import ActivitySession, AttendanceRecord
from throughgate.selfservice.timetable.rules import week_start

router = Router()
RECORD_FIRST = permission_first(RECORD_ATTENDANCE)


class TimetableEntryOut(Schema):
    session_id: int
    activity: str
    category: str = Field(description="WORK, EDUCATION, GYM, PROGRAMME, EXERCISE, LIBRARY, FAITH or ASSOCIATION")
    purposeful: bool
    where: str
    slot: str = Field(description="AM, PM, ED or OTHER")
    starts_at: datetime
    ends_at: datetime
    cancelled: bool
    outcome: str = Field(description="The attendance code recorded, or empty when nothing is recorded yet")


class DayOut(Schema):
    date: date
    today: bool
    sessions: list[TimetableEntryOut]


class TimetableWeekOut(Schema):
    starts_on: date
    purposeful_hours_attended: float
    purposeful_hours_planned: float
    days: list[DayOut]


def _week_out(week: selectors.Week) -> TimetableWeekOut:
    return TimetableWeekOut(
        starts_on=week.start,
        purposeful_hours_attended=round(week.attended_minutes / 60, 2),
        purposeful_hours_planned=round(week.planned_minutes / 60, 2),
        days=[
            DayOut(
                date=day.date,
                today=day.is_today,
                sessions=[
                    TimetableEntryOut(
                        session_id=entry.session.pk,
                        activity=entry.activity.display_name,
                        category=entry.activity.category,
                        purposeful=entry.activity.purposeful,
                        where=entry.activity.display_location,
                        slot=entry.session.slot,
                        starts_at=entry.session.starts_at,
                        ends_at=entry.session.ends_at,
                        cancelled=entry.session.cancelled,
                        outcome=entry.outcome,
                    )
                    for entry in day.entries
                ],
            )
            for day in week.days
        ],
    )


@router.get(
    "/timetable/week", response={200: list[TimetableWeekOut], **ERRORS}, summary="The resident's week and next week"
)
@requires(USE_TIMETABLE)
def timetable_week(request: HttpRequest) -> list[TimetableWeekOut]:
    return [_week_out(week) for week in selectors.resident_weeks(user=acting_user(request))]


# --- Staff -----------------------------------------------------------------------------------------------------


class SessionOut(Schema):
    id: int
    activity: str
    activity_code: str
    category: str
    date: date
    slot: str
    starts_at: datetime
    ends_at: datetime
    on_register: int
    recorded: int


@router.get("/timetable/sessions", response={200: list[SessionOut], **ERRORS}, summary="The sessions of a day")
@requires(RECORD_ATTENDANCE)
def timetable_sessions(request: HttpRequest, day: ApiDate | None = None, establishment: str = "") -> list[SessionOut]:
    user = acting_user(request)
    rows = selectors.sessions_on(
        user=user,
        establishment=establishment_named(request, user=user, code=establishment),
        day=day or timezone.localdate(),
    )
    return [
        SessionOut(
            id=row.session.pk,
            activity=row.session.activity.display_name,
            activity_code=row.session.activity.code,
            category=row.session.activity.category,
            date=row.session.date,
            slot=row.session.slot,
            starts_at=row.session.starts_at,
            ends_at=row.session.ends_at,
            on_register=row.on_register,
            recorded=row.recorded,
        )
        for row in rows
    ]


class RecordOut(Schema):
    prison_number: str
    name: str
    code: str = Field(description="The attendance code, or empty when nothing is recorded yet")
    paid: bool | None
    comment: str
    incentive_warning: bool
    version: int


def _record_out(person: Any, record: AttendanceRecord | None) -> RecordOut:
    return RecordOut(
        prison_number=person.prison_number,
        name=person.full_name,
        code=record.code if record else "",
        paid=record.paid if record else None,
        comment=record.comment if record else "",
        incentive_warning=record.incentive_warning if record else False,
        version=record.version if record else 0,
    )


def _session(request: HttpRequest, session_id: int, establishment: str) -> tuple[User, ActivitySession]:
    user = acting_user(request)
    place = establishment_named(request, user=user, code=establishment)
    return user, selectors.session_for_staff(user=user, establishment=place, session_id=session_id)


@router.get(
    "/timetable/sessions/{int:session_id}/register",
    response={200: list[RecordOut], **ERRORS},
    summary="A session's register: one row per person allocated",
)
@requires(RECORD_ATTENDANCE)
def timetable_register(request: HttpRequest, session_id: int, establishment: str = "") -> list[RecordOut]:
    _user, session = _session(request, session_id, establishment)
    return [_record_out(row.person, row.record) for row in selectors.register_rows(session=session)]


class AttendanceIn(Schema):
    prison_number: str
    code: str = Field(description="ATTENDED, REFUSED, SICK, NOT_REQUIRED, REST, CLASH, SUSPENDED, CANCELLED or OTHER")
    paid: bool | None = Field(default=None, description="Needed for SICK, REST and OTHER; set by rule otherwise")
    comment: str = Field(default="", description="Needed for REFUSED and OTHER")
    incentive_warning: bool = False
    change: bool = Field(default=False, description="True to change an outcome already recorded (audited)")


@router.post(
    "/timetable/sessions/{int:session_id}/attendance",
    response={200: RecordOut, 201: RecordOut, **WRITE_ERRORS},
    summary="Record one person's attendance (the same outcome twice stores it once)",
    auth=RECORD_FIRST,
)
@requires(RECORD_ATTENDANCE)
def timetable_attendance(
    request: HttpRequest, session_id: int, payload: AttendanceIn, establishment: str = ""
) -> Status[RecordOut]:
    user, session = _session(request, session_id, establishment)
    row = selectors.register_person(session=session, prison_number=payload.prison_number.strip().upper())
    outcome: dict[str, Any] = {
        "code": payload.code,
        "paid": payload.paid,
        "comment": payload.comment,
        "incentive_warning": payload.incentive_warning,
    }
    if payload.change:
        if row.record is None:
            raise InvalidInput("Nothing is recorded for this person yet.", code="nothing_to_change", field="change")
        record = services.attendance_change(by=user, record=row.record, **outcome)
        return Status(200, _record_out(row.person, record))
    recorded = services.attendance_record(by=user, session=session, person=row.person, **outcome)
    return Status(201 if recorded.created else 200, _record_out(row.person, recorded.record))


class AttendedIn(Schema):
    prison_numbers: list[str] | None = Field(
        default=None, description="Only these people; leave out to mark everyone not yet recorded"
    )


class AttendedOut(Schema):
    marked: int


@router.post(
    "/timetable/sessions/{int:session_id}/attended",
    response={200: AttendedOut, **WRITE_ERRORS},
    summary="Mark everyone not yet recorded (or the people listed) as attended",
    auth=RECORD_FIRST,
)
@requires(RECORD_ATTENDANCE)
def timetable_attended(
    request: HttpRequest, session_id: int, payload: AttendedIn, establishment: str = ""
) -> AttendedOut:
    user, session = _session(request, session_id, establishment)
    chosen: list[int] | None = None
    if payload.prison_numbers is not None:
        chosen = [
            selectors.register_person(session=session, prison_number=number.strip().upper()).person.pk
            for number in payload.prison_numbers
        ]
    return AttendedOut(marked=services.register_mark_attended(by=user, session=session, person_ids=chosen))


class HoursOut(Schema):
    prison_number: str
    name: str
    wing: str
    week_starts_on: date
    hours_attended: float
    hours_planned: float


@router.get(
    "/timetable/hours",
    response={200: list[HoursOut], **ERRORS},
    summary="Purposeful activity hours per person in a week (Monday to Sunday), fewest first",
)
@requires(VIEW_ACTIVITY_HOURS)
def timetable_hours(
    request: HttpRequest, week: ApiDate | None = None, wing: str = "", establishment: str = ""
) -> list[HoursOut]:
    user = acting_user(request)
    report = selectors.hours_report(
        user=user,
        establishment=establishment_named(request, user=user, code=establishment),
        week=week_start(week or timezone.localdate()),
        wing=wing,
    )
    return [
        HoursOut(
            prison_number=row.person.prison_number,
            name=row.person.full_name,
            wing=row.wing,
            week_starts_on=report.week,
            hours_attended=round(row.attended_minutes / 60, 2),
            hours_planned=round(row.planned_minutes / 60, 2),
        )
        for row in report.rows
    ]
