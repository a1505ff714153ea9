"""The activity stream: each app registers its kinds here (``register_kind``, from its events.py; documented in
docs/events.md); ``emit`` appends one event.

An event is stored at most once per idempotency key, so a retried submission or a re-imported file adds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, TextIO

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from throughgate.core import audit
from throughgate.core.models import ActivityEvent


@dataclass(frozen=True)
class EventKind:
    code: str
    description: str
    value_meaning: str = "1 per event"


KINDS: dict[str, EventKind] = {}


def register_kind(code: str, description: str, value_meaning: str = "1 per event") -> str:
    KINDS[code] = EventKind(code, description, value_meaning)
    return code


# Every app registers its own kinds in its events.py (identity: kiosk sign-ins; people: custody and conduct;
# selfservice: apps, complaints, meals, money, attendance, content; access: internet use), imported by its AppConfig.
# AIM reads many of them (welfare/indicators.py); `aim ingest` and `activity_import` accept any registered kind.

# Visits and phone calls belong to the contact app, which registers them (contact/events.py); their codes stay here as
# plain names for people's demo and AIM's indicators, as the moved selfservice kinds below do.
VISIT_ATTENDED = "visit.attended"
VISIT_CANCELLED = "visit.cancelled"
PHONE_CALL = "phone.call"


class UnknownKind(ValueError):
    pass


def emit(
    *,
    person: str,
    kind: str,
    occurred_at: datetime,
    source: str,
    idempotency_key: str,
    value: float = 1.0,
    payload: dict[str, Any] | None = None,
) -> ActivityEvent | None:
    """Append one event; return None if an event with this idempotency key is already stored."""
    if kind not in KINDS:
        raise UnknownKind(f"Unregistered activity kind {kind!r}")
    if timezone.is_naive(occurred_at):
        raise ValueError("occurred_at must be timezone-aware")
    try:
        with transaction.atomic():
            return ActivityEvent.objects.create(
                person=person,
                kind=kind,
                occurred_at=occurred_at,
                source=source,
                value=value,
                payload=payload or {},
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        if ActivityEvent.objects.filter(idempotency_key=idempotency_key).exists():
            return None
        raise


class NewEvent(NamedTuple):
    """One event for ``emit_many`` (the arguments of ``emit`` but the source, which a batch shares). ``recorded_at``
    is when the source system recorded it, for a replay of history (the demo estate's paper sheets typed in later);
    left out, it is when its batch is written."""

    person: str
    kind: str
    occurred_at: datetime
    idempotency_key: str
    value: float = 1.0
    payload: dict[str, Any] | None = None
    recorded_at: datetime | None = None


def emit_many(*, events: Iterable[NewEvent], source: str, batch_size: int = 5000) -> int:
    """Append many events (an import), in batches of ``batch_size``: each batch is one transaction with one audit row.
    An event whose idempotency key is already stored is skipped, as ``emit`` does. Returns the number of events
    offered (stored or skipped); an unregistered kind or a naive time stops it with the batches before stored.

    The rows go in with one prepared ``INSERT ... ON CONFLICT DO NOTHING`` per batch (``executemany``), with the
    values as the ORM would write them (``_Rows``): an import of millions of events pays for the database, not for
    building model instances."""
    rows = _Rows(source)
    offered = 0
    batch: list[tuple[Any, ...]] = []
    append, kinds, row = batch.append, KINDS, rows.row
    for event in events:
        if event.kind not in kinds:
            raise UnknownKind(f"Unregistered activity kind {event.kind!r}")
        append(row(event))
        if len(batch) >= batch_size:
            offered += rows.store(batch)
            batch = []
            append = batch.append
    return offered + rows.store(batch)


class _Rows:
    """Event rows for one import, in the database's own terms (what ``ActivityEvent.objects.bulk_create`` would send:
    on SQLite, times as naive UTC text and the payload as JSON text; on PostgreSQL, aware times and ``Jsonb``)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.sqlite = connection.vendor == "sqlite"
        self.no_payload = connection.ops.adapt_json_value({}, None)  # what JSONField sends for {}
        meta = ActivityEvent._meta
        fields = {field.name: field for field in meta.concrete_fields}
        names = ("person", "kind", "occurred_at", "recorded_at", "source", "value", "payload", "idempotency_key")
        columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in names)
        key = connection.ops.quote_name(fields["idempotency_key"].column)
        table = connection.ops.quote_name(meta.db_table)
        self.sql = (
            f"INSERT INTO {table} ({columns}) "  # noqa: S608  (no input in the SQL)
            f"VALUES ({', '.join(['%s'] * len(names))}) ON CONFLICT ({key}) DO NOTHING"
        )
        # PostgreSQL: COPY into a temporary table (made and dropped in the batch's transaction), then one INSERT ...
        # SELECT. It skips stored keys as the INSERT above does, for a third of the server's work of a row a statement.
        self.postgres = [
            f"CREATE TEMPORARY TABLE activity_import AS SELECT {columns} FROM {table} WITH NO DATA",  # noqa: S608
            f"COPY activity_import ({columns}) FROM STDIN",
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM activity_import ON CONFLICT ({key}) DO NOTHING",  # noqa: S608
            "DROP TABLE activity_import",
        ]
        self.payload_field = fields["payload"]
        self.recorded_at = self.time(timezone.now())  # one per batch: when its rows were made, as the ORM does per row

    def time(self, moment: datetime) -> Any:
        if moment.utcoffset() is None:
            raise ValueError("occurred_at must be timezone-aware")
        if not self.sqlite:
            return moment
        # str() of the naive UTC time, as Django's SQLite backend stores an aware datetime.
        return (moment if moment.tzinfo is UTC else moment.astimezone(UTC)).replace(tzinfo=None).isoformat(" ")

    def row(self, event: NewEvent) -> tuple[Any, ...]:
        payload = (
            self.no_payload if not event.payload else self.payload_field.get_db_prep_save(event.payload, connection)
        )
        return (
            event.person,
            event.kind,
            self.time(event.occurred_at),
            self.recorded_at if event.recorded_at is None else self.time(event.recorded_at),
            self.source,
            float(event.value),
            payload,
            event.idempotency_key,
        )

    def store(self, batch: list[tuple[Any, ...]]) -> int:
        if not batch:
            return 0
        with transaction.atomic(), connection.cursor() as cursor:
            if self.sqlite:
                cursor.executemany(self.sql, batch)
            else:
                create, copy, insert, drop = self.postgres
                cursor.execute(create)
                with cursor.copy(copy) as rows:
                    for row in batch:
                        rows.write_row(row)
                cursor.execute(insert)
                cursor.execute(drop)
            audit.record(action=audit.ACTIVITY_IMPORTED, detail={"source": self.source, "events": len(batch)})
        self.recorded_at = self.time(timezone.now())
        return len(batch)


def event_to_json(event: ActivityEvent) -> str:
    return json.dumps(
        {
            "person": event.person,
            "kind": event.kind,
            "occurred_at": event.occurred_at.isoformat(),
            "recorded_at": event.recorded_at.isoformat(),
            "source": event.source,
            "value": event.value,
            "payload": event.payload,
            "idempotency_key": event.idempotency_key,
        },
        sort_keys=True,
    )


def export_jsonl(events: Iterable[ActivityEvent], out: TextIO) -> int:
    count = 0
    for event in events:
        out.write(event_to_json(event) + "\n")
        count += 1
    return count


@dataclass(frozen=True)
class ImportProblem:
    line: int
    reason: str


@dataclass
class ImportResult:
    stored: int = 0
    duplicates: int = 0
    problems: list[ImportProblem] | None = None


REQUIRED = ("person", "kind", "occurred_at", "source", "idempotency_key")


def parse_line(raw: str) -> ActivityEvent:
    """Turn one JSON line into an unsaved event, or raise ValueError saying what is wrong."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise ValueError("each line must be a JSON object")
    missing = [name for name in REQUIRED if not data.get(name)]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    if data["kind"] not in KINDS:
        raise ValueError(f"unknown kind {data['kind']!r}")
    occurred_at = parse_datetime(str(data["occurred_at"]))
    if occurred_at is None or timezone.is_naive(occurred_at):
        raise ValueError("occurred_at must be an ISO 8601 date-time with a time zone")
    recorded_raw = data.get("recorded_at")
    recorded_at = parse_datetime(str(recorded_raw)) if recorded_raw else timezone.now()
    if recorded_at is None or timezone.is_naive(recorded_at):
        raise ValueError("recorded_at must be an ISO 8601 date-time with a time zone")
    try:
        value = float(data.get("value", 1.0))
    except (TypeError, ValueError) as exc:
        raise ValueError("value must be a number") from exc
    payload = data.get("payload") or {}
    if not isinstance(payload, dict):
        raise ValueError("payload must be a JSON object")
    return ActivityEvent(
        person=str(data["person"])[:16],
        kind=data["kind"],
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        source=str(data["source"])[:64],
        value=value,
        payload=payload,
        idempotency_key=str(data["idempotency_key"])[:200],
    )


def import_jsonl(lines: Iterable[str], *, batch_size: int = 2000) -> ImportResult:
    """Store every valid line once; report invalid lines by number. Memory stays bounded by ``batch_size``."""
    problems: list[ImportProblem] = []
    result = ImportResult(problems=problems)
    for batch in _batches(_parsed(lines, problems), batch_size):
        keys = [event.idempotency_key for event in batch]
        existing = set(ActivityEvent.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
        fresh: dict[str, ActivityEvent] = {}
        for event in batch:
            if event.idempotency_key in existing or event.idempotency_key in fresh:
                result.duplicates += 1
            else:
                fresh[event.idempotency_key] = event
        with transaction.atomic():
            ActivityEvent.objects.bulk_create(fresh.values(), ignore_conflicts=True)
        result.stored += len(fresh)
    return result


def _parsed(lines: Iterable[str], problems: list[ImportProblem]) -> Iterator[ActivityEvent]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            yield parse_line(raw)
        except ValueError as exc:
            problems.append(ImportProblem(number, str(exc)))


def _batches(events: Iterator[ActivityEvent], size: int) -> Iterator[list[ActivityEvent]]:
    batch: list[ActivityEvent] = []
    for event in events:
        batch.append(event)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
