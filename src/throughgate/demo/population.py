"""The demo estate's prisons, cells, people and staff, drawn from the seed (``generate``). See
``throughgate.demo.estate`` for the choices a reader of the demo data should know."""

from __future__ import annotations

import math
import random
import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from faker import Faker
from tqdm import tqdm

from throughgate.core.validators import nhs_check_digit, pnc_check_letter
from throughgate.demo.records import (
    KNOWN_ESTABLISHMENTS,
    AlertSpec,
    DemoError,
    DemoEstate,
    DemoOptions,
    EstablishmentSpec,
    Habits,
    LocationSpec,
    MoveSpec,
    PersonSpec,
    StaffSpec,
    local_time,
    weighted,
    years_before,
)
from throughgate.identity.models import (
    LocationLevel,
)
from throughgate.people.models import (
    CaseloadKind,
    Ethnicity,
    IncentiveLevel,
    LegalStatus,
    Nationality,
    Sex,
)

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
    "visits_booking": "visits",
    "probation_practitioner": "probation",
    "resettlement": "resettlement",
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
    dob = years_before(end, age_years)
    dob = min(dob, years_before(end, 18) - timedelta(days=1))
    age = end.year - dob.year - ((end.month, end.day) < (dob.month, dob.day))
    ethnicity = weighted(rng, ETHNICITY_WEIGHTS)
    foreign = rng.random() < FOREIGN_BY_ETHNICITY[ethnicity]
    if foreign:
        language = weighted(rng, FOREIGN_LANGUAGES[ethnicity])
    elif ethnicity == Ethnicity.ASIAN and rng.random() < 0.12:
        language = weighted(rng, (("Urdu", 5), ("Punjabi", 4), ("Bengali", 3)))
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
    arrival = max(end - timedelta(days=back), years_before(dob, -18) + timedelta(days=1))
    arrival = min(arrival, end)
    settled = (end - arrival).days > 60
    if settled:
        level = weighted(rng, ((IncentiveLevel.BASIC, 9), (IncentiveLevel.STANDARD, 54), (IncentiveLevel.ENHANCED, 37)))
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
            "religion": weighted(rng, RELIGIONS[ethnicity]),
            "disability": rng.random() < 0.15 + 0.005 * (age - 18),
            "incentive_level": str(level),
            "establishment": place.code,
            "arrival_date": arrival,
            "arrived_at": local_time(arrival, rng.uniform(13.5, 19.5)),
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
        hour = weighted(rng, ((rng.uniform(7, 12), 2), (rng.uniform(12, 18), 3), (rng.uniform(18, 23.9), 5)))
        incidents.append(local_time(day, hour))
        day += timedelta(days=1 + int(rng.expovariate(1 / (3 if draft["sex"] == Sex.FEMALE else 7))))
    draft.incidents = incidents


def _acct_alerts(rng: random.Random, draft: _Draft, options: DemoOptions) -> None:
    """ACCT (HA open, HA1 post-closure, HA2 closed) and HC alerts, consistent with the incidents."""
    end = options.end_date
    arrival: date = draft["arrival_date"]
    alerts = draft.alerts
    if draft["self_harm_history"] and not draft["first_time_in_custody"] and rng.random() < 0.5:
        earliest = max(years_before(draft["date_of_birth"], -18), years_before(arrival, 3))
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
    count = weighted(rng, ((0, 55), (1, 25), (2, 12), (3, 8)))
    arrival: date = draft["arrival_date"]
    span = (options.end_date - arrival).days
    times: list[datetime] = []
    if draft.fields.get("routine_change") == "planted" and rng.random() < 0.5:
        start: date = draft["change_start"]
        times.append(local_time(start, rng.uniform(9, 17)))  # a cell change, a known risk factor
        count = max(0, count - 1)
    if span >= 1:
        for n in range(count):
            early = n == 0 and arrival >= options.start_date and rng.random() < 0.7
            offset = rng.randint(1, min(span, 5)) if early else rng.randint(1, span)
            times.append(local_time(arrival + timedelta(days=offset), rng.uniform(9, 17)))
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
        arrived_at=local_time(arrival, 15.5),
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
