"""Demo timetable: activities, weekly sessions and allocations in every establishment, with attendance records
derived from the demo's ``activity.attended`` / ``activity.refused`` events (no new events are written).

People whose events carry an ``AM``/``PM`` session work: each gets one job (chosen by seed and prison number), on
Monday to Friday mornings and afternoons. Everyone else goes to education, the gym, the library or the chapel: they
are allocated to the morning activity they went to most, and to the afternoon one they went to most (the events say
which, and at 09:00 or 14:00). Each event on a session of an activity the person is allocated to becomes an
attendance record (ATTENDED, or REFUSED with a comment). Sessions run from the first event to two weeks after today,
so a resident's week view has this week and next. Everything is written in bulk; running it again adds nothing.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min
from django.db.models.fields.json import KT
from django.test.utils import override_settings
from django.utils import timezone

from throughgate.core.models import ActivityEvent
from throughgate.identity.models import Establishment
from throughgate.people.models import Person
from throughgate.selfservice.events import ACTIVITY_ATTENDED_KIND, ACTIVITY_REFUSED_KIND
from throughgate.selfservice.timetable import services
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
from throughgate.selfservice.timetable.rules import local_zone

BATCH = 5000
WEEKDAYS = range(5)
# Jobs: code, name, Welsh name, where, Welsh where.
JOBS = (
    ("workshop", "Workshop", "Gweithdy", "Workshop 3", "Gweithdy 3"),
    ("kitchens", "Kitchens", "Ceginau", "Main kitchen", "Prif gegin"),
    ("wing-cleaner", "Wing cleaner", "Glanhawr yr adain", "Your wing", "Eich adain"),
    ("gardens", "Gardens", "Gerddi", "Gardens", "Gerddi"),
    ("laundry", "Laundry", "Golchdy", "Laundry", "Golchdy"),
)
# Other sessions, named as the demo's events name them.
SESSIONS = {
    "Education": (ActivityCategory.EDUCATION, "Addysg", "Education block", "Bloc addysg"),
    "Gym": (ActivityCategory.GYM, "Campfa", "Sports hall", "Neuadd chwaraeon"),
    "Library": (ActivityCategory.LIBRARY, "Llyfrgell", "Library", "Llyfrgell"),
    "Chapel": (ActivityCategory.FAITH, "Capel", "Multi-faith room", "Ystafell aml-ffydd"),
}
SLOT_NAMES: dict[str, tuple[str, str]] = {Slot.AM: ("morning", "bore"), Slot.PM: ("afternoon", "prynhawn")}
REFUSED_COMMENT = "Refused to go (recorded on the wing)"


def _slot_of(hour: int) -> str:
    return Slot.AM if hour < 12 else Slot.PM


def _job_for(seed: int, prison_number: str) -> str:
    digest = hashlib.sha256(f"job:{seed}:{prison_number}".encode()).digest()
    return JOBS[digest[0] % len(JOBS)][0]


def populate(*, seed: int) -> int:
    """Make the demo timetable for every establishment; return how many attendance records were made."""
    before = AttendanceRecord.objects.count()
    window = ActivityEvent.objects.filter(kind__in=(ACTIVITY_ATTENDED_KIND, ACTIVITY_REFUSED_KIND)).aggregate(
        first=Min("occurred_at"), last=Max("occurred_at")
    )
    today = timezone.localdate()
    first = timezone.localtime(window["first"]).date() if window["first"] else today - timedelta(days=89)
    last = today + timedelta(days=13)
    # Under DEBUG, Django keeps every SQL statement it runs; for a bulk load that is much of the time.
    with override_settings(DEBUG=False), transaction.atomic():
        for establishment in Establishment.objects.order_by("code"):
            _populate_establishment(establishment, seed=seed, first=first, last=last)
    return AttendanceRecord.objects.count() - before


def _events_by_person(numbers: list[str]) -> dict[str, list[tuple[str, date, str, str]]]:
    """Each person's attended/refused events as (kind, local date, slot, session name)."""
    zone = local_zone()
    found: dict[str, list[tuple[str, date, str, str]]] = defaultdict(list)
    rows = ActivityEvent.objects.filter(
        person__in=numbers, kind__in=(ACTIVITY_ATTENDED_KIND, ACTIVITY_REFUSED_KIND)
    ).values_list("person", "kind", "occurred_at", KT("payload__session"))
    for person, kind, occurred_at, session in rows.iterator(chunk_size=BATCH):
        local = occurred_at.astimezone(zone)
        name = str(session or "")
        slot = name if name in (Slot.AM, Slot.PM) else _slot_of(local.hour)
        found[person].append((kind, local.date(), slot, name))
    return found


def _populate_establishment(establishment: Establishment, *, seed: int, first: date, last: date) -> None:
    people = dict(Person.objects.filter(establishment=establishment).values_list("prison_number", "pk"))
    arrivals = dict(Person.objects.filter(establishment=establishment).values_list("pk", "arrival_date"))
    events = _events_by_person(list(people))
    workers = {number for number, found in events.items() if any(e[3] in (Slot.AM, Slot.PM) for e in found)}

    # Activities (made once: codes are unique per establishment).
    specs: list[Activity] = []
    job_sizes = Counter(_job_for(seed, number) for number in workers)
    for code, name, name_cy, where, where_cy in JOBS:
        specs.append(
            Activity(
                establishment=establishment,
                code=code,
                name=name,
                name_cy=name_cy,
                category=ActivityCategory.WORK,
                location=where,
                location_cy=where_cy,
                capacity=max(10, math.ceil(job_sizes[code] * 1.2)),
            )
        )
    for name, (category, name_cy, where, where_cy) in SESSIONS.items():
        for slot, (part, part_cy) in SLOT_NAMES.items():
            specs.append(
                Activity(
                    establishment=establishment,
                    code=f"{name.lower()}-{slot.lower()}",
                    name=f"{name} ({part})",
                    name_cy=f"{name_cy} ({part_cy})",
                    category=category,
                    location=where,
                    location_cy=where_cy,
                    capacity=max(20, len(people)),
                )
            )
    existing = set(Activity.objects.filter(establishment=establishment).values_list("code", flat=True))
    fresh = [spec for spec in specs if spec.code not in existing]
    Activity.objects.bulk_create(fresh, batch_size=BATCH)
    activities = {a.code: a for a in Activity.objects.filter(establishment=establishment)}

    # Weekly schedules of the new activities: jobs morning and afternoon, the others in their own slot.
    schedules: list[ActivitySchedule] = []
    for spec in fresh:
        made = activities[spec.code]
        slots: tuple[str, ...] = (Slot.AM, Slot.PM)
        if made.category != ActivityCategory.WORK:
            slots = (spec.code.rsplit("-", 1)[1].upper(),)
        for weekday in WEEKDAYS:
            for slot in slots:
                start, end = SLOT_TIMES[slot]
                schedules.append(
                    ActivitySchedule(
                        activity=made, weekday=weekday, slot=slot, start_time=start, end_time=end, starts_on=first
                    )
                )
    ActivitySchedule.objects.bulk_create(schedules, batch_size=BATCH)

    # Dated sessions over the demo period and the next two weeks, made as the daily command makes them.
    services.sessions_generate(
        start=first, end=last, schedules=list(ActivitySchedule.objects.filter(activity__establishment=establishment))
    )
    session_ids = {
        (activity_id, day, slot): pk
        for pk, activity_id, day, slot in ActivitySession.objects.filter(
            activity__establishment=establishment
        ).values_list("pk", "activity_id", "date", "slot")
    }

    # Allocations: a job for workers; the most visited morning and afternoon session for everyone else.
    allocations: list[Allocation] = []
    allocated: dict[str, dict[str, int]] = {}  # prison number -> slot -> activity id
    for number, pk in people.items():
        starts_on = max(first, arrivals.get(pk) or first)
        mine: dict[str, int] = {}
        if number in workers:
            job = activities[_job_for(seed, number)]
            mine = {Slot.AM: job.pk, Slot.PM: job.pk}
            allocations.append(Allocation(person_id=pk, activity=job, starts_on=starts_on))
        else:
            for slot in SLOT_NAMES:
                names = Counter(e[3] for e in events.get(number, ()) if e[2] == slot and e[3] in SESSIONS)
                if not names:
                    continue
                chosen = activities[f"{names.most_common(1)[0][0].lower()}-{slot.lower()}"]
                mine[slot] = chosen.pk
                allocations.append(Allocation(person_id=pk, activity=chosen, starts_on=starts_on))
        if mine:
            allocated[number] = mine
    Allocation.objects.bulk_create(allocations, batch_size=BATCH, ignore_conflicts=True)

    # Attendance records from the events on sessions of the person's own allocations.
    names_by_id = {a.pk: a.code.rsplit("-", 1)[0].title() for a in activities.values() if a.category != "WORK"}
    records: dict[tuple[int, int], tuple[Any, ...]] = {}
    zone = local_zone()
    for number, mine in allocated.items():
        pk = people[number]
        for kind, day, slot, name in events.get(number, ()):
            activity_id = mine.get(slot)
            if activity_id is None or (number not in workers and names_by_id.get(activity_id) != name):
                continue
            session_id = session_ids.get((activity_id, day, slot))
            if session_id is None or (session_id, pk) in records:
                continue
            refused = kind == ACTIVITY_REFUSED_KIND
            recorded_at = datetime.combine(day, time(12) if slot == Slot.AM else time(17), tzinfo=zone)
            records[(session_id, pk)] = (
                session_id,
                pk,
                AttendanceCode.REFUSED.value if refused else AttendanceCode.ATTENDED.value,
                not refused,
                REFUSED_COMMENT if refused else "",
                False,
                connection.ops.adapt_datetimefield_value(recorded_at),
                1,
            )
    stored = set(
        AttendanceRecord.objects.filter(session__activity__establishment=establishment).values_list(
            "session_id", "person_id"
        )
    )
    _insert_records([row for key, row in records.items() if key not in stored])


def _insert_records(rows: list[tuple[Any, ...]]) -> None:
    """Insert attendance rows with one prepared statement (the ORM's bulk_create is ten times slower here)."""
    if not rows:
        return
    table = connection.ops.quote_name(AttendanceRecord._meta.db_table)
    columns = "session_id, person_id, code, paid, comment, incentive_warning, recorded_at, version"
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def reset() -> dict[str, int]:
    """Delete every timetable row (records, allocations, sessions, schedules, activities), in the order their
    protected foreign keys need, so that a demo reset can then delete people and establishments."""
    counts: dict[str, int] = {}
    for label, model in (
        ("attendance records", AttendanceRecord),
        ("allocations", Allocation),
        ("activity sessions", ActivitySession),
        ("activity schedules", ActivitySchedule),
        ("activities", Activity),
    ):
        counts[label] = model.objects.all().delete()[0]
    return counts
