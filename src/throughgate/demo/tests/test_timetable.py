"""The demo timetable: built from the demo estate's attended/refused events, without writing any new event."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from throughgate.core.models import ActivityEvent
from throughgate.demo import estate as demo
from throughgate.demo import timetable as timetable_demo
from throughgate.selfservice.timetable.models import (
    Activity,
    ActivitySession,
    Allocation,
    AttendanceRecord,
)
from throughgate.selfservice.timetable.rules import local_zone

pytestmark = pytest.mark.django_db


def test_populate_derives_attendance_from_the_demo_events_once(settings: object) -> None:
    estate = demo.generate(demo.DemoOptions(prisons=2, people=80, days=21, seed=3))
    demo.save(estate)
    kinds = ("activity.attended", "activity.refused")
    events_before = ActivityEvent.objects.count()

    made = timetable_demo.populate(seed=3)

    assert ActivityEvent.objects.count() == events_before  # no new events
    assert made == AttendanceRecord.objects.count() > 0
    for code in ("MDI", "LEI"):
        assert Activity.objects.filter(establishment__code=code).count() == 13
        assert ActivitySession.objects.filter(activity__establishment__code=code).exists()
    # Sessions run two weeks past today, so the resident's week view has this week and next.
    assert ActivitySession.objects.filter(date__gte=timezone.localdate() + timedelta(days=7)).exists()
    # Every record is an event of that person on that day with the same outcome, on one of their allocations.
    zone = local_zone()
    events = Counter(
        (person, kind, occurred_at.astimezone(zone).date())
        for person, kind, occurred_at in ActivityEvent.objects.filter(kind__in=kinds).values_list(
            "person", "kind", "occurred_at"
        )
    )
    records = AttendanceRecord.objects.select_related("person", "session")
    for record in records:
        kind = "activity.attended" if record.code == "ATTENDED" else "activity.refused"
        assert events[(record.person.prison_number, kind, record.session.date)] >= 1
        assert record.paid is (record.code == "ATTENDED")
        assert Allocation.objects.filter(
            person=record.person, activity_id=record.session.activity_id, starts_on__lte=record.session.date
        ).exists()
    assert {r.code for r in records} <= {"ATTENDED", "REFUSED"}
    assert all(r.comment for r in records if r.code == "REFUSED")
    # Nobody is on two activities in one slot.
    slots = Counter(
        (allocation.person_id, slot)
        for allocation in Allocation.objects.select_related("activity")
        for slot in set(allocation.activity.schedules.values_list("slot", flat=True))
    )
    assert max(slots.values()) == 1
    # Running it again adds nothing.
    counts = (Activity.objects.count(), ActivitySession.objects.count(), Allocation.objects.count())
    assert timetable_demo.populate(seed=3) == 0
    assert (Activity.objects.count(), ActivitySession.objects.count(), Allocation.objects.count()) == counts
    removed = timetable_demo.reset()
    assert removed["attendance records"] == made
    assert not Activity.objects.exists()
