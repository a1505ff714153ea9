"""AIM ingest benchmark: `aim ingest` of a synthetic estate (6,000 people x 90 days from the evaluation generator,
welfare/evaluation.py) on SQLite, against a reference in the same run: the ingest as it was before it wrote through
``people.services`` and ``core.activity`` (kept below: the same parsing and two passes, people and events inserted
directly, no audit rows).

    uv run python bench/aim_ingest.py                               # 6,000 people x 90 days, one round
    uv run python bench/aim_ingest.py --people 1000 --days 30 --rounds 3

Each round ingests the same file into two fresh copies of a migrated SQLite database, each in its own process
(production-like: DEBUG off), reference and ingest in turn (the order alternates between rounds), and times the
ingest call only, in elapsed and in CPU time (SQLite and DuckDB run in the process). The ratio is taken in CPU time,
which a shared machine disturbs much less than elapsed time. Target (issue 14): ingest <= 1.2x the reference. Exit 1
if the median ratio is over it, or if the two did not store the same people and events.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.2


def setup(database: Path) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def reference_ingest(path: Path) -> Any:
    """``pipeline.ingest`` before issue 14 (commit 837b3c3): Establishment and Person rows created and updated here,
    events bulk-inserted here, no audit rows."""
    import duckdb
    from django.db import transaction

    from throughgate.core.models import ActivityEvent
    from throughgate.identity.models import Establishment
    from throughgate.people.models import Person
    from throughgate.welfare import pipeline as p

    result = p.IngestReport()

    def problem(line: int, reason: str) -> None:
        result.invalid += 1

    def store_people(records: list[Any]) -> None:
        if not records:
            return
        latest = {row["prison_number"]: row for row in map(asdict, records)}
        codes = {row["establishment"] for row in latest.values()}
        with transaction.atomic():
            places = {e.code: e for e in Establishment.objects.filter(code__in=codes)}
            for code in codes - places.keys():
                places[code] = Establishment.objects.create(code=code, name=f"HMP {code}")
            existing = {person.prison_number: person for person in Person.objects.filter(prison_number__in=latest)}
            fields = [name for name in next(iter(latest.values())) if name not in ("prison_number", "establishment")]
            new, changed = [], []
            for number, row in latest.items():
                values = {name: row[name] for name in fields}
                person = existing.get(number)
                if person is None:
                    new.append(Person(prison_number=number, establishment=places[row["establishment"]], **values))
                else:
                    for name, value in values.items():
                        setattr(person, name, value)
                    person.establishment = places[row["establishment"]]
                    changed.append(person)
            Person.objects.bulk_create(new)
            Person.objects.bulk_update(changed, [*fields, "establishment"])
        result.people_created += len(new)
        result.people_updated += len(changed)

    def store_events(batch: list[Any]) -> None:
        if batch:
            with transaction.atomic():
                ActivityEvent.objects.bulk_create(batch, ignore_conflicts=True)

    workdir = tempfile.mkdtemp(prefix="aim-ingest-")
    con = duckdb.connect(os.path.join(workdir, "fingerprints.duckdb"))
    con.execute("SET memory_limit = '256MB'")
    con.execute(f"SET temp_directory = '{workdir}'")
    con.execute("CREATE TABLE seen (fp BIGINT)")
    try:
        people: list[Any] = []
        fingerprints: list[int] = []
        for number, raw in p._lines(path, "people", False):
            result.lines = number
            if not raw.strip():
                continue
            try:
                data = p._object(raw)
                record = data.get("record")
                if record == "person":
                    people.append(p.parse_person(data))
                elif record == "event":
                    with contextlib.suppress(p.LineError):
                        fingerprints.append(p._fingerprint_int(p.parse_event(data).fingerprint()))
                else:
                    raise p.LineError(f"unknown record type {record!r}")
            except p.LineError as exc:
                problem(number, str(exc))
            if len(people) >= p.BATCH:
                store_people(people)
                people = []
            if len(fingerprints) >= 100_000:
                p._note(con, fingerprints)
                fingerprints = []
        store_people(people)
        p._note(con, fingerprints)
        repeated = {
            int(row[0]) for row in con.execute("SELECT fp FROM seen GROUP BY fp HAVING count(*) > 1").fetchall()
        }
    finally:
        con.close()
        shutil.rmtree(workdir)

    known = set(Person.objects.values_list("prison_number", flat=True))
    occurrences: Counter[str] = Counter()
    before = ActivityEvent.objects.count()
    batch: list[Any] = []
    for number, raw in p._lines(path, "events", False):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            continue
        if not isinstance(data, dict) or data.get("record") != "event":
            continue
        try:
            event = p.parse_event(data)
            if event.prison_number not in known:
                raise p.LineError(f"unknown person {event.prison_number}")
        except p.LineError as exc:
            problem(number, str(exc))
            continue
        fingerprint = event.fingerprint()
        occurrence = 0
        if p._fingerprint_int(fingerprint) in repeated:
            occurrence = occurrences[fingerprint]
            occurrences[fingerprint] += 1
        result.events_valid += 1
        batch.append(
            ActivityEvent(
                person=event.prison_number,
                kind=event.kind,
                occurred_at=event.occurred_at,
                source=p.SOURCE,
                value=event.value,
                idempotency_key=p.idempotency_key(event, occurrence),
            )
        )
        if len(batch) >= p.BATCH:
            store_events(batch)
            batch = []
    store_events(batch)
    result.events_stored = ActivityEvent.objects.count() - before
    return result


def child(variant: str, database: Path, path: Path) -> None:
    """One timed ingest into ``database``; prints a JSON line with the time and what was stored."""
    setup(database)
    from django.db import connection

    from throughgate.welfare import pipeline

    began, cpu = time.perf_counter(), time.process_time()
    if variant == "reference":
        result = reference_ingest(path)
    else:
        result = pipeline.ingest(path, report=lambda line, reason: None, progress=False)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), round(sum(value), 2), max(idempotency_key) FROM core_activityevent")
        events, total, last_key = cursor.fetchone()
        cursor.execute("SELECT count(*), max(prison_number) FROM people_person")
        people, last_person = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM core_auditentry")
        (audit_rows,) = cursor.fetchone()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "stored": [people, last_person, events, total, last_key],
                "audit_rows": audit_rows,
                "report": [result.people_created, result.events_valid, result.events_stored, result.invalid],
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=6000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--child", choices=["reference", "ingest"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db, args.file)
        return

    folder = Path(tempfile.mkdtemp(prefix="aim-ingest-bench-"))
    try:
        template = folder / "template.sqlite3"
        setup(template)
        from django.core.management import call_command
        from django.db import connection

        from throughgate.welfare import evaluation

        call_command("migrate", interactive=False, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copies below take the main file only
        connection.close()
        began = time.perf_counter()
        estate, events = evaluation.generate(people=args.people, days=args.days, seed=args.seed, end=date(2026, 3, 1))
        path = folder / "estate.jsonl"
        lines = evaluation.write_jsonl(estate, events, path)
        print(
            f"generated {lines:,} lines ({path.stat().st_size / 1e6:,.0f} MB) for {args.people:,} people x "
            f"{args.days} days in {time.perf_counter() - began:.0f} s"
        )
        ratios, stored = [], {}
        for round_number in range(args.rounds):
            order = ("reference", "ingest") if round_number % 2 == 0 else ("ingest", "reference")
            seconds, cpu = {}, {}
            for variant in order:
                database = folder / f"{variant}.sqlite3"
                shutil.copyfile(template, database)
                run = subprocess.run(
                    [sys.executable, __file__, "--child", variant, "--db", str(database), "--file", str(path)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if run.returncode:
                    sys.exit(f"{variant} failed:\n{run.stderr}")
                figures = json.loads(run.stdout.strip().splitlines()[-1])
                seconds[variant], cpu[variant] = figures["seconds"], figures["cpu"]
                stored[variant] = figures["stored"]
                print(
                    f"  round {round_number + 1} {variant:>9}: {figures['seconds']:7.1f} s "
                    f"({figures['cpu']:.1f} s CPU), "
                    f"{figures['stored'][0]:,} people, {figures['stored'][2]:,} events, "
                    f"{figures['audit_rows']:,} audit rows"
                )
                database.unlink()
            ratios.append(cpu["ingest"] / cpu["reference"])
            print(
                f"  round {round_number + 1}: ingest / reference = {ratios[-1]:.3f} in CPU time, "
                f"{seconds['ingest'] / seconds['reference']:.3f} in elapsed time"
            )
        same = stored["reference"] == stored["ingest"]
        ratio = statistics.median(ratios)
        print(f"both stored the same people and events: {same}")
        print(f"ingest / reference, CPU time (median of {len(ratios)}): {ratio:.3f} (target <= {TARGET})")
        if not same or ratio > TARGET:
            sys.exit(1)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
