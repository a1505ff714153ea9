"""The demo estate's options and records (plain data, so two runs can be compared without a database), its
constants and the small random helpers the generators share. See ``throughgate.demo.estate``."""

from __future__ import annotations

import hashlib
import hmac
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.utils import timezone

from throughgate.people.models import (
    IncentiveLevel,
)

LONDON = ZoneInfo("Europe/London")
SOURCE = "demo"
DEMO_PIN = "1234"
DEMO_PASSWORD = "demo-password-1"  # noqa: S105 (a demo password, printed for the demo)
EVENT_BATCH = 5000

LEVELS = (IncentiveLevel.BASIC, IncentiveLevel.STANDARD, IncentiveLevel.ENHANCED)
LEVEL_INDEX = {str(level): index for index, level in enumerate(LEVELS)}


class DemoError(Exception):
    """The demo cannot be built as asked (for example, the database already holds people)."""


# --- options and estate records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoOptions:
    prisons: int = 3
    people: int = 1500
    days: int = 90
    seed: int = 1
    end_date: date = field(default_factory=timezone.localdate)
    # When the window ends today: events not yet recorded at this moment are left out (no events in the future).
    not_after: datetime | None = None

    @property
    def start_date(self) -> date:
        return self.end_date - timedelta(days=self.days - 1)


@dataclass(frozen=True)
class EstablishmentSpec:
    code: str
    name: str
    is_welsh: bool = False
    women: bool = False
    weight: int = 1000  # roughly the operational capacity, used to spread people
    canteen_weekday: int = 1  # Monday is 0
    menu_weekday: int = 3


# Real agency codes and names of real prisons; the people in them are synthetic.
KNOWN_ESTABLISHMENTS: tuple[EstablishmentSpec, ...] = (
    EstablishmentSpec("MDI", "HMP Moorland", weight=1000, canteen_weekday=1, menu_weekday=3),
    EstablishmentSpec("LEI", "HMP Leeds", weight=1100, canteen_weekday=2, menu_weekday=4),
    EstablishmentSpec("CFI", "HMP Cardiff", is_welsh=True, weight=750, canteen_weekday=0, menu_weekday=2),
    EstablishmentSpec("NHI", "HMP New Hall", women=True, weight=400, canteen_weekday=3, menu_weekday=1),
    EstablishmentSpec("BXI", "HMP Brixton", weight=750, canteen_weekday=1, menu_weekday=4),
    EstablishmentSpec("SWI", "HMP Swansea", is_welsh=True, weight=450, canteen_weekday=2, menu_weekday=0),
    EstablishmentSpec("STI", "HMP Styal", women=True, weight=450, canteen_weekday=4, menu_weekday=2),
    EstablishmentSpec("WWI", "HMP Wandsworth", weight=1500, canteen_weekday=0, menu_weekday=3),
    EstablishmentSpec("BMI", "HMP Birmingham", weight=1400, canteen_weekday=3, menu_weekday=1),
    EstablishmentSpec("DMI", "HMP Durham", weight=1000, canteen_weekday=4, menu_weekday=2),
    EstablishmentSpec("LPI", "HMP Liverpool", weight=1100, canteen_weekday=1, menu_weekday=3),
    EstablishmentSpec("BLI", "HMP Bristol", weight=600, canteen_weekday=2, menu_weekday=4),
)


@dataclass(frozen=True)
class LocationSpec:
    key: str
    establishment: str
    level: str
    code: str
    parent: str | None
    capacity: int


@dataclass(frozen=True)
class AlertSpec:
    code: str
    active_from: date
    active_to: date | None = None
    comment: str = ""


@dataclass(frozen=True)
class MoveSpec:
    at: datetime
    from_cell: str
    to_cell: str


@dataclass(frozen=True)
class Habits:
    """A person's own routine: rates are per day unless named otherwise."""

    digitally_excluded: bool
    kiosk: float
    phone: float
    phone_minutes: float
    visits_per_week: float
    visit_cancel: float
    canteen: float  # chance of ordering in a given week
    canteen_spend: float
    meals: float  # chance of choosing next week's meals
    family_money_per_month: float
    works: bool
    wage: float
    attend: float
    refuse: float
    sessions_per_week: float  # education or gym sessions for people without a job
    apps: float
    complaints: float
    adjudications: float


@dataclass(frozen=True)
class PersonSpec:
    prison_number: str
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str
    ethnicity: str
    nationality: str
    first_language: str
    religion: str
    disability: bool
    incentive_level: str
    establishment: str | None
    cell: str | None
    arrival_date: date
    arrived_at: datetime
    legal_status: str
    first_time_in_custody: bool
    self_harm_history: bool
    crn: str
    pnc_id: str
    nhs_number: str
    booking_number: str
    habits: Habits
    admission_cell: str | None = None
    moves: tuple[MoveSpec, ...] = ()
    alerts: tuple[AlertSpec, ...] = ()
    incidents: tuple[datetime, ...] = ()
    routine_change: str = ""  # "planted" (a drop before self-harm), "decoy" (a drop, no self-harm) or ""
    change_start: date | None = None
    change_end: date | None = None
    incentive_change: tuple[date, str, str] | None = None  # day, old level, new level
    released_on: date | None = None


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    establishment: str | None
    caseload: tuple[str, ...] = ()
    caseload_kind: str = ""
    headline: bool = False  # the one predictable login per role shown at the end


@dataclass
class DemoEstate:
    options: DemoOptions
    establishments: list[EstablishmentSpec]
    locations: list[LocationSpec]
    people: list[PersonSpec]
    staff: list[StaffSpec]
    on_probation: PersonSpec
    women_at: str

    def person_numbers(self) -> list[str]:
        return [person.prison_number for person in self.people]


class EventSpec(NamedTuple):
    person: str
    kind: str
    occurred_at: datetime
    value: float
    payload: dict[str, Any]
    recorded_at: datetime


# --- small random helpers ------------------------------------------------------------------------------------------


def weighted(rng: random.Random, table: Sequence[tuple[Any, float]]) -> Any:
    total = sum(weight for _value, weight in table)
    pick = rng.random() * total
    for value, weight in table:
        pick -= weight
        if pick < 0:
            return value
    return table[-1][0]


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw for the small rates used here (Knuth's method)."""
    if lam <= 0:
        return 0
    limit = math.exp(-lam)
    count = 0
    product = rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def local_time(day: date, hour: float) -> datetime:
    """An aware Europe/London time on ``day`` at a fractional hour (kept within the day)."""
    hour = min(max(hour, 0.0), 23.99)
    whole = int(hour)
    minutes = int((hour - whole) * 60)
    seconds = int(((hour - whole) * 60 - minutes) * 60)
    return datetime(day.year, day.month, day.day, whole, minutes, seconds, tzinfo=LONDON)


def years_before(day: date, years: float) -> date:
    return day - timedelta(days=round(years * 365.25))


def totp_key(seed: int, username: str) -> str:
    """The demo's TOTP secret for a user: derived from the seed and the username, so a demo can show codes. Never
    use this outside a demo: anyone who knows the seed can compute every code."""
    return hmac.new(b"throughgate-demo-totp", f"{seed}:{username}".encode(), hashlib.sha256).digest()[:20].hex()
