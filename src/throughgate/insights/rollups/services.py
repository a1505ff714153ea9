"""Making the daily figures from the activity stream.

Each event is placed in the establishment and wing of its person when its day is rolled up (events name people, not
places; people.selectors gives where each is held). A day is rolled up once, by the scheduled job the night after
(``roll_up_new_days``); a day rolled up again replaces its rows, so a run repeated after a failure, or
``throughgate insights rollup --from DATE`` after a late import, gives the same figures. ``rebuild`` makes them all
again from the first event."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Min, Sum
from django.utils import timezone

from throughgate.core import audit
from throughgate.core.models import ActivityEvent
from throughgate.insights.events import ROLLUP_REBUILT
from throughgate.insights.measures import KINDS
from throughgate.insights.rollups.models import DailyFigure, RolledDay
from throughgate.people.selectors import people_with_prison_numbers


@dataclass(frozen=True)
class RollupResult:
    days: int
    events: int
    rows: int

    def as_dict(self) -> dict[str, int]:
        return {"days": self.days, "events": self.events, "rows": self.rows}


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Midnight to midnight of a UK day, as aware times."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def wing_of(location_key: str) -> str:
    """The wing code of a location key (``MDI-A-1-001`` -> ``A``)."""
    parts = location_key.split("-")
    return parts[1] if len(parts) > 1 else ""


def roll_day(day: date) -> RollupResult:
    """Make (or make again) one day's figures."""
    start, end = day_bounds(day)
    grouped = list(
        ActivityEvent.objects.filter(kind__in=KINDS, occurred_at__gte=start, occurred_at__lt=end)
        .values_list("person", "kind")
        .annotate(events=Count("id"), total=Sum("value"))
        .order_by()
    )
    numbers = {number for number, *_rest in grouped}
    people = {person.prison_number: person for person in people_with_prison_numbers(prison_numbers=numbers)}
    cells: dict[tuple[int, str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    read = 0
    for number, kind, events, total in grouped:
        read += events
        person = people.get(number)
        if person is None or person.establishment_id is None:
            continue  # not held anywhere we know: not in any prison's figures
        wing = wing_of(person.location.key) if person.location is not None else ""
        cell = cells[(person.establishment_id, wing, kind)]
        cell[0] += events
        cell[1] += total or 0.0
    rows = [
        DailyFigure(day=day, establishment_id=place, wing=wing, kind=kind, events=int(n), total=total)
        for (place, wing, kind), (n, total) in cells.items()
    ]
    with transaction.atomic():
        DailyFigure.objects.filter(day=day).delete()
        DailyFigure.objects.bulk_create(rows, batch_size=2000)
        RolledDay.objects.update_or_create(day=day, defaults={"events": read, "rolled_at": timezone.now()})
    return RollupResult(days=1, events=read, rows=len(rows))


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def roll_days(first: date, last: date) -> RollupResult:
    days = events = rows = 0
    for day in _days(first, last):
        result = roll_day(day)
        days, events, rows = days + 1, events + result.events, rows + result.rows
    return RollupResult(days=days, events=events, rows=rows)


def first_event_day() -> date | None:
    first = ActivityEvent.objects.filter(kind__in=KINDS).aggregate(first=Min("occurred_at"))["first"]
    return timezone.localdate(first) if first is not None else None


def roll_up_new_days(*, today: date) -> RollupResult:
    """Roll up every finished day after the last one rolled up (from the first event if none is), up to yesterday."""
    yesterday = today - timedelta(days=1)
    last = RolledDay.objects.order_by("-day").values_list("day", flat=True).first()
    first = last + timedelta(days=1) if last is not None else first_event_day()
    if first is None or first > yesterday:
        return RollupResult(days=0, events=0, rows=0)
    return roll_days(first, yesterday)


def rebuild(*, today: date, actor: object | None = None) -> RollupResult:
    """Forget every figure and make them all again from the first event up to yesterday (audited)."""
    with transaction.atomic():
        DailyFigure.objects.all().delete()
        RolledDay.objects.all().delete()
    result = roll_up_new_days(today=today)
    audit.record(action=ROLLUP_REBUILT, actor=actor, detail=result.as_dict())
    return result
