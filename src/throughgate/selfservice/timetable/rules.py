"""The rules of attendance: which outcomes are paid, which need a comment, and which become activity events.

Following the MoJ activities service: an acceptable absence that is not the person's doing (not required, a
cancelled session) is paid; refusing, a clash with another paid activity and a suspension are not; for sickness, a
rest day and "other" the member of staff decides. A refusal or an "other" absence (the unacceptable absences) needs a
comment, and only a refusal carries an incentive warning.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from throughgate.selfservice.events import ACTIVITY_ATTENDED_KIND, ACTIVITY_REFUSED_KIND
from throughgate.selfservice.timetable.models import AttendanceCode

# True: always paid; False: never paid; None: the member of staff chooses.
PAY_RULE: dict[str, bool | None] = {
    AttendanceCode.ATTENDED: True,
    AttendanceCode.NOT_REQUIRED: True,
    AttendanceCode.CANCELLED: True,
    AttendanceCode.REFUSED: False,
    AttendanceCode.CLASH: False,
    AttendanceCode.SUSPENDED: False,
    AttendanceCode.SICK: None,
    AttendanceCode.REST: None,
    AttendanceCode.OTHER: None,
}
COMMENT_REQUIRED: frozenset[str] = frozenset({AttendanceCode.REFUSED, AttendanceCode.OTHER})
INCENTIVE_WARNING_ALLOWED: frozenset[str] = frozenset({AttendanceCode.REFUSED})
# The outcomes AIM reads from the activity stream.
EVENT_KIND: dict[str, str] = {
    AttendanceCode.ATTENDED: ACTIVITY_ATTENDED_KIND,
    AttendanceCode.REFUSED: ACTIVITY_REFUSED_KIND,
}


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def week_start(day: date) -> date:
    """The Monday of the week ``day`` is in (weeks run Monday to Sunday, by local date)."""
    return day - timedelta(days=day.weekday())


def session_bounds(day: date, start: time, end: time) -> tuple[datetime, datetime, int]:
    """The instants a session on ``day`` starts and ends (local times), and its length in real minutes: across a
    clock change a session from 00:30 to 02:30 lasts one hour in March and three in October."""
    zone = local_zone()
    starts_at = datetime.combine(day, start, tzinfo=zone)
    ends_at = datetime.combine(day, end, tzinfo=zone)
    # Aware datetimes sharing a tzinfo subtract as wall-clock times; compare them in UTC for real elapsed time.
    elapsed = ends_at.astimezone(ZoneInfo("UTC")) - starts_at.astimezone(ZoneInfo("UTC"))
    return starts_at, ends_at, int(elapsed.total_seconds() // 60)
