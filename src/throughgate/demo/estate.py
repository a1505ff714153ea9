"""The deterministic synthetic demo estate: prisons, cells, people, staff, kiosks and days of activity.

Everything here is synthetic. Names come from Faker with a seed; identifiers are generated to pass the validators
(NHS numbers use the 999 prefix, which the NHS keeps for tests and never issues). The same seed and end date give
the same estate: the same names, numbers, cells, alerts and events. Only the secrets that must stay random (kiosk
enrolment codes and the partner token) differ between runs.

``generate`` builds the whole estate in memory as plain records (so two runs can be compared without a database);
``iter_events`` derives each person's activity from their own seeded generator; ``save`` writes it all, in bulk.

Choices a reader of the demo data should know:

- Women (about 4.5%) are held in a women's prison when the selection includes one (``NHI`` HMP New Hall, from four
  prisons up); otherwise on a separate women's unit (wing ``W``, then ``X``) of the first prison, as on HMP
  Peterborough's dual site. Either way every woman is in one establishment, so per-prison figures for men are not
  diluted, and the women's far higher self-harm rate shows in one place.
- Ages 18-80, 18 plus a gamma(2, 10.7) draw: median about 36, about a fifth aged 50 or over.
- Ethnicity White 72%, Black 13%, Asian 9%, Mixed 4%, Other 2%; 12% foreign nationals; 17% on remand; incentive
  levels Basic 10%, Standard 60%, Enhanced 30% (new arrivals start on Standard); 25% with a disability flag.
- Self-harm in the window follows the MoJ Safety in Custody scale (about 16% of people a year, so about 4% in 90
  days), far higher for women and for people with a history; the first incident often falls in early days.
- Planted routine changes, about one person in a hundred: a sustained drop in kiosk use, calls, canteen, meals,
  visits and work, starting 7-21 days before a self-harm incident. Half as many decoys have a similar drop and no
  incident (a new job, a hospital stay): a welfare tool that alerts on every drop pays for it in false alerts.
- A few people (about 5%) are digitally excluded: almost no kiosk sign-ins, though staff still record their paper
  canteen sheets, menus and apps.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import random
import string
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.test.utils import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker
from tqdm import tqdm

from throughgate.core import activity
from throughgate.core.models import ActivityEvent
from throughgate.core.validators import nhs_check_digit, pnc_check_letter
from throughgate.identity import events as identity_events
from throughgate.identity import services as identity_services
from throughgate.identity.models import (
    DeviceKind,
    Establishment,
    Location,
    LocationLevel,
    RegisteredDevice,
    Role,
    StaffAssignment,
    User,
)
from throughgate.identity.roles import sync_default_roles
from throughgate.people import events as people_events
from throughgate.people.models import (
    Alert,
    Booking,
    CaseloadEntry,
    CaseloadKind,
    Ethnicity,
    IncentiveLevel,
    LegalStatus,
    Movement,
    MovementKind,
    Nationality,
    Person,
    Sex,
)
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


def _weighted(rng: random.Random, table: Sequence[tuple[Any, float]]) -> Any:
    total = sum(weight for _value, weight in table)
    pick = rng.random() * total
    for value, weight in table:
        pick -= weight
        if pick < 0:
            return value
    return table[-1][0]


def _poisson(rng: random.Random, lam: float) -> int:
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


def _at(day: date, hour: float) -> datetime:
    """An aware Europe/London time on ``day`` at a fractional hour (kept within the day)."""
    hour = min(max(hour, 0.0), 23.99)
    whole = int(hour)
    minutes = int((hour - whole) * 60)
    seconds = int(((hour - whole) * 60 - minutes) * 60)
    return datetime(day.year, day.month, day.day, whole, minutes, seconds, tzinfo=LONDON)


def _years_before(day: date, years: float) -> date:
    return day - timedelta(days=round(years * 365.25))


def totp_key(seed: int, username: str) -> str:
    """The demo's TOTP secret for a user: derived from the seed and the username, so a demo can show codes. Never
    use this outside a demo: anyone who knows the seed can compute every code."""
    return hmac.new(b"throughgate-demo-totp", f"{seed}:{username}".encode(), hashlib.sha256).digest()[:20].hex()


# --- the population ------------------------------------------------------------------------------------------------

ETHNICITY_WEIGHTS = (
    (Ethnicity.WHITE, 72.0),
    (Ethnicity.BLACK, 13.0),
    (Ethnicity.ASIAN, 9.0),
    (Ethnicity.MIXED, 4.0),
    (Ethnicity.OTHER, 2.0),
)
# Chance of being a foreign national by ethnic group, chosen to give about 12% overall.
FOREIGN_BY_ETHNICITY = {
    Ethnicity.WHITE: 0.10,
    Ethnicity.BLACK: 0.20,
    Ethnicity.ASIAN: 0.15,
    Ethnicity.MIXED: 0.06,
    Ethnicity.OTHER: 0.45,
}
FOREIGN_LANGUAGES: dict[str, tuple[tuple[str, float], ...]] = {
    Ethnicity.WHITE: (
        ("Polish", 26),
        ("Romanian", 26),
        ("Albanian", 20),
        ("Lithuanian", 10),
        ("Portuguese", 6),
        ("English", 12),
    ),
    Ethnicity.BLACK: (("English", 45), ("Somali", 25), ("French", 15), ("Portuguese", 15)),
    Ethnicity.ASIAN: (("Vietnamese", 35), ("Urdu", 25), ("Punjabi", 15), ("Bengali", 10), ("English", 15)),
    Ethnicity.MIXED: (("English", 70), ("Portuguese", 30)),
    Ethnicity.OTHER: (("Arabic", 35), ("Kurdish", 25), ("Farsi", 20), ("English", 20)),
}
NAME_LOCALES = {
    "Polish": "pl_PL",
    "Romanian": "ro_RO",
    "Albanian": "sq_AL",
    "Lithuanian": "lt_LT",
    "Portuguese": "pt_PT",
}
RELIGIONS: dict[str, tuple[tuple[str, float], ...]] = {
    Ethnicity.WHITE: (
        ("No religion", 45),
        ("Church of England", 20),
        ("Roman Catholic", 17),
        ("Other Christian", 9),
        ("Muslim", 4),
        ("Buddhist", 2),
        ("Pagan", 2),
        ("Jewish", 1),
    ),
    Ethnicity.BLACK: (("Other Christian", 35), ("Roman Catholic", 10), ("Muslim", 35), ("No religion", 20)),
    Ethnicity.ASIAN: (("Muslim", 68), ("Sikh", 9), ("Hindu", 8), ("Other Christian", 4), ("No religion", 11)),
    Ethnicity.MIXED: (("No religion", 40), ("Other Christian", 25), ("Muslim", 25), ("Roman Catholic", 10)),
    Ethnicity.OTHER: (("Muslim", 50), ("Other Christian", 15), ("Buddhist", 10), ("No religion", 25)),
}
APP_TYPES = (
    "See the GP",
    "Property",
    "Chaplaincy",
    "Add a PIN phone contact",
    "Canteen query",
    "Visits",
    "Education",
    "Work",
    "Money",
)
ACTIVITIES = ("Workshop", "Kitchens", "Wing cleaner", "Education", "Gardens", "Laundry")
SESSIONS = ("Education", "Gym", "Library", "Chapel")

SHORT_CODES = {
    "wing_officer": "officer",
    "key_worker": "keyworker",
    "safer_custody": "safercustody",
    "security_it": "security",
    "healthcare": "healthcare",
    "education": "education",
    "governor": "governor",
    "probation_practitioner": "probation",
}
PRISON_STAFF_ROLES = tuple(SHORT_CODES)
EXTRA_KEY_WORKERS = 2  # besides keyworker.xxx, per prison
KEY_WORKER_CASELOAD = 6
PROBATION_CASELOAD = 8


def _establishments(count: int, fake: Faker) -> list[EstablishmentSpec]:
    chosen = list(KNOWN_ESTABLISHMENTS[:count])
    letters = string.ascii_uppercase
    n = 0
    while len(chosen) < count:
        code = "Q" + letters[(n // 26) % 26] + letters[n % 26]
        n += 1
        chosen.append(
            EstablishmentSpec(
                code,
                f"HMP {fake.city()}",
                weight=600 + (n * 137) % 700,
                canteen_weekday=n % 5,
                menu_weekday=(n + 2) % 5,
            )
        )
    return chosen


def _split(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), so the parts add up exactly."""
    if not weights:
        return []
    whole = sum(weights)
    raw = [total * weight / whole for weight in weights]
    parts = [int(value) for value in raw]
    order = sorted(range(len(weights)), key=lambda i: (raw[i] - parts[i], -i), reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _cells_for(
    rng: random.Random, code: str, wings: Sequence[str], people: int, double_share: float
) -> list[LocationSpec]:
    """Wings, landings and cells for ``people`` with about 10% headroom. Wings fill in order."""
    locations: list[LocationSpec] = []
    needed = max(4, math.ceil(people * 1.1))
    landings_per_wing = 3
    cells_per_landing = 20
    capacity = 0
    wing_index = 0
    while capacity < needed or wing_index == 0:
        wing_code = wings[wing_index] if wing_index < len(wings) else f"{wings[-1]}{wing_index}"
        wing_key = f"{code}-{wing_code}"
        locations.append(LocationSpec(wing_key, code, LocationLevel.WING, wing_code, None, 0))
        for landing in range(1, landings_per_wing + 1):
            landing_key = f"{wing_key}-{landing}"
            locations.append(LocationSpec(landing_key, code, LocationLevel.LANDING, str(landing), wing_key, 0))
            for cell in range(1, cells_per_landing + 1):
                size = 2 if rng.random() < double_share else 1
                locations.append(
                    LocationSpec(
                        f"{landing_key}-{cell:03d}", code, LocationLevel.CELL, f"{cell:03d}", landing_key, size
                    )
                )
                capacity += size
                if capacity >= needed:
                    break
            if capacity >= needed:
                break
        wing_index += 1
    return locations


def _segregation_unit(code: str) -> list[LocationSpec]:
    wing_key = f"{code}-SEG"
    landing_key = f"{wing_key}-1"
    return [
        LocationSpec(wing_key, code, LocationLevel.WING, "SEG", None, 0),
        LocationSpec(landing_key, code, LocationLevel.LANDING, "1", wing_key, 0),
        *(
            LocationSpec(f"{landing_key}-{cell:03d}", code, LocationLevel.CELL, f"{cell:03d}", landing_key, 1)
            for cell in range(1, 9)
        ),
    ]


class _Numbers:
    """Unique, valid identifiers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()

    def _unique(self, make: Any) -> str:
        while True:
            value = make()
            if value not in self.seen:
                self.seen.add(value)
                return str(value)

    def prison_number(self) -> str:
        rng = self.rng
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        return self._unique(
            lambda: f"{rng.choice('AG')}{rng.randint(1000, 9999)}{rng.choice(letters)}{rng.choice(letters)}"
        )

    def crn(self) -> str:
        rng = self.rng
        return self._unique(lambda: f"{rng.choice('ABCDEFGHJKLMNPRSTUVWX')}{rng.randint(100000, 999999)}")

    def pnc_id(self, year: int) -> str:
        rng = self.rng

        def make() -> str:
            serial = f"{rng.randint(1, 9_999_999):07d}"
            return f"{year}/{serial}{pnc_check_letter(str(year), serial)}"

        return self._unique(make)

    def nhs_number(self) -> str:
        """A valid NHS number in the 999 range, which the NHS keeps for testing and never issues."""
        rng = self.rng

        def make() -> str:
            while True:
                first_nine = f"999{rng.randint(0, 999_999):06d}"
                check = nhs_check_digit(first_nine)
                if check is not None:
                    return f"{first_nine}{check}"

        return self._unique(make)

    def booking(self) -> str:
        rng = self.rng
        return self._unique(lambda: f"{rng.randint(10000, 99999)}{rng.choice('ABCDEFGH')}")


class _Names:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.fakers: dict[str, Faker] = {}

    def faker(self, locale: str) -> Faker:
        if locale not in self.fakers:
            fake = Faker(locale)
            fake.seed_instance(self.seed)
            self.fakers[locale] = fake
        return self.fakers[locale]

    def person(self, language: str, sex: str) -> tuple[str, str]:
        fake = self.faker(NAME_LOCALES.get(language, "en_GB"))
        first = fake.first_name_female() if sex == Sex.FEMALE else fake.first_name_male()
        return str(first)[:60], str(fake.last_name())[:60]


def _habits(rng: random.Random, *, age: int, level: str, remand: bool, sex: str) -> Habits:
    excluded = rng.random() < 0.05
    visited = rng.random() < (0.72 if sex == Sex.FEMALE else 0.65)
    isolated = rng.random() < 0.12
    works = rng.random() < (0.35 if remand else 0.6) and age < 70
    adjudication_prone = rng.random() < (0.4 if age < 30 else 0.22 if age < 45 else 0.06)
    spend = {"Basic": 8.0, "Standard": 18.0, "Enhanced": 28.0}[level]
    return Habits(
        digitally_excluded=excluded,
        kiosk=rng.uniform(0.005, 0.03) if excluded else rng.lognormvariate(math.log(0.8), 0.45),
        phone=rng.uniform(0.0, 0.08) if isolated else rng.lognormvariate(math.log(0.75), 0.5),
        phone_minutes=rng.uniform(5, 14),
        visits_per_week=rng.uniform(0.2, 0.9) if visited else 0.0,
        visit_cancel=rng.uniform(0.04, 0.2),
        canteen=rng.uniform(0.7, 0.98),
        canteen_spend=spend * rng.uniform(0.6, 1.2),
        meals=rng.uniform(0.55, 0.97),
        family_money_per_month=0.0 if isolated or rng.random() < 0.3 else rng.uniform(0.3, 2.5),
        works=works,
        wage=rng.uniform(8, 20),
        attend=rng.uniform(0.8, 0.98),
        refuse=rng.uniform(0.05, 0.4),
        sessions_per_week=rng.uniform(0.5, 4),
        apps=rng.uniform(0.02, 0.2),
        complaints=rng.uniform(0.005, 0.04) if rng.random() < 0.3 else 0.0,
        adjudications=rng.uniform(0.006, 0.03) if adjudication_prone else 0.0,
    )


@dataclass
class _Draft:
    """A person while the estate is being planned (frozen into a PersonSpec at the end)."""

    fields: dict[str, Any]
    alerts: list[AlertSpec] = field(default_factory=list)
    incidents: list[datetime] = field(default_factory=list)

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]


def _draft_person(
    rng: random.Random, names: _Names, numbers: _Numbers, options: DemoOptions, place: EstablishmentSpec, sex: str
) -> _Draft:
    end = options.end_date
    age_years = 18 + rng.gammavariate(2.0, 10.7)
    while age_years >= 80.99:
        age_years = 18 + rng.gammavariate(2.0, 10.7)
    dob = _years_before(end, age_years)
    dob = min(dob, _years_before(end, 18) - timedelta(days=1))
    age = end.year - dob.year - ((end.month, end.day) < (dob.month, dob.day))
    ethnicity = _weighted(rng, ETHNICITY_WEIGHTS)
    foreign = rng.random() < FOREIGN_BY_ETHNICITY[ethnicity]
    if foreign:
        language = _weighted(rng, FOREIGN_LANGUAGES[ethnicity])
    elif ethnicity == Ethnicity.ASIAN and rng.random() < 0.12:
        language = _weighted(rng, (("Urdu", 5), ("Punjabi", 4), ("Bengali", 3)))
    elif place.is_welsh and ethnicity == Ethnicity.WHITE and rng.random() < 0.1:
        language = "Welsh"
    else:
        language = "English"
    first_name, last_name = names.person(language, sex)
    remand = rng.random() < (0.2 if sex == Sex.FEMALE else 0.17)
    if remand:
        back = min(int(rng.expovariate(1 / 80)), 400)
    elif rng.random() < 0.22:
        back = rng.randint(0, 89)
    else:
        back = 90 + min(int(rng.expovariate(1 / 520)), 8 * 365)
    arrival = max(end - timedelta(days=back), _years_before(dob, -18) + timedelta(days=1))
    arrival = min(arrival, end)
    settled = (end - arrival).days > 60
    if settled:
        level = _weighted(
            rng, ((IncentiveLevel.BASIC, 9), (IncentiveLevel.STANDARD, 54), (IncentiveLevel.ENHANCED, 37))
        )
    else:
        level = IncentiveLevel.BASIC if rng.random() < 0.08 else IncentiveLevel.STANDARD
    first_time = rng.random() < (0.45 if age < 25 else 0.27)
    history = rng.random() < (0.35 if sex == Sex.FEMALE else 0.12)
    pnc_year = min(arrival.year, max(dob.year + 14, arrival.year - int(rng.expovariate(1 / 6))))
    return _Draft(
        {
            "prison_number": numbers.prison_number(),
            "first_name": first_name,
            "last_name": last_name,
            "date_of_birth": dob,
            "age": age,
            "sex": str(sex),
            "ethnicity": str(ethnicity),
            "nationality": str(Nationality.FOREIGN if foreign else Nationality.BRITISH),
            "first_language": language,
            "religion": _weighted(rng, RELIGIONS[ethnicity]),
            "disability": rng.random() < 0.15 + 0.005 * (age - 18),
            "incentive_level": str(level),
            "establishment": place.code,
            "arrival_date": arrival,
            "arrived_at": _at(arrival, rng.uniform(13.5, 19.5)),
            "legal_status": str(LegalStatus.REMAND if remand else LegalStatus.SENTENCED),
            "first_time_in_custody": first_time,
            "self_harm_history": history,
            "crn": numbers.crn() if rng.random() < (0.3 if remand else 0.78) else "",
            "pnc_id": numbers.pnc_id(pnc_year) if rng.random() < 0.92 else "",
            "nhs_number": numbers.nhs_number() if rng.random() < 0.75 else "",
            "booking_number": numbers.booking(),
            "habits": _habits(rng, age=age, level=str(level), remand=remand, sex=str(sex)),
        }
    )


def _self_harm(rng: random.Random, draft: _Draft, options: DemoOptions) -> None:
    """Incidents in the window, at rates near the MoJ figures (far higher for women and with a history)."""
    woman = draft["sex"] == Sex.FEMALE
    history = draft["self_harm_history"]
    chance = (0.45 if history else 0.10) if woman else (0.12 if history else 0.02)
    chance *= options.days / 90
    if rng.random() >= min(chance, 0.9):
        return
    first_day = max(options.start_date, draft["arrival_date"])
    span = (options.end_date - first_day).days
    if span < 0:
        return
    if draft["arrival_date"] >= options.start_date and rng.random() < 0.3:
        offset = min(span, int(rng.expovariate(1 / 3)))  # early days in custody carry raised risk
    else:
        offset = rng.randint(0, span)
    count = 1 + int(rng.expovariate(1 / (7.0 if woman else 1.5)))
    _set_incidents(rng, draft, first_day + timedelta(days=offset), count, options.end_date)


def _set_incidents(rng: random.Random, draft: _Draft, first: date, count: int, end: date) -> None:
    day = first
    incidents: list[datetime] = []
    for _ in range(count):
        if day > end:
            break
        hour = _weighted(rng, ((rng.uniform(7, 12), 2), (rng.uniform(12, 18), 3), (rng.uniform(18, 23.9), 5)))
        incidents.append(_at(day, hour))
        day += timedelta(days=1 + int(rng.expovariate(1 / (3 if draft["sex"] == Sex.FEMALE else 7))))
    draft.incidents = incidents


def _acct_alerts(rng: random.Random, draft: _Draft, options: DemoOptions) -> None:
    """ACCT (HA open, HA1 post-closure, HA2 closed) and HC alerts, consistent with the incidents."""
    end = options.end_date
    arrival: date = draft["arrival_date"]
    alerts = draft.alerts
    if draft["self_harm_history"] and not draft["first_time_in_custody"] and rng.random() < 0.5:
        earliest = max(_years_before(draft["date_of_birth"], -18), _years_before(arrival, 3))
        start = earliest + timedelta(days=rng.randint(0, max(0, (arrival - earliest).days)))
        alerts.append(AlertSpec("HC", start, None, "Self-harm in custody (earlier sentence)"))
    next_open: date | None = draft.incidents[0].date() if draft.incidents else None
    if next_open is None and rng.random() < (0.06 if draft["sex"] == Sex.FEMALE else 0.018):
        next_open = max(arrival, end - timedelta(days=rng.randint(0, 30)))  # raised on a concern, no incident
    if draft["self_harm_history"] and (options.start_date - arrival).days > 60 and rng.random() < 0.4:
        opened = arrival + timedelta(days=rng.randint(0, (options.start_date - arrival).days - 45))
        closed = opened + timedelta(days=rng.randint(10, 40))
        if next_open is not None and closed >= next_open:
            closed = next_open - timedelta(days=1)
        if closed >= opened:
            alerts.append(AlertSpec("HA", opened, closed, "ACCT opened"))
            post_end = closed + timedelta(days=14)
            alerts.append(AlertSpec("HA1", closed, post_end if post_end < end else None, "ACCT post-closure"))
            alerts.append(AlertSpec("HA2", closed, next_open, "ACCT closed"))
    if next_open is not None:
        if draft.incidents and not any(alert.code == "HC" for alert in alerts):
            alerts.append(AlertSpec("HC", next_open, None, "Self-harm in custody"))
        closed = next_open + timedelta(days=rng.randint(14, 56))
        if closed < end - timedelta(days=1):
            alerts.append(AlertSpec("HA", next_open, closed, "ACCT opened"))
            post_end = closed + timedelta(days=14)
            alerts.append(AlertSpec("HA1", closed, post_end if post_end < end else None, "ACCT post-closure"))
            alerts.append(AlertSpec("HA2", closed, None, "ACCT closed"))
        else:
            alerts.append(AlertSpec("HA", next_open, None, "ACCT opened"))


OTHER_ALERTS: tuple[tuple[str, float, str], ...] = (
    ("CSIP", 0.02, "CSIP referral accepted"),
    ("XSA", 0.015, "Assault on staff"),
    ("XEL", 0.003, "On the escape list"),
    ("RNO121", 0.005, "No one-to-one with this person"),
    ("XCU", 0.01, "Controlled unlock"),
    ("PVN", 0.015, "No internet access"),
    ("XCYB", 0.005, "Cyber-crime risk"),
)


def _other_alerts(rng: random.Random, draft: _Draft, options: DemoOptions) -> None:
    arrival: date = draft["arrival_date"]
    span = (options.end_date - arrival).days
    for code, chance, comment in OTHER_ALERTS:
        weight = 2.0 if code == "XSA" and draft["age"] < 30 and draft["sex"] == Sex.MALE else 1.0
        if rng.random() < chance * weight:
            start = arrival + timedelta(days=rng.randint(0, span))
            ends = start + timedelta(days=rng.randint(30, 180)) if code == "CSIP" and rng.random() < 0.5 else None
            draft.alerts.append(AlertSpec(code, start, ends if ends and ends < options.end_date else None, comment))
    if draft["disability"] and (draft["age"] >= 60 or rng.random() < 0.06):
        draft.alerts.append(AlertSpec("PEEP", arrival, None, "Needs help to leave the building in an emergency"))


def _plant_changes(rng: random.Random, drafts: list[_Draft], options: DemoOptions) -> None:
    """A handful of people whose routine drops for 7-21 days before a self-harm incident, and half as many decoys
    whose routine drops with no incident. Both need a settled baseline before the change."""
    if options.days < 10 or not drafts:
        return
    baseline = min(28, options.days // 3)
    settled = [d for d in drafts if (options.start_date - d["arrival_date"]).days >= 14]
    rng.shuffle(settled)
    planted = max(1, round(len(drafts) / 100))
    decoys = max(1, planted // 2)
    # People who already self-harm in the window are the likeliest to show a change; take them first.
    settled.sort(key=lambda d: 0 if d.incidents else 1)
    for draft in settled[:planted]:
        lead = min(rng.randint(7, 21), max(3, options.days // 3))
        earliest = baseline + lead
        index = rng.randint(min(earliest, options.days - 1), options.days - 1)
        incident_day = options.start_date + timedelta(days=index)
        woman = draft["sex"] == Sex.FEMALE
        _set_incidents(
            rng, draft, incident_day, 1 + int(rng.expovariate(1 / (3.0 if woman else 0.8))), options.end_date
        )
        draft.fields.update(
            routine_change="planted", change_start=incident_day - timedelta(days=lead), change_end=incident_day
        )
    for draft in [d for d in settled[planted:] if not d.incidents][:decoys]:
        length = rng.randint(10, 20)
        index = rng.randint(min(baseline, options.days - 1), options.days - 1)
        start = options.start_date + timedelta(days=index)
        draft.fields.update(
            routine_change="decoy", change_start=start, change_end=min(options.end_date, start + timedelta(days=length))
        )


def _moves(rng: random.Random, draft: _Draft, cells: list[str], current: str, options: DemoOptions) -> None:
    count = _weighted(rng, ((0, 55), (1, 25), (2, 12), (3, 8)))
    arrival: date = draft["arrival_date"]
    span = (options.end_date - arrival).days
    times: list[datetime] = []
    if draft.fields.get("routine_change") == "planted" and rng.random() < 0.5:
        start: date = draft["change_start"]
        times.append(_at(start, rng.uniform(9, 17)))  # a cell change, a known risk factor
        count = max(0, count - 1)
    if span >= 1:
        for n in range(count):
            early = n == 0 and arrival >= options.start_date and rng.random() < 0.7
            offset = rng.randint(1, min(span, 5)) if early else rng.randint(1, span)
            times.append(_at(arrival + timedelta(days=offset), rng.uniform(9, 17)))
    times.sort()
    if not times:
        draft.fields["admission_cell"] = current
        draft.fields["moves"] = ()
        return
    chain = [current]  # built backwards from the cell the person is in now
    for _ in times:
        previous = rng.choice(cells)
        while previous == chain[0] and len(cells) > 1:
            previous = rng.choice(cells)
        chain.insert(0, previous)
    draft.fields["admission_cell"] = chain[0]
    draft.fields["moves"] = tuple(MoveSpec(at, chain[i], chain[i + 1]) for i, at in enumerate(times))


def _incentive_change(rng: random.Random, draft: _Draft, options: DemoOptions) -> None:
    first = max(options.start_date, draft["arrival_date"] + timedelta(days=14))
    if first > options.end_date or rng.random() >= 0.07:
        return
    new = draft["incentive_level"]
    if new == IncentiveLevel.STANDARD:
        old = IncentiveLevel.BASIC if rng.random() < 0.5 else IncentiveLevel.ENHANCED
    else:
        old = IncentiveLevel.STANDARD
    day = first + timedelta(days=rng.randint(0, (options.end_date - first).days))
    draft.fields["incentive_change"] = (day, str(old), str(new))


def generate(options: DemoOptions, *, progress: bool = False) -> DemoEstate:
    """Plan the whole estate in memory. Same options, same estate."""
    if options.prisons < 1 or options.people < 1 or options.days < 1:
        raise DemoError("--prisons, --people and --days must each be at least 1")
    rng = random.Random(options.seed)  # noqa: S311 (synthetic data, not secrets)
    names = _Names(options.seed)
    numbers = _Numbers(random.Random(f"numbers:{options.seed}"))  # noqa: S311
    places = _establishments(options.prisons, names.faker("en_GB"))
    women_places = [place for place in places if place.women]
    men_places = [place for place in places if not place.women] or places
    women_at = women_places[0].code if women_places else men_places[0].code

    women = round(options.people * 0.045)
    men = options.people - women
    men_split = dict(zip([p.code for p in men_places], _split(men, [p.weight for p in men_places]), strict=True))
    women_split = {place.code: 0 for place in places}
    women_split[women_at] = women

    locations: list[LocationSpec] = []
    cell_slots: dict[tuple[str, str], list[str]] = {}
    for place in places:
        wings = list("ABCDEFGHJKLMNPRSTUV")
        double_share = 0.25 if place.women else 0.4
        if place.women:
            own = _cells_for(rng, place.code, wings, women_split[place.code], double_share)
            pools = {Sex.FEMALE: own}
        else:
            own = _cells_for(rng, place.code, wings, men_split.get(place.code, 0), double_share)
            pools = {Sex.MALE: own}
            if women_split[place.code] and not place.women:
                pools[Sex.FEMALE] = _cells_for(rng, place.code, ["W", "X", "Y", "Z"], women_split[place.code], 0.25)
        locations.extend(cell for pool in pools.values() for cell in pool)
        locations.extend(_segregation_unit(place.code))
        for sex, pool in pools.items():
            slots = [cell.key for cell in pool if cell.level == LocationLevel.CELL for _ in range(cell.capacity)]
            rng.shuffle(slots)
            cell_slots[(place.code, str(sex))] = slots

    drafts: list[_Draft] = []
    plan = [(place, Sex.MALE) for place in men_places for _ in range(men_split[place.code])]
    plan += [(place, Sex.FEMALE) for place in places for _ in range(women_split[place.code])]
    rng.shuffle(plan)
    for place, sex in tqdm(plan, desc="Planning people", unit="person", disable=not progress, leave=False):
        draft = _draft_person(rng, names, numbers, options, place, sex)
        _self_harm(rng, draft, options)
        drafts.append(draft)
    _plant_changes(rng, drafts, options)

    taken: Counter[tuple[str, str]] = Counter()
    pool_cells = {pool_key: sorted(set(slots)) for pool_key, slots in cell_slots.items()}
    people: list[PersonSpec] = []
    for draft in drafts:
        pool_key = (draft["establishment"], draft["sex"])
        slots = cell_slots[pool_key]
        current = slots[taken[pool_key] % len(slots)]
        taken[pool_key] += 1
        _acct_alerts(rng, draft, options)
        _other_alerts(rng, draft, options)
        _moves(rng, draft, pool_cells[pool_key], current, options)
        _incentive_change(rng, draft, options)
        fields = {key: value for key, value in draft.fields.items() if key != "age"}
        people.append(
            PersonSpec(
                **fields,
                cell=current,
                alerts=tuple(sorted(draft.alerts, key=lambda a: (a.active_from, a.code))),
                incidents=tuple(draft.incidents),
            )
        )

    on_probation = _released_person(rng, names, numbers, options, places[0])
    staff = _staff(rng, names.faker("en_GB"), places, people, on_probation)
    return DemoEstate(options, places, locations, people, staff, on_probation, women_at)


def _released_person(
    rng: random.Random, names: _Names, numbers: _Numbers, options: DemoOptions, place: EstablishmentSpec
) -> PersonSpec:
    """One person released from custody and now on probation (they sign in with a password and a code)."""
    draft = _draft_person(rng, names, numbers, options, place, Sex.MALE)
    released = options.end_date - timedelta(days=rng.randint(10, 40))
    arrival = min(draft["arrival_date"], released - timedelta(days=120))
    fields = {key: value for key, value in draft.fields.items() if key != "age"}
    fields.update(
        arrival_date=arrival,
        arrived_at=_at(arrival, 15.5),
        crn=draft["crn"] or numbers.crn(),
        legal_status=str(LegalStatus.SENTENCED),
        establishment=None,
    )
    return PersonSpec(**fields, cell=None, released_on=released)


def _staff(
    rng: random.Random,
    fake: Faker,
    places: list[EstablishmentSpec],
    people: list[PersonSpec],
    on_probation: PersonSpec,
) -> list[StaffSpec]:
    staff: list[StaffSpec] = []

    def name() -> tuple[str, str]:
        return str(fake.first_name()), str(fake.last_name())

    for place in places:
        code = place.code.lower()
        residents = [person.prison_number for person in people if person.establishment == place.code]
        pool = list(residents)
        rng.shuffle(pool)
        for role in PRISON_STAFF_ROLES:
            first, last = name()
            caseload: tuple[str, ...] = ()
            kind = ""
            if role == "key_worker":
                caseload, pool = tuple(pool[:KEY_WORKER_CASELOAD]), pool[KEY_WORKER_CASELOAD:]
                kind = CaseloadKind.KEY_WORKER
            elif role == "probation_practitioner":
                with_crn = [p.prison_number for p in people if p.establishment == place.code and p.crn]
                caseload = tuple(sorted(rng.sample(with_crn, min(PROBATION_CASELOAD, len(with_crn)))))
                if place is places[0]:
                    caseload = (*caseload, on_probation.prison_number)
                kind = CaseloadKind.PROBATION
            staff.append(
                StaffSpec(f"{SHORT_CODES[role]}.{code}", first, last, role, place.code, caseload, kind, headline=True)
            )
        for n in range(2, EXTRA_KEY_WORKERS + 2):
            first, last = name()
            caseload, pool = tuple(pool[:KEY_WORKER_CASELOAD]), pool[KEY_WORKER_CASELOAD:]
            staff.append(
                StaffSpec(f"keyworker{n}.{code}", first, last, "key_worker", place.code, caseload, "key_worker")
            )
    first, last = name()
    staff.append(StaffSpec("hq.analyst", first, last, "hq_analyst", places[0].code, headline=True))
    staff.append(
        StaffSpec(
            "pop.demo", on_probation.first_name, on_probation.last_name, "person_on_probation", None, (), "", True
        )
    )
    # The partner (a healthcare provider, say) serves the first prison: it may look up the people there only.
    staff.append(StaffSpec("partner.demo", "Demo", "Partner system", "partner_system", places[0].code, (), "", True))
    return staff


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
            add(people_events.SEGREGATION_STARTED, _at(day, rng.uniform(9, 16)))

        # Kiosk sign-ins: fewer at weekends, none in segregation.
        if not in_seg:
            for _ in range(_poisson(rng, habits.kiosk * factor * (0.8 if weekend else 1.05))):
                add(identity_events.KIOSK_LOGIN, _at(day, rng.uniform(7.5, 20.5)))
        # PIN-phone calls, mostly in the evening association.
        for _ in range(_poisson(rng, habits.phone * factor * (0.3 if in_seg else 1.0))):
            hour = rng.uniform(17, 19.5) if rng.random() < 0.6 else rng.uniform(8, 17)
            minutes = max(1, round(rng.expovariate(1 / habits.phone_minutes)))
            add(activity.PHONE_CALL, _at(day, hour), float(min(minutes, 30)))
        # Social visits: weekend afternoons (and a Wednesday session).
        if weekend or weekday == 2:
            chance = habits.visits_per_week * (0.45 if weekend else 0.1)
            if rng.random() < chance:
                when = _at(day, rng.choice((14.0, 14.5, 15.0)))
                cancel = habits.visit_cancel if factor >= 1 else min(0.9, habits.visit_cancel + (1 - factor))
                add(activity.VISIT_CANCELLED if rng.random() < cancel else activity.VISIT_ATTENDED, when)
        # Canteen: once a week, on the prison's canteen day.
        if weekday == place.canteen_weekday and rng.random() < habits.canteen * min(1.0, factor + 0.2):
            spend = round(max(1.0, rng.gauss(habits.canteen_spend, habits.canteen_spend * 0.25)), 2)
            add(CANTEEN_ORDERED_KIND, _at(day, rng.uniform(9, 20)), spend)
        # Next week's meals, on the menu day.
        if weekday == place.menu_weekday and rng.random() < habits.meals * min(1.0, factor + 0.1):
            add(MEAL_CHOSEN_KIND, _at(day, rng.uniform(9, 20)))
        # Work on weekdays (morning and afternoon sessions), other sessions for people without a job.
        if not in_seg and not weekend:
            if habits.works:
                for session, hour in (("AM", 8.75), ("PM", 13.75)):
                    if rng.random() < habits.attend * factor:
                        add(ACTIVITY_ATTENDED_KIND, _at(day, hour), 1.0, {"session": session})
                    elif rng.random() < (habits.refuse if factor >= 1 else 0.6):
                        add(ACTIVITY_REFUSED_KIND, _at(day, hour), 1.0, {"session": session})
            elif rng.random() < habits.sessions_per_week / 5 * factor:
                session = rng.choice(SESSIONS)
                if rng.random() < 0.9 * factor + 0.05:
                    add(
                        ACTIVITY_ATTENDED_KIND,
                        _at(day, rng.choice((9.0, 14.0))),
                        1.0,
                        {"session": session},
                    )
                else:
                    add(
                        ACTIVITY_REFUSED_KIND,
                        _at(day, rng.choice((9.0, 14.0))),
                        1.0,
                        {"session": session},
                    )
        # Money: wages on Fridays for people who work, and money from family now and then.
        if weekday == 4 and habits.works:
            add(MONEY_RECEIVED_KIND, _at(day, 10.0), round(habits.wage * rng.uniform(0.7, 1.0), 2))
        if rng.random() < habits.family_money_per_month / 30:
            add(
                MONEY_RECEIVED_KIND,
                _at(day, rng.uniform(9, 16)),
                float(rng.choice((10, 20, 25, 30, 50, 100))),
            )
        # Apps (requests to staff), answered a few days later; complaints now and then.
        if rng.random() < habits.apps * (0.6 if habits.digitally_excluded else 1.0) * max(factor, 0.5):
            app_type = rng.choice(APP_TYPES)
            when = _at(day, rng.uniform(8, 20))
            add(APP_SUBMITTED_KIND, when, 1.0, {"type": app_type})
            answered = when + timedelta(days=rng.randint(1, 7), hours=rng.uniform(0, 4))
            if answered.date() <= options.end_date and rng.random() < 0.9:
                add(APP_RESPONDED_KIND, answered, 1.0, {"type": app_type})
        if rng.random() < habits.complaints:
            add(COMPLAINT_SUBMITTED_KIND, _at(day, rng.uniform(8, 20)), 1.0, {"stage": "COMP1"})
        if day in adjudication_days:
            add(people_events.ADJUDICATION_PROVEN, _at(day, rng.uniform(10, 16)))
        for when in incidents_by_day.get(day, ()):
            add(people_events.SELF_HARM_INCIDENT, when)

    for move in person.moves:
        if options.start_date <= move.at.date() <= options.end_date:
            add(people_events.CELL_MOVED, move.at, 1.0, {"from": move.from_cell, "to": move.to_cell})
    if person.incentive_change:
        day, old, new = person.incentive_change
        add(people_events.INCENTIVE_CHANGED, _at(day, rng.uniform(10, 16)), float(LEVEL_INDEX[new]), {"from": old})
    events.sort(key=lambda event: (event.occurred_at, event.kind))
    return events


# --- saving --------------------------------------------------------------------------------------------------------


@dataclass
class DemoResult:
    counts: dict[str, int]
    kiosk_codes: dict[str, str]
    partner_token: str
    sample_residents: list[tuple[str, str]]
    logins: list[tuple[str, str, str]]  # role name, username, establishment code or ""
    planted: int
    decoys: int
    events_already_stored: int = 0  # after --reset: events with the same keys were kept, not written again


def database_has_estate() -> bool:
    return Person.objects.exists() or Establishment.objects.exists()


def reset_estate() -> dict[str, int]:
    """Delete what the demo made and can delete: people and their records, every user but superusers, devices,
    locations and establishments. Audit and activity rows are append-only and stay."""
    deleted: dict[str, int] = {}
    try:
        with transaction.atomic():
            for label, queryset in (
                ("caseload entries", CaseloadEntry.objects.all()),
                ("alerts", Alert.objects.all()),
                ("movements", Movement.objects.all()),
                ("bookings", Booking.objects.all()),
                ("people", Person.objects.all()),
                ("users", User.objects.filter(is_superuser=False)),
                ("assignments", StaffAssignment.objects.all()),
                ("devices", RegisteredDevice.objects.all()),
                ("cells", Location.objects.filter(level=LocationLevel.CELL)),
                ("landings", Location.objects.filter(level=LocationLevel.LANDING)),
                ("wings", Location.objects.filter(level=LocationLevel.WING)),
                ("establishments", Establishment.objects.all()),
            ):
                deleted[label] = queryset.delete()[1].get(queryset.model._meta.label, 0)
    except (ProtectedError, IntegrityError) as exc:
        raise DemoError(
            f"Could not reset: other records still refer to the demo data ({exc}). Use a fresh database file, e.g. "
            "DATABASE_URL=sqlite:///$PWD/var/demo.sqlite3 after removing it."
        ) from exc
    return deleted


def _bulk(model: Any, rows: list[Any]) -> None:
    model.objects.bulk_create(rows, batch_size=EVENT_BATCH)


def save(estate: DemoEstate, *, progress: bool = False, base_url: str = "http://127.0.0.1:8000") -> DemoResult:
    """Write the estate. One transaction for the records, then the events in batches."""
    # Under DEBUG, Django formats and keeps every SQL statement; for a bulk load that is a fifth of the time.
    with override_settings(DEBUG=False):
        return _save(estate, progress=progress, base_url=base_url)


def _save(estate: DemoEstate, *, progress: bool, base_url: str) -> DemoResult:
    options = estate.options
    phases = tqdm(total=6, desc="Building the estate", unit="step", disable=not progress, leave=False)
    with transaction.atomic():
        sync_default_roles()
        roles = {role.code: role for role in Role.objects.all()}

        phases.set_postfix_str("establishments and cells")
        _bulk(
            Establishment,
            [Establishment(code=p.code, name=p.name, is_welsh=p.is_welsh) for p in estate.establishments],
        )
        places = {e.code: e for e in Establishment.objects.filter(code__in=[p.code for p in estate.establishments])}
        location_ids: dict[str, int] = {}
        for level in (LocationLevel.WING, LocationLevel.LANDING, LocationLevel.CELL):
            specs = [spec for spec in estate.locations if spec.level == level]
            _bulk(
                Location,
                [
                    Location(
                        establishment=places[spec.establishment],
                        parent_id=location_ids[spec.parent] if spec.parent else None,
                        level=spec.level,
                        code=spec.code,
                        key=spec.key,
                        capacity=max(spec.capacity, 1),
                    )
                    for spec in specs
                ],
            )
            location_ids.update(Location.objects.filter(key__in=[spec.key for spec in specs]).values_list("key", "id"))
        phases.update()

        phases.set_postfix_str("residents")
        pin_hash = make_password(DEMO_PIN)
        everyone = [*estate.people, estate.on_probation]
        _bulk(
            User,
            [
                User(
                    username=p.prison_number,
                    password=pin_hash,
                    first_name=p.first_name,
                    last_name=p.last_name,
                    preferred_language="cy" if p.first_language == "Welsh" else "",
                )
                for p in estate.people
            ],
        )
        user_ids = dict(User.objects.filter(username__in=estate.person_numbers()).values_list("username", "id"))
        resident_role = roles["resident"]
        _bulk(
            User.roles.through, [User.roles.through(user_id=uid, role_id=resident_role.pk) for uid in user_ids.values()]
        )
        _bulk(
            StaffAssignment,
            [
                StaffAssignment(
                    user_id=user_ids[p.prison_number], establishment=places[str(p.establishment)], since=p.arrival_date
                )
                for p in estate.people
            ],
        )
        phases.update()

        phases.set_postfix_str("people and bookings")
        _bulk(
            Person,
            [
                Person(
                    prison_number=p.prison_number,
                    first_name=p.first_name,
                    last_name=p.last_name,
                    date_of_birth=p.date_of_birth,
                    sex=p.sex,
                    ethnicity=p.ethnicity,
                    nationality=p.nationality,
                    first_language=p.first_language,
                    religion=p.religion,
                    disability=p.disability,
                    incentive_level=p.incentive_level,
                    establishment=places[p.establishment] if p.establishment else None,
                    location_id=location_ids[p.cell] if p.cell else None,
                    arrival_date=p.arrival_date,
                    legal_status=p.legal_status,
                    first_time_in_custody=p.first_time_in_custody,
                    self_harm_history=p.self_harm_history,
                    crn=p.crn,
                    pnc_id=p.pnc_id,
                    nhs_number=p.nhs_number,
                    user_id=user_ids.get(p.prison_number),
                )
                for p in everyone
            ],
        )
        person_ids = dict(
            Person.objects.filter(prison_number__in=[p.prison_number for p in everyone]).values_list(
                "prison_number", "id"
            )
        )
        home = places[estate.establishments[0].code]
        _bulk(
            Booking,
            [
                Booking(
                    person_id=person_ids[p.prison_number],
                    booking_number=p.booking_number,
                    establishment=places[p.establishment] if p.establishment else home,
                    start_date=p.arrival_date,
                    end_date=p.released_on,
                )
                for p in everyone
            ],
        )
        movements: list[Movement] = []
        for p in everyone:
            place = places[p.establishment] if p.establishment else home
            movements.append(
                Movement(
                    person_id=person_ids[p.prison_number],
                    kind=MovementKind.ADMISSION,
                    occurred_at=p.arrived_at,
                    to_establishment=place,
                    to_location_id=location_ids[p.admission_cell] if p.admission_cell else None,
                    reason="Remanded by the court" if p.legal_status == LegalStatus.REMAND else "Sentenced",
                )
            )
            movements.extend(
                Movement(
                    person_id=person_ids[p.prison_number],
                    kind=MovementKind.CELL_MOVE,
                    occurred_at=move.at,
                    from_establishment=place,
                    to_establishment=place,
                    from_location_id=location_ids[move.from_cell],
                    to_location_id=location_ids[move.to_cell],
                    reason="Cell move",
                )
                for move in p.moves
            )
            if p.released_on:
                movements.append(
                    Movement(
                        person_id=person_ids[p.prison_number],
                        kind=MovementKind.RELEASE,
                        occurred_at=_at(p.released_on, 10.0),
                        from_establishment=place,
                        reason="Released on licence",
                    )
                )
        _bulk(Movement, movements)
        _bulk(
            Alert,
            [
                Alert(
                    person_id=person_ids[p.prison_number],
                    code=a.code,
                    comment=a.comment,
                    active_from=a.active_from,
                    active_to=a.active_to,
                    created_at=_at(a.active_from, 12.0),
                )
                for p in estate.people
                for a in p.alerts
            ],
        )
        phases.update()

        phases.set_postfix_str("staff and authenticators")
        staff_hash = make_password(DEMO_PASSWORD)
        _bulk(
            User,
            [
                User(
                    username=s.username,
                    password=staff_hash if s.role != "partner_system" else make_password(None),
                    first_name=s.first_name,
                    last_name=s.last_name,
                    email=f"{s.username}@demo.invalid" if s.establishment else "",
                )
                for s in estate.staff
            ],
        )
        staff_ids = dict(
            User.objects.filter(username__in=[s.username for s in estate.staff]).values_list("username", "id")
        )
        _bulk(
            User.roles.through,
            [User.roles.through(user_id=staff_ids[s.username], role_id=roles[s.role].pk) for s in estate.staff],
        )
        _bulk(
            StaffAssignment,
            [
                StaffAssignment(
                    user_id=staff_ids[s.username], establishment=places[s.establishment], since=options.start_date
                )
                for s in estate.staff
                if s.establishment
            ],
        )
        _bulk(
            TOTPDevice,
            [
                TOTPDevice(
                    user_id=staff_ids[s.username],
                    name="Demo authenticator",
                    confirmed=True,
                    key=totp_key(options.seed, s.username),
                )
                for s in estate.staff
                if s.role != "partner_system"
            ],
        )
        _bulk(
            CaseloadEntry,
            [
                CaseloadEntry(
                    staff_id=staff_ids[s.username],
                    person_id=person_ids[pn],
                    kind=s.caseload_kind,
                    since=options.start_date,
                )
                for s in estate.staff
                for pn in s.caseload
            ],
        )
        phases.update()

        phases.set_postfix_str("kiosks and partner token")
        kiosk_codes: dict[str, str] = {}
        for place_spec in estate.establishments:
            issued = identity_services.device_register(
                name=f"Wing A kiosk, {place_spec.name}",
                kind=DeviceKind.KIOSK,
                establishment=places[place_spec.code],
                location=Location.objects.filter(key=f"{place_spec.code}-A").first(),
            )
            kiosk_codes[place_spec.code] = f"{base_url}/kiosk/enrol/?code={issued.secret}"
        Person.objects.filter(prison_number=estate.on_probation.prison_number).update(user_id=staff_ids["pop.demo"])
        partner = User.objects.get(username="partner.demo")
        partner_token = identity_services.api_token_issue(
            user=partner, name="Demo partner token", scopes=["people.lookup_person"]
        ).secret
        phases.update()

    phases.set_postfix_str("activity")
    events_before = ActivityEvent.objects.count()
    counter = 0
    bar = tqdm(total=len(estate.people), desc="Activity", unit="person", disable=not progress, leave=False)

    def new_events() -> Iterator[activity.NewEvent]:
        nonlocal counter
        for person_events_list in iter_events(estate):
            for event in person_events_list:
                if options.not_after is not None and event.recorded_at > options.not_after:
                    continue
                counter += 1
                yield activity.NewEvent(
                    person=event.person,
                    kind=event.kind,
                    occurred_at=event.occurred_at,
                    idempotency_key=f"demo:{options.seed}:{counter}",
                    value=event.value,
                    payload=event.payload,
                    recorded_at=event.recorded_at,
                )
            bar.update(1)

    # Through the activity stream's bulk writer, as an import: a batch a transaction with its audit row, events with
    # keys already stored skipped.
    with bar, transaction.atomic():
        activity.emit_many(events=new_events(), source=SOURCE, batch_size=EVENT_BATCH)
    phases.update()
    phases.close()

    counts = {
        "establishments": Establishment.objects.count(),
        "locations": Location.objects.count(),
        "cells": Location.objects.filter(level=LocationLevel.CELL).count(),
        "people": Person.objects.count(),
        "bookings": Booking.objects.count(),
        "movements": Movement.objects.count(),
        "alerts": Alert.objects.count(),
        "active ACCTs (HA)": Alert.objects.filter(code="HA", active_to__isnull=True).count(),
        "users": User.objects.count(),
        "staff": len(estate.staff),
        "caseload entries": CaseloadEntry.objects.count(),
        "TOTP devices": TOTPDevice.objects.count(),
        "kiosks": RegisteredDevice.objects.count(),
        "activity events": counter,
        "self-harm incidents": sum(len(p.incidents) for p in estate.people),
    }
    role_names = {role.code: role.name for role in Role.objects.all()}
    samples = [(p.prison_number, str(p.establishment)) for p in _sample_residents(estate)]
    return DemoResult(
        counts=counts,
        kiosk_codes=kiosk_codes,
        partner_token=partner_token,
        sample_residents=samples,
        logins=[
            (role_names.get(s.role, s.role), s.username, "all" if s.role == "hq_analyst" else s.establishment or "")
            for s in estate.staff
            if s.headline
        ],
        planted=sum(1 for p in estate.people if p.routine_change == "planted"),
        decoys=sum(1 for p in estate.people if p.routine_change == "decoy"),
        events_already_stored=counter - (ActivityEvent.objects.count() - events_before),
    )


def _sample_residents(estate: DemoEstate) -> list[PersonSpec]:
    """Two residents to try on a kiosk: from the first two prisons where there are two."""
    picks: list[PersonSpec] = []
    for place in estate.establishments:
        match = next((p for p in estate.people if p.establishment == place.code), None)
        if match is not None:
            picks.append(match)
        if len(picks) == 2:
            break
    return picks
