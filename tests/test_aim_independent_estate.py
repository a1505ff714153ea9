"""The independent AIM test estate: valid records, planted changes that really show, sweeps that do what they say,
and a scorer that gives hand-computed figures on hand-made colours."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command

from throughgate.welfare.estates.independent import (
    INDICATOR_KIND,
    KINDS,
    Estate,
    daily_counts,
    format_report,
    generate,
    read_flags_csv,
    score_flags,
    write_jsonl,
)

SMALL = {"people": 300, "days": 60, "seed": 7}
NUMBER = re.compile(r"^[A-Z]\d{4}[A-Z]{2}$")
PERSON_FIELDS = {
    "record": str,
    "prison_number": str,
    "establishment": str,
    "sex": str,
    "date_of_birth": str,
    "ethnicity": str,
    "nationality": str,
    "first_language": str,
    "disability": bool,
    "arrival_date": str,
    "incentive_level": str,
    "self_harm_history": bool,
    "first_time_in_custody": bool,
    "legal_status": str,
}


@cache
def estate(**options: Any) -> Estate:
    return generate(**(SMALL | options))


def test_the_same_seed_gives_the_same_estate_and_another_seed_does_not() -> None:
    again = generate(**SMALL)
    assert again.records == estate().records
    assert again.truth == estate().truth
    assert generate(**(SMALL | {"seed": 8})).records != estate().records


def test_every_record_keeps_the_ingest_contract() -> None:
    records = estate().records
    persons = [r for r in records if r["record"] == "person"]
    events = [r for r in records if r["record"] == "event"]
    assert len(persons) == SMALL["people"]
    assert records[: len(persons)] == persons, "person records come first"
    json.dumps(records)
    numbers = {p["prison_number"] for p in persons}
    assert len(numbers) == len(persons)
    for person in persons:
        assert set(person) == set(PERSON_FIELDS)
        assert all(isinstance(person[key], kind) for key, kind in PERSON_FIELDS.items())
        assert NUMBER.match(person["prison_number"])
        assert re.match(r"^[A-Z]{3}$", person["establishment"])
        assert person["sex"] in ("M", "F")
        assert person["ethnicity"] in ("White", "Black", "Asian", "Mixed", "Other")
        assert person["nationality"] in ("British", "Foreign")
        assert person["incentive_level"] in ("Basic", "Standard", "Enhanced")
        assert person["legal_status"] in ("remand", "sentenced")
        born = date.fromisoformat(person["date_of_birth"])
        assert 18 <= (estate().start - born).days / 365.25 < 80
        date.fromisoformat(person["arrival_date"])
    truth = {p["prison_number"]: p for p in estate().truth["people"]}
    end = estate().start + timedelta(days=SMALL["days"])
    for event in events:
        assert set(event) == {"record", "prison_number", "kind", "occurred_at", "value"}
        assert event["kind"] in KINDS
        assert event["prison_number"] in numbers
        at = datetime.fromisoformat(event["occurred_at"])
        assert at.utcoffset() is not None
        assert estate().start <= at.date() < end
        person = truth[event["prison_number"]]
        assert at.date() >= date.fromisoformat(person["arrival_date"])
        assert person["release_date"] is None or at.date() < date.fromisoformat(person["release_date"])
        assert isinstance(event["value"], int | float)
        assert event["value"] >= 0
        if event["kind"] == "incentive.changed":
            assert event["value"] in (0, 1, 2)
    kinds = {e["kind"] for e in events}
    assert kinds >= set(KINDS) - {"segregation.started", "incentive.changed"}


def test_one_womens_establishment_and_the_rest_mens() -> None:
    truth = estate().truth
    assert [e["sex"] for e in truth["establishments"]] == ["M", "M", "M", "F"]
    sex_of = {e["code"]: e["sex"] for e in truth["establishments"]}
    assert all(p["sex"] == sex_of[p["establishment"]] for p in truth["people"])
    bands = {p["age_band"] for p in truth["people"]}
    assert bands == {"18-24", "25-34", "35-49", "50 and over"}
    assert any(p["release_date"] for p in truth["people"])
    assert any(p["arrival_date"] >= estate().start.isoformat() for p in truth["people"])


def _window(estate: Estate, start: str, end: str) -> slice:
    return slice((date.fromisoformat(start) - estate.start).days, (date.fromisoformat(end) - estate.start).days + 1)


def test_planted_changes_show_in_the_events_in_their_direction() -> None:
    """Against the same estate with no change planted (common random numbers), every planted fall gives fewer events
    and every rise more; and on average the moved parts' daily rate differs before and after the change started."""
    options = {"people": 1200, "silent_share": 0.0}
    changed, flat = estate(**options), estate(**options, signal_strength=0.0)
    row = {p["prison_number"]: i for i, p in enumerate(changed.truth["people"])}
    counts = {kind: daily_counts(changed, kind) for kind in set(INDICATOR_KIND.values())}
    counts_flat = {kind: daily_counts(flat, kind) for kind in set(INDICATOR_KIND.values())}
    moved = {"up": 0, "down": 0}
    before_after = {"up": 0.0, "down": 0.0}
    episodes = [e for e in changed.truth["episodes"] if not e["silent"]]
    assert len(episodes) >= 20
    for episode in episodes:
        p = row[episode["prison_number"]]
        during = _window(changed, episode["change_start"], episode["first_incident"])
        arrived = (date.fromisoformat(changed.truth["people"][p]["arrival_date"]) - changed.start).days
        before = slice(max(0, during.start - 21, arrived + 7), during.start)  # settled in, before the change
        for indicator, way in episode["indicators"].items():
            kind = INDICATOR_KIND[indicator]
            now, without = counts[kind][p, during].sum(), counts_flat[kind][p, during].sum()
            assert (now >= without) if way == "up" else (now <= without), (episode, indicator)
            moved[way] += abs(int(now - without))
            if before.stop - before.start >= 7:
                change = counts[kind][p, during].mean() - counts[kind][p, before].mean()
                before_after[way] += change
    assert moved["up"] > 0
    assert moved["down"] > 0
    assert before_after["up"] > 0
    assert before_after["down"] < 0


def test_silent_episodes_and_untouched_people_have_exactly_the_events_of_an_estate_with_nothing_planted() -> None:
    planted, flat = estate(), estate(signal_strength=0.0)
    touched = {e["prison_number"] for e in planted.truth["episodes"] if not e["silent"]}
    touched |= {d["prison_number"] for d in planted.truth["decoys"]}
    silent = {e["prison_number"] for e in planted.truth["episodes"] if e["silent"]}
    assert silent
    assert touched

    def events(estate: Estate, exclude: set[str]) -> list[dict[str, Any]]:
        return [r for r in estate.records if r["record"] == "event" and r["prison_number"] not in exclude]

    assert events(planted, touched) == events(flat, touched)


def test_signal_strength_zero_plants_nothing() -> None:
    none_planted = generate(**SMALL, signal_strength=0.0)
    no_changes = generate(**SMALL, silent_share=1.0, decoy_rate=0.0)
    assert none_planted.records == no_changes.records
    assert all(e["strength"] == 0 for e in none_planted.truth["episodes"] if not e["silent"])
    assert generate(**SMALL).records != no_changes.records


def test_rise_share_sets_the_direction_of_changes() -> None:
    rising = estate(people=600, rise_share=1.0, silent_share=0.0)
    falling = estate(people=600, rise_share=0.0, silent_share=0.0)
    changed = [e for e in rising.truth["episodes"] if not e["silent"]]
    assert changed
    assert {e["direction"] for e in changed} == {"agitate"}
    assert all(set(e["indicators"].values()) == {"up"} for e in changed)
    changed = [e for e in falling.truth["episodes"] if not e["silent"]]
    assert {e["direction"] for e in changed} == {"withdraw"}
    default = estate(people=600, silent_share=0.0)
    assert {e["direction"] for e in default.truth["episodes"] if not e["silent"]} == {"withdraw", "agitate", "mixed"}


def test_indicators_moving_and_silent_share_and_decoys() -> None:
    few = estate(people=600, silent_share=0.0, indicators_moving=1.0)
    many = estate(people=600, silent_share=0.0, indicators_moving=5.0)

    def mean_moved(estate: Estate) -> float:
        return float(np.mean([len(e["indicators"]) for e in estate.truth["episodes"] if not e["silent"]]))

    assert mean_moved(few) < 1.5 < 3.5 < mean_moved(many)
    assert all(e["silent"] for e in estate(silent_share=1.0).truth["episodes"])
    assert estate(decoy_rate=0.0).truth["decoys"] == []
    decoys = estate(decoy_rate=0.3).truth["decoys"]
    assert len(decoys) > 30
    episode_people = {e["prison_number"] for e in estate(decoy_rate=0.3).truth["episodes"]}
    assert not episode_people & {d["prison_number"] for d in decoys}


def test_sparse_share_makes_more_people_digitally_excluded_with_few_kiosk_events() -> None:
    def excluded(estate: Estate) -> np.ndarray:
        return np.array([p["digitally_excluded"] for p in estate.truth["people"]])

    assert excluded(estate(sparse_share=0.05)).sum() < excluded(estate(sparse_share=0.5)).sum()
    kiosk = daily_counts(estate(), "kiosk.login").sum(axis=1)
    out = excluded(estate())
    assert kiosk[out].mean() < 0.2 * kiosk[~out].mean()


def test_a_lockdown_stops_activities_and_visits_in_its_prison_only() -> None:
    estate_ = estate(lockdowns=3)
    assert len(estate_.truth["lockdowns"]) == 3
    assert estate(lockdowns=0).truth["lockdowns"] == []
    prison = np.array([p["establishment"] for p in estate_.truth["people"]])
    activity, visits = daily_counts(estate_, "activity.attended"), daily_counts(estate_, "visit.attended")
    for lockdown in estate_.truth["lockdowns"]:
        days = _window(estate_, lockdown["start"], lockdown["end"])
        inside = prison == lockdown["establishment"]
        assert activity[inside, days].sum() == 0
        assert visits[inside, days].sum() == 0
    assert activity.sum() > 0


def test_written_slices_add_up_to_the_whole_estate(tmp_path: Path) -> None:
    estate_ = estate()
    cut = estate_.start + timedelta(days=40)
    history = write_jsonl(estate_, tmp_path / "history.jsonl", until=cut)
    day = write_jsonl(estate_, tmp_path / "day.jsonl", from_=cut, until=cut + timedelta(days=1))
    rest = write_jsonl(estate_, tmp_path / "rest.jsonl", from_=cut + timedelta(days=1))
    lines = [json.loads(line) for name in ("history", "day", "rest") for line in (tmp_path / f"{name}.jsonl").open()]
    assert history + day + rest == len(lines)
    events = [r for r in lines if r["record"] == "event"]
    assert sorted(map(json.dumps, events)) == sorted(json.dumps(r) for r in estate_.records if r["record"] == "event")
    persons = [r for r in (json.loads(x) for x in (tmp_path / "history.jsonl").open()) if r["record"] == "person"]
    assert persons
    assert all(p["arrival_date"] < cut.isoformat() for p in persons)


# --- the scorer on hand-made colours -----------------------------------------------------------------------------

DAY = date(2026, 1, 20)


def _person(number: str, *, arrival: str = "2025-06-01", release: str | None = None, sex: str = "M") -> dict[str, Any]:
    return {
        "prison_number": number,
        "sex": sex,
        "age_band": "25-34",
        "ethnicity": "White",
        "nationality": "British",
        "first_language": "English",
        "disability": False,
        "digitally_excluded": False,
        "establishment": "HKM",
        "arrival_date": arrival,
        "release_date": release,
    }


def _hand_made() -> tuple[Estate, dict[date, dict[str, tuple[str, str]]]]:
    truth = {
        "people": [
            _person("A1111AA"),
            _person("B2222BB"),
            _person("C3333CC"),
            _person("D4444DD"),
            _person("E5555EE", release="2026-01-25"),
            _person("F6666FF", arrival="2026-01-22", sex="F"),
        ],
        "episodes": [
            {"prison_number": "A1111AA", "first_incident": "2026-01-24", "incident_dates": ["2026-01-24"],
             "change_start": "2026-01-15", "strength": 1.0, "direction": "withdraw", "silent": False},
            {"prison_number": "B2222BB", "first_incident": "2026-01-25", "incident_dates": ["2026-01-25"],
             "change_start": "2026-01-19", "strength": 0.5, "direction": "agitate", "silent": False},
            {"prison_number": "C3333CC", "first_incident": "2026-01-21", "incident_dates": ["2026-01-21"],
             "change_start": None, "strength": None, "direction": None, "silent": True},
        ],
        "decoys": [{"prison_number": "E5555EE"}],
    }  # fmt: skip
    colours = {
        "A1111AA": "g g a r r g g",
        "B2222BB": "g g g g g g g",
        "C3333CC": "a g g g g g g",
        "D4444DD": "g a a r g a g",
        "E5555EE": "g g g g g g r",
        "F6666FF": "- - - r g g g",
    }
    names = {"g": "green", "a": "amber", "r": "red"}
    daily: dict[date, dict[str, tuple[str, str]]] = {DAY + timedelta(days=s): {} for s in range(7)}
    for number, row in colours.items():
        for s, letter in enumerate(row.split()):
            if letter != "-":
                reason = "" if (number, s) == ("D4444DD", 5) else ("fewer calls" if letter in "ar" else "")
                daily[DAY + timedelta(days=s)][number] = (names[letter], reason)
    return Estate(start=date(2026, 1, 1), days=40, truth=truth), daily


def test_score_flags_gives_the_hand_computed_figures() -> None:
    estate_, daily = _hand_made()
    result = score_flags(estate_, daily)
    json.dumps(result)
    recall = result["recall"]
    # A: alert on the 22nd, within the 14 days before the 24th and after the change began on the 15th. B: none.
    assert (recall["changed"], recall["detected"], recall["eligible"]) == (0.5, 1, 2)
    assert recall["by_strength"]["moderate (0.75-1.25)"] == {"recall": 1.0, "eligible": 1, "detected": 1}
    assert recall["by_strength"]["weak (<0.75)"] == {"recall": 0.0, "eligible": 1, "detected": 0}
    assert recall["by_direction"]["withdraw"]["recall"] == 1.0
    assert recall["silent"] == {"recall": 1.0, "eligible": 1, "detected": 1}
    assert result["median_delay_days"] == 7.0  # the 15th to the 22nd
    # Raised on the 21st-26th: A amber 22, red 23; D amber 21, red 23, amber 25; F red 23 (new). E's red on the
    # 26th is after release. People-days in custody 21st-26th: A-D 6 each, E 4 (21st-24th), F 5 (22nd-26th) = 33.
    everyone = result["alert_rate"]["everyone"]
    assert (everyone["red_raised"], everyone["amber_raised"]) == (3, 3)
    assert everyone["red"] == everyone["amber"] == round(100 * 3 / (33 / 7), 3)
    stable = result["alert_rate"]["stable"]  # D and F: 11 people-days
    assert (stable["red_raised"], stable["amber_raised"]) == (2, 2)
    assert stable["red"] == round(100 * 2 / (11 / 7), 3)
    # Shown: A 3, C 1, D 4, F 1 = 9, all with a reason but D's amber on the 25th.
    assert result["reasons"]["alerts_shown"] == 9
    assert result["reasons"]["with_reason_share"] == round(8 / 9, 4)
    assert result["reasons"]["red_within_3_days_of_arrival"] == 1
    assert result["after_release"]["alerts_shown"] == 1
    fairness = result["fairness"]
    # Positive person-days: A 20th-24th (5), B 20th-25th (6), C 20th-21st (2) = 13; of them alerted: A 22-24, C 20.
    assert fairness["overall"]["positives"] == 13
    assert fairness["overall"]["fnr"] == round(9 / 13, 4)
    assert fairness["overall"]["fpr"] == round(5 / (42 - 2 - 2 - 13), 4)  # 6x7, less E after release, F before
    male = next(g for g in fairness["groups"] if g["group"] == "M")
    assert male["fpr_ratio"] == 1.0  # 4 of 20 negatives, as overall 5 of 25
    assert isinstance(fairness["groups_outside_band"], int)
    assert "sex=F FNR: fewer than 10 positive person-days" in fairness["skipped"]
    assert "Recall, changes in routine:   50.0%  (1 of 2)" in format_report(result)


# --- the real command contract on a tiny estate -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_contract_runs_end_to_end_on_a_tiny_estate(tmp_path: Path) -> None:
    history, scored = 40, 3
    estate_ = generate(people=60, days=history + scored + 14, seed=3, prisons=2)
    first = estate_.start + timedelta(days=history)
    write_jsonl(estate_, tmp_path / "history.jsonl", until=first)
    call_command("aim", "ingest", str(tmp_path / "history.jsonl"), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert err.getvalue().strip() == ""
    daily = {}
    for offset in range(scored):
        day = first + timedelta(days=offset)
        call_command("aim", "score", "--as-of", day.isoformat(), "--out", str(tmp_path / "flags.csv"),
                     stdout=io.StringIO())  # fmt: skip
        daily[day] = read_flags_csv(tmp_path / "flags.csv")
        assert {colour for colour, _ in daily[day].values()} <= {"red", "amber", "green", "insufficient_data"}
        write_jsonl(estate_, tmp_path / "day.jsonl", from_=day, until=day + timedelta(days=1))
        call_command("aim", "ingest", str(tmp_path / "day.jsonl"), stdout=io.StringIO(), stderr=err)
        assert err.getvalue().strip() == ""
    in_custody = {p["prison_number"] for p in estate_.truth["people"] if p["arrival_date"] < first.isoformat()}
    assert in_custody & set(daily[first])
    result = score_flags(estate_, daily)
    assert result["scored_days"]["count"] == scored
    assert "Equalised odds" in format_report(result)
