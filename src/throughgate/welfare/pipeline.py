"""The two halves of AIM's command contract: ingesting a JSON Lines file, and scoring everyone in custody on a day.

Ingest reads the file twice, streaming, in bounded memory: the first pass stores people (so the order of lines in the
file does not matter) and notes a fingerprint of each event line in an on-disk DuckDB table, to find lines that are
exact repeats; the second pass stores events in batches. An event's idempotency key is a hash of its prison number,
kind, time, value and its occurrence number among identical lines, so ingesting the same file twice stores nothing
new and two genuinely repeated events are both kept.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import math
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import astuple, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any, cast

import duckdb
import numpy as np
import orjson
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from tqdm import tqdm

from throughgate.core import activity
from throughgate.core.models import ActivityEvent
from throughgate.core.validators import is_valid_prison_number
from throughgate.identity import selectors as identity_selectors
from throughgate.identity.models import Establishment
from throughgate.people import events as people_events
from throughgate.people import selectors as people_selectors
from throughgate.people import services as people_services
from throughgate.people.models import Ethnicity, IncentiveLevel, LegalStatus, Nationality, Person, Sex
from throughgate.welfare import calibration, engine, episodes
from throughgate.welfare.indicators import INDICATORS, KIND_ID
from throughgate.welfare.models import AimSettings, Colour, Flag, ScoreRun, Triage, TriageAction, TriggerDate
from throughgate.welfare.reasons import reason_text, reasons_for_people

SOURCE = "aim.ingest"
BATCH = 5000


@dataclass
class IngestReport:
    lines: int = 0
    people_created: int = 0
    people_updated: int = 0
    events_valid: int = 0
    events_stored: int = 0
    invalid: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # the first 1,000 only: memory stays bounded


class LineError(ValueError):
    pass


def _lines(path: Path, label: str, progress: bool) -> Iterator[tuple[int, str]]:
    size = path.stat().st_size
    with (
        path.open("rb") as handle,
        tqdm(total=size, unit="B", unit_scale=True, desc=label, disable=not progress, leave=False) as bar,
    ):
        for number, raw in enumerate(handle, start=1):
            bar.update(len(raw))
            yield number, raw.decode("utf-8", errors="replace")


def _object(raw: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LineError(f"not valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise LineError("each line must be a JSON object")
    return data


def _choice(data: dict[str, Any], name: str, choices: Any, default: str | None = None) -> str:
    value = data.get(name, default)
    if value not in choices.values:
        raise LineError(f"{name} must be one of {', '.join(choices.values)}, not {value!r}")
    return str(value)


def _boolean(data: dict[str, Any], name: str, default: bool = False) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise LineError(f"{name} must be true or false")
    return value


def _date(data: dict[str, Any], name: str, required: bool) -> date | None:
    value = data.get(name)
    if value is None and not required:
        return None
    parsed = parse_date(value) if isinstance(value, str) else None
    if parsed is None:
        raise LineError(f"{name} must be a date like 2026-01-05")
    return parsed


def parse_person(data: dict[str, Any]) -> people_services.PersonImport:
    """The person record of a person line, or LineError."""
    prison_number = data.get("prison_number")
    if not isinstance(prison_number, str) or not is_valid_prison_number(prison_number):
        raise LineError("prison_number must look like A1234BC")
    code = data.get("establishment")
    if not isinstance(code, str) or len(code) != 3 or not code.isalpha() or not code.isupper():
        raise LineError("establishment must be a three-letter code like MDI")
    language = data.get("first_language", "English")
    if not isinstance(language, str) or not language.strip() or len(language) > 40:
        raise LineError("first_language must be a language name")
    born = cast(date, _date(data, "date_of_birth", required=True))  # required: a date or LineError
    return people_services.PersonImport(
        prison_number=prison_number,
        establishment=code,
        sex=_choice(data, "sex", Sex),
        date_of_birth=born,
        ethnicity=_choice(data, "ethnicity", Ethnicity, "Other"),
        nationality=_choice(data, "nationality", Nationality, "British"),
        first_language=language.strip(),
        disability=_boolean(data, "disability"),
        arrival_date=_date(data, "arrival_date", required=False),
        release_date=_date(data, "release_date", required=False),
        incentive_level=_choice(data, "incentive_level", IncentiveLevel, "Standard"),
        self_harm_history=_boolean(data, "self_harm_history"),
        first_time_in_custody=_boolean(data, "first_time_in_custody"),
        legal_status=_choice(data, "legal_status", LegalStatus, "sentenced"),
    )


@dataclass(frozen=True)
class ParsedEvent:
    prison_number: str
    kind: str
    occurred_at: datetime
    value: float

    def fingerprint(self) -> str:
        return f"{self.prison_number}|{self.kind}|{self.occurred_at.isoformat()}|{self.value!r}"


def parse_event(data: dict[str, Any]) -> ParsedEvent:
    """An event line, checked, or LineError. Whether the person is known is checked by the caller."""
    prison_number = data.get("prison_number")
    if not isinstance(prison_number, str) or not is_valid_prison_number(prison_number):
        raise LineError("prison_number must look like A1234BC")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in activity.KINDS:
        raise LineError(f"unknown kind {kind!r}")
    raw_time = data.get("occurred_at")
    try:
        occurred_at = parse_datetime(raw_time) if isinstance(raw_time, str) else None
    except ValueError:
        occurred_at = None
    if occurred_at is None or timezone.is_naive(occurred_at):
        raise LineError("occurred_at must be an ISO 8601 date-time with a time zone, like 2026-02-01T10:15:00+00:00")
    occurred_at = occurred_at.astimezone(UTC)
    value = data.get("value", 1)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise LineError("value must be a number, 0 or more")
    if kind == people_events.INCENTIVE_CHANGED and value not in (0, 1, 2):
        raise LineError("value of incentive.changed must be 0 (Basic), 1 (Standard) or 2 (Enhanced)")
    return ParsedEvent(prison_number, kind, occurred_at, float(value))


def idempotency_key(event: ParsedEvent, occurrence: int) -> str:
    digest = hashlib.sha256(f"{event.fingerprint()}|{occurrence}".encode()).hexdigest()
    return f"aim:{digest[:48]}"


def _fingerprint_int(text: str) -> int:
    """8 bytes of the SHA-256 the first occurrence's key is made of: equal fingerprints, equal numbers."""
    return int.from_bytes(hashlib.sha256(f"{text}|0".encode()).digest()[:8], "big", signed=True)


def _first_key(fingerprint: str) -> tuple[int, str]:
    """``_fingerprint_int`` and the key of the first occurrence, from one hash."""
    digest = hashlib.sha256(f"{fingerprint}|0".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True), f"aim:{digest[:24].hex()}"


def _key(fingerprint: str, occurrence: int) -> str:
    return f"aim:{hashlib.sha256(f'{fingerprint}|{occurrence}'.encode()).digest()[:24].hex()}"


_UTC_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+00:00")


class _FastEvents:
    """The common case of an event line, checked in a few look-ups: a JSON object that orjson reads, a prison number
    seen valid before, a registered kind, a time written as ``isoformat()`` writes UTC (so the text is its own UTC ISO
    form) and a plain non-negative number. It accepts only lines that ``parse_event`` accepts, with the same values
    (welfare/tests/test_ingest.py); anything else (an error to report, another time zone, NaN...) is left to the
    reference code, so the messages do not change."""

    def __init__(self) -> None:
        self.valid_numbers: set[str] = set()
        self.kinds = activity.KINDS
        self.utc_text = _UTC_TEXT.fullmatch

    def event(self, raw: bytes) -> tuple[str, str, datetime, str, float] | None:
        """(prison number, kind, time in UTC, the time's ISO text, value), or None to use the reference code."""
        try:
            data = orjson.loads(raw)
            if data["record"] != "event":
                return None
            number, kind, text = data["prison_number"], data["kind"], data["occurred_at"]
            if number not in self.valid_numbers:
                if type(number) is not str or not is_valid_prison_number(number):
                    return None
                self.valid_numbers.add(number)
            if kind not in self.kinds or type(text) is not str or not self.utc_text(text):
                return None
            moment = datetime.fromisoformat(text)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):  # TypeError: not an object, or unhashable
            return None
        value = data.get("value", 1)
        if type(value) is float:
            if not 0 <= value < math.inf:  # also false for NaN
                return None
        elif type(value) is not int or value < 0:
            return None
        if kind == people_events.INCENTIVE_CHANGED and value not in (0, 1, 2):
            return None
        return number, kind, moment, text, float(value)


def ingest(path: Path, *, report: Callable[[int, str], None], progress: bool = True) -> IngestReport:
    """Store the people and events of a contract file. ``report(line, reason)`` is called for every invalid line.

    Each pass reads a line with orjson and checks it in ``_FastEvents``; a line that is not a plain valid event goes
    through the reference code (``_object``, ``parse_person``, ``parse_event``), which also words every problem."""
    result = IngestReport()
    fast = _FastEvents()

    def problem(line: int, reason: str) -> None:
        result.invalid += 1
        if len(result.problems) < 1000:
            result.problems.append((line, reason))
        report(line, reason)

    workdir = tempfile.mkdtemp(prefix="aim-ingest-")
    con = duckdb.connect(os.path.join(workdir, "fingerprints.duckdb"))
    con.execute("SET memory_limit = '256MB'")
    con.execute(f"SET temp_directory = '{workdir}'")
    con.execute("CREATE TABLE seen (fp BIGINT)")
    try:
        # Pass 1: people, and a fingerprint of every well-formed event line.
        people: list[people_services.PersonImport] = []
        fingerprints: list[int] = []
        number = 0
        for number, raw in _raw_lines(path, "people", progress):
            fields = fast.event(raw)
            if fields is not None:
                fingerprints.append(_fingerprint_int(f"{fields[0]}|{fields[1]}|{fields[3]}|{fields[4]!r}"))
                if len(fingerprints) >= 100_000:
                    _note(con, fingerprints)
                    fingerprints = []
                continue
            text = raw.decode("utf-8", errors="replace")
            if not text.strip():
                continue
            try:
                data = _object(text)
                record = data.get("record")
                if record == "person":
                    people.append(parse_person(data))
                elif record == "event":
                    with contextlib.suppress(LineError):  # reported in the second pass
                        fingerprints.append(_fingerprint_int(parse_event(data).fingerprint()))
                else:
                    raise LineError(f"unknown record type {record!r} (expected person or event)")
            except LineError as exc:
                problem(number, str(exc))
            if len(people) >= BATCH:
                _store_people(people, result)
                people = []
            if len(fingerprints) >= 100_000:
                _note(con, fingerprints)
                fingerprints = []
        result.lines = number
        _store_people(people, result)
        _note(con, fingerprints)
        repeated = {
            int(row[0]) for row in con.execute("SELECT fp FROM seen GROUP BY fp HAVING count(*) > 1").fetchall()
        }
    finally:
        con.close()
        for name in os.listdir(workdir):
            os.remove(os.path.join(workdir, name))
        os.rmdir(workdir)

    # Pass 2: events, for known people only.
    known = people_selectors.prison_numbers_on_record()
    occurrences: Counter[str] = Counter()

    def events() -> Iterator[activity.NewEvent]:
        new_event = activity.NewEvent
        for number, raw in _raw_lines(path, "events", progress):
            fields = fast.event(raw)
            if fields is not None and fields[0] in known:
                prison_number, kind, occurred_at, text, value = fields
                fingerprint = f"{prison_number}|{kind}|{text}|{value!r}"
            else:
                event = _reference_event(raw, number, known, problem)
                if event is None:
                    continue
                prison_number, kind, occurred_at, value = astuple(event)
                fingerprint = event.fingerprint()
            number_of, key = _first_key(fingerprint)
            if number_of in repeated:
                occurrence = occurrences[fingerprint]
                occurrences[fingerprint] += 1
                key = _key(fingerprint, occurrence)
            result.events_valid += 1
            yield new_event(prison_number, kind, occurred_at, key, value)

    before = ActivityEvent.objects.count()
    activity.emit_many(events=events(), source=SOURCE, batch_size=BATCH)
    result.events_stored = ActivityEvent.objects.count() - before
    return result


def _raw_lines(path: Path, label: str, progress: bool) -> Iterator[tuple[int, bytes]]:
    """(number, bytes) of each line; the progress bar, when shown, moves every 10,000 lines."""
    with path.open("rb") as handle:
        if not progress:
            yield from enumerate(handle, start=1)
            return
        with tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=label, leave=False) as bar:
            done = 0
            for number, raw in enumerate(handle, start=1):
                done += len(raw)
                if number % 10_000 == 0:
                    bar.update(done)
                    done = 0
                yield number, raw
            bar.update(done)


def _reference_event(
    raw: bytes, number: int, known: set[str], problem: Callable[[int, str], None]
) -> ParsedEvent | None:
    """The second pass over a line the fast path left (as before it existed): the event, or None (not an event line,
    or an invalid one, reported)."""
    text = raw.decode("utf-8", errors="replace")
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None  # reported in the first pass
    if not isinstance(data, dict) or data.get("record") != "event":
        return None
    try:
        event = parse_event(data)
        if event.prison_number not in known:
            raise LineError(f"unknown person {event.prison_number} (no person record for this prison number)")
    except LineError as exc:
        problem(number, str(exc))
        return None
    return event


def _note(con: Any, fingerprints: list[int]) -> None:
    if fingerprints:
        frame = pd.DataFrame({"fp": np.asarray(fingerprints, dtype=np.int64)})  # noqa: F841  (read by DuckDB)
        con.execute("INSERT INTO seen SELECT fp FROM frame")


def _store_people(rows: list[people_services.PersonImport], result: IngestReport) -> None:
    if rows:
        stored = people_services.people_import(records=rows, source=SOURCE)
        result.people_created += stored.created
        result.people_updated += stored.updated


# Scoring


@dataclass
class ScoredEstate:
    people: list[Person]
    as_of: date
    result: engine.Result  # colour: the alert shown that day (after episodes), not the day's candidate colour
    windows: engine.Windows
    reasons: list[list[dict[str, Any]]]
    raised: np.ndarray  # colour of an alert raised that day ("" when none)
    alert_since: list[date | None]  # the day the open alert was first raised
    # Per establishment id, the (amber, red) multipliers of the settings' thresholds applied that day (calibration).
    threshold_factors: dict[Any, tuple[float, float]] = field(default_factory=dict)


def config_for(establishment: Establishment | None) -> engine.Config:
    config = engine.Config()
    stored = AimSettings.objects.filter(establishment=establishment).first() if establishment else None
    if stored is not None:
        config.amber_threshold = stored.amber_threshold
        config.red_threshold = stored.red_threshold
        config.red_budget_per_100 = stored.red_budget_per_100
        config.amber_budget_per_100 = stored.amber_budget_per_100
        config.cooldown_days = stored.cooldown_days
        config.quiet_days = stored.quiet_days
        config.weights = {k: float(v) for k, v in (stored.weights or {}).items()}
    return config


def load_events(people: list[Person], start: datetime, end: datetime) -> pd.DataFrame:
    """The events AIM reads, between two instants, as a columnar frame (person_idx, kind_id, ts, value)."""
    index = {person.prison_number: i for i, person in enumerate(people)}
    kinds = list(KIND_ID)
    frames = []
    placeholders = ", ".join(["%s"] * len(kinds))
    table = ActivityEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT person, kind, occurred_at, value FROM {table} "  # noqa: S608  (no user input in the SQL)
            f"WHERE occurred_at >= %s AND occurred_at < %s AND kind IN ({placeholders})",
            [start, end, *kinds],
        )
        while rows := cursor.fetchmany(200_000):
            frame = pd.DataFrame(rows, columns=["person", "kind", "ts", "value"])
            frame["person_idx"] = frame["person"].map(index)
            frame = frame.dropna(subset=["person_idx"])
            frames.append(
                pd.DataFrame(
                    {
                        "person_idx": frame["person_idx"].astype("int32"),
                        "kind_id": frame["kind"].map(KIND_ID).astype("int16"),
                        "ts": pd.to_datetime(frame["ts"], utc=True, format="ISO8601"),
                        "value": frame["value"].astype("float64"),
                    }
                )
            )
    if not frames:
        return pd.DataFrame(
            {
                "person_idx": pd.Series(dtype="int32"),
                "kind_id": pd.Series(dtype="int16"),
                "ts": pd.Series(dtype="datetime64[ns, UTC]"),
                "value": pd.Series(dtype="float64"),
            }
        )
    return pd.concat(frames, ignore_index=True)


def people_arrays(
    people: list[Person],
    as_of: date,
    self_harmed_before: set[str],
    trigger_dates: dict[str, list[tuple[str, date]]] | None = None,
) -> engine.People:
    def days_in(person: Person) -> int:
        return (as_of - person.arrival_date).days if person.arrival_date else 10_000

    dates = trigger_dates or {}
    return engine.People(
        ids=[p.prison_number for p in people],
        days_in_custody=np.array([days_in(p) for p in people], dtype=np.int64),
        female=np.array([p.sex == Sex.FEMALE for p in people]),
        previous_self_harm=np.array([p.self_harm_history or p.prison_number in self_harmed_before for p in people]),
        remand=np.array([p.legal_status == LegalStatus.REMAND for p in people]),
        first_time=np.array([p.first_time_in_custody for p in people]),
        group=np.array([(p.establishment_id or 0) * 2 + (p.sex == Sex.FEMALE) for p in people], dtype=np.int64),
        establishment=np.array([p.establishment_id or 0 for p in people], dtype=np.int64),
        triggers=np.array([triggers_near(p, as_of, dates.get(p.prison_number, ())) for p in people], dtype=np.int64),
    )


TRIGGER_BEFORE, TRIGGER_AFTER = 7, 2  # a trigger date counts from 7 days before it to 2 days after it


def _near(on: date, as_of: date, *, yearly: bool) -> bool:
    years = (as_of.year - 1, as_of.year, as_of.year + 1) if yearly else (on.year,)
    for year in years:
        try:
            day = on.replace(year=year)
        except ValueError:  # 29 February in a year that has none
            day = date(year, 2, 28)
        if -TRIGGER_AFTER <= (day - as_of).days <= TRIGGER_BEFORE:
            return True
    return False


def triggers_near(person: Any, as_of: date, recorded: Any = ()) -> int:
    """A bit mask of the trigger dates near ``as_of``: the birthday (from the person record), anniversaries (every
    year) and court dates (once) that staff recorded."""
    mask = (
        engine.TRIGGER_BITS["birthday"]
        if person.date_of_birth and _near(person.date_of_birth, as_of, yearly=True)
        else 0
    )
    for kind, on in recorded:
        if kind == "anniversary" and _near(on, as_of, yearly=True):
            mask |= engine.TRIGGER_BITS["anniversary"]
        elif kind == "court" and _near(on, as_of, yearly=False):
            mask |= engine.TRIGGER_BITS["court_date"]
    return mask


def recorded_trigger_dates(people: list[Person]) -> dict[str, list[tuple[str, date]]]:
    """Anniversaries and court dates staff recorded, per prison number."""
    out: dict[str, list[tuple[str, date]]] = {}
    numbers = [p.prison_number for p in people]
    for number, kind, on in TriggerDate.objects.filter(person__prison_number__in=numbers).values_list(
        "person__prison_number", "kind", "on"
    ):
        out.setdefault(number, []).append((kind, on))
    return out


def static_flags(people: engine.People) -> dict[str, np.ndarray]:
    """Everyone's static factors, by name (what ``reasons_for_people`` lists after the changes)."""
    triggers = people.triggers if people.triggers is not None else np.zeros(len(people), dtype=np.int64)
    return {
        "previous_self_harm": np.asarray(people.previous_self_harm, dtype=bool),
        "female": np.asarray(people.female, dtype=bool),
        "remand": np.asarray(people.remand, dtype=bool),
        "first_time": np.asarray(people.first_time, dtype=bool),
        "early_days": np.asarray(people.days_in_custody) < 30,
    } | {name: (triggers & bit) > 0 for name, bit in engine.TRIGGER_BITS.items()}


def score_day(as_of: date, people: list[Person] | None = None, events: pd.DataFrame | None = None) -> ScoredEstate:
    """Score everyone in custody on ``as_of`` from the events before the start of that day (Europe/London).

    Which alerts are open depends on the days before, so the ``warmup_days`` days before ``as_of`` are replayed
    from the events (rolling windows: each replayed day reads four days of events) with the "no concern" triages
    recorded by then; the same day always gives the same flags, whatever was scored before (docs/aim.md)."""
    people = people_selectors.people_in_custody_on(day=as_of) if people is None else people
    configs = configs_for(people)
    warmup = max((c.warmup_days for c in configs.values()), default=engine.Config().warmup_days)
    first = as_of - timedelta(days=warmup)
    start = engine.local_midnight_utc(first - timedelta(days=engine.LOOKBACK_DAYS))
    end = engine.local_midnight_utc(as_of)
    frame = load_events(people, start, end) if events is None else events
    incidents = self_harm_days(end)
    quiet = no_concern_triages(people, end)
    trigger_dates = recorded_trigger_dates(people)
    con = duckdb.connect()
    con.register("events", frame)
    rolling = engine.RollingWindows(con, "events", first, len(people))
    replay = EpisodeReplay(people, configs)
    day = first
    while True:
        windows = rolling.windows if day == first else rolling.advance()
        arrays = people_arrays(people, day, {n for n, d in incidents.items() if d < day}, trigger_dates)
        result = score_windows(windows, arrays, people, configs=configs)
        stepped = replay.step(day, result, arrays, quiet)
        if day == as_of:
            break
        day += timedelta(days=1)
    con.close()
    result.colour = stepped.colour
    reasons = reasons_for_people(
        result, np.arange(len(people)), last_visit_lag=windows.last_visit_lag, static_flags=static_flags(arrays)
    )
    return ScoredEstate(
        people=people,
        as_of=as_of,
        result=result,
        windows=windows,
        reasons=reasons,
        raised=stepped.raised,
        alert_since=stepped.alert_since,
        threshold_factors=dict(replay.thresholds),
    )


@dataclass
class DayAlerts:
    colour: np.ndarray  # shown colour: red/amber for an open alert, else the engine's green / insufficient_data
    raised: np.ndarray  # "red", "amber" or ""
    alert_since: list[date | None]


class EpisodeReplay:
    """Episode state for a list of people across consecutive days (per-establishment rules)."""

    def __init__(self, people: list[Any], configs: dict[Any, engine.Config]) -> None:
        self.state = episodes.EpisodeState.empty(len(people))
        place = np.array([p.establishment_id for p in people], dtype=object)
        default = engine.Config()
        config_of = [configs.get(p, default) for p in place]
        self.amber = np.array([c.amber_threshold for c in config_of], dtype=float)
        self.red = np.array([c.red_threshold for c in config_of], dtype=float)
        exit_fraction = np.array([c.exit_fraction for c in config_of], dtype=float)
        self.calibrator = (
            calibration.Calibrator(
                place,
                amber_budget=np.array([c.amber_budget_per_100 for c in config_of], dtype=float),
                red_budget=np.array([c.red_budget_per_100 for c in config_of], dtype=float),
                exit_fraction=exit_fraction,
                days=default.calibration_days,
                min_days=default.calibration_min_days,
                min_person_days=default.calibration_min_person_days,
            )
            if any(c.calibrate_to_budget for c in config_of)
            else None
        )
        self.rules = episodes.EpisodeRules(
            exit_fraction=exit_fraction,  # type: ignore[arg-type]
            cooldown_days=np.array([c.cooldown_days for c in config_of], dtype=np.int64),  # type: ignore[arg-type]
            quiet_days=np.array([c.quiet_days for c in config_of], dtype=np.int64),  # type: ignore[arg-type]
        )
        self.index = {p.prison_number: i for i, p in enumerate(people)}
        self.applied = 0
        # Per establishment id, the (amber, red) multipliers of the settings' thresholds applied on the last day.
        self.thresholds: dict[Any, tuple[float, float]] = {}

    def step(
        self,
        day: date,
        result: engine.Result,
        arrays: engine.People,
        quiet: list[tuple[str, date, str]] | None = None,
    ) -> DayAlerts:
        number = day.toordinal()
        # "No concern" triages made before this day (sorted by time) start their quiet period.
        pending = quiet or []
        while self.applied < len(pending) and pending[self.applied][1] < day:
            prison_number, on, colour = pending[self.applied]
            self.applied += 1
            if prison_number in self.index:
                i = np.array([self.index[prison_number]])
                until = on.toordinal() + np.asarray(self.rules.quiet_days)[i]
                episodes.quiet(self.state, i, until, episodes.level_of(np.array([colour])))
        level = episodes.level_of(result.colour)
        present = arrays.days_in_custody >= 0
        level[~present] = episodes.NONE
        amber = self.amber
        if self.calibrator is not None:
            # The day's thresholds per establishment (never below the settings): candidates under them step down.
            amber_factor, red_factor = self.calibrator.factors()
            amber, red = self.amber * amber_factor, self.red * np.maximum(red_factor, amber_factor)
            level[(level == episodes.RED) & (result.score < red)] = episodes.AMBER
            level[(level == episodes.AMBER) & (result.score < amber)] = episodes.NONE
        moved = episodes.step(
            self.state, day=number, level=level, score=result.score, amber_threshold=amber, rules=self.rules
        )
        if self.calibrator is not None:
            self.thresholds = self.calibrator.by_place()
            self.calibrator.record(
                relative_amber=result.score / self.amber,
                relative_red=result.score / self.red,
                scored=present & ~np.asarray(result.insufficient, dtype=bool),
                raised=moved.raised,
            )
        shown = np.where(
            moved.shown == episodes.RED,
            "red",
            np.where(
                moved.shown == episodes.AMBER, "amber", np.where(result.insufficient, "insufficient_data", "green")
            ),
        ).astype(object)
        raised = np.where(moved.raised == episodes.RED, "red", np.where(moved.raised == episodes.AMBER, "amber", ""))
        since = [date.fromordinal(int(o)) if o != episodes.NEVER else None for o in moved.opened]
        return DayAlerts(colour=shown, raised=raised.astype(object), alert_since=since)


def self_harm_days(moment: datetime) -> dict[str, date]:
    """The first self-harm incident (Europe/London day) of each person, before the moment: it feeds the static
    "previous self-harm" factor only. Incidents are never a signal of change (they are what AIM is evaluated
    against)."""
    first: dict[str, date] = {}
    rows = ActivityEvent.objects.filter(kind=people_events.SELF_HARM_INCIDENT, occurred_at__lt=moment).values_list(
        "person", "occurred_at"
    )
    for person, at in rows:
        local = at.astimezone(engine.LONDON).date()
        if person not in first or local < first[person]:
            first[person] = local
    return first


def no_concern_triages(people: list[Person], before: datetime) -> list[tuple[str, date, str]]:
    """(prison number, local day, flag colour) of every "no concern" triage made before the moment."""
    numbers = [p.prison_number for p in people]
    rows = (
        Triage.objects.filter(action=TriageAction.NO_CONCERN, at__lt=before, flag__person__prison_number__in=numbers)
        .values_list("flag__person__prison_number", "at", "flag__colour")
        .order_by("at")
    )
    return [(number, at.astimezone(engine.LONDON).date(), colour) for number, at, colour in rows]


def configs_for(people: list[Any]) -> dict[Any, engine.Config]:
    places = {p.establishment_id: getattr(p, "establishment", None) for p in people}
    return {place_id: config_for(place) for place_id, place in places.items()}


def score_windows(
    windows: engine.Windows,
    arrays: engine.People,
    people: list[Person],
    config: engine.Config | None = None,
    *,
    configs: dict[Any, engine.Config] | None = None,
) -> engine.Result:
    """Score with each establishment's own settings (one engine call per distinct settings), or with ``config``."""
    if config is not None:
        return engine.score(windows, arrays, config)
    configs = configs_for(people) if configs is None else configs
    distinct = {json.dumps(c.as_dict(), sort_keys=True) for c in configs.values()}
    if len(distinct) <= 1:
        return engine.score(windows, arrays, next(iter(configs.values()), engine.Config()))
    size, k = len(people), len(INDICATORS)
    merged = engine.Result(
        colour=np.full(size, "green", dtype=object),
        score=np.zeros(size),
        contributions=np.zeros((size, k)),
        observed=np.zeros((size, k)),
        expected=np.zeros((size, k)),
        window=np.zeros((size, k), dtype=int),
        usual_rate=np.zeros((size, k)),
        static=np.ones(size),
        insufficient=np.zeros(size, dtype=bool),
        routine_per_week=np.zeros(size),
    )
    for place_id, config in configs.items():
        pick = np.flatnonzero(arrays.establishment == (place_id or 0))
        part = engine.score(_slice_windows(windows, pick), _slice_people(arrays, pick), config)
        for name in engine.Result.__dataclass_fields__:
            getattr(merged, name)[pick] = getattr(part, name)
    return merged


def _slice_windows(windows: engine.Windows, pick: np.ndarray) -> engine.Windows:
    return engine.Windows(
        n=windows.n[:, pick], t=windows.t[:, pick], last_visit_lag=windows.last_visit_lag[pick], q=windows.q[:, pick]
    )


def _slice_people(people: engine.People, pick: np.ndarray) -> engine.People:
    return engine.People(
        ids=[people.ids[i] for i in pick],
        **{
            name: getattr(people, name)[pick]
            for name in ("days_in_custody", "female", "previous_self_harm", "remand", "first_time")
        },
        group=people.group[pick],
        establishment=people.establishment[pick],
        triggers=people.triggers[pick] if people.triggers is not None else None,
    )


def indicator_summary(scored: ScoredEstate, i: int) -> dict[str, Any]:
    """Recent and usual figures per indicator for the flag page."""
    result = scored.result
    return {
        indicator.code: {
            "observed": round(float(result.observed[i, j]), 2),
            "expected": round(float(result.expected[i, j]), 2),
            "window": int(result.window[i, j]),
            "evidence": round(float(result.contributions[i, j]), 2),
        }
        for j, indicator in enumerate(INDICATORS)
    } | {"static": round(float(result.static[i]), 3)}


def store_flags(scored: ScoredEstate) -> int:
    """Keep the day's flags for the staff pages, and one scoring run per establishment."""
    rows = []
    now = timezone.now()
    for i, person in enumerate(scored.people):
        colour = str(scored.result.colour[i])
        wing = ""
        if person.location is not None:
            wing = "-".join(person.location.key.split("-")[:2])
        rows.append(
            Flag(
                person=person,
                establishment_id=person.establishment_id or 0,
                wing=wing,
                as_of=scored.as_of,
                colour=colour,
                score=round(float(scored.result.score[i]), 3),
                reasons=scored.reasons[i],
                indicators=indicator_summary(scored, i) if colour != Colour.GREEN else {},
                raised=str(scored.raised[i]),
                alert_since=scored.alert_since[i],
                created_at=now,
            )
        )
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            Flag.objects.bulk_create(
                rows[start : start + BATCH],
                update_conflicts=True,
                unique_fields=["person", "as_of"],
                update_fields=[
                    "establishment",
                    "wing",
                    "colour",
                    "score",
                    "reasons",
                    "indicators",
                    "raised",
                    "alert_since",
                    "created_at",
                ],
            )
        by_place: dict[int, Counter[str]] = {}
        for row in rows:
            counts = by_place.setdefault(row.establishment_id, Counter())
            counts[row.colour] += 1
            if row.raised:
                counts[f"raised_{row.raised}"] += 1
        places = identity_selectors.establishments_by_pk(ids=by_place)
        for place_id, counts in by_place.items():
            place = places[place_id]
            ScoreRun.objects.update_or_create(
                establishment=place,
                as_of=scored.as_of,
                defaults={
                    "scored_at": now,
                    "people": sum(counts[c] for c in Colour.values),
                    "red": counts[Colour.RED],
                    "amber": counts[Colour.AMBER],
                    "insufficient": counts[Colour.INSUFFICIENT],
                    "raised_red": counts["raised_red"],
                    "raised_amber": counts["raised_amber"],
                    "settings_snapshot": applied_settings(config_for(place), scored.threshold_factors.get(place_id)),
                },
            )
    return len(rows)


def applied_settings(config: engine.Config, factors: tuple[float, float] | None) -> dict[str, Any]:
    """The settings as stored with a day's run, with the thresholds applied that day after calibration."""
    amber_factor, red_factor = factors or (1.0, 1.0)
    return config.as_dict() | {
        "applied_amber_threshold": round(config.amber_threshold * amber_factor, 3),
        "applied_red_threshold": round(config.red_threshold * max(red_factor, amber_factor), 3),
    }


def write_csv(scored: ScoredEstate, out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["prison_number", "colour", "score", "reasons"])
    with translation.override("en"):
        for i, person in enumerate(scored.people):
            texts = [reason_text(reason) for reason in scored.reasons[i]]
            writer.writerow(
                [
                    person.prison_number,
                    scored.result.colour[i],
                    f"{float(scored.result.score[i]):.3f}",
                    ";".join(text.replace(";", ",") for text in texts),
                ]
            )
