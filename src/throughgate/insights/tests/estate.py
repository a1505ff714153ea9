"""A small estate for the insights tests: two prisons with two wings each, people in cells, and a few weeks of
activity events of every measured kind, spread with a fixed random seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tests.factories import EstablishmentFactory, PersonFactory, cell_in
from throughgate.core import activity
from throughgate.identity.models import Establishment
from throughgate.insights.measures import KINDS
from throughgate.people.models import Person

TODAY = date(2026, 3, 30)  # a Monday: the weeks before it are whole


@dataclass
class SmallEstate:
    first: Establishment
    second: Establishment
    people: list[Person]
    events: int


def build(*, weeks: int = 3, seed: int = 7, per_day: int = 14) -> SmallEstate:
    rng = random.Random(seed)
    first = EstablishmentFactory(code="ZIA", name="HMP Insight A")
    second = EstablishmentFactory(code="ZIB", name="HMP Insight B")
    people = []
    for place in (first, second):
        for i in range(6):
            wing = "A" if i % 2 else "B"
            people.append(PersonFactory(establishment=place, location=cell_in(place, wing=wing, cell=f"00{i}")))
    people.append(PersonFactory(establishment=first, location=None))  # held, no cell yet
    zone = timezone.get_current_timezone()
    count = 0
    for offset in range(1, 7 * weeks + 1):
        day = TODAY - timedelta(days=offset)
        for n in range(rng.randint(per_day // 2, per_day)):
            person = rng.choice(people)
            kind = rng.choice(KINDS)
            at = datetime.combine(day, time(rng.randint(0, 23), rng.randint(0, 59)), tzinfo=zone)
            value = round(rng.uniform(1, 20), 2) if kind in {"canteen.ordered", "phone.call"} else rng.randint(1, 9)
            if kind not in {"canteen.ordered", "phone.call", "internet.allowed", "internet.denied"}:
                value = 1
            activity.emit(
                person=person.prison_number,
                kind=kind,
                occurred_at=at,
                source="test",
                idempotency_key=f"insights-test:{day}:{n}",
                value=value,
            )
            count += 1
    # Events that no figure counts: a kind no measure reads, and a person we hold no record of.
    at = datetime.combine(TODAY - timedelta(days=2), time(12), tzinfo=zone)
    for key, (number, kind) in enumerate([(people[0].prison_number, "cell.moved"), ("Z9999ZZ", "app.submitted")]):
        activity.emit(person=number, kind=kind, occurred_at=at, source="test", idempotency_key=f"insights-test:x{key}")
    return SmallEstate(first, second, people, count)
