"""Writes of the timetable: activities and their weekly sessions, allocations, and attendance registers.

Each use case checks permission and scope, changes state in one transaction, and writes its audit row (and, for an
attendance outcome AIM reads, its activity event). A person is never allocated to two activities whose sessions
overlap. Recording the same outcome twice changes nothing; changing a recorded outcome is its own, audited step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from throughgate.core import activity, audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition, LimitExceeded, NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people import selectors as people_selectors
from throughgate.people import services as people_services
from throughgate.people.models import Person
from throughgate.selfservice import events
from throughgate.selfservice.permissions import MANAGE_ACTIVITIES, RECORD_ATTENDANCE
from throughgate.selfservice.timetable.models import (
    SLOT_TIMES,
    Activity,
    ActivityCategory,
    ActivitySchedule,
    ActivitySession,
    Allocation,
    AttendanceCode,
    AttendanceRecord,
    Slot,
)
from throughgate.selfservice.timetable.rules import (
    COMMENT_REQUIRED,
    EVENT_KIND,
    INCENTIVE_WARNING_ALLOWED,
    PAY_RULE,
    session_bounds,
)

SOURCE = "selfservice"
HORIZON_DAYS = 28  # sessions are made this far ahead (the daily command keeps the horizon moving)
MAX_COMMENT = 1000
WEEKDAYS = range(7)


def _ensure_staff_in(user: User, permission: str, establishment: Establishment) -> None:
    """The user holds ``permission`` and acts in ``establishment`` (elsewhere looks like nothing there)."""
    ensure_can(user, permission)
    if not staff_may_act_in(user, establishment):
        raise NotVisible(_("Not found"))


# --- Activities and weekly sessions ----------------------------------------------------------------------------


@transaction.atomic
def activity_create(
    *,
    by: User,
    establishment: Establishment,
    code: str,
    name: str,
    category: str,
    location: str,
    capacity: int,
    name_cy: str = "",
    location_cy: str = "",
) -> Activity:
    """Set up an activity in an establishment."""
    _ensure_staff_in(by, MANAGE_ACTIVITIES, establishment)
    if category not in ActivityCategory.values:
        raise InvalidInput(_("Choose a kind of activity."), code="category_invalid", field="category")
    if capacity < 1:
        raise InvalidInput(_("Enter how many people can take part, 1 or more."), code="capacity", field="capacity")
    if Activity.objects.filter(establishment=establishment, code=code).exists():
        raise InvalidInput(_("There is already an activity with that code."), code="code_taken", field="code")
    made = Activity.objects.create(
        establishment=establishment,
        code=code,
        name=name.strip(),
        name_cy=name_cy.strip(),
        category=category,
        location=location.strip(),
        location_cy=location_cy.strip(),
        capacity=capacity,
    )
    audit.record(action=events.ACTIVITY_CREATED, actor=by, obj=made, detail={"code": code, "category": category})
    return made


def slot_times(slot: str, start: time | None, end: time | None) -> tuple[time, time]:
    """A slot's usual times, unless explicit times are given (which an "other time" slot needs)."""
    if start is None and end is None and slot in SLOT_TIMES:
        return SLOT_TIMES[slot]
    if start is None or end is None:
        raise InvalidInput(_("Enter a start and an end time."), code="times_required", field="start_time")
    if end <= start:
        raise InvalidInput(_("The end time must be after the start time."), code="times_order", field="end_time")
    return start, end


@transaction.atomic
def schedule_add(
    *,
    by: User,
    activity: Activity,
    weekday: int,
    slot: str,
    starts_on: date,
    ends_on: date | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
) -> ActivitySchedule:
    """Add a weekly session to an activity and make its dated sessions up to the horizon. Refused if it would put
    someone already allocated to the activity in two places at once."""
    _ensure_staff_in(by, MANAGE_ACTIVITIES, activity.establishment)
    if weekday not in WEEKDAYS:
        raise InvalidInput(_("Choose a day of the week."), code="weekday_invalid", field="weekday")
    if slot not in Slot.values:
        raise InvalidInput(_("Choose a time of day."), code="slot_invalid", field="slot")
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(_("The last date must be on or after the first."), code="dates_order", field="ends_on")
    start, end = slot_times(slot, start_time, end_time)
    schedule = ActivitySchedule(
        activity=activity,
        weekday=weekday,
        slot=slot,
        start_time=start,
        end_time=end,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    # Lock the people allocated to the activity (PostgreSQL), so no allocation slips in beside this check.
    allocations = list(
        Allocation.objects.select_related("person")
        .filter(activity=activity)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    )
    people_services.people_lock(ids=[a.person_id for a in allocations])
    for allocation in allocations:
        clash = _clash(
            person=allocation.person,
            schedules=[schedule],
            starts_on=allocation.starts_on,
            ends_on=allocation.ends_on,
            exclude_activity=activity,
        )
        if clash:
            raise LimitExceeded(
                _("%(name)s (%(number)s) would then have two activities at once: %(clash)s.")
                % {"name": allocation.person.full_name, "number": allocation.person.prison_number, "clash": clash},
                code="allocation_overlap",
            )
    schedule.save()
    today = timezone.localdate()
    sessions_generate(start=max(today, starts_on), end=today + timedelta(days=HORIZON_DAYS), schedules=[schedule])
    audit.record(
        action=events.SCHEDULE_ADDED,
        actor=by,
        obj=schedule,
        detail={"activity": activity.code, "weekday": weekday, "slot": slot, "start": f"{start:%H:%M}"},
    )
    return schedule


def sessions_generate(
    *,
    start: date,
    end: date,
    schedules: list[ActivitySchedule] | None = None,
    establishment: Establishment | None = None,
) -> int:
    """Make the dated sessions of weekly schedules from ``start`` to ``end`` (both included). Sessions already made
    are left alone, so running it again (the daily command does) adds only what is missing. Returns how many."""
    if schedules is None:
        found = ActivitySchedule.objects.filter(activity__active=True, starts_on__lte=end).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=start)
        )
        if establishment is not None:
            found = found.filter(activity__establishment=establishment)
        schedules = list(found)
    fresh: list[ActivitySession] = []
    for schedule in schedules:
        first = max(start, schedule.starts_on)
        last = min(end, schedule.ends_on) if schedule.ends_on else end
        day = first + timedelta(days=(schedule.weekday - first.weekday()) % 7)
        while day <= last:
            starts_at, ends_at, minutes = session_bounds(day, schedule.start_time, schedule.end_time)
            fresh.append(
                ActivitySession(
                    activity_id=schedule.activity_id,
                    schedule=schedule,
                    date=day,
                    slot=schedule.slot,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    minutes=minutes,
                )
            )
            day += timedelta(days=7)
    if not fresh:
        return 0
    before = ActivitySession.objects.filter(schedule__in=schedules, date__gte=start, date__lte=end).count()
    ActivitySession.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=2000)
    after = ActivitySession.objects.filter(schedule__in=schedules, date__gte=start, date__lte=end).count()
    return after - before


# --- Allocations ------------------------------------------------------------------------------------------------


def _has_weekday(first: date, last: date | None, weekday: int) -> bool:
    """Whether the dates from ``first`` to ``last`` (open-ended: None) include that day of the week."""
    if last is None or (last - first).days >= 6:
        return True
    return any((first + timedelta(days=n)).weekday() == weekday for n in range((last - first).days + 1))


def _latest_start(*days: date) -> date:
    return max(days)


def _earliest_end(*days: date | None) -> date | None:
    known = [day for day in days if day is not None]
    return min(known) if known else None


def _clash(
    *,
    person: Person,
    schedules: list[ActivitySchedule],
    starts_on: date,
    ends_on: date | None,
    exclude_activity: Activity | None = None,
    exclude_allocation: Allocation | None = None,
) -> str:
    """A description of the first clash between ``schedules`` (for a person allocated from ``starts_on`` to
    ``ends_on``) and the weekly sessions of the person's other allocations, or "" when there is none."""
    others = Allocation.objects.filter(person=person).select_related("activity")
    others = others.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on is not None:
        others = others.filter(starts_on__lte=ends_on)
    if exclude_activity is not None:
        others = others.exclude(activity=exclude_activity)
    if exclude_allocation is not None:
        others = others.exclude(pk=exclude_allocation.pk)
    for other in others:
        for theirs in other.activity.schedules.all():
            for mine in schedules:
                if mine.weekday != theirs.weekday:
                    continue
                if not (mine.start_time < theirs.end_time and theirs.start_time < mine.end_time):
                    continue
                first = _latest_start(starts_on, mine.starts_on, other.starts_on, theirs.starts_on)
                last = _earliest_end(ends_on, mine.ends_on, other.ends_on, theirs.ends_on)
                if last is not None and last < first:
                    continue
                if _has_weekday(first, last, mine.weekday):
                    return _("%(activity)s on %(day)s at %(time)s") % {
                        "activity": other.activity.display_name,
                        "day": WEEKDAY_NAMES[mine.weekday],
                        "time": f"{theirs.start_time:%H:%M}",
                    }
    return ""


WEEKDAY_NAMES = {
    0: gettext_lazy("Monday"),
    1: gettext_lazy("Tuesday"),
    2: gettext_lazy("Wednesday"),
    3: gettext_lazy("Thursday"),
    4: gettext_lazy("Friday"),
    5: gettext_lazy("Saturday"),
    6: gettext_lazy("Sunday"),
}


@transaction.atomic
def allocate(
    *, by: User, person: Person, activity: Activity, starts_on: date, ends_on: date | None = None
) -> Allocation:
    """Allocate a person to an activity. Refused when the activity is full, when the person is already on it for
    those dates, or when any of its weekly sessions overlaps a session of another activity the person is on."""
    _ensure_staff_in(by, MANAGE_ACTIVITIES, activity.establishment)
    # One writer per person at a time (a row lock on PostgreSQL): two allocations cannot both pass the check.
    person = people_services.person_lock(person=person)
    if person.establishment_id != activity.establishment_id:
        raise NotVisible(_("No person with that prison number was found"))
    if not activity.active:
        raise InvalidInput(_("This activity has stopped."), code="activity_inactive", field="activity")
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(_("The last date must be on or after the first."), code="dates_order", field="ends_on")
    overlapping = Allocation.objects.filter(activity=activity).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    )
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    if overlapping.filter(person=person).exists():
        raise LimitExceeded(
            _("%(name)s is already on %(activity)s for those dates.")
            % {"name": person.full_name, "activity": activity.display_name},
            code="already_allocated",
        )
    if overlapping.count() >= activity.capacity:
        raise LimitExceeded(
            _("%(activity)s is full: %(count)s people are on it.")
            % {"activity": activity.display_name, "count": activity.capacity},
            code="activity_full",
        )
    clash = _clash(person=person, schedules=list(activity.schedules.all()), starts_on=starts_on, ends_on=ends_on)
    if clash:
        raise LimitExceeded(
            _("%(name)s is already busy at that time: %(clash)s.") % {"name": person.full_name, "clash": clash},
            code="allocation_overlap",
        )
    allocation = Allocation.objects.create(
        person=person, activity=activity, starts_on=starts_on, ends_on=ends_on, allocated_by=by
    )
    audit.record(
        action=events.PERSON_ALLOCATED,
        actor=by,
        subject=person.prison_number,
        obj=allocation,
        detail={
            "activity": activity.code,
            "from": starts_on.isoformat(),
            "to": ends_on.isoformat() if ends_on else None,
        },
    )
    return allocation


@transaction.atomic
def allocation_end(*, by: User, allocation: Allocation, ends_on: date, reason: str) -> Allocation:
    """End an allocation on a date (the person is on the registers up to and including that day)."""
    allocation = Allocation.objects.select_for_update().select_related("activity", "person").get(pk=allocation.pk)
    _ensure_staff_in(by, MANAGE_ACTIVITIES, allocation.activity.establishment)
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(_("Say why the allocation ends."), code="required", field="reason")
    if ends_on < allocation.starts_on:
        raise InvalidInput(
            _("The last day cannot be before the first day, %(date)s.") % {"date": f"{allocation.starts_on:%d/%m/%Y}"},
            code="dates_order",
            field="ends_on",
        )
    if allocation.ends_on is not None and allocation.ends_on <= ends_on:
        raise InvalidTransition(_("This allocation already ends by then."), code="allocation_ended")
    allocation.ends_on = ends_on
    allocation.ended_by = by
    allocation.end_reason = text[:200]
    allocation.save(update_fields=["ends_on", "ended_by", "end_reason"])
    audit.record(
        action=events.ALLOCATION_ENDED,
        actor=by,
        subject=allocation.person.prison_number,
        obj=allocation,
        detail={"activity": allocation.activity.code, "ends_on": ends_on.isoformat()},
    )
    return allocation


# --- Attendance ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    code: str
    paid: bool
    comment: str
    incentive_warning: bool


def clean_outcome(*, code: str, paid: bool | None, comment: str, incentive_warning: bool = False) -> Outcome:
    """Check an outcome against the rules (codes, pay, comments); raise InvalidInput naming the field."""
    if code not in AttendanceCode.values:
        raise InvalidInput(_("Choose what happened."), code="code_invalid", field="code")
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise InvalidInput(_("Use 1000 characters or fewer."), code="too_long", field="comment")
    if code in COMMENT_REQUIRED and not text:
        raise InvalidInput(
            _("Add a comment: say what happened (needed for %(outcome)s).")
            % {"outcome": str(AttendanceCode(code).label).lower()},
            code="comment_required",
            field="comment",
        )
    rule = PAY_RULE[code]
    if rule is None:
        if paid is None:
            raise InvalidInput(_("Choose whether the person is paid."), code="pay_required", field="paid")
        decided = paid
    else:
        decided = rule
    warning = bool(incentive_warning) and code in INCENTIVE_WARNING_ALLOWED
    return Outcome(code=code, paid=decided, comment=text, incentive_warning=warning)


@dataclass(frozen=True)
class Recorded:
    record: AttendanceRecord
    created: bool  # False: the same outcome was already recorded, nothing changed


def _on_register(session: ActivitySession, person: Person) -> bool:
    return (
        Allocation.objects.filter(person=person, activity_id=session.activity_id, starts_on__lte=session.date)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=session.date))
        .exists()
    )


def _check_session(by: User, session: ActivitySession) -> ActivitySession:
    session = ActivitySession.objects.select_related("activity", "activity__establishment").get(pk=session.pk)
    _ensure_staff_in(by, RECORD_ATTENDANCE, session.activity.establishment)
    if session.date > timezone.localdate():
        raise InvalidTransition(
            _("This session is on %(date)s. You can take the register on the day.")
            % {"date": f"{session.date:%d/%m/%Y}"},
            code="session_in_future",
        )
    return session


def _emit(record: AttendanceRecord, session: ActivitySession, person: Person) -> None:
    kind = EVENT_KIND.get(record.code)
    if kind is None:
        return
    activity.emit(
        person=person.prison_number,
        kind=kind,
        occurred_at=session.starts_at,
        source=SOURCE,
        idempotency_key=f"attendance:{record.pk}:{record.version}",
        payload={
            "session": session.slot,
            "activity": session.activity.code,
            "category": session.activity.category,
            "date": session.date.isoformat(),
        },
    )


def _store(*, by: User, session: ActivitySession, person: Person, outcome: Outcome) -> Recorded:
    existing = AttendanceRecord.objects.filter(session=session, person=person).first()
    if existing is not None:
        return _same_or_refuse(existing, outcome)
    try:
        with transaction.atomic():
            record = AttendanceRecord.objects.create(
                session=session,
                person=person,
                code=outcome.code,
                paid=outcome.paid,
                comment=outcome.comment,
                incentive_warning=outcome.incentive_warning,
                recorded_by=by,
            )
    except IntegrityError:
        # Another register taker recorded this person a moment ago.
        return _same_or_refuse(AttendanceRecord.objects.get(session=session, person=person), outcome)
    audit.record(
        action=events.ATTENDANCE_RECORDED,
        actor=by,
        subject=person.prison_number,
        obj=record,
        detail={"session": session.pk, "activity": session.activity.code, "code": outcome.code, "paid": outcome.paid},
    )
    _emit(record, session, person)
    return Recorded(record, created=True)


def _same_or_refuse(existing: AttendanceRecord, outcome: Outcome) -> Recorded:
    if existing.code == outcome.code:
        return Recorded(existing, created=False)
    raise InvalidTransition(
        _("This person is already recorded as %(outcome)s. Use Change to record something else.")
        % {"outcome": str(AttendanceCode(existing.code).label).lower()},
        code="attendance_recorded",
    )


@transaction.atomic
def attendance_record(
    *,
    by: User,
    session: ActivitySession,
    person: Person,
    code: str,
    paid: bool | None = None,
    comment: str = "",
    incentive_warning: bool = False,
) -> Recorded:
    """Record one person's outcome for a session. The same outcome again returns the first record unchanged; a
    different one is refused (use ``attendance_change``)."""
    session = _check_session(by, session)
    if not _on_register(session, person):
        raise NotVisible(_("This person is not on this register."))
    outcome = clean_outcome(code=code, paid=paid, comment=comment, incentive_warning=incentive_warning)
    return _store(by=by, session=session, person=person, outcome=outcome)


@transaction.atomic
def register_mark_attended(*, by: User, session: ActivitySession, person_ids: list[int] | None = None) -> int:
    """Mark everyone on the register not yet recorded (or only the people chosen) as attended. Returns how many
    records were made; people already recorded keep their record."""
    session = _check_session(by, session)
    on_register = (
        Allocation.objects.filter(activity_id=session.activity_id, starts_on__lte=session.date)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=session.date))
        .values_list("person_id", flat=True)
    )
    wanted = set(on_register)
    if person_ids is not None:
        chosen = set(person_ids)
        if not chosen <= wanted:
            raise NotVisible(_("This person is not on this register."))
        wanted = chosen
    recorded = set(AttendanceRecord.objects.filter(session=session).values_list("person_id", flat=True))
    outcome = clean_outcome(code=AttendanceCode.ATTENDED, paid=True, comment="")
    made = 0
    for person in people_selectors.people_with_pks(ids=wanted - recorded).order_by("pk"):
        if _store(by=by, session=session, person=person, outcome=outcome).created:
            made += 1
    return made


@transaction.atomic
def attendance_change(
    *,
    by: User,
    record: AttendanceRecord,
    code: str,
    paid: bool | None = None,
    comment: str = "",
    incentive_warning: bool = False,
) -> AttendanceRecord:
    """Change a recorded outcome: explicit, audited with the old and new outcome, and counted in ``version``. A new
    attended or refused outcome is added to the activity stream (which keeps the old one: it is append-only)."""
    record = AttendanceRecord.objects.select_for_update().select_related("session", "person").get(pk=record.pk)
    session = _check_session(by, record.session)
    outcome = clean_outcome(code=code, paid=paid, comment=comment, incentive_warning=incentive_warning)
    before = {"code": record.code, "paid": record.paid, "comment": record.comment}
    if (record.code, record.paid, record.comment, record.incentive_warning) == (
        outcome.code,
        outcome.paid,
        outcome.comment,
        outcome.incentive_warning,
    ):
        return record
    record.code = outcome.code
    record.paid = outcome.paid
    record.comment = outcome.comment
    record.incentive_warning = outcome.incentive_warning
    record.recorded_by = by
    record.recorded_at = timezone.now()
    record.version += 1
    record.save(update_fields=["code", "paid", "comment", "incentive_warning", "recorded_by", "recorded_at", "version"])
    audit.record(
        action=events.ATTENDANCE_CHANGED,
        actor=by,
        subject=record.person.prison_number,
        obj=record,
        detail={
            "session": session.pk,
            "from": before,
            "to": {"code": outcome.code, "paid": outcome.paid, "comment": outcome.comment},
            "version": record.version,
        },
    )
    if before["code"] != outcome.code:
        _emit(record, session, record.person)
    return record
