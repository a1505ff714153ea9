"""AIM in the demo estate: the last fortnight scored through the contract's scoring, red and amber flags with reasons,
staff decisions recorded through the services (triages, done and overdue reviews), the same flags as `aim score`, the
same result for the same seed, and `demo_estate --reset` deleting what it made."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from throughgate.core.models import AuditEntry
from throughgate.demo import estate as people_demo
from throughgate.demo import welfare as demo
from throughgate.identity.models import Notification
from throughgate.people import demo_hooks
from throughgate.people.models import Person
from throughgate.people.selectors import people_in_custody_on
from throughgate.welfare import pipeline, selectors
from throughgate.welfare.models import (
    AimSettings,
    Colour,
    Flag,
    ScoreRun,
    SettingsChange,
    Triage,
    TriageAction,
    TriggerDate,
)
from throughgate.welfare.reasons import reason_text

pytestmark = pytest.mark.django_db

END = date(2026, 3, 31)
SEED = 4  # one prison of 150 people: red, amber and insufficient data on the last day
OPTIONS = people_demo.DemoOptions(prisons=1, people=150, days=60, seed=SEED, end_date=END)


@pytest.fixture
def estate() -> None:
    people_demo.save(people_demo.generate(OPTIONS))


def _snapshot() -> tuple[list[Any], list[Any]]:
    flags = sorted(
        Flag.objects.values_list("person__prison_number", "as_of", "colour", "score", "raised", "alert_since")
    )
    triages = sorted(
        Triage.objects.values_list(
            "flag__person__prison_number", "flag__as_of", "action", "by_username", "review_on", "note", "review_note"
        )
    )
    return flags, triages


def _as_scored(scored: pipeline.ScoredEstate) -> dict[str, tuple[str, float, str]]:
    return {
        person.prison_number: (str(scored.result.colour[i]), round(float(scored.result.score[i]), 3), scored.raised[i])
        for i, person in enumerate(scored.people)
    }


def _as_stored(day: date) -> dict[str, tuple[str, float, str]]:
    return {
        number: (colour, score, raised)
        for number, colour, score, raised in Flag.objects.filter(as_of=day).values_list(
            "person__prison_number", "colour", "score", "raised"
        )
    }


def test_the_last_fortnight_is_scored_and_staff_act_on_the_alerts(estate: None) -> None:
    said: list[str] = []
    counts = demo.populate(seed=SEED, say=said.append)

    days = [END - timedelta(days=n) for n in range(demo.DAYS - 1, -1, -1)]
    assert sorted(set(ScoreRun.objects.values_list("as_of", flat=True))) == days
    assert counts.days == demo.DAYS
    assert counts.flags == Flag.objects.count()
    assert any("14 days scored" in line for line in said)
    last = Flag.objects.filter(as_of=END)
    assert last.count() == len(people_in_custody_on(day=END))
    shown = Counter(last.values_list("colour", flat=True))
    assert shown[Colour.RED] >= 1
    assert shown[Colour.AMBER] >= 1
    assert shown[Colour.INSUFFICIENT] >= 1
    assert shown[Colour.GREEN] > 100
    # Every alert says why, starting with a change in routine, in words.
    for flag in last.filter(colour__in=[Colour.RED, Colour.AMBER]):
        assert flag.reasons[0]["code"] == "change"
        assert all(reason_text(reason) for reason in flag.reasons)

    # What staff did, recorded through the service (one audit row each) by the prison's own staff.
    triages = list(Triage.objects.select_related("flag"))
    assert counts.triages == len(triages) > 0
    assert {t.flag.colour for t in triages} == {Colour.RED, Colour.AMBER}
    assert AuditEntry.objects.filter(action="welfare.flag.triaged").count() == len(triages)
    assert {t.by_username for t in triages} <= {"safercustody.mdi", "officer.mdi"}
    for triage in triages:
        assert triage.at.date() >= triage.flag.as_of  # looked at on the day of the flag or later...
        assert triage.at >= triage.flag.created_at  # ...after it was scored
        assert triage.note or triage.action != TriageAction.NO_CONCERN
    assert counts.reviews_done == Triage.objects.filter(reviewed_at__isnull=False).count() > 0
    overdue = selectors.overdue_review_counts(today=END)
    # The reminder job told the team, and the member of staff who set each overdue review.
    assert counts.reminders == Notification.objects.filter(kind__startswith="welfare.review").count() >= 2
    assert Notification.objects.filter(recipient__username="safercustody.mdi", kind="welfare.reviews.overdue").exists()
    assert overdue["MDI"][0] == counts.reviews_overdue >= 1
    assert counts.raised[Colour.RED] + counts.raised[Colour.AMBER] == Flag.objects.exclude(raised="").count()
    assert TriggerDate.objects.count() == counts.dates == 2
    assert SettingsChange.objects.count() == 1
    assert AimSettings.objects.get().amber_budget_per_100 == 4.0

    # The stored flags are what `aim score --as-of DAY` stores (the events read once give the same result).
    for day in (days[0], END):
        assert _as_scored(pipeline.score_day(day)) == _as_stored(day)

    # Same seed and estate, same flags and the same decisions.
    before = _snapshot()
    demo.reset()
    demo.populate(seed=SEED)
    assert _snapshot() == before


def test_days_without_enough_history_are_not_scored() -> None:
    first = date(2026, 3, 1)
    assert demo.days_to_score(first, first + timedelta(days=20)) == []
    days = demo.days_to_score(first, first + timedelta(days=demo.MIN_HISTORY_DAYS + 3))
    assert days[0] == first + timedelta(days=demo.MIN_HISTORY_DAYS)
    assert len(days) == 4
    assert len(demo.days_to_score(first, first + timedelta(days=90))) == demo.DAYS


def test_demo_estate_runs_the_step_and_its_reset_deletes_what_it_made(estate: None) -> None:
    assert "AIM welfare flags" in demo_hooks.STEPS
    demo.populate(seed=SEED, days=2)
    assert Flag.objects.exists()
    assert SettingsChange.objects.exists()
    assert TriggerDate.objects.exists()
    out = StringIO()
    call_command(
        "demo_estate",
        *("--prisons", "1", "--people", "20", "--days", "14", "--seed", "5", "--end-date", "2026-03-31"),
        "--reset",
        "--no-progress",
        stdout=out,
    )
    output = out.getvalue()
    assert "AIM rows" in output.split("\n", 1)[0]  # the reset line
    assert f"fewer than {demo.MIN_HISTORY_DAYS} days of activity" in output  # a two-week estate gets no AIM data
    assert Person.objects.count() == 21
    for model in (Flag, ScoreRun, Triage, TriggerDate, SettingsChange, AimSettings):
        assert not model.objects.exists(), model
