"""The evaluation harness and the fairness audit, end to end on a small estate."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from throughgate.welfare import evaluation, fairness

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_generator_follows_the_domain_figures() -> None:
    estate, events = evaluation.generate(people=4000, days=90, seed=1, end=date(2026, 3, 1))
    kinds = {record["kind"] for _, record in zip(range(20000), events, strict=False)}
    assert {"kiosk.login", "meal.chosen", "phone.call"} <= kinds
    sex = {p["prison_number"]: p["sex"] for p in estate.people}
    harmed = [e for e in estate.episodes if e.incidents]
    women = sum(p["sex"] == "F" for p in estate.people)
    men = len(estate.people) - women
    women_rate = sum(sex[e.prison_number] == "F" for e in harmed) / women
    men_rate = sum(sex[e.prison_number] == "M" for e in harmed) / men
    assert women_rate > 4 * men_rate  # about 11 times the men's rate of incidents, diluted by the caps
    warned = [e for e in harmed if e.change_start is not None]
    assert 0.6 < len(warned) / len(harmed) < 0.9
    assert all(e.change_start < e.incidents[0] for e in warned)
    assert any(len(e.incidents) >= 3 for e in harmed)  # heavy-tailed counts
    assert any(e.decoy for e in estate.episodes)


def test_evaluate_ingests_scores_and_reports(tmp_path: Path) -> None:
    out = StringIO()
    report_path = tmp_path / "report.json"
    call_command(
        "aim", "evaluate", "--people", "80", "--days", "110", "--seed", "3", "--out", str(report_path), stdout=out
    )
    text = out.getvalue()
    assert "alerts raised per 100 people per week" in text
    assert "median detection delay" in text
    report = json.loads(report_path.read_text())
    assert report["ingest"]["invalid"] == 0
    assert report["days_scored"] == 110 - 42 + 1
    raised = report["raised_amber_per_100_per_week"] + report["raised_red_per_100_per_week"]
    assert raised > 0  # a small estate with planted changes raises some alerts
    assert report["stable_raised_amber_per_100_per_week"] >= 0
    assert report["fairness"]["labelled"] is True
    assert set(report["fairness"]["features"]) == set(fairness.FEATURES)


def test_the_fairness_command_reads_stored_flags(tmp_path: Path) -> None:
    from throughgate.welfare.tests.factories import event_line, person_line, routine, write_lines

    as_of = date(2026, 3, 1)
    records = []
    for i in range(12):
        number = f"F{1000 + i}AB"
        records.append(person_line(number, sex="F" if i % 3 == 0 else "M", ethnicity="Black" if i % 2 else "White"))
        records += routine(number, as_of - timedelta(days=100), as_of + timedelta(days=3), seed=i)
    records.append(event_line("F1000AB", "self_harm.incident", as_of + timedelta(days=1)))
    write_lines(tmp_path / "e.jsonl", records)
    call_command("aim", "ingest", str(tmp_path / "e.jsonl"), "--no-progress", stdout=StringIO())
    for offset in range(3):
        day = (as_of + timedelta(days=offset)).isoformat()
        call_command("aim", "score", "--as-of", day, "--out", str(tmp_path / f"{day}.csv"), stdout=StringIO())
    out = StringIO()
    call_command("aim", "fairness", "--from", "2026-03-01", "--to", "2026-03-03", "--boot", "20", stdout=out)
    assert "sex:" in out.getvalue()
    assert "ethnicity:" in out.getvalue()


def test_the_independent_estate_is_evaluated_by_the_same_engine_and_measured_from_what_is_shown() -> None:
    out = StringIO()
    call_command(
        "aim", "evaluate", "--generator", "independent", "--people", "300", "--seed", "2", "--sweep", "lockdowns=3",
        stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "Recall, changes in routine" in text
    assert "100.0% with a reason" in text  # every alert shown says why
    assert "Red within 3 days of arrival: 0 person-days" in text
    report = evaluation.run_independent(people=200, seed=4, sweep={"rise_share": 1.0})
    assert report["sweep"] == {"rise_share": 1.0}
    assert report["reasons"]["red_within_3_days_of_arrival"] == 0


@pytest.mark.parametrize("sweep", ["bogus=1", "signal_strength=", "signal_strength=strong"])
def test_a_bad_sweep_setting_is_refused_with_a_message(sweep: str) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"NAME=VALUE|not a number"):
        call_command("aim", "evaluate", "--generator", "independent", "--people", "50", "--sweep", sweep)
