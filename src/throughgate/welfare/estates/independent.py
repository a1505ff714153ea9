"""An independent synthetic estate for AIM: people, routines, self-harm episodes, decoys, and a scorer of AIM's flags.

Built only from the domain guide and the `aim ingest` / `aim score` command contract, never from AIM's own method, so
that the method cannot flatter itself on data it was tuned on. Events are stored in columns and drawn with
counter-based random numbers (a hash of seed, kind, person, day and slot): the same seed gives the same estate, and an
estate with a change removed differs from the original only where the change was (common random numbers).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

LONDON = ZoneInfo("Europe/London")
DEFAULT_START = date(2025, 11, 3)

KINDS: tuple[str, ...] = (
    "visit.attended",
    "visit.cancelled",
    "phone.call",
    "canteen.ordered",
    "money.received",
    "meal.chosen",
    "app.submitted",
    "complaint.submitted",
    "activity.attended",
    "activity.refused",
    "kiosk.login",
    "incentive.changed",
    "adjudication.proven",
    "cell.moved",
    "segregation.started",
    "self_harm.incident",
)
KIND = {kind: number for number, kind in enumerate(KINDS)}
POUNDS_KINDS = frozenset({"canteen.ordered", "money.received"})
LEVELS = ("Basic", "Standard", "Enhanced")
AGE_BANDS = ("18-24", "25-34", "35-49", "50 and over")

# Routine parts a change can move, and the event kind that shows the move most directly.
INDICATOR_KIND = {
    "phone": "phone.call",
    "visits": "visit.attended",
    "canteen": "canteen.ordered",
    "money": "money.received",
    "meals": "meal.chosen",
    "kiosk": "kiosk.login",
    "apps": "app.submitted",
    "work": "activity.attended",
    "refusals": "activity.refused",
    "complaints": "complaint.submitted",
    "conflict": "adjudication.proven",
    "job": "activity.attended",
}
# Withdrawal lowers these (weight = how often that part is among the ones that move).
WITHDRAW_POOL = {
    "phone": 1.0,
    "kiosk": 1.0,
    "work": 0.9,
    "canteen": 0.8,
    "meals": 0.8,
    "apps": 0.7,
    "visits": 0.6,
    "money": 0.3,
}
# Agitation or help-seeking raises these.
AGITATE_POOL = {"apps": 1.0, "complaints": 0.9, "kiosk": 0.8, "refusals": 0.8, "conflict": 0.7, "phone": 0.5}
# Benign reasons for a change (decoys): the parts that move and which way, and how long the change lasts (days).
DECOY_REASONS: dict[str, tuple[dict[str, int], float, tuple[int, int]]] = {
    "new job": ({"job": +1, "kiosk": -1, "phone": -1}, 1.0, (20, 60)),
    "lost job": ({"job": -1, "kiosk": +1, "apps": +1}, 0.8, (20, 60)),
    "moved wing": ({"phone": -1, "kiosk": -1, "apps": +1}, 1.0, (10, 40)),
    "family moved away": ({"visits": -1, "money": -1, "phone": -1}, 0.8, (30, 90)),
    "illness": ({"meals": -1, "kiosk": -1, "job": -1, "phone": -1, "canteen": -1}, 0.7, (5, 12)),
    "promoted to Enhanced": ({"canteen": +1, "visits": +1, "phone": +1}, 0.6, (30, 90)),
    "dispute over a decision": ({"complaints": +1, "apps": +1}, 0.8, (7, 30)),
    "court case": ({"phone": +1, "apps": +1, "kiosk": +1}, 0.6, (7, 30)),
}
STRENGTH_BUCKETS = (("weak (<0.75)", 0.0, 0.75), ("moderate (0.75-1.25)", 0.75, 1.25), ("strong (>=1.25)", 1.25, 1e9))

MALE_CODES = ("HKM", "TVB", "GLX", "RWN", "DKY", "SBX", "OCR", "NMQ", "PJV")
FEMALE_CODE = "FWZ"
OTHER_LANGUAGES = (
    "Polish",
    "Romanian",
    "Albanian",
    "Lithuanian",
    "Urdu",
    "Arabic",
    "Portuguese",
    "Vietnamese",
    "Somali",
)
SPEND_LIMIT = (15.0, 25.0, 45.0)  # weekly canteen cap by incentive level, pounds (each prison sets its own)
VISITS_PER_4_WEEKS = (2.0, 3.0, 4.0)  # sentenced, by incentive level; remand about 6

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)


@dataclass(frozen=True)
class Sweep:
    """What a test run varies. Every default is the estate's ordinary state."""

    signal_strength: float = 1.0  # scales the size of every planted change; 0 plants none (decoys too)
    indicators_moving: float = 3.0  # mean number of routine parts that move in a change (at least 1)
    rise_share: float = 0.4  # share of changes that rise (agitated, help-seeking); the rest withdraw, some mixed
    silent_share: float = 0.5  # share of first incidents with no change in routine before them
    sparse_share: float = 0.15  # share digitally excluded; about twice as many have no visitors
    lockdowns: int = 2  # estate-wide shocks: a few days of curtailed regime in one prison, not a crisis
    decoy_rate: float = 0.04  # share of people without an episode whose routine changes for a benign reason
    women_share: float = 0.1  # share of people in the women's establishment (oversampled so women are measurable)
    reception_share: float = 0.2  # share of people who arrive during the period

    def __post_init__(self) -> None:
        for name in ("rise_share", "silent_share", "sparse_share", "decoy_rate", "women_share", "reception_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.signal_strength < 0 or self.indicators_moving < 1 or self.lockdowns < 0:
            raise ValueError("signal_strength must be >= 0, indicators_moving >= 1 and lockdowns >= 0")


@dataclass(frozen=True)
class EventTable:
    """Events in columns: person index (into truth["people"]), kind index (into KINDS), day index, minute, value."""

    person: Ints
    kind: Ints
    day: Ints
    minute: Ints
    value: Floats

    @classmethod
    def empty(cls) -> EventTable:
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none.copy(), none.copy(), none.copy(), np.zeros(0))

    def __len__(self) -> int:
        return len(self.person)


@dataclass(frozen=True)
class Estate:
    """A generated estate: person records, events, and the truth about who changed and why."""

    start: date
    days: int
    truth: dict[str, Any]
    persons: tuple[dict[str, Any], ...] = ()
    events: EventTable = field(default_factory=EventTable.empty)

    @cached_property
    def records(self) -> list[dict[str, Any]]:
        """Every record in `aim ingest` format: person records, then events in time order."""
        return list(self.persons) + list(_event_records(self, np.arange(len(self.events))))

    def day(self, index: int) -> date:
        return self.start + timedelta(days=index)


def generate(*, people: int, days: int, seed: int, prisons: int = 4, start: date | None = None, **sweep: Any) -> Estate:
    """Generate an estate of `people` over `days` days from `start`; `sweep` takes the fields of `Sweep`."""
    if people < 1 or days < 1 or not 1 <= prisons <= len(MALE_CODES) + 1:
        raise ValueError(f"need people >= 1, days >= 1 and 1 <= prisons <= {len(MALE_CODES) + 1}")
    return _Builder(
        people=people, days=days, seed=seed, prisons=prisons, start=start or DEFAULT_START, sweep=Sweep(**sweep)
    ).build()


# --- counter-based random numbers ---------------------------------------------------------------------------------


def _mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    x = x + _M1
    x = (x ^ (x >> np.uint64(30))) * _M2
    x = (x ^ (x >> np.uint64(27))) * _M3
    return x ^ (x >> np.uint64(31))


def _hash_uniform(seed: int, stream: int, *keys: npt.ArrayLike) -> Floats:
    """Uniform [0, 1) numbers fixed by (seed, stream, keys...), broadcast over the keys' shapes."""
    x = _mix(np.asarray([(seed * 1_000_003 + stream) % 2**63], dtype=np.uint64))
    for key in keys:
        x = _mix(x ^ np.asarray(key, dtype=np.int64).astype(np.uint64))
    return (x >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _poisson(u: Floats, lam: Floats) -> Ints:
    """Poisson counts by inverting the CDF at u: the count never falls when lam rises (for the same u)."""
    u, lam = np.broadcast_arrays(u, np.maximum(lam, 0.0))
    term = np.exp(-lam)
    cdf = term.copy()
    count = np.zeros(lam.shape, dtype=np.int64)
    more = u > cdf
    k = 0
    while more.any() and k < 80:
        k += 1
        count += more
        term = term * lam / k
        cdf = cdf + term
        more &= u > cdf
    return count


def _normal(seed: int, stream: int, *keys: npt.ArrayLike) -> Floats:
    """Approximately standard normal numbers (sum of four hashed uniforms)."""
    total = sum(_hash_uniform(seed, stream * 8 + i, *keys) for i in range(4))
    return (np.asarray(total) - 2.0) / math.sqrt(4 / 12)


# --- the builder --------------------------------------------------------------------------------------------------


@dataclass
class _Change:
    """One planted change in a person's routine (before an incident, or a decoy)."""

    person: int
    start: int  # first day changed
    peak: int  # last day at full size (the incident day for an episode)
    end: int  # last day changed (after peak the change fades out)
    ramp: int  # days to reach full size (1 = abrupt)
    effects: dict[str, int]  # indicator -> +1 rise / -1 fall
    strength: float
    sizes: dict[str, float]  # indicator -> relative size drawn for this change

    def profile(self, days: int) -> tuple[int, Floats]:
        """Days from `start` and the share of the full change on each, up to `end`."""
        last = min(self.end, days - 1)
        t = np.arange(self.start, last + 1)
        frac = np.minimum(1.0, (t - self.start + 1) / max(self.ramp, 1))
        after = t > self.peak
        frac[after] = 1.0 - (t[after] - self.peak) / (self.end - self.peak + 1)
        return self.start, frac


class _Builder:
    def __init__(self, *, people: int, days: int, seed: int, prisons: int, start: date, sweep: Sweep) -> None:
        self.n, self.D, self.seed, self.P, self.start, self.sweep = people, days, seed, prisons, start, sweep
        streams = np.random.SeedSequence(seed).spawn(5)
        self.rng_people, self.rng_prisons, self.rng_episodes, self.rng_decoys, self.rng_misc = (
            np.random.Generator(np.random.PCG64(s)) for s in streams
        )
        self.hash_seed = int(np.random.SeedSequence(seed).generate_state(1, dtype=np.uint64)[0] % 2**62)
        self.day_index = np.arange(days)
        self.dates = [start + timedelta(days=d) for d in range(days)]
        self.weekday = np.array([d.weekday() for d in self.dates])
        self.holiday = np.array([d in _bank_holidays(d.year) for d in self.dates])
        self.columns: list[tuple[Ints, Ints, Ints, Ints, Floats]] = []

    # -- establishments, people --

    def prisons_(self) -> None:
        rng = self.rng_prisons
        women = self.P >= 2
        male = self.P - 1 if women else self.P
        weights = np.array([1.0, 0.7, 0.45, 0.3, 0.25, 0.2, 0.2, 0.15, 0.15][:male])
        weights = weights / weights.sum() * (1 - self.sweep.women_share if women else 1.0)
        self.codes = list(MALE_CODES[:male]) + ([FEMALE_CODE] if women else [])
        self.prison_sex = ["M"] * male + (["F"] if women else [])
        self.prison_weight = np.append(weights, self.sweep.women_share) if women else weights
        self.welsh = np.array([i == 1 and male >= 2 for i in range(self.P)])
        self.in_cell_tech = np.array([i == 0 for i in range(self.P)])  # in-cell laptops in the largest prison
        self.visit_days = [sorted([*rng.choice(5, size=2, replace=False).tolist(), 5, 6]) for _ in range(self.P)]
        self.canteen_day = rng.integers(0, 5, size=self.P)
        self.lockdown = np.zeros((self.P, self.D), dtype=bool)
        self.lockdown_list: list[dict[str, Any]] = []
        for _ in range(self.sweep.lockdowns):
            prison = int(rng.choice(self.P, p=self.prison_weight))
            length = int(rng.integers(2, 6))
            first = int(rng.integers(0, max(1, self.D - length)))
            self.lockdown[prison, first : first + length] = True
            self.lockdown_list.append(
                {
                    "establishment": self.codes[prison],
                    "start": self.dates[first].isoformat(),
                    "end": self.dates[min(first + length, self.D) - 1].isoformat(),
                }
            )

    def people_(self) -> None:
        rng, n, sw = self.rng_people, self.n, self.sweep
        self.prison = rng.choice(self.P, size=n, p=self.prison_weight)
        self.female = np.array([self.prison_sex[p] == "F" for p in self.prison])
        band = rng.choice(4, size=n, p=[0.15, 0.32, 0.36, 0.17])
        low, high = np.array([18, 25, 35, 50])[band], np.array([24, 34, 49, 78])[band]
        age_years = low + np.floor((high - low + 1) * rng.random(n) ** np.where(band == 3, 2.0, 1.0)).astype(int)
        self.band = band
        self.birth = [
            self.start - timedelta(days=int(365.25 * a + 365 * f))
            for a, f in zip(age_years, rng.random(n), strict=True)
        ]
        self.ethnicity = np.where(
            self.female,
            rng.choice(5, size=n, p=[0.80, 0.08, 0.04, 0.06, 0.02]),
            rng.choice(5, size=n, p=[0.72, 0.13, 0.08, 0.05, 0.02]),
        )
        self.foreign = rng.random(n) < np.where(self.female, 0.08, 0.12)
        u_lang, lang_pick = rng.random(n), rng.integers(0, len(OTHER_LANGUAGES), size=n)
        welsh_here = self.welsh[self.prison]
        self.language = np.where(
            self.foreign,
            np.where(u_lang < 0.25, "English", np.array(OTHER_LANGUAGES)[lang_pick]),
            np.where(u_lang < np.where(welsh_here, 0.15, 0.005), "Welsh", np.where(u_lang > 0.99, "Other", "English")),
        )
        self.language = np.where(self.language == "Other", np.array(OTHER_LANGUAGES)[lang_pick], self.language)
        non_english = ~np.isin(self.language, ["English", "Welsh"])
        self.disability = rng.random(n) < np.where(band == 3, 0.4, 0.2)
        old = band == 3
        factor = 1.0 + old + non_english
        self.excluded = rng.random(n) < np.clip(sw.sparse_share * factor / factor.mean(), 0, 1)
        factor = 1.0 + 1.5 * self.foreign + 0.5 * old
        self.no_visitors = rng.random(n) < np.clip(2 * sw.sparse_share * factor / factor.mean(), 0, 0.95)
        self.quiet = rng.random(n) < sw.sparse_share / 3  # almost no data of any kind
        # Arrivals: most are already in custody at the start; receptions arrive during the period.
        reception = rng.random(n) < sw.reception_share
        served = np.clip(rng.lognormal(math.log(250), 1.0, size=n), 1, 3650).astype(int)
        self.arrival = np.where(reception, rng.integers(0, max(1, self.D), size=n), -served)
        self.remand = rng.random(n) < np.where(reception, 0.6, 0.15)
        stay = np.where(reception | self.remand, rng.lognormal(math.log(70), 0.9, size=n), rng.lognormal(6.3, 1, n))
        release = self.arrival + np.maximum(stay.astype(int), 3) + np.where(reception, 0, served)
        release = np.where(~reception, np.maximum(release, 1), release)
        self.release = np.where(release < self.D, release, self.D)  # D = not released in the period
        self.first_time = rng.random(n) < np.where(reception, 0.35, 0.3)
        self.history = rng.random(n) < np.where(self.female, 0.45, 0.2)
        self.level0 = np.where(reception, 1, rng.choice(3, size=n, p=[0.05, 0.55, 0.40]))
        self.numbers = _prison_numbers(rng, n)
        d = self.day_index[None, :]
        self.custody = (d >= self.arrival[:, None]) & (d < self.release[:, None])
        self.days_in = np.clip(d - self.arrival[:, None], 0, None)

    def routines_(self) -> None:
        """Each person's ordinary rates: people differ a lot."""
        rng, n = self.rng_people, self.n
        non_english = ~np.isin(self.language, ["English", "Welsh"])
        quiet = np.where(self.quiet, 0.2, 1.0)
        self.never_calls = rng.random(n) < np.where(self.foreign, 0.25, 0.07)
        calls = rng.lognormal(math.log(0.8), 0.7, n) * np.where(self.foreign, 0.5, 1) * np.where(non_english, 0.7, 1)
        self.call_rate = np.where(self.never_calls, 0.0, calls * np.where(self.no_visitors, 0.6, 1) * quiet)
        self.call_minutes = np.clip(rng.lognormal(math.log(9), 0.4, n), 3, 25)
        takeup = rng.beta(2, 1.5, n)
        allowance = np.where(self.remand, 6.0, np.array(VISITS_PER_4_WEEKS)[self.level0])
        self.visit_rate = np.where(self.no_visitors, 0.0, allowance * takeup / 4 / 4)  # per visit day
        self.visit_cancel = rng.beta(1.5, 12, n)
        self.canteen_p = rng.beta(8, 1.5, n) * np.where(self.quiet, 0.4, 1)
        self.canteen_share = np.clip(rng.lognormal(math.log(0.55), 0.35, n), 0.1, 1)
        family_money = rng.random(n) < 0.6 * np.where(self.no_visitors, 0.5, 1) * np.where(self.foreign, 0.6, 1)
        self.money_rate = np.where(family_money, rng.uniform(0.03, 0.15, n), 0.0) * quiet
        self.money_amount = rng.choice([10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 100.0], size=n)
        digital = np.where(self.in_cell_tech[self.prison], 1.6, 1.0)
        self.meal_p = np.where(self.excluded, rng.uniform(0, 0.05, n), rng.beta(6, 2, n)) * quiet
        kiosk = rng.lognormal(math.log(1.5), 0.7, n) * digital
        self.kiosk_rate = np.where(self.excluded, rng.uniform(0, 0.1, n), kiosk) * quiet
        self.app_rate = np.where(self.excluded, 0.01, rng.lognormal(math.log(0.25), 0.7, n) * digital) * quiet
        self.complaint_rate = np.where(rng.random(n) < 0.25, rng.uniform(0.01, 0.05, n), 0.002)
        self.worker = (rng.random(n) < np.where(self.remand, 0.3, np.where(self.band == 3, 0.45, 0.6))) & ~self.quiet
        self.work_days = np.where(self.worker, rng.choice([5, 4, 3], size=n, p=[0.6, 0.25, 0.15]), 0)
        self.sessions_per_day = np.where(rng.random(n) < 0.75, 2, 1)
        self.leisure_rate = rng.uniform(0, 0.3, n) * quiet  # gym, education, chapel on weekdays
        self.attend_p = 1 - np.where(rng.random(n) < 0.1, rng.beta(2, 5, n), rng.beta(1, 25, n)) - 0.03
        self.refuse_share = rng.uniform(0.5, 0.9, n)  # of the sessions missed, the share recorded as refused
        self.adjudication_rate = np.where(rng.random(n) < 0.35, rng.uniform(0.002, 0.02, n), 0.0005)
        self.adjudication_rate *= np.where(self.band == 0, 1.8, 1) * np.where(self.female, 0.6, 1)
        self.move_rate = rng.uniform(0.003, 0.015, n)

    # -- self-harm episodes and decoys --

    def episodes_(self) -> None:
        rng, n, sw = self.rng_episodes, self.n, self.sweep
        annual = np.where(self.female, 0.40, 0.15)
        relative = (
            np.where(self.history, 3.0, 1.0)
            * np.where(self.band == 0, 1.5, 1.0)
            * np.where(self.no_visitors, 1.3, 1.0)
            * np.where(self.worker, 1.0, 1.2)
            * np.where(self.first_time, 1.3, 1.0)
        )
        for sex in (True, False):
            group = self.female == sex
            if group.any():
                relative[group] /= relative[group].mean()
        early = np.where(self.days_in < 28, 2.5, 1.0)  # early days in custody carry raised risk
        hazard = (annual * relative / 365)[:, None] * early * self.custody
        cumulative = np.cumsum(hazard, axis=1)
        target = -np.log1p(-rng.random(n))
        has = cumulative[:, -1] >= target
        first = np.argmax(cumulative >= target[:, None], axis=1)
        self.incidents: dict[int, list[int]] = {}
        self.episodes: list[dict[str, Any]] = []
        self.changes: list[_Change] = []
        people = np.flatnonzero(has)
        # Draw every episode's parameters whether or not it turns out silent, so sweeps move only what they say.
        u_silent, lead = rng.random(len(people)), rng.integers(5, 22, size=len(people))
        u_direction, extra = rng.random(len(people)), rng.poisson(sw.indicators_moving - 1, size=len(people))
        strength = sw.signal_strength * rng.lognormal(0, 0.3, size=len(people))
        abrupt, ramp = rng.random(len(people)) < 0.45, rng.integers(5, 15, size=len(people))
        persist = rng.integers(0, 15, size=len(people))
        keys = rng.random((len(people), 16))
        sizes = rng.uniform(0.6, 1.4, size=(len(people), 16))
        for i, p in enumerate(people.tolist()):
            day0 = int(first[p])
            last = int(self.release[p]) - 1
            repeats = _repeats(rng, female=bool(self.female[p]), history=bool(self.history[p]), span=last - day0)
            cluster = day0 + 1 + rng.geometric(1 / 7, size=repeats)
            spread = rng.integers(day0, last + 1, size=repeats)
            later = np.where(rng.random(repeats) < 0.6, cluster, spread)
            dates = sorted([day0, *later[later <= last].tolist()])
            self.incidents[p] = dates
            episode: dict[str, Any] = {
                "prison_number": self.numbers[p],
                "incident_dates": [self.dates[d].isoformat() for d in dates],
                "first_incident": self.dates[day0].isoformat(),
                "change_start": None,
                "direction": None,
                "indicators": {},
                "strength": None,
                "shape": None,
                "silent": True,
                "note": "",
            }
            self.episodes.append(episode)
            start = max(day0 - int(lead[i]), int(self.arrival[p]) + 1, 0)
            if u_silent[i] < sw.silent_share:
                continue
            if day0 - start < 3:
                episode["note"] = "arrived or period began too recently for a change to show"
                continue
            direction = _direction(u_direction[i], sw.rise_share)
            effects = self._pick(p, direction, 1 + int(extra[i]), keys[i])
            if not effects:
                episode["note"] = "no routine part in use could change"
                continue
            change = _Change(
                person=p,
                start=start,
                peak=day0,
                end=day0 + int(persist[i]),
                ramp=1 if abrupt[i] else int(ramp[i]),
                effects=effects,
                strength=float(strength[i]),
                sizes={name: float(sizes[i, j]) for j, name in enumerate(sorted(INDICATOR_KIND))},
            )
            self.changes.append(change)
            episode.update(
                change_start=self.dates[start].isoformat(),
                direction=_label(effects),
                silent=False,
                indicators={k: "up" if v > 0 else "down" for k, v in effects.items()},
                strength=round(float(strength[i]), 3),
                shape="abrupt" if abrupt[i] else f"ramp over {ramp[i]} days",
            )

    def _uses(self, p: int) -> dict[str, bool]:
        """Which routine parts this person uses enough for a fall to show (a rise can start from nothing)."""
        digital = not self.excluded[p] and not self.quiet[p]
        return {
            "phone": self.call_rate[p] > 0.05,
            "visits": self.visit_rate[p] > 0,
            "canteen": self.canteen_p[p] > 0.3,
            "money": self.money_rate[p] > 0,
            "meals": digital,
            "kiosk": digital,
            "apps": digital,
            "work": bool(self.worker[p]),
            "refusals": bool(self.worker[p]),
            "complaints": True,
            "conflict": True,
            "job": True,
        }

    def _pick(self, p: int, direction: str, k: int, keys: Floats) -> dict[str, int]:
        uses = self._uses(p)
        order = sorted(INDICATOR_KIND)

        def top(pool: Mapping[str, float], count: int, taken: Mapping[str, int], rising: bool) -> list[str]:
            names = [
                m for m in pool if m not in taken and (uses[m] or (rising and m in ("complaints", "conflict", "phone")))
            ]
            names.sort(key=lambda m: -(keys[order.index(m)] ** (1 / pool[m])))
            return names[:count]

        effects: dict[str, int] = {}
        if direction == "mixed":
            k = max(k, 2)
            effects.update(dict.fromkeys(top(WITHDRAW_POOL, (k + 1) // 2, effects, False), -1))
            effects.update(dict.fromkeys(top(AGITATE_POOL, k - len(effects), effects, True), +1))
        elif direction == "withdraw":
            effects.update(dict.fromkeys(top(WITHDRAW_POOL, k, effects, False), -1))
        else:
            effects.update(dict.fromkeys(top(AGITATE_POOL, k, effects, True), +1))
        return effects

    def decoys_(self) -> None:
        rng, sw = self.rng_decoys, self.sweep
        span = self.custody.sum(axis=1)
        candidates = np.flatnonzero(np.isin(np.arange(self.n), list(self.incidents), invert=True) & (span >= 14))
        chosen = candidates[rng.random(len(candidates)) < sw.decoy_rate]
        reasons = list(DECOY_REASONS)
        weights = np.array([DECOY_REASONS[r][1] for r in reasons])
        self.decoys: list[dict[str, Any]] = []
        self.scripted: list[tuple[int, str, int, float]] = []
        for p in chosen.tolist():
            reason = str(rng.choice(reasons, p=weights / weights.sum()))
            first, last = max(int(self.arrival[p]) + 7, 0), int(self.release[p]) - 1
            strength = sw.signal_strength * float(rng.lognormal(0, 0.3))
            start = int(rng.integers(min(first, last), last + 1))
            low, high = DECOY_REASONS[reason][2]
            length = int(rng.integers(low, high + 1))
            abrupt, ramp = bool(rng.random() < 0.6), int(rng.integers(3, 10))
            sizes = rng.uniform(0.6, 1.4, size=len(INDICATOR_KIND))
            reason = self._fits(p, reason)
            effects = dict(DECOY_REASONS[reason][0])
            uses = self._uses(p)
            effects = {m: s for m, s in effects.items() if s > 0 or uses[m]} or {"complaints": +1, "apps": +1}
            end = start + length
            fade = int(rng.integers(0, 8))
            self.changes.append(
                _Change(
                    person=p,
                    start=start,
                    peak=end - fade,
                    end=end,
                    ramp=1 if abrupt else ramp,
                    effects=effects,
                    strength=strength,
                    sizes={m: float(sizes[j]) for j, m in enumerate(sorted(INDICATOR_KIND))},
                )
            )
            if reason == "moved wing" and strength > 0:
                self.scripted.append((p, "cell.moved", start, 1.0))
            if reason == "promoted to Enhanced" and strength > 0:
                self.scripted.append((p, "incentive.changed", start, 2.0))
            self.decoys.append(
                {
                    "prison_number": self.numbers[p],
                    "reason": reason,
                    "change_start": self.dates[start].isoformat(),
                    "change_end": self.dates[min(end, self.D - 1)].isoformat(),
                    "direction": _label(effects),
                    "indicators": {k: "up" if v > 0 else "down" for k, v in effects.items()},
                    "strength": round(strength, 3),
                    "shape": "abrupt" if abrupt else f"ramp over {ramp} days",
                }
            )

    def _fits(self, p: int, reason: str) -> str:
        if reason == "new job" and self.worker[p]:
            return "court case" if self.remand[p] else "moved wing"
        if reason == "lost job" and not self.worker[p]:
            return "dispute over a decision"
        if reason == "promoted to Enhanced" and self.level0[p] == 2:
            return "moved wing"
        if reason == "family moved away" and self.visit_rate[p] == 0:
            return "illness"
        return reason

    def modifiers_(self) -> None:
        """Per person-day multipliers and additions from every change."""
        shape = (self.n, self.D)
        self.mult: dict[str, Floats] = {}
        self.add: dict[str, Floats] = {}

        def mult(name: str) -> Floats:
            return self.mult.setdefault(name, np.ones(shape))

        def add(name: str) -> Floats:
            return self.add.setdefault(name, np.zeros(shape))

        for change in self.changes:
            first, frac = change.profile(self.D)
            cols = slice(first, first + len(frac))
            s, p = change.strength, change.person
            for name, sign in change.effects.items():
                size = change.sizes[name]
                fall = min(0.9, 0.35 * s * size) * frac
                rise = 0.9 * s * size * frac
                if name in ("phone", "kiosk", "apps", "money", "complaints", "visits") and sign < 0:
                    mult(name)[p, cols] *= 1 - fall
                    if name == "visits":
                        add("visit_cancel")[p, cols] += fall * 0.6
                elif name in ("phone", "kiosk", "apps", "money", "complaints", "visits"):
                    mult(name)[p, cols] *= 1 + rise
                    floor = {"phone": 0.3, "kiosk": 0.8, "apps": 0.2, "money": 0.05, "complaints": 0.04, "visits": 0.1}
                    add(name)[p, cols] += floor[name] * s * frac
                elif name in ("canteen", "meals"):
                    mult(name)[p, cols] *= (1 - fall) if sign < 0 else np.minimum(1.5, 1 + rise)
                    if name == "canteen":
                        mult("canteen_amount")[p, cols] *= (1 - fall / 2) if sign < 0 else 1 + rise / 3
                elif name == "work":
                    mult("attend")[p, cols] *= 1 - fall
                    add("refuse")[p, cols] += 0.2 * s * frac
                elif name == "refusals":
                    mult("attend")[p, cols] *= 1 - fall
                    add("refuse")[p, cols] += np.minimum(0.9, 0.6 * s * size) * frac
                elif name == "job":
                    if sign < 0:
                        mult("sessions")[p, cols] *= 1 - np.minimum(0.95, 0.7 * s * size) * frac
                    else:
                        add("sessions")[p, cols] += np.minimum(2.0, 2.0 * s) * frac
                elif name == "conflict":
                    add("adjudication")[p, cols] += 0.02 * s * size * frac
                    add("cell")[p, cols] += 0.02 * s * size * frac

    # -- events --

    def emit(self, kind: str, counts: Ints, minutes: tuple[int, int], value: Floats | float = 1.0) -> None:
        """Add `counts[p, d]` events of `kind`, each at a hashed minute in [minutes) and with `value` per cell."""
        counts = np.where(self.custody, counts, 0)
        p, d = np.nonzero(counts)
        c = counts[p, d]
        if not len(c):
            return
        p, d = np.repeat(p, c), np.repeat(d, c)
        slot = np.arange(len(p)) - np.repeat(np.cumsum(c) - c, c)
        u = _hash_uniform(self.hash_seed, 1000 + KIND[kind], p, d, slot)
        minute = minutes[0] + np.floor(u * (minutes[1] - minutes[0])).astype(np.int64)
        values = np.broadcast_to(np.asarray(value, dtype=np.float64), counts.shape)[p, d]
        self.columns.append((p, np.full(len(p), KIND[kind]), d, minute, values))

    def u(self, kind: str, purpose: int = 0) -> Floats:
        return _hash_uniform(self.hash_seed, KIND[kind] * 16 + purpose, np.arange(self.n)[:, None], self.day_index)

    def m(self, name: str) -> Floats | float:
        return self.mult.get(name, 1.0)

    def a(self, name: str) -> Floats | float:
        return self.add.get(name, 0.0)

    def events_(self) -> None:
        P = self.prison
        wd = self.weekday[None, :]
        weekend = (wd >= 5) | self.holiday[None, :]
        locked = self.lockdown[P]
        # New receptions: PIN numbers, kiosk accounts and work take days to set up.
        settling = np.clip((self.days_in + 1) / 7, 0.2, 1.0)
        calls = self.call_rate[:, None] * np.where(weekend, 1.25, 1.0) * np.where(locked, 0.6, 1.0) * settling * self.m(
            "phone"
        ) + self.a("phone")
        count = _poisson(self.u("phone.call"), calls)
        minutes = self.call_minutes[:, None] * np.exp(
            0.5 * _normal(self.hash_seed, 2007, np.arange(self.n)[:, None], self.day_index)
        )
        self.emit("phone.call", count, (8 * 60, 20 * 60 + 30), np.clip(np.round(minutes), 1, 30))

        visit_day = np.stack([np.isin(self.weekday, days) for days in self.visit_days])[P]
        booked = _poisson(
            self.u("visit.attended"),
            (
                self.visit_rate[:, None] * visit_day * (self.days_in >= 7) * self.m("visits")
                + self.a("visits") * visit_day
            ),
        )
        cancel = np.clip(self.visit_cancel[:, None] + self.a("visit_cancel"), 0, 1)
        cancelled = np.where(locked | (self.u("visit.cancelled") < cancel), booked, 0)
        self.emit("visit.attended", booked - cancelled, (14 * 60, 14 * 60 + 1))
        self.emit("visit.cancelled", cancelled, (8 * 60, 12 * 60))

        self.emit(
            "money.received",
            _poisson(
                self.u("money.received"),
                self.money_rate[:, None] * np.where(weekend, 0.3, 1.3) * self.m("money") + self.a("money"),
            ),
            (9 * 60, 17 * 60),
            self.money_amount[:, None] * (1 + (self.u("money.received", 1) < 0.1)),
        )
        meals = self.meal_p[:, None] * settling * self.m("meals")
        self.emit("meal.chosen", (self.u("meal.chosen") < meals).astype(np.int64), (7 * 60 + 30, 20 * 60))
        kiosk = self.kiosk_rate[:, None] * np.where(weekend, 0.85, 1.0) * np.where(locked, 0.5, 1.0) * settling
        self.emit(
            "kiosk.login", _poisson(self.u("kiosk.login"), kiosk * self.m("kiosk") + self.a("kiosk")), (7 * 60, 21 * 60)
        )
        apps = self.app_rate[:, None] * np.where(weekend, 0.4, 1.2) * np.where(locked, 0.7, 1.0)
        self.emit(
            "app.submitted",
            _poisson(self.u("app.submitted"), apps * self.m("apps") + self.a("apps")),
            (7 * 60 + 30, 20 * 60 + 30),
        )
        complaints = self.complaint_rate[:, None] * np.where(weekend, 0.5, 1.1) * self.m("complaints")
        self.emit(
            "complaint.submitted",
            _poisson(self.u("complaint.submitted"), complaints + self.a("complaints")),
            (8 * 60, 20 * 60),
        )

        # Work and education: scheduled sessions on weekdays, none in a lockdown or on a bank holiday.
        open_ = ~weekend & ~locked & (self.days_in >= 5)
        scheduled = (wd < self.work_days[:, None]) * self.sessions_per_day[:, None]
        leisure = _poisson(self.u("activity.attended", 3), self.leisure_rate[:, None] * np.ones((1, self.D)))
        sessions = (scheduled * self.m("sessions") + self.a("sessions")) * open_
        sessions = np.floor(sessions + self.u("activity.attended", 4)).astype(np.int64)
        attend_p = np.clip(self.attend_p[:, None] * self.m("attend"), 0, 1)
        refuse_p = np.clip(self.refuse_share[:, None] + self.a("refuse"), 0, 1)
        attended = np.zeros((self.n, self.D), dtype=np.int64)
        refused = np.zeros((self.n, self.D), dtype=np.int64)
        for slot in range(3):
            has = sessions > slot
            went = has & (self.u("activity.attended", 5 + slot) < attend_p)
            attended += went
            refused += has & ~went & (self.u("activity.refused", 5 + slot) < refuse_p)
        self.emit("activity.attended", attended + leisure * open_, (8 * 60 + 30, 9 * 60))
        self.emit("activity.refused", refused, (8 * 60 + 30, 9 * 60))

        adjudications = _poisson(
            self.u("adjudication.proven"), self.adjudication_rate[:, None] + self.a("adjudication")
        )
        adjudications = np.where(self.custody, adjudications, 0)
        self.emit("adjudication.proven", adjudications, (10 * 60, 12 * 60 + 30))
        after = np.zeros_like(adjudications)
        after[:, 1:] = adjudications[:, :-1]
        self.emit(
            "segregation.started",
            ((after > 0) & (self.u("segregation.started") < 0.12)).astype(np.int64),
            (10 * 60, 17 * 60),
        )
        moves = _poisson(self.u("cell.moved"), self.move_rate[:, None] + self.a("cell"))
        self.emit("cell.moved", moves, (9 * 60, 18 * 60))

        self.incidents_()
        self.incentives_(after)
        self.canteen_()
        for kind in sorted({kind for _, kind, _, _ in self.scripted}):
            counts = np.zeros((self.n, self.D), dtype=np.int64)
            values = np.zeros((self.n, self.D))
            for p, k, day, value in self.scripted:
                if k == kind:
                    counts[p, day], values[p, day] = 1, value
            self.emit(kind, counts, (10 * 60, 16 * 60), values)

    def incidents_(self) -> None:
        counts = np.zeros((self.n, self.D), dtype=np.int64)
        for p, dates in self.incidents.items():
            np.add.at(counts[p], dates, 1)
        self.emit("self_harm.incident", counts, (2 * 60, 24 * 60))
        # Staff often move a person to a safer cell after an incident.
        moved = (counts > 0) & (self.u("cell.moved", 1) < 0.3)
        self.emit("cell.moved", moved.astype(np.int64), (9 * 60, 18 * 60))

    def incentives_(self, after_adjudication: Ints) -> None:
        """Incentive reviews (mostly up), downgrades after proven adjudications, and decoy promotions."""
        review = (self.u("incentive.changed") < 0.002) & self.custody
        down = (after_adjudication > 0) & (self.u("incentive.changed", 1) < 0.25)
        promoted = {(p, d) for p, kind, d, _ in self.scripted if kind == "incentive.changed"}
        self.level = np.repeat(self.level0[:, None], self.D, axis=1)
        counts = np.zeros((self.n, self.D), dtype=np.int64)
        values = np.zeros((self.n, self.D))
        changing = (review | down).any(axis=1) | np.isin(np.arange(self.n), [q for q, _ in promoted])
        for p in np.flatnonzero(changing).tolist():
            level = int(self.level0[p])
            mine = {d for q, d in promoted if q == p}
            for d in sorted(mine | set(np.flatnonzero(review[p] | down[p]).tolist())):
                new = level
                if (p, d) in promoted:
                    new = 2
                elif down[p, d]:
                    new = max(0, level - 1)
                elif review[p, d]:
                    new = min(2, level + 1) if self.u_scalar(p, d) < 0.6 else max(0, level - 1)
                if new != level:
                    level = new
                    self.level[p, d:] = level
                    if (p, d) not in promoted:
                        counts[p, d], values[p, d] = 1, level
        self.emit("incentive.changed", counts, (10 * 60, 16 * 60), values)

    def u_scalar(self, p: int, d: int) -> float:
        return float(_hash_uniform(self.hash_seed, 9999, p, d)[0])

    def canteen_(self) -> None:
        wd = self.weekday[None, :]
        day = wd == self.canteen_day[self.prison][:, None]
        p_order = np.clip(self.canteen_p[:, None] * self.m("canteen"), 0, 1) * day * (self.days_in >= 2)
        ordered = (self.u("canteen.ordered") < p_order).astype(np.int64)
        cap = np.array(SPEND_LIMIT)[self.level]
        noise = np.exp(0.25 * _normal(self.hash_seed, 2011, np.arange(self.n)[:, None], self.day_index))
        amount = np.clip(cap * self.canteen_share[:, None] * noise * self.m("canteen_amount"), 0.5, cap)
        self.emit("canteen.ordered", ordered, (9 * 60, 20 * 60), np.round(amount, 2))

    # -- assembly --

    def build(self) -> Estate:
        self.prisons_()
        self.people_()
        self.routines_()
        self.episodes_()
        self.decoys_()
        self.modifiers_()
        self.events_()
        person, kind, day, minute, value = (np.concatenate(parts) for parts in zip(*self.columns, strict=True))
        order = np.lexsort((kind, person, minute, day))
        events = EventTable(person[order], kind[order], day[order], minute[order], value[order])
        return Estate(start=self.start, days=self.D, truth=self.truth(), persons=self.person_records(), events=events)

    def person_records(self) -> tuple[dict[str, Any], ...]:
        ethnicities = ("White", "Black", "Asian", "Mixed", "Other")
        return tuple(
            {
                "record": "person",
                "prison_number": self.numbers[p],
                "establishment": self.codes[self.prison[p]],
                "sex": "F" if self.female[p] else "M",
                "date_of_birth": self.birth[p].isoformat(),
                "ethnicity": ethnicities[self.ethnicity[p]],
                "nationality": "Foreign" if self.foreign[p] else "British",
                "first_language": str(self.language[p]),
                "disability": bool(self.disability[p]),
                "arrival_date": (self.start + timedelta(days=int(self.arrival[p]))).isoformat(),
                "incentive_level": LEVELS[self.level0[p]],
                "self_harm_history": bool(self.history[p]),
                "first_time_in_custody": bool(self.first_time[p]),
                "legal_status": "remand" if self.remand[p] else "sentenced",
            }
            for p in range(self.n)
        )

    def truth(self) -> dict[str, Any]:
        people = []
        for p, record in enumerate(self.person_records()):
            people.append(
                {
                    key: record[key]
                    for key in (
                        "prison_number",
                        "establishment",
                        "sex",
                        "ethnicity",
                        "nationality",
                        "first_language",
                        "disability",
                        "arrival_date",
                    )
                }
                | {
                    "age_band": AGE_BANDS[self.band[p]],
                    "digitally_excluded": bool(self.excluded[p]),
                    "no_visitors": bool(self.no_visitors[p]),
                    "sparse": bool(self.quiet[p]),
                    "worker": bool(self.worker[p]),
                    "release_date": self.dates[self.release[p]].isoformat() if self.release[p] < self.D else None,
                }
            )
        establishments = [
            {
                "code": code,
                "sex": sex,
                "share": round(float(w), 3),
                "in_wales": bool(wales),
                "in_cell_tech": bool(t),
                "visit_days": days,
                "canteen_day": int(c),
            }
            for code, sex, w, wales, t, days, c in zip(
                self.codes,
                self.prison_sex,
                self.prison_weight,
                self.welsh,
                self.in_cell_tech,
                self.visit_days,
                self.canteen_day,
                strict=True,
            )
        ]
        return {
            "seed": self.seed,
            "sweep": asdict(self.sweep),
            "establishments": establishments,
            "lockdowns": self.lockdown_list,
            "people": people,
            "episodes": self.episodes,
            "decoys": self.decoys,
        }


def _direction(u: float, rise_share: float) -> str:
    mixed = 0.25 * 2 * min(rise_share, 1 - rise_share)
    if u < mixed:
        return "mixed"
    return "agitate" if u < mixed + (1 - mixed) * rise_share else "withdraw"


def _label(effects: Mapping[str, int]) -> str:
    signs = set(effects.values())
    return "mixed" if len(signs) > 1 else ("agitate" if signs == {1} else "withdraw")


def _repeats(rng: np.random.Generator, *, female: bool, history: bool, span: int) -> int:
    """Further incidents after the first: heavy-tailed (most none or few, a few people very many)."""
    mean = (8.0 if female else 2.5) * (2.0 if history else 1.0) * max(span, 0) / 90
    if mean <= 0:
        return 0
    r = 0.4
    return int(rng.negative_binomial(r, r / (r + mean)))


def _prison_numbers(rng: np.random.Generator, n: int) -> list[str]:
    letters = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))
    seen: set[str] = set()
    numbers: list[str] = []
    while len(numbers) < n:
        m = 2 * (n - len(numbers)) + 10
        first, second, third = (letters[rng.integers(0, len(letters), m)] for _ in range(3))
        digits = rng.integers(1000, 10000, m)
        for a, b, c, dd in zip(first, digits, second, third, strict=True):
            number = f"{a}{b}{c}{dd}"
            if number not in seen and len(numbers) < n:
                seen.add(number)
                numbers.append(number)
    return numbers


def _bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays that fall in a typical test window (regime runs as at a weekend)."""
    days = {date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)}
    easter = _easter(year)
    days |= {easter - timedelta(days=2), easter + timedelta(days=1)}
    return frozenset(days)


def _easter(year: int) -> date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    j = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * j) // 451
    month, day = divmod(h + j - 7 * m + 114, 31)
    return date(year, month, day + 1)


# --- writing ------------------------------------------------------------------------------------------------------


def _event_records(estate: Estate, rows: Ints) -> list[dict[str, Any]]:
    numbers = [person["prison_number"] for person in estate.truth["people"]]
    stamps = _Stamps(estate.start)
    ev = estate.events
    records = []
    for p, k, d, minute, value in zip(
        ev.person[rows].tolist(),
        ev.kind[rows].tolist(),
        ev.day[rows].tolist(),
        ev.minute[rows].tolist(),
        ev.value[rows].tolist(),
        strict=True,
    ):
        kind = KINDS[k]
        records.append(
            {
                "record": "event",
                "prison_number": numbers[p],
                "kind": kind,
                "occurred_at": stamps(d, minute),
                "value": round(value, 2) if kind in POUNDS_KINDS else int(value),
            }
        )
    return records


class _Stamps:
    """ISO 8601 times with the Europe/London offset of that local time (events fall between 02:00 and midnight)."""

    def __init__(self, start: date) -> None:
        self.start = start
        self.cache: dict[tuple[int, int], str] = {}

    def __call__(self, day: int, minute: int) -> str:
        key = (day, minute)
        stamp = self.cache.get(key)
        if stamp is None:
            local = datetime.combine(self.start + timedelta(days=day), datetime.min.time(), LONDON)
            stamp = local.replace(hour=minute // 60, minute=minute % 60).isoformat()
            self.cache[key] = stamp
        return stamp


def write_jsonl(estate: Estate, path: str | Path, *, until: date | None = None, from_: date | None = None) -> int:
    """Write person records and the events on days from `from_` up to but not including `until`; return the lines.

    People are written once they have arrived (arrival before `until`), as a reception feed would; writing a person
    again only repeats the same record.
    """
    first = 0 if from_ is None else (from_ - estate.start).days
    last = estate.days if until is None else (until - estate.start).days
    cutoff = (until or date.max).isoformat()
    ev = estate.events
    rows = np.flatnonzero((ev.day >= first) & (ev.day < last))
    lines = 0
    with Path(path).open("w", encoding="utf-8") as out:
        released = {p["prison_number"]: p["release_date"] for p in estate.truth["people"] if p["release_date"]}
        for person in estate.persons:
            if person["arrival_date"] < cutoff:
                left = released.get(person["prison_number"])
                # A release is sent once it has happened, as a prison's feed would send it.
                record = person | {"release_date": left} if left is not None and left < cutoff else person
                out.write(json.dumps(record) + "\n")
                lines += 1
        for chunk in range(0, len(rows), 200_000):
            for record in _event_records(estate, rows[chunk : chunk + 200_000]):
                out.write(json.dumps(record) + "\n")
                lines += 1
    return lines


def daily_counts(estate: Estate, kind: str) -> Ints:
    """Events of one kind per person (rows in truth["people"] order) per day."""
    ev = estate.events
    rows = ev.kind == KIND[kind]
    counts = np.zeros((len(estate.truth["people"]), estate.days), dtype=np.int64)
    np.add.at(counts, (ev.person[rows], ev.day[rows]), 1)
    return counts


def read_flags_csv(path: str | Path) -> dict[str, tuple[str, str]]:
    """One day's `aim score` output: prison_number -> (colour, reasons)."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        return {row["prison_number"]: (row["colour"], row.get("reasons") or "") for row in csv.DictReader(handle)}


# --- scoring AIM's colours ----------------------------------------------------------------------------------------

COLOUR_CODE = {"insufficient_data": 1, "green": 2, "amber": 3, "red": 4}
HORIZON = 14  # an alert counts for an incident on any of the 14 scored days up to and including the incident day
BAND = (0.8, 1.25)
MIN_POSITIVES = 10


def _ordinal(value: str | None, default: int) -> int:
    return date.fromisoformat(value).toordinal() if value else default


def score_flags(
    estate: Estate, daily: Mapping[date, Mapping[str, tuple[str, str]]], *, resamples: int = 200, seed: int = 0
) -> dict[str, Any]:
    """Measures computed only from the daily colours AIM showed (prison_number -> (colour, reasons) per day).

    A score shown on day D is computed from events before D began, so it counts as before an incident on D: an
    episode is detected when an alert is shown on one of the 14 scored days D-13..D (and not before its change
    began); a person-day is positive when an incident falls on that day or the 13 after it.
    """
    truth = estate.truth
    people = truth["people"]
    index = {person["prison_number"]: i for i, person in enumerate(people)}
    days = sorted(daily)
    n, S = len(people), len(days)
    day_ord = np.array([d.toordinal() for d in days], dtype=np.int64)
    code = np.zeros((n, S), dtype=np.int64)
    reasons_ok = np.zeros((n, S), dtype=bool)
    for s, day in enumerate(days):
        for number, (colour, reasons) in daily[day].items():
            if number in index:
                code[index[number], s] = COLOUR_CODE.get(colour, 0)
                reasons_ok[index[number], s] = bool(reasons.strip())
    arrival = np.array([_ordinal(p["arrival_date"], 0) for p in people], dtype=np.int64)
    release = np.array([_ordinal(p["release_date"], 10**7) for p in people], dtype=np.int64)
    custody = (arrival[:, None] <= day_ord[None, :]) & (day_ord[None, :] < release[:, None])
    alert = (code >= 3) & custody
    red = (code == 4) & custody

    incidents: dict[int, list[int]] = {}
    for episode in truth["episodes"]:
        incidents.setdefault(index[episode["prison_number"]], []).extend(
            _ordinal(d, 0) for d in episode["incident_dates"]
        )
    flagged = {index[e["prison_number"]] for e in truth["episodes"]} | {
        index[d["prison_number"]] for d in truth["decoys"]
    }
    stable = np.ones(n, dtype=bool)
    stable[np.array(sorted(flagged | set(incidents)), dtype=np.int64)] = False

    result: dict[str, Any] = {
        "scored_days": {
            "first": days[0].isoformat() if days else None,
            "last": days[-1].isoformat() if days else None,
            "count": S,
        },
        "people_in_custody_per_day": round(float(custody.sum(axis=0).mean()), 1) if S else 0,
    }
    result["recall"] = _recall(truth["episodes"], index, alert, custody, day_ord)
    result["alert_rate"] = {
        "everyone": _alert_rate(code, custody, day_ord, np.ones(n, dtype=bool)),
        "stable": _alert_rate(code, custody, day_ord, stable),
    }
    result["median_delay_days"] = result["recall"].pop("median_delay_days")
    result["fairness"] = _fairness(people, incidents, alert, custody, day_ord, resamples=resamples, seed=seed)
    days_since_arrival = day_ord[None, :] - arrival[:, None]
    early_red = red & (days_since_arrival >= 0) & (days_since_arrival <= 3)
    result["reasons"] = {
        "alerts_shown": int(alert.sum()),
        "with_reason_share": _share(int((alert & reasons_ok).sum()), int(alert.sum())),
        "red_within_3_days_of_arrival": int(early_red.sum()),
        "people_red_within_3_days_of_arrival": int(early_red.any(axis=1).sum()),
    }
    after_release = (code >= 3) & (day_ord[None, :] >= release[:, None])
    result["after_release"] = {
        "note": "alerts shown on people after their release (sent as release_date once it happened); not counted above",
        "alerts_shown": int(after_release.sum()),
    }
    return result


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _recall(
    episodes: Sequence[Mapping[str, Any]], index: Mapping[str, int], alert: Bools, custody: Bools, day_ord: Ints
) -> dict[str, Any]:
    changed: list[tuple[bool, float, str, int | None]] = []
    silent_hits: list[bool] = []
    if not len(day_ord):
        return {
            "changed": None,
            "eligible": 0,
            "detected": 0,
            "by_strength": {},
            "by_direction": {},
            "silent": {"recall": None, "eligible": 0, "detected": 0},
            "median_delay_days": None,
        }
    for episode in episodes:
        p = index[episode["prison_number"]]
        incident = _ordinal(episode["first_incident"], 0)
        if not day_ord[0] <= incident <= day_ord[-1]:
            continue
        start = _ordinal(episode["change_start"], -(10**7))
        window = (day_ord >= incident - HORIZON + 1) & (day_ord <= incident) & (day_ord >= start) & custody[p]
        if not window.any():
            continue
        hit = bool(alert[p, window].any())
        if episode["change_start"] is None:
            silent_hits.append(hit)
            continue
        since = (day_ord >= start) & (day_ord <= incident) & alert[p]
        delay = int(day_ord[np.argmax(since)] - start) if hit else None
        changed.append((hit, float(episode["strength"]), str(episode["direction"]), delay))
    by_strength = {}
    for name, low, high in STRENGTH_BUCKETS:
        group = [hit for hit, strength, _, _ in changed if low <= strength < high]
        by_strength[name] = {"recall": _share(sum(group), len(group)), "eligible": len(group), "detected": sum(group)}
    by_direction = {}
    for direction in ("withdraw", "agitate", "mixed"):
        group = [hit for hit, _, d, _ in changed if d == direction]
        by_direction[direction] = {
            "recall": _share(sum(group), len(group)),
            "eligible": len(group),
            "detected": sum(group),
        }
    delays = [delay for hit, _, _, delay in changed if hit and delay is not None]
    detected = sum(hit for hit, _, _, _ in changed)
    return {
        "changed": _share(detected, len(changed)),
        "eligible": len(changed),
        "detected": detected,
        "by_strength": by_strength,
        "by_direction": by_direction,
        "silent": {
            "recall": _share(sum(silent_hits), len(silent_hits)),
            "eligible": len(silent_hits),
            "detected": sum(silent_hits),
        },
        "median_delay_days": float(np.median(delays)) if delays else None,
    }


def _alert_rate(code: Ints, custody: Bools, day_ord: Ints, who: Bools) -> dict[str, Any]:
    """Alerts raised per 100 people in custody per week: a red or amber that was not showing the day before."""
    S = code.shape[1]
    if not S:
        return {"red": None, "amber": None, "people_weeks": 0.0}
    previous = np.zeros_like(code)
    previous[:, 1:] = np.where((np.diff(day_ord) == 1)[None, :], code[:, :-1], 0)
    counted = np.zeros(S, dtype=bool)
    counted[1:] = True
    if S == 1:
        counted[0] = True
    mask = custody & counted[None, :] & who[:, None]
    red_raised = ((code == 4) & (previous != 4) & mask).sum()
    amber_raised = ((code == 3) & (previous < 3) & mask).sum()
    weeks = mask.sum() / 7
    return {
        "red": round(float(100 * red_raised / weeks), 3) if weeks else None,
        "amber": round(float(100 * amber_raised / weeks), 3) if weeks else None,
        "red_raised": int(red_raised),
        "amber_raised": int(amber_raised),
        "people_weeks": round(float(weeks), 1),
    }


def _groups(people: Sequence[Mapping[str, Any]]) -> dict[str, npt.NDArray[np.str_]]:
    def language(value: str) -> str:
        return value if value in ("English", "Welsh") else "Other"

    return {
        "sex": np.array([p["sex"] for p in people]),
        "age_band": np.array([p["age_band"] for p in people]),
        "ethnicity": np.array([p["ethnicity"] for p in people]),
        "nationality": np.array([p["nationality"] for p in people]),
        "first_language": np.array([language(p["first_language"]) for p in people]),
        "disability": np.array([str(bool(p["disability"])) for p in people]),
        "digitally_excluded": np.array([str(bool(p["digitally_excluded"])) for p in people]),
    }


def _fairness(
    people: Sequence[Mapping[str, Any]],
    incidents: Mapping[int, list[int]],
    alert: Bools,
    custody: Bools,
    day_ord: Ints,
    *,
    resamples: int,
    seed: int,
) -> dict[str, Any]:
    """Equalised odds: each group's false-positive and false-negative rates over person-days, against the overall."""
    n = len(people)
    positive = np.zeros_like(alert)
    for p, dates in incidents.items():
        for incident in dates:
            positive[p] |= (day_ord <= incident) & (day_ord > incident - HORIZON)
    negative = custody & ~positive
    positive &= custody
    per = {
        "neg": negative.sum(axis=1).astype(np.float64),
        "fp": (negative & alert).sum(axis=1).astype(np.float64),
        "pos": positive.sum(axis=1).astype(np.float64),
        "fn": (positive & ~alert).sum(axis=1).astype(np.float64),
    }
    rng = np.random.default_rng(seed)
    weights = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(resamples)]).astype(np.float64)

    def rate(num: Floats, den: Floats) -> Floats:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(np.where(den > 0, num / den, np.nan))

    total = {k: float(v.sum()) for k, v in per.items()}
    overall_fpr = total["fp"] / total["neg"] if total["neg"] else math.nan
    overall_fnr = total["fn"] / total["pos"] if total["pos"] else math.nan
    boot_fpr = rate(weights @ per["fp"], weights @ per["neg"])
    boot_fnr = rate(weights @ per["fn"], weights @ per["pos"])
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    outside = 0
    for attribute, values in _groups(people).items():
        for group in sorted(set(values.tolist())):
            member = (values == group).astype(np.float64)
            g = {k: float((v * member).sum()) for k, v in per.items()}
            row: dict[str, Any] = {
                "attribute": attribute,
                "group": group,
                "people": int(member.sum()),
                "person_days": int(g["neg"] + g["pos"]),
                "positives": int(g["pos"]),
            }
            flagged = False
            for name, num, den, overall, boot in (
                ("fpr", "fp", "neg", overall_fpr, boot_fpr),
                ("fnr", "fn", "pos", overall_fnr, boot_fnr),
            ):
                too_few = g[den] == 0 or (name == "fnr" and g["pos"] < MIN_POSITIVES)
                if too_few or not overall or math.isnan(overall):
                    row[name] = row[f"{name}_ratio"] = row[f"{name}_ci"] = None
                    why = f"fewer than {MIN_POSITIVES} positive person-days" if name == "fnr" else "no rate to compare"
                    skipped.append(f"{attribute}={group} {name.upper()}: {why}")
                    continue
                point = g[num] / g[den]
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratios = rate(weights @ (per[num] * member), weights @ (per[den] * member)) / boot
                finite = ratios[np.isfinite(ratios)]
                low, high = np.percentile(finite, [2.5, 97.5]).tolist() if len(finite) else [math.nan, math.nan]
                row[name], row[f"{name}_ratio"] = round(point, 4), round(point / overall, 3)
                row[f"{name}_ci"] = [round(low, 3), round(high, 3)]
                flagged |= bool(low > BAND[1] or high < BAND[0])
            row["outside_band"] = flagged
            outside += flagged
            rows.append(row)
    return {
        "overall": {
            "fpr": _round(overall_fpr),
            "fnr": _round(overall_fnr),
            "positives": int(total["pos"]),
            "negatives": int(total["neg"]),
        },
        "band": list(BAND),
        "resamples": resamples,
        "groups": rows,
        "groups_outside_band": outside,
        "skipped": skipped,
    }


def _round(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


def format_report(result: Mapping[str, Any]) -> str:
    """A readable table of score_flags' result."""

    def pct(value: float | None) -> str:
        return "   n/a" if value is None else f"{100 * value:5.1f}%"

    def num(value: float | None, fmt: str = "6.2f") -> str:
        return "n/a" if value is None else format(value, fmt)

    days, recall = result["scored_days"], result["recall"]
    lines = [
        f"Scored days {days['first']} to {days['last']} ({days['count']}), "
        f"{result['people_in_custody_per_day']} people in custody per day",
        "",
        f"Recall, changes in routine:  {pct(recall['changed'])}  ({recall['detected']} of {recall['eligible']})",
    ]
    for title, groups in (("strength", recall["by_strength"]), ("direction", recall["by_direction"])):
        for name, row in groups.items():
            lines.append(f"  by {title} {name:<22} {pct(row['recall'])}  ({row['detected']} of {row['eligible']})")
    silent = recall["silent"]
    lines += [
        f"Recall, silent (expected low): {pct(silent['recall'])}  ({silent['detected']} of {silent['eligible']})",
        f"Median delay from change start to first alert: {num(result['median_delay_days'], '.1f')} days",
        "",
        "Alerts raised per 100 people per week      red     amber   people-weeks",
    ]
    for name, row in result["alert_rate"].items():
        lines.append(f"  {name:<40} {num(row['red'])}  {num(row['amber'])}  {row['people_weeks']:>10}")
    fair = result["fairness"]
    lines += [
        "",
        f"Equalised odds (ratio to overall, 95% person bootstrap, {fair['resamples']} resamples; band "
        f"{fair['band'][0]}-{fair['band'][1]}): overall FPR {num(fair['overall']['fpr'], '.4f')}, "
        f"FNR {num(fair['overall']['fnr'], '.4f')}, {fair['overall']['positives']} positive person-days",
        f"  {'attribute':<19}{'group':<14}{'people':>7}{'pos':>6}  {'FPR ratio (CI)':<24}{'FNR ratio (CI)':<24}",
    ]
    for row in fair["groups"]:

        def cell(name: str, row: Mapping[str, Any] = row) -> str:
            if row[f"{name}_ratio"] is None:
                return "skipped"
            low, high = row[f"{name}_ci"]
            return f"{row[f'{name}_ratio']:.2f} ({low:.2f}-{high:.2f})"

        mark = "  <- outside band" if row["outside_band"] else ""
        lines.append(
            f"  {row['attribute']:<19}{row['group']:<14}{row['people']:>7}{row['positives']:>6}  "
            f"{cell('fpr'):<24}{cell('fnr'):<24}{mark}"
        )
    lines.append(f"  groups with an interval entirely outside the band: {fair['groups_outside_band']}")
    if fair["skipped"]:
        lines.append(f"  skipped: {'; '.join(fair['skipped'])}")
    reasons = result["reasons"]
    lines += [
        "",
        f"Red/amber shown: {reasons['alerts_shown']} person-days, {pct(reasons['with_reason_share'])} with a reason",
        f"Red within 3 days of arrival: {reasons['red_within_3_days_of_arrival']} person-days "
        f"({reasons['people_red_within_3_days_of_arrival']} people)",
        f"Alerts shown after release (not counted above): {result['after_release']['alerts_shown']}",
    ]
    return "\n".join(lines)


def sweep_names() -> list[str]:
    return [f.name for f in fields(Sweep)]
