"""`aim ingest`'s fast path (issue 19): it reads the common event line without the reference code, and must store the
same events with the same keys, and report the same lines the same way, as the reference code does."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.welfare import pipeline
from throughgate.welfare.tests.factories import event_line, person_line, write_lines

LONDON = ZoneInfo("Europe/London")


def line(
    number: str = '"A1234BC"', kind: str = '"kiosk.login"', at: str = '"2026-02-01T10:15:00+00:00"', rest: str = ""
) -> str:
    """An event line from JSON fragments (raw, so that it can hold what json.dumps would not write)."""
    return f'{{"record": "event", "prison_number": {number}, "kind": {kind}, "occurred_at": {at}{rest}}}'


ODD_LINES: list[str | bytes] = [
    line(),
    line(kind='"phone.call"', rest=', "value": 12').replace(" ", ""),
    line(kind='"phone.call"', rest=', "value": -0.0'),
    line(kind='"phone.call"', rest=', "value": 18446744073709551617'),
    line(kind='"phone.call"', rest=', "value": 1e400'),
    line(kind='"phone.call"', rest=', "value": NaN'),
    line(kind='"phone.call"', rest=', "value": true'),
    line(kind='"phone.call"', rest=', "value": null'),
    line(kind='"phone.call"', rest=', "value": "12"'),
    line(kind='"incentive.changed"', rest=', "value": 2.0'),
    line(kind='"incentive.changed"', rest=', "value": 3'),
    line(at='"2026-07-01T10:15:00+01:00"'),
    line(at='"2026-02-01T10:15:00Z"'),
    line(at='"2026-02-01 10:15:00+00:00"'),
    line(at='"2026-W05-1T10:15:00+00:00"'),
    line(at='"2026-02-30T10:15:00+00:00"'),
    line(at='"2026-02-01T10:15:00.5+00:00"'),
    line(at='"2026-02-01T10:15:00-00:00"'),
    line(at='"2026-02-01T10:15:00"'),
    line(at='"２026-02-01T10:15:00+00:00"'),
    line(at="20260201"),
    line(number='"a1234bc"'),
    line(number='["A1234BC"]'),
    line(kind='["kiosk.login"]'),
    line(kind='"dance.party"'),
    line(rest=', "note": "\\ud800"'),
    line(rest=', "record": "person"'),
    line().replace('"record": "event"', '"record": "person", "record": "event"'),
    '{"record": "event", "prison_number": "A1234BC", "occurred_at": "2026-02-01T10:15:00+00:00"}',
    line().encode()[:-1] + b', "note": "\xff"}',
    b"\xef\xbb\xbf" + line().encode(),
    '["record", "event"]',
    '"event"',
    "{not json",
    "   ",
]


def reference(raw: bytes) -> pipeline.ParsedEvent | None:
    """What the second pass made of a line before the fast path: the event, or None."""
    text = raw.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("record") != "event":
            return None
        return pipeline.parse_event(data)
    except (json.JSONDecodeError, pipeline.LineError):
        return None


def check_against_reference(raw: bytes) -> tuple[Any, ...] | None:
    fast = pipeline._FastEvents().event(raw)
    event = reference(raw)
    if fast is not None:
        assert event is not None, raw
        assert fast == (event.prison_number, event.kind, event.occurred_at, event.occurred_at.isoformat(), event.value)
        assert fast[2].utcoffset() == event.occurred_at.utcoffset()
        assert repr(fast[4]) == repr(event.value)
        assert f"{fast[0]}|{fast[1]}|{fast[3]}|{fast[4]!r}" == event.fingerprint()
    return fast


@pytest.mark.parametrize("raw", ODD_LINES)
def test_the_fast_path_takes_only_events_the_reference_takes_with_the_same_values(raw: str | bytes) -> None:
    check_against_reference(raw if isinstance(raw, bytes) else raw.encode())


def test_the_fast_path_takes_the_common_lines() -> None:
    assert all(check_against_reference(raw.encode()) for raw in ODD_LINES[:4] if isinstance(raw, str))


@given(
    number=st.sampled_from(["A1234BC", "Z9999ZZ", "A123BC", ""]),
    kind=st.sampled_from(["kiosk.login", "phone.call", "incentive.changed", "made.up"]),
    moment=st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.sampled_from([UTC, LONDON])
    ),
    separator=st.sampled_from(["T", " "]),
    value=st.one_of(
        st.none(), st.integers(min_value=-3, max_value=2**70), st.floats(allow_nan=True), st.booleans(), st.text()
    ),
)
def test_the_fast_path_agrees_with_the_reference_on_generated_lines(
    number: str, kind: str, moment: Any, separator: str, value: Any
) -> None:
    record: dict[str, Any] = {
        "record": "event",
        "prison_number": number,
        "kind": kind,
        "occurred_at": moment.isoformat(sep=separator),
    }
    if value is not None:
        record["value"] = value
    check_against_reference(json.dumps(record).encode())


def test_keys_come_from_one_hash_as_documented() -> None:
    event = pipeline.parse_event(event_line("A1234BC", "phone.call", date(2026, 2, 1), value=12.5))
    number, key = pipeline._first_key(event.fingerprint())
    assert key == pipeline.idempotency_key(event, 0)
    assert number == pipeline._fingerprint_int(event.fingerprint())
    assert pipeline._key(event.fingerprint(), 3) == pipeline.idempotency_key(event, 3)


def expected_events(path: Path, known: set[str]) -> list[tuple[str, str, Any, float, str]]:
    """The events of a file as the command contract defines them (each key a SHA-256 of the event and its occurrence
    number among identical lines), computed line by line with the reference code."""
    seen: Counter[str] = Counter()
    out = []
    for raw in path.read_bytes().splitlines():
        event = reference(raw)
        if event is None or event.prison_number not in known:
            continue
        key = pipeline.idempotency_key(event, seen[event.fingerprint()])
        seen[event.fingerprint()] += 1
        out.append((event.prison_number, event.kind, event.occurred_at, event.value, key))
    return out


@pytest.mark.django_db
def test_ingest_stores_the_events_and_keys_of_the_contract_and_reports_the_same_lines(tmp_path: Path) -> None:
    login = event_line("A1234BC", "kiosk.login", date(2026, 2, 1))
    summer = event_line("A1234BC", "kiosk.login", date(2026, 7, 1))  # +01:00: the reference code's
    path = write_lines(
        tmp_path / "estate.jsonl",
        [
            login,
            login,  # a genuine repeat: both kept
            login | {"occurred_at": "2026-02-01T11:00:00+01:00"},  # the same instant written another way: a third
            summer,
            summer,
            event_line("A1234BC", "phone.call", date(2026, 2, 1), value=12),
            event_line("A1234BC", "phone.call", date(2026, 2, 1), value=12.0),  # the same value: a repeat
            event_line("A1234BC", "canteen.ordered", date(2026, 2, 2), value=4.35),
            event_line("B2345CD", "kiosk.login", date(2026, 2, 1)),
            "",
            "{not json",
            event_line("Z9999ZZ", "kiosk.login", date(2026, 2, 1)),
            event_line("A1234BC", "dance.party", date(2026, 2, 1)),
            login | {"value": -1},
            login | {"occurred_at": "2026-02-30T10:00:00+00:00"},
            {"record": "ghost"},
            person_line("B2345CD"),
            person_line("A1234BC"),
        ],
    )
    problems: list[str] = []
    result = pipeline.ingest(
        path, report=lambda line, reason: problems.append(f"line {line}: {reason}"), progress=False
    )

    assert problems == [
        "line 11: not valid JSON (Expecting property name enclosed in double quotes)",
        "line 16: unknown record type 'ghost' (expected person or event)",
        "line 12: unknown person Z9999ZZ (no person record for this prison number)",
        "line 13: unknown kind 'dance.party'",
        "line 14: value must be a number, 0 or more",
        "line 15: occurred_at must be an ISO 8601 date-time with a time zone, like 2026-02-01T10:15:00+00:00",
    ]
    expected = expected_events(path, {"A1234BC", "B2345CD"})
    stored = list(
        ActivityEvent.objects.order_by("id").values_list("person", "kind", "occurred_at", "value", "idempotency_key")
    )
    assert stored == expected
    assert (result.lines, result.events_valid, result.events_stored, result.invalid) == (18, 9, 9, 6)
    assert len({key for *_, key in stored}) == 9
    assert AuditEntry.objects.filter(action="core.activity.imported").count() == 1

    again = pipeline.ingest(path, report=lambda n, reason: None, progress=False)
    assert (again.events_valid, again.events_stored) == (9, 0)
    assert ActivityEvent.objects.count() == 9
