"""The activity stream: registered kinds, idempotent emit, JSON Lines export and import commands."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from throughgate.core import activity, audit
from throughgate.core.models import ActivityEvent, AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db
WHEN = dt.datetime(2026, 2, 1, 10, 15, tzinfo=dt.UTC)


def test_emit_stores_once_per_idempotency_key() -> None:
    first = activity.emit(
        person="A1234BC", kind="app.submitted", occurred_at=WHEN, source="kiosk", idempotency_key="k1"
    )
    again = activity.emit(
        person="A1234BC", kind="app.submitted", occurred_at=WHEN, source="kiosk", idempotency_key="k1"
    )
    assert first is not None
    assert again is None
    assert ActivityEvent.objects.count() == 1


def test_emit_refuses_unregistered_kinds_and_naive_times() -> None:
    with pytest.raises(activity.UnknownKind):
        activity.emit(person="A1234BC", kind="made.up", occurred_at=WHEN, source="x", idempotency_key="k")
    with pytest.raises(ValueError, match="timezone-aware"):
        activity.emit(
            person="A1234BC",
            kind="app.submitted",
            occurred_at=WHEN.replace(tzinfo=None),
            source="x",
            idempotency_key="k",
        )


def test_events_cannot_be_changed_or_deleted() -> None:
    event = activity.emit(person="A1234BC", kind="meal.chosen", occurred_at=WHEN, source="kiosk", idempotency_key="m")
    assert event is not None
    event.value = 5
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        ActivityEvent.objects.filter(pk=event.pk).update(value=3)


def test_export_then_import_round_trips_and_is_idempotent(tmp_path: Path) -> None:
    for n in range(5):
        activity.emit(
            person="A1234BC",
            kind="phone.call",
            occurred_at=WHEN + dt.timedelta(days=n),
            source="pin-phone",
            value=12.5,
            payload={"n": n},
            idempotency_key=f"call-{n}",
        )
    out = tmp_path / "events.jsonl"
    call_command("activity_export", "--out", str(out))
    lines = out.read_text().splitlines()
    assert len(lines) == 5
    assert json.loads(lines[0])["kind"] == "phone.call"
    assert AuditEntry.objects.filter(action="core.activity.exported").exists()

    # Importing what is already there stores nothing new.
    stdout = io.StringIO()
    call_command("activity_import", str(out), stdout=stdout)
    assert "Stored 0, already present 5, invalid 0" in stdout.getvalue()
    assert ActivityEvent.objects.count() == 5


def test_import_reports_bad_lines_by_number_and_stores_the_good_ones(tmp_path: Path) -> None:
    good = {
        "person": "B2345CD",
        "kind": "visit.attended",
        "occurred_at": "2026-02-01T10:15:00+00:00",
        "source": "visits",
        "idempotency_key": "visit-1",
    }
    lines = [
        json.dumps(good),
        "not json",
        json.dumps({**good, "kind": "visit.teleported", "idempotency_key": "v2"}),
        json.dumps({**good, "occurred_at": "2026-02-01T10:15:00", "idempotency_key": "v3"}),
        json.dumps({**good, "idempotency_key": "visit-1"}),
        "",
        json.dumps({key: value for key, value in good.items() if key != "person"}),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    stderr = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("activity_import", str(source), stderr=stderr, stdout=io.StringIO())
    assert caught.value.returncode == 1
    report = stderr.getvalue()
    assert "line 2: not valid JSON" in report
    assert "line 3: unknown kind 'visit.teleported'" in report
    assert "line 4: occurred_at must be an ISO 8601 date-time with a time zone" in report
    assert "line 7: missing person" in report
    assert ActivityEvent.objects.count() == 1


def test_export_filters_by_person_and_since(tmp_path: Path) -> None:
    activity.emit(person="A1234BC", kind="meal.chosen", occurred_at=WHEN, source="k", idempotency_key="a")
    activity.emit(person="B2345CD", kind="meal.chosen", occurred_at=WHEN, source="k", idempotency_key="b")
    activity.emit(
        person="A1234BC", kind="meal.chosen", occurred_at=WHEN + dt.timedelta(days=10), source="k", idempotency_key="c"
    )
    out = tmp_path / "a.jsonl"
    call_command("activity_export", "--out", str(out), "--person", "a1234bc", "--since", "2026-02-05")
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["idempotency_key"] for row in rows] == ["c"]
    with pytest.raises(CommandError):
        call_command("activity_export", "--since", "last tuesday")


def test_emit_many_stores_each_key_once_with_an_audit_row_per_batch() -> None:
    events = [
        activity.NewEvent("A1234BC", "kiosk.login", WHEN + dt.timedelta(minutes=i), f"bulk:{i}") for i in range(5)
    ]
    assert activity.emit_many(events=events, source="test.import", batch_size=2) == 5
    assert ActivityEvent.objects.filter(source="test.import").count() == 5
    batches = AuditEntry.objects.filter(action=audit.ACTIVITY_IMPORTED).order_by("id")
    assert [entry.detail for entry in batches] == [{"source": "test.import", "events": n} for n in (2, 2, 1)]
    assert activity.emit_many(events=events, source="test.import") == 5  # offered again: nothing new stored
    assert ActivityEvent.objects.count() == 5


def test_emit_many_writes_the_values_the_orm_writes() -> None:
    """emit_many inserts without model instances: its rows must be the ORM's, byte for byte in the database (times
    in UTC with their microseconds, whatever the offset given; values; payloads)."""
    moments = [
        WHEN,
        dt.datetime(2026, 7, 1, 10, 15, 30, 123456, tzinfo=ZoneInfo("Europe/London")),
        dt.datetime(2026, 1, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    ]
    payloads: list[dict[str, Any] | None] = [None, {"minutes": 12}, {}]
    for i, (moment, payload) in enumerate(zip(moments, payloads, strict=True)):
        ActivityEvent.objects.create(
            person="A1234BC",
            kind="phone.call",
            occurred_at=moment,
            source="test.import",
            value=12,
            payload=payload or {},
            idempotency_key=f"orm:{i}",
        )
    activity.emit_many(
        events=[
            activity.NewEvent("A1234BC", "phone.call", moment, f"bulk:{i}", 12, payload)
            for i, (moment, payload) in enumerate(zip(moments, payloads, strict=True))
        ],
        source="test.import",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person, kind, occurred_at, source, value, payload, idempotency_key FROM core_activityevent "
            "ORDER BY id"
        )
        rows = cursor.fetchall()
    assert [row[:6] for row in rows[:3]] == [row[:6] for row in rows[3:]]
    assert [row[6] for row in rows[3:]] == ["bulk:0", "bulk:1", "bulk:2"]
    stored = ActivityEvent.objects.get(idempotency_key="bulk:1")
    assert stored.occurred_at == moments[1]
    assert stored.payload == {"minutes": 12}
    assert abs(stored.recorded_at - timezone.now()) < dt.timedelta(minutes=5)


def test_emit_many_keeps_a_recorded_at_given_with_the_event() -> None:
    typed_in = dt.datetime(2026, 7, 2, 9, 5, 1, 250000, tzinfo=ZoneInfo("Europe/London"))
    activity.emit_many(
        events=[
            activity.NewEvent("A1234BC", "kiosk.login", WHEN, "late", recorded_at=typed_in),
            activity.NewEvent("A1234BC", "kiosk.login", WHEN, "now"),
        ],
        source="test.import",
    )
    assert ActivityEvent.objects.get(idempotency_key="late").recorded_at == typed_in
    assert abs(ActivityEvent.objects.get(idempotency_key="now").recorded_at - timezone.now()) < dt.timedelta(minutes=5)
    with pytest.raises(ValueError, match="timezone-aware"):
        activity.emit_many(
            events=[
                activity.NewEvent("A1234BC", "kiosk.login", WHEN, "naive", recorded_at=typed_in.replace(tzinfo=None))
            ],
            source="test",
        )


def test_emit_many_refuses_unregistered_kinds_and_naive_times() -> None:
    with pytest.raises(activity.UnknownKind):
        activity.emit_many(events=[activity.NewEvent("A1234BC", "dance.party", WHEN, "k1")], source="test")
    with pytest.raises(ValueError, match="timezone-aware"):
        activity.emit_many(
            events=[activity.NewEvent("A1234BC", "kiosk.login", WHEN.replace(tzinfo=None), "k2")], source="test"
        )
    assert not ActivityEvent.objects.exists()
