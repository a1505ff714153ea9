"""Test helpers for the timetable: activities with weekly sessions and allocations, made through the services."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from tests.factories import make_staff
from throughgate.identity.models import Establishment, User
from throughgate.people.models import Person
from throughgate.selfservice.timetable import services
from throughgate.selfservice.timetable.models import Activity, ActivitySession, Allocation

MONDAY = date(2026, 3, 2)  # a Monday


def activities_staff(establishment: Establishment) -> User:
    return make_staff("education", [establishment])


def activity(
    establishment: Establishment,
    code: str = "workshop",
    category: str = "WORK",
    *,
    by: User | None = None,
    capacity: int = 20,
    name: str = "",
) -> Activity:
    return services.activity_create(
        by=by or activities_staff(establishment),
        establishment=establishment,
        code=code,
        name=name or code.replace("-", " ").title(),
        category=category,
        location="Workshop 3",
        capacity=capacity,
    )


def weekly(
    act: Activity,
    weekday: int = 0,
    slot: str = "AM",
    *,
    starts_on: date = MONDAY,
    ends_on: date | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
    by: User | None = None,
) -> Any:
    return services.schedule_add(
        by=by or activities_staff(act.establishment),
        activity=act,
        weekday=weekday,
        slot=slot,
        starts_on=starts_on,
        ends_on=ends_on,
        start_time=start_time,
        end_time=end_time,
    )


def allocate(person: Person, act: Activity, starts_on: date = MONDAY, ends_on: date | None = None) -> Allocation:
    return services.allocate(
        by=activities_staff(act.establishment), person=person, activity=act, starts_on=starts_on, ends_on=ends_on
    )


def sessions_between(act: Activity, first: date, last: date) -> None:
    services.sessions_generate(start=first, end=last, schedules=list(act.schedules.all()))


def session_on(act: Activity, day: date) -> ActivitySession:
    sessions_between(act, day - timedelta(days=7), day + timedelta(days=7))
    return ActivitySession.objects.get(activity=act, date=day)
