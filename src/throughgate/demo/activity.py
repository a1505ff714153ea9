"""Each demo person's days of activity, from their own seeded generator (``iter_events``, ``person_events``)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from throughgate.core import activity
from throughgate.demo.population import (
    APP_TYPES,
    SESSIONS,
)
from throughgate.demo.records import (
    LEVEL_INDEX,
    DemoEstate,
    DemoOptions,
    EstablishmentSpec,
    EventSpec,
    PersonSpec,
    local_time,
    poisson,
)
from throughgate.identity import events as identity_events
from throughgate.people import events as people_events
from throughgate.selfservice.events import (
    ACTIVITY_ATTENDED_KIND,
    ACTIVITY_REFUSED_KIND,
    APP_RESPONDED_KIND,
    APP_SUBMITTED_KIND,
    CANTEEN_ORDERED_KIND,
    COMPLAINT_SUBMITTED_KIND,
    MEAL_CHOSEN_KIND,
    MONEY_RECEIVED_KIND,
)

# --- activity ------------------------------------------------------------------------------------------------------

SELF_REPORTED = frozenset(
    {
        identity_events.KIOSK_LOGIN,
        activity.PHONE_CALL,
        CANTEEN_ORDERED_KIND,
        MEAL_CHOSEN_KIND,
        APP_SUBMITTED_KIND,
        COMPLAINT_SUBMITTED_KIND,
        MONEY_RECEIVED_KIND,
    }
)


def iter_events(estate: DemoEstate) -> Iterator[list[EventSpec]]:
    """Each person's events, one list per person, oldest first. Each person has their own seeded generator, so one
    person's events do not depend on anyone else's."""
    places = {place.code: place for place in estate.establishments}
    for person in estate.people:
        yield person_events(person, places[str(person.establishment)], estate.options)


def person_events(person: PersonSpec, place: EstablishmentSpec, options: DemoOptions) -> list[EventSpec]:
    rng = random.Random(f"events:{options.seed}:{person.prison_number}")  # noqa: S311
    habits = person.habits
    events: list[EventSpec] = []
    pn = person.prison_number

    def add(kind: str, when: datetime, value: float = 1.0, payload: dict[str, Any] | None = None) -> None:
        delay = rng.uniform(1, 120) if kind in SELF_REPORTED else rng.uniform(300, 6 * 3600)
        events.append(EventSpec(pn, kind, when, value, payload or {}, when + timedelta(seconds=delay)))

    first_day = max(options.start_date, person.arrival_date + timedelta(days=1))
    days = [first_day + timedelta(days=n) for n in range((options.end_date - first_day).days + 1)]
    if options.start_date <= person.arrival_date <= options.end_date:
        add(people_events.ARRIVED, person.arrived_at, 1.0, {"establishment": place.code})

    # Disciplinary charges, and the segregation some of them lead to, come first: they shape the days after.
    adjudication_days = {day for day in days if rng.random() < habits.adjudications}
    segregated: set[date] = set()
    for day in sorted(adjudication_days):
        if rng.random() < 0.15:
            for n in range(1, rng.randint(3, 10)):
                segregated.add(day + timedelta(days=n))
    incidents_by_day: dict[date, list[datetime]] = {}
    for when in person.incidents:
        incidents_by_day.setdefault(when.date(), []).append(when)
    first_incident = person.incidents[0].date() if person.incidents else None

    for day in days:
        weekday = day.weekday()
        weekend = weekday >= 5
        factor = 1.0
        if person.change_start and person.change_end and person.change_start <= day < person.change_end:
            # Sustained drop; deepens as the change goes on.
            progress = (day - person.change_start).days / max(1, (person.change_end - person.change_start).days)
            factor = 0.45 - 0.3 * progress
        elif first_incident and first_incident <= day < first_incident + timedelta(days=10):
            factor = 0.6
        in_seg = day in segregated
        if day in segregated and (day - timedelta(days=1)) not in segregated:
            add(people_events.SEGREGATION_STARTED, local_time(day, rng.uniform(9, 16)))

        # Kiosk sign-ins: fewer at weekends, none in segregation.
        if not in_seg:
            for _ in range(poisson(rng, habits.kiosk * factor * (0.8 if weekend else 1.05))):
                add(identity_events.KIOSK_LOGIN, local_time(day, rng.uniform(7.5, 20.5)))
        # PIN-phone calls, mostly in the evening association.
        for _ in range(poisson(rng, habits.phone * factor * (0.3 if in_seg else 1.0))):
            hour = rng.uniform(17, 19.5) if rng.random() < 0.6 else rng.uniform(8, 17)
            minutes = max(1, round(rng.expovariate(1 / habits.phone_minutes)))
            add(activity.PHONE_CALL, local_time(day, hour), float(min(minutes, 30)))
        # Social visits: weekend afternoons (and a Wednesday session).
        if weekend or weekday == 2:
            chance = habits.visits_per_week * (0.45 if weekend else 0.1)
            if rng.random() < chance:
                when = local_time(day, rng.choice((14.0, 14.5, 15.0)))
                cancel = habits.visit_cancel if factor >= 1 else min(0.9, habits.visit_cancel + (1 - factor))
                add(activity.VISIT_CANCELLED if rng.random() < cancel else activity.VISIT_ATTENDED, when)
        # Canteen: once a week, on the prison's canteen day.
        if weekday == place.canteen_weekday and rng.random() < habits.canteen * min(1.0, factor + 0.2):
            spend = round(max(1.0, rng.gauss(habits.canteen_spend, habits.canteen_spend * 0.25)), 2)
            add(CANTEEN_ORDERED_KIND, local_time(day, rng.uniform(9, 20)), spend)
        # Next week's meals, on the menu day.
        if weekday == place.menu_weekday and rng.random() < habits.meals * min(1.0, factor + 0.1):
            add(MEAL_CHOSEN_KIND, local_time(day, rng.uniform(9, 20)))
        # Work on weekdays (morning and afternoon sessions), other sessions for people without a job.
        if not in_seg and not weekend:
            if habits.works:
                for session, hour in (("AM", 8.75), ("PM", 13.75)):
                    if rng.random() < habits.attend * factor:
                        add(ACTIVITY_ATTENDED_KIND, local_time(day, hour), 1.0, {"session": session})
                    elif rng.random() < (habits.refuse if factor >= 1 else 0.6):
                        add(ACTIVITY_REFUSED_KIND, local_time(day, hour), 1.0, {"session": session})
            elif rng.random() < habits.sessions_per_week / 5 * factor:
                session = rng.choice(SESSIONS)
                if rng.random() < 0.9 * factor + 0.05:
                    add(
                        ACTIVITY_ATTENDED_KIND,
                        local_time(day, rng.choice((9.0, 14.0))),
                        1.0,
                        {"session": session},
                    )
                else:
                    add(
                        ACTIVITY_REFUSED_KIND,
                        local_time(day, rng.choice((9.0, 14.0))),
                        1.0,
                        {"session": session},
                    )
        # Money: wages on Fridays for people who work, and money from family now and then.
        if weekday == 4 and habits.works:
            add(MONEY_RECEIVED_KIND, local_time(day, 10.0), round(habits.wage * rng.uniform(0.7, 1.0), 2))
        if rng.random() < habits.family_money_per_month / 30:
            add(
                MONEY_RECEIVED_KIND,
                local_time(day, rng.uniform(9, 16)),
                float(rng.choice((10, 20, 25, 30, 50, 100))),
            )
        # Apps (requests to staff), answered a few days later; complaints now and then.
        if rng.random() < habits.apps * (0.6 if habits.digitally_excluded else 1.0) * max(factor, 0.5):
            app_type = rng.choice(APP_TYPES)
            when = local_time(day, rng.uniform(8, 20))
            add(APP_SUBMITTED_KIND, when, 1.0, {"type": app_type})
            answered = when + timedelta(days=rng.randint(1, 7), hours=rng.uniform(0, 4))
            if answered.date() <= options.end_date and rng.random() < 0.9:
                add(APP_RESPONDED_KIND, answered, 1.0, {"type": app_type})
        if rng.random() < habits.complaints:
            add(COMPLAINT_SUBMITTED_KIND, local_time(day, rng.uniform(8, 20)), 1.0, {"stage": "COMP1"})
        if day in adjudication_days:
            add(people_events.ADJUDICATION_PROVEN, local_time(day, rng.uniform(10, 16)))
        for when in incidents_by_day.get(day, ()):
            add(people_events.SELF_HARM_INCIDENT, when)

    for move in person.moves:
        if options.start_date <= move.at.date() <= options.end_date:
            add(people_events.CELL_MOVED, move.at, 1.0, {"from": move.from_cell, "to": move.to_cell})
    if person.incentive_change:
        day, old, new = person.incentive_change
        add(
            people_events.INCENTIVE_CHANGED,
            local_time(day, rng.uniform(10, 16)),
            float(LEVEL_INDEX[new]),
            {"from": old},
        )
    events.sort(key=lambda event: (event.occurred_at, event.kind))
    return events
