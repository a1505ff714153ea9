"""AIM's evaluation harness: a synthetic estate with planted episodes, written in the ingest contract's format,
ingested and scored day by day through the same engine as ``aim score``, then measured.

The generator is built from DOMAIN.md's figures, not from AIM's method:

- About 16% of people self-harm in a year (about 6% in 150 days); the women's estate rate is about 11 times the
  men's; previous self-harm (OR 6.6), remand, first time in custody and the first weeks raise the odds. Incident
  counts are heavy-tailed (a few people self-harm many times, 5.6 incidents each on average in a year).
- Planted episodes: for 75% of people who self-harm, a sustained change in routine starts 5-21 days before the
  first incident (some of: fewer kiosk sign-ins, calls, canteen, meals, visits, work; more refusals; a cell move
  or a lower incentive level). The other 25% give no warning in the data, as in life.
- Decoys: 1% of people have a similar change (a new job, a hospital stay) and no incident.
- 5% are digitally excluded (no kiosk or in-cell use; staff record paper menus and canteen sheets); 2% have
  almost no recorded activity at all.
- Day-of-week patterns (visits at weekends, work on weekdays, canteen on one day a week), person-to-person
  variation (gamma-distributed rates) and overdispersed day-to-day counts.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from throughgate.welfare import engine

MEN_PRISONS = ("MDI", "LEI", "BXI")
WOMEN_PRISON = "NHI"
LANGUAGES = ("Polish", "Urdu", "Arabic", "Romanian", "Welsh", "Somali")

# Daily base rates (before person-level variation): (kind, rate per day, mean value, weekday profile).
WEEKDAYS = np.array([1.15, 1.15, 1.15, 1.15, 1.1, 0.7, 0.6])
WEEKEND = np.array([0.3, 0.3, 0.3, 0.3, 0.3, 2.6, 2.9])
FLAT = np.ones(7)
WORKDAYS = np.array([1.35, 1.35, 1.35, 1.35, 1.1, 0.0, 0.0])
ROUTINE: tuple[tuple[str, float, float, np.ndarray], ...] = (
    ("kiosk.login", 2.2, 1, WEEKDAYS),
    ("phone.call", 1.0, 12, FLAT),
    ("meal.chosen", 2.0, 1, FLAT),
    ("app.submitted", 0.25, 1, WEEKDAYS),
    ("activity.attended", 0.8, 1, WORKDAYS),
    ("visit.attended", 0.14, 1, WEEKEND),
    ("money.received", 0.08, 25, FLAT),
    ("activity.refused", 0.03, 1, WORKDAYS),
    ("complaint.submitted", 0.015, 1, WEEKDAYS),
    ("visit.cancelled", 0.015, 1, WEEKEND),
    ("adjudication.proven", 0.006, 1, WEEKDAYS),
    ("cell.moved", 0.01, 1, WEEKDAYS),
    ("segregation.started", 0.0015, 1, WEEKDAYS),
)
ENGAGEMENT = ("kiosk.login", "phone.call", "meal.chosen", "app.submitted", "activity.attended", "visit.attended")
SELF_SERVICE = ("kiosk.login", "app.submitted")


@dataclass
class Episode:
    prison_number: str
    change_start: date | None  # None: no warning in the data
    incidents: list[date]
    decoy: bool = False


@dataclass
class Estate:
    start: date
    end: date
    people: list[dict[str, Any]]
    episodes: list[Episode] = field(default_factory=list)


def _prison_number(i: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"G{i % 10000:04d}{letters[(i // 10000) % 24]}{letters[(i // 240000) % 24]}"


def generate(*, people: int, days: int, seed: int, end: date) -> tuple[Estate, Iterator[dict[str, Any]]]:
    """The estate's people and episodes, and an iterator over its event records (ingest format)."""
    rng = np.random.default_rng(seed)
    start = end - timedelta(days=days)
    records: list[dict[str, Any]] = []
    plans: list[dict[str, Any]] = []
    estate = Estate(start=start, end=end, people=records)
    for i in range(people):
        female = rng.random() < 0.05
        history = rng.random() < (0.45 if female else 0.15)
        remand = rng.random() < 0.17
        first_time = rng.random() < 0.3
        arrived_in_window = rng.random() < 0.25
        arrival = (
            start + timedelta(days=int(rng.integers(0, days - 3)))
            if arrived_in_window
            else (start - timedelta(days=int(rng.integers(1, 1500))))
        )
        age = 18 + int(rng.gamma(2, 10.7))
        record = {
            "record": "person",
            "prison_number": _prison_number(i),
            "establishment": WOMEN_PRISON if female else MEN_PRISONS[i % len(MEN_PRISONS)],
            "sex": "F" if female else "M",
            "date_of_birth": date(end.year - min(age, 80), 1 + i % 12, 1 + i % 28).isoformat(),
            "ethnicity": str(
                rng.choice(["White", "Black", "Asian", "Mixed", "Other"], p=[0.72, 0.13, 0.09, 0.04, 0.02])
            ),
            "nationality": "Foreign" if rng.random() < 0.12 else "British",
            "first_language": str(rng.choice(LANGUAGES)) if rng.random() < 0.1 else "English",
            "disability": bool(rng.random() < 0.25),
            "arrival_date": arrival.isoformat(),
            "incentive_level": str(rng.choice(["Basic", "Standard", "Enhanced"], p=[0.1, 0.6, 0.3])),
            "self_harm_history": bool(history),
            "first_time_in_custody": bool(first_time),
            "legal_status": "remand" if remand else "sentenced",
        }
        records.append(record)
        # Self-harm in the window: odds from DOMAIN.md's factors, heavy-tailed counts.
        odds = (
            0.025
            * (11 if female else 1)
            * (6.6 if history else 1)
            * (1.5 if remand else 1)
            * (1.5 if first_time else 1)
        )
        p_harm = min(0.9, odds / (1 + odds)) * min(1.0, days / 150)
        first_day = max(arrival, start) + timedelta(days=1)
        span = (end - first_day).days
        episode = None
        if span > 2 and rng.random() < p_harm:
            # Early days carry raised risk: a third of first incidents in the first 30 days after arrival.
            if arrival >= start and rng.random() < 0.33:
                offset = int(rng.integers(1, min(30, span)))
            else:
                offset = int(rng.integers(1, span))
            first = first_day + timedelta(days=offset)
            count = 1 + int(rng.negative_binomial(0.5, 0.5 / (0.5 + 1.5)))
            incidents = sorted({first + timedelta(days=int(rng.integers(0, 45))) for _ in range(count - 1)} | {first})
            incidents = [d for d in incidents if d < end]
            warned = rng.random() < 0.75
            change = first - timedelta(days=int(rng.integers(5, 22))) if warned else None
            episode = Episode(str(record["prison_number"]), change, incidents)
        elif rng.random() < 0.01:
            change = start + timedelta(days=int(rng.integers(0, days)))
            episode = Episode(str(record["prison_number"]), change, [], decoy=True)
        if episode is not None:
            estate.episodes.append(episode)
        plans.append(
            {
                "arrival": arrival,
                "episode": episode,
                "excluded": rng.random() < 0.05,
                "thin": rng.random() < 0.02,
                "visits": rng.random() < 0.7,
                "works": rng.random() < 0.75,
            }
        )
    return estate, _events(estate, plans, rng)


def _events(estate: Estate, plans: list[dict[str, Any]], rng: np.random.Generator) -> Iterator[dict[str, Any]]:
    days = (estate.end - estate.start).days
    dates = [estate.start + timedelta(days=d) for d in range(days)]
    weekday = np.array([d.weekday() for d in dates])
    for record, plan in zip(estate.people, plans, strict=True):
        number = record["prison_number"]
        present = np.array([d >= plan["arrival"] for d in dates])
        episode: Episode | None = plan["episode"]
        changed = np.zeros(days, dtype=bool)
        chosen: set[str] = set()
        if episode is not None and episode.change_start is not None:
            changed = np.array([d >= episode.change_start for d in dates])
            chosen = set(rng.choice(ENGAGEMENT, size=int(rng.integers(3, 6)), replace=False))
        depth = float(rng.uniform(0.1, 0.45))
        for kind, base, mean_value, profile in ROUTINE:
            rate = base * rng.gamma(3.0, 1 / 3.0)
            if kind in SELF_SERVICE and plan["excluded"]:
                rate *= 0.02
            if plan["thin"]:
                rate *= 0.05
            if kind == "visit.attended" and not plan["visits"]:
                rate *= 0.05
            if kind in ("activity.attended", "activity.refused") and not plan["works"]:
                rate *= 0.1
            daily = rate * profile[weekday] * present
            if kind in chosen:
                daily = np.where(changed, daily * depth, daily)
            if kind == "activity.refused" and changed.any():
                daily = np.where(changed, daily + 0.15 * plan["works"], daily)
            # Overdispersed counts: a gamma-Poisson mixture day by day.
            counts = rng.poisson(daily * rng.gamma(4.0, 1 / 4.0, size=days))
            for d in np.flatnonzero(counts):
                for _ in range(int(counts[d])):
                    yield _event(number, kind, dates[d], rng, mean_value)
        # Canteen: one order a week on the establishment's canteen day, spend varies by person.
        spend = float(rng.gamma(4.0, 5.0)) * (0.05 if plan["thin"] else 1.0)
        for d in np.flatnonzero(present & (weekday == 2)):
            amount = spend * (depth if (changed[d] and "kiosk.login" in chosen) else 1.0) * rng.gamma(6, 1 / 6)
            if rng.random() < (0.95 if not plan["thin"] else 0.1):
                yield _event(number, "canteen.ordered", dates[d], rng, round(amount, 2), exact=True)
        if episode is not None and episode.change_start is not None and rng.random() < 0.4:
            moved = episode.change_start + timedelta(days=int(rng.integers(0, 5)))
            if moved < estate.end:
                yield _event(number, "cell.moved", moved, rng, 1)
        if episode is not None and episode.change_start is not None and rng.random() < 0.25:
            lowered = episode.change_start + timedelta(days=int(rng.integers(0, 7)))
            if lowered < estate.end:
                yield _event(number, "incentive.changed", lowered, rng, 0, exact=True)
        if episode is not None:
            for day in episode.incidents:
                yield _event(number, "self_harm.incident", day, rng, 1)


def _event(
    number: str, kind: str, day: date, rng: np.random.Generator, value: float, exact: bool = False
) -> dict[str, Any]:
    moment = datetime(day.year, day.month, day.day, 8, 0, tzinfo=engine.LONDON) + timedelta(
        minutes=int(rng.integers(0, 12 * 60))
    )
    if not exact and kind in ("phone.call", "money.received"):
        value = round(float(rng.gamma(2.0, value / 2.0)), 1)
    record: dict[str, Any] = {
        "record": "event",
        "prison_number": number,
        "kind": kind,
        "occurred_at": moment.isoformat(),
    }
    if value != 1 or exact:
        record["value"] = value
    return record


def write_jsonl(estate: Estate, events: Iterator[dict[str, Any]], path: Path) -> int:
    """People and events, with events first for some people: ingest must not care about the order."""
    lines = 0
    with path.open("w", encoding="utf-8") as out:
        half = len(estate.people) // 2
        for record in estate.people[half:]:
            out.write(json.dumps(record) + "\n")
            lines += 1
        for record in events:
            out.write(json.dumps(record) + "\n")
            lines += 1
        for record in estate.people[:half]:
            out.write(json.dumps(record) + "\n")
            lines += 1
    return lines


def run(*, people: int, days: int, seed: int, jsonl: Path | None = None, progress: bool = False) -> dict[str, Any]:
    """Generate, ingest, score every day with enough history, and measure."""
    from throughgate.welfare import pipeline

    end = date(2026, 3, 1)
    estate, events = generate(people=people, days=days, seed=seed, end=end)
    with tempfile.TemporaryDirectory() as folder:
        path = jsonl or Path(folder) / "estate.jsonl"
        write_jsonl(estate, events, path)
        problems: list[str] = []
        ingest = pipeline.ingest(path, report=lambda n, r: problems.append(f"line {n}: {r}"), progress=progress)
    first_day = estate.start + timedelta(days=42)  # six weeks of history before the first scored day
    return measure(estate, first_day, end, ingest_summary=vars(ingest) | {"problems": problems[:5]})


def frame_from_records(people: list[Any], events: Iterator[dict[str, Any]]) -> pd.DataFrame:
    """The engine's event frame straight from generated records (no database): for calibration and benchmarks."""
    from throughgate.welfare.indicators import KIND_ID

    index = {person.prison_number: i for i, person in enumerate(people)}
    rows = [
        (index[r["prison_number"]], KIND_ID[r["kind"]], r["occurred_at"], float(r.get("value", 1)))
        for r in events
        if r["kind"] in KIND_ID
    ]
    frame = pd.DataFrame(rows, columns=["person_idx", "kind_id", "ts", "value"])
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True, format="ISO8601")
    return frame.astype({"person_idx": "int32", "kind_id": "int16"})


def unsaved_people(estate: Estate) -> list[Any]:
    """Person objects for the generated records, not saved (establishments numbered in order of appearance)."""
    return unsaved_persons(sorted(estate.people, key=lambda r: r["prison_number"]))


def unsaved_persons(records: list[dict[str, Any]]) -> list[Any]:
    """Person objects for person records in the ingest format, in their order, not saved (establishments numbered
    in order of appearance; the contract's defaults where a field is missing)."""
    from throughgate.people.models import Person

    codes: dict[str, int] = {}
    return [
        Person(
            prison_number=r["prison_number"],
            establishment_id=codes.setdefault(r["establishment"], len(codes) + 1),
            sex=r["sex"],
            date_of_birth=date.fromisoformat(r["date_of_birth"]),
            ethnicity=r.get("ethnicity", "Other"),
            nationality=r.get("nationality", "British"),
            first_language=r.get("first_language", "English"),
            disability=r.get("disability", False),
            arrival_date=date.fromisoformat(r["arrival_date"]) if r.get("arrival_date") else None,
            legal_status=r.get("legal_status", "sentenced"),
            self_harm_history=r.get("self_harm_history", False),
            first_time_in_custody=r.get("first_time_in_custody", False),
        )
        for r in records
    ]


def measure(
    estate: Estate,
    first_day: date,
    end: date,
    ingest_summary: dict[str, Any],
    *,
    people: list[Any] | None = None,
    frame: pd.DataFrame | None = None,
    config: engine.Config | None = None,
    fairness_boot: int = 200,
) -> dict[str, Any]:
    """Score each day from first_day to end through the engine (rolling windows), and report. Without ``people``
    and ``frame`` they are read from the database (after an ingest)."""
    import duckdb

    from throughgate.people.selectors import people_with_prison_numbers
    from throughgate.welfare import fairness, pipeline

    if people is None:
        people = people_with_prison_numbers(prison_numbers=[p["prison_number"] for p in estate.people])
    if frame is None:
        frame = pipeline.load_events(
            people,
            engine.local_midnight_utc(first_day - timedelta(days=engine.LOOKBACK_DAYS)),
            engine.local_midnight_utc(end),
        )
    con = duckdb.connect()
    con.register("events", frame)
    incidents = {e.prison_number: e.incidents for e in estate.episodes if e.incidents}
    configs = pipeline.configs_for(people) if config is None else {p.establishment_id: config for p in people}
    # As ``aim score`` does, the days before the first measured day are replayed (not measured), so that open
    # alerts and each establishment's thresholds on that day are what the command would have had.
    warmup = max((c.warmup_days for c in configs.values()), default=engine.Config().warmup_days)
    replay_from = max(first_day - timedelta(days=warmup), estate.start)
    rolling = engine.RollingWindows(con, "events", replay_from, len(people))
    replay = pipeline.EpisodeReplay(people, configs)
    tally = RaisedByPlace()
    rows = []
    day = replay_from
    while day <= end:
        windows = rolling.windows if day == replay_from else rolling.advance()
        harmed = {n for n, dates in incidents.items() if any(d < day for d in dates)}
        arrays = pipeline.people_arrays(people, day, harmed)
        result = pipeline.score_windows(windows, arrays, people, configs=configs)
        alerts = replay.step(day, result, arrays)
        if day < first_day:
            day += timedelta(days=1)
            continue
        tally.add(arrays, alerts.raised)
        for i in np.flatnonzero(arrays.days_in_custody >= 0):
            rows.append(
                (people[i].prison_number, day, str(alerts.colour[i]), str(alerts.raised[i]), float(result.score[i]))
            )
        day += timedelta(days=1)
    con.close()
    scores = pd.DataFrame(rows, columns=["prison_number", "day", "colour", "raised", "score"])
    return report(estate, scores, people, ingest_summary) | {
        "fairness": fairness.labelled_report(scores, people, incidents, n_boot=fairness_boot),
        "raised_by_establishment": tally.per_100_per_week(),
    }


class RaisedByPlace:
    """Alerts raised per establishment (everyone, not only the stable population): each prison's own budget."""

    def __init__(self) -> None:
        self.counts: dict[int, list[int]] = {}  # establishment -> [person-days, red raised, amber raised]

    def add(self, arrays: engine.People, raised: np.ndarray) -> None:
        present = arrays.days_in_custody >= 0
        for place in np.unique(arrays.establishment[present]).tolist():
            here = present & (arrays.establishment == place)
            row = self.counts.setdefault(int(place), [0, 0, 0])
            row[0] += int(here.sum())
            row[1] += int((here & (raised == "red")).sum())
            row[2] += int((here & (raised == "amber")).sum())

    def per_100_per_week(self) -> dict[str, dict[str, float]]:
        return {
            str(place): {
                "red": round(700 * red / max(days, 1), 2),
                "amber": round(700 * amber / max(days, 1), 2),
            }
            for place, (days, red, amber) in sorted(self.counts.items())
        }


def format_raised_by_place(by_place: dict[str, dict[str, float]]) -> str:
    return "  alerts raised per 100 people per week, per establishment (red / amber): " + ", ".join(
        f"{place}: {row['red']} / {row['amber']}" for place, row in by_place.items()
    )


def report(estate: Estate, scores: pd.DataFrame, people: list[Any], ingest_summary: dict[str, Any]) -> dict[str, Any]:
    alert = scores["colour"].isin(["red", "amber"])
    scores = scores.assign(alert=alert)
    per_day = scores.groupby("day").agg(
        people=("prison_number", "size"),
        red=("colour", lambda c: (c == "red").sum()),
        amber=("colour", lambda c: (c == "amber").sum()),
        insufficient=("colour", lambda c: (c == "insufficient_data").sum()),
    )
    days = len(per_day)
    # The stable population: people with no planted change, no decoy change and no incident.
    changed = {e.prison_number for e in estate.episodes}
    stable = scores[~scores["prison_number"].isin(changed)]
    stable_rows = max(len(stable), 1)
    person_weeks = per_day["people"].sum() / 7
    stable_weeks = max(len(stable) / 7, 1e-9)
    # Alerts raised (put in front of an officer: new, or escalated from amber to red), per 100 people per week.
    raised = {colour: int((scores["raised"] == colour).sum()) for colour in ("red", "amber")}
    stable_raised = {colour: int((stable["raised"] == colour).sum()) for colour in ("red", "amber")}
    # People on the list at any time in a week (whole 7-day blocks from the first day), stable population.
    week = (pd.to_datetime(stable["day"]) - pd.Timestamp(scores["day"].min())).dt.days.to_numpy() // 7
    whole = week < (days // 7)
    in_week = stable.assign(week=week)[whole]
    people_weeks = in_week.groupby("week")["prison_number"].nunique().sum()
    alerted_weeks = in_week[in_week["alert"]].groupby("week")["prison_number"].nunique().sum()
    first_day, last_day = scores["day"].min(), scores["day"].max()
    flagged = {number: sorted(group["day"]) for number, group in scores[scores["alert"]].groupby("prison_number")}
    delays, detected14, planted = [], 0, 0
    any_before, incidents_scored = 0, 0
    for episode in estate.episodes:
        days_flagged = flagged.get(episode.prison_number, [])
        if episode.incidents and first_day + timedelta(days=14) <= episode.incidents[0] <= last_day:
            incidents_scored += 1
            first = episode.incidents[0]
            if any(first - timedelta(days=14) <= d <= first for d in days_flagged):
                any_before += 1
        if episode.decoy or episode.change_start is None or not episode.incidents:
            continue
        start = episode.change_start
        if start < first_day or episode.incidents[0] > last_day:
            continue
        planted += 1
        hits = [d for d in days_flagged if start <= d <= episode.incidents[0]]
        if hits:
            delay = (hits[0] - start).days
            delays.append(delay)
            if delay <= 14:
                detected14 += 1
    return {
        "people": len(people),
        "days_scored": days,
        "first_day": str(first_day),
        "last_day": str(last_day),
        "ingest": ingest_summary,
        "snapshot_red_per_100": round(100 * per_day["red"].sum() / per_day["people"].sum(), 2),
        "snapshot_amber_per_100": round(100 * per_day["amber"].sum() / per_day["people"].sum(), 2),
        "snapshot_insufficient_per_100": round(100 * per_day["insufficient"].sum() / per_day["people"].sum(), 2),
        "stable_red_per_100": round(100 * (stable["colour"] == "red").sum() / stable_rows, 2),
        "stable_amber_per_100": round(100 * (stable["colour"] == "amber").sum() / stable_rows, 2),
        "raised_red_per_100_per_week": round(100 * raised["red"] / person_weeks, 2),
        "raised_amber_per_100_per_week": round(100 * raised["amber"] / person_weeks, 2),
        "stable_raised_red_per_100_per_week": round(100 * stable_raised["red"] / stable_weeks, 2),
        "stable_raised_amber_per_100_per_week": round(100 * stable_raised["amber"] / stable_weeks, 2),
        "stable_on_list_in_a_week_per_100": round(100 * float(alerted_weeks) / max(float(people_weeks), 1), 2),
        "planted_episodes": planted,
        "median_delay_days": float(np.median(delays)) if delays else None,
        "recall_within_14_days": round(detected14 / planted, 3) if planted else None,
        "incidents_scored": incidents_scored,
        "any_incident_flagged_in_14_days_before": round(any_before / incidents_scored, 3) if incidents_scored else None,
        "decoys": sum(1 for e in estate.episodes if e.decoy),
    }


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"AIM evaluation: {report['people']} people, {report['days_scored']} days scored "
        f"({report['first_day']} to {report['last_day']})",
        f"  ingest: {report['ingest'].get('events_stored')} events stored, {report['ingest'].get('invalid')} invalid",
        "  alerts raised per 100 people per week (new, or escalated to red), stable population "
        f"(no change planted, no incident): red {report['stable_raised_red_per_100_per_week']} (budget 2), "
        f"amber {report['stable_raised_amber_per_100_per_week']} (budget 5)",
        f"  alerts raised per 100 people per week, everyone: red {report['raised_red_per_100_per_week']}, "
        f"amber {report['raised_amber_per_100_per_week']}",
        f"  stable people on the list at some time in a week, per 100: {report['stable_on_list_in_a_week_per_100']}",
        f"  open alerts per 100 people per day (snapshot), stable population: red {report['stable_red_per_100']}, "
        f"amber {report['stable_amber_per_100']}; everyone: red {report['snapshot_red_per_100']}, "
        f"amber {report['snapshot_amber_per_100']}",
        f"  insufficient data per 100 people: {report['snapshot_insufficient_per_100']}",
        f"  planted episodes scored: {report['planted_episodes']} (decoys: {report['decoys']})",
        f"  median detection delay: {report['median_delay_days']} days (target <= 7)",
        f"  recall within 14 days of the change: {report['recall_within_14_days']} (target >= 0.8)",
        f"  all incidents flagged in the 14 days before: {report['any_incident_flagged_in_14_days_before']} "
        f"of {report['incidents_scored']} (includes incidents with no warning in the data)",
    ]
    if "raised_by_establishment" in report:
        lines.append(format_raised_by_place(report["raised_by_establishment"]))
    if "fairness" in report:
        from throughgate.welfare.fairness import format_table

        lines.append(format_table(report["fairness"]))
    return "\n".join(lines)


def run_independent(
    *, people: int, seed: int, history: int = 90, scored: int = 42, sweep: dict[str, Any] | None = None
) -> dict[str, Any]:
    """AIM on the independent estate (``welfare.estates.independent``, written without reading this engine), in
    memory: ``history`` days of events, then ``scored`` days scored one by one with the same engine, episodes and
    reasons as ``aim score``, measured only from the colours and reasons shown (``independent.score_flags``).
    A person released in the estate's truth is out of custody from that day (``bench/aim_independent.py`` sends the
    release through the contract as ``release_date`` once it has happened)."""
    import duckdb

    from throughgate.welfare import pipeline
    from throughgate.welfare.estates import independent
    from throughgate.welfare.indicators import KIND_ID
    from throughgate.welfare.reasons import reason_text, reasons_for_people

    estate = independent.generate(people=people, days=history + scored + 14, seed=seed, **(sweep or {}))
    records = {record["prison_number"]: record for record in estate.persons}
    persons = unsaved_persons([records[truth["prison_number"]] for truth in estate.truth["people"]])
    places = {p.establishment_id for p in persons}
    events = estate.events
    kind_ids = np.array([KIND_ID.get(kind, -1) for kind in independent.KINDS])[events.kind]
    keep = kind_ids >= 0  # (self_harm.incident is the outcome, never read)
    local = (
        pd.Timestamp(estate.start)
        + pd.to_timedelta(events.day[keep], unit="D")
        + pd.to_timedelta(events.minute[keep], unit="m")
    )
    frame = pd.DataFrame(
        {
            "person_idx": events.person[keep].astype("int32"),
            "kind_id": kind_ids[keep].astype("int16"),
            "ts": pd.DatetimeIndex(local)
            .tz_localize("Europe/London", ambiguous=True, nonexistent="shift_forward")
            .tz_convert("UTC"),
            "value": events.value[keep].astype(float),
        }
    )
    released = {
        t["prison_number"]: date.fromisoformat(t["release_date"]) for t in estate.truth["people"] if t["release_date"]
    }
    incidents: dict[str, list[date]] = {}
    for episode in estate.truth["episodes"]:
        incidents.setdefault(episode["prison_number"], []).extend(
            date.fromisoformat(d) for d in episode["incident_dates"]
        )
    first_day = estate.start + timedelta(days=history)
    con = duckdb.connect()
    con.register("events", frame)
    configs = {place: engine.Config() for place in places}
    # The 28 days before the first scored day are replayed, not measured, as ``aim score`` does.
    warmup = min(engine.Config().warmup_days, history)
    rolling = engine.RollingWindows(con, "events", first_day - timedelta(days=warmup), len(persons))
    replay = pipeline.EpisodeReplay(persons, configs)
    tally = RaisedByPlace()
    gone_on = np.array([released.get(p.prison_number, date.max).toordinal() for p in persons])
    daily: dict[date, dict[str, tuple[str, str]]] = {}
    for step in range(-warmup, scored):
        day = first_day + timedelta(days=step)
        windows = rolling.windows if step == -warmup else rolling.advance()
        harmed = {number for number, dates in incidents.items() if any(d < day for d in dates)}
        arrays = pipeline.people_arrays(persons, day, harmed)
        arrays.days_in_custody[gone_on <= day.toordinal()] = -1
        result = pipeline.score_windows(windows, arrays, persons, configs=configs)
        alerts = replay.step(day, result, arrays)
        if step < 0:
            continue
        tally.add(arrays, alerts.raised)
        result.colour = alerts.colour  # (the reasons are those of the colour shown, as in ``pipeline.score_day``)
        shown = np.flatnonzero(np.isin(alerts.colour, ["red", "amber"]))
        reasons = reasons_for_people(
            result, shown, last_visit_lag=windows.last_visit_lag, static_flags=pipeline.static_flags(arrays)
        )
        texts = {int(i): ";".join(reason_text(r) for r in rs) for i, rs in zip(shown.tolist(), reasons, strict=True)}
        daily[day] = {
            persons[i].prison_number: (str(alerts.colour[i]), texts.get(i, ""))
            for i in np.flatnonzero(arrays.days_in_custody >= 0).tolist()
        }
    con.close()
    return {
        "generator": "independent",
        "people": people,
        "seed": seed,
        "sweep": sweep or {},
        **independent.score_flags(estate, daily),
        "raised_by_establishment": tally.per_100_per_week(),
    }
