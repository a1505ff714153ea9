"""Helpers for AIM tests: a person's daily routine written as contract lines, and a flag on a person."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from throughgate.people.models import Person
from throughgate.welfare.models import Flag

LONDON = ZoneInfo("Europe/London")

# A steady routine: (kind, events per day, value).
ROUTINE = (
    ("kiosk.login", 3, 1),
    ("phone.call", 1, 10),
    ("meal.chosen", 2, 1),
    ("activity.attended", 1, 1),
)


def person_line(prison_number: str, **fields: Any) -> dict[str, Any]:
    record = {
        "record": "person",
        "prison_number": prison_number,
        "establishment": "MDI",
        "sex": "M",
        "date_of_birth": "1990-04-01",
        "ethnicity": "White",
        "nationality": "British",
        "first_language": "English",
        "disability": False,
        "arrival_date": "2025-09-01",
        "incentive_level": "Standard",
        "self_harm_history": False,
        "first_time_in_custody": False,
        "legal_status": "sentenced",
    }
    return record | fields


def event_line(prison_number: str, kind: str, day: date, hour: int = 10, value: float | None = None) -> dict[str, Any]:
    moment = datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)
    record: dict[str, Any] = {
        "record": "event",
        "prison_number": prison_number,
        "kind": kind,
        "occurred_at": moment.isoformat(),
    }
    if value is not None:
        record["value"] = value
    return record


def routine(
    prison_number: str, start: date, end: date, *, scale_from: date | None = None, scale: float = 1.0, seed: int = 0
) -> Iterable[dict[str, Any]]:
    """Every day from start to end (exclusive): the steady routine, with a visit every Saturday and a canteen order
    every Wednesday; from ``scale_from`` on, everything scaled by ``scale`` (a sustained drop)."""
    day = start
    index = seed
    while day < end:
        factor = scale if scale_from is not None and day >= scale_from else 1.0
        for kind, per_day, value in ROUTINE:
            index += 1
            # A little day-to-day variation, deterministic.
            count = per_day + (index % 3 == 0) - (index % 5 == 0)
            for k in range(round(max(count, 0) * factor)):
                yield event_line(prison_number, kind, day, hour=8 + k, value=value if value != 1 else None)
        if day.weekday() == 5 and factor >= 1.0:
            yield event_line(prison_number, "visit.attended", day, hour=14)
        if day.weekday() == 2:
            yield event_line(prison_number, "canteen.ordered", day, hour=9, value=round(20 * factor, 2))
        day += timedelta(days=1)


def write_lines(path: Path, records: Iterable[dict[str, Any] | str]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write((record if isinstance(record, str) else json.dumps(record)) + "\n")
    return path


def make_flag(person: Person, colour: str = "red", as_of: date | None = None, **fields: Any) -> Flag:
    return Flag.objects.create(
        person=person,
        establishment=person.establishment,
        wing=fields.pop("wing", "MDI-A"),
        as_of=as_of or date(2026, 3, 1),
        colour=colour,
        score=fields.pop("score", 12.5),
        reasons=fields.pop(
            "reasons",
            [
                {
                    "code": "change",
                    "indicator": "visits",
                    "window": 14,
                    "observed": 0,
                    "expected": 2,
                    "usual_per_day": 0.14,
                    "days_since": 21,
                },
                {
                    "code": "change",
                    "indicator": "canteen",
                    "window": 14,
                    "observed": 6,
                    "expected": 20,
                    "usual_per_day": 2.9,
                },
            ],
        ),
        indicators=fields.pop("indicators", {"kiosk": {"observed": 4, "expected": 40, "window": 14, "evidence": 5}}),
        **fields,
    )
