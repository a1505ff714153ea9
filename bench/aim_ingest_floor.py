"""AIM ingest against the database's floor (issue 19): `aim ingest` of a synthetic estate (the evaluation generator,
welfare/evaluation.py), and a plain bulk insert of exactly the same event rows in the same run.

    uv run python bench/aim_ingest_floor.py                                     # 1,000 people x 90 days, 3 rounds
    uv run python bench/aim_ingest_floor.py --people 200 --days 30 --rounds 1   # a quick look
    DATABASE_URL=postgres://postgres@127.0.0.1:55460/postgres uv run python bench/aim_ingest_floor.py [--copy]

The **floor** is what the database needs to store the rows and nothing else: the event rows that the ingest stored
(every column but the id, as stored, read back before the floor is timed) held in memory as tuples, inserted with the
driver's ``executemany`` (or PostgreSQL ``COPY`` with ``--copy``), one transaction per 5,000 rows, into the real table
of a fresh migrated database (same schema, same indexes and unique key). The **ingest** is ``pipeline.ingest`` of the
file into another fresh database (people and events, audit rows, parsing, validation, keys). Each runs in its own
process with DEBUG off; the first round runs the ingest first (the floor needs its rows), later rounds alternate.

Timed: the ingest call, and the floor's inserts; elapsed and CPU. CPU is the process's (SQLite and DuckDB run in it)
plus, on PostgreSQL, that of the server process serving its connection. The ratio floor / ingest is taken in CPU time
(a shared machine disturbs it far less than elapsed time); target >= 0.5, i.e. the ingest takes at most twice the
floor. Exit 1 if the median ratio is under it, or if the two stored different event rows.

With a PostgreSQL ``DATABASE_URL`` (a throwaway server: databases named aimfloor_* are dropped and made) each run gets
its own database, made from a migrated template.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.5
BATCH = 5000
COLUMNS = "person, kind, occurred_at, recorded_at, source, value, payload, idempotency_key"


def setup(url: str) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("THROUGHGATE_ENV", "development")  # a throwaway server database: settings ask to be told
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def server_cpu() -> float:
    """CPU seconds of the PostgreSQL backend serving this connection (0 on SQLite, which runs in the process)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stored_rows() -> list[tuple[Any, ...]]:
    """The event rows as stored (every column but the id), in id order, ready to insert again."""
    from django.db import connection

    payload = "payload::text" if connection.vendor == "postgresql" else "payload"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS.replace('payload', payload)} FROM core_activityevent ORDER BY id")  # noqa: S608
        return [tuple(row) for row in cursor.fetchall()]


def digest() -> list[Any]:
    """Count and a hash of the stored event rows (all but id and recorded_at), to check both stored the same."""
    from django.db import connection

    payload = "payload::text" if connection.vendor == "postgresql" else "payload"
    sha = hashlib.sha256()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT person, kind, occurred_at, source, value, {payload}, idempotency_key "  # noqa: S608
            "FROM core_activityevent ORDER BY idempotency_key"
        )
        count = 0
        while rows := cursor.fetchmany(50_000):
            count += len(rows)
            for row in rows:
                sha.update(repr(tuple(row)).encode())
    return [count, sha.hexdigest()[:16]]


def floor_insert(rows: list[tuple[Any, ...]], copy: bool) -> None:
    """The plain bulk insert: the driver's executemany (or COPY), one transaction per 5,000 rows."""
    from django.db import connection, transaction

    connection.ensure_connection()
    raw = connection.connection
    mark = "%s" if connection.vendor == "postgresql" else "?"
    sql = f"INSERT INTO core_activityevent ({COLUMNS}) VALUES ({', '.join([mark] * 8)})"  # noqa: S608
    for start in range(0, len(rows), BATCH):
        with transaction.atomic():
            cursor = raw.cursor()
            if copy:
                with cursor.copy(f"COPY core_activityevent ({COLUMNS}) FROM STDIN") as out:
                    for row in rows[start : start + BATCH]:
                        out.write_row(row)
            else:
                cursor.executemany(sql, rows[start : start + BATCH])
            cursor.close()


def child(variant: str, url: str, path: Path, rows_file: Path, copy: bool) -> None:
    """One timed run into the database at ``url``; prints a JSON line with the times and what was stored."""
    setup(url)
    from throughgate.welfare import pipeline

    rows = pickle.loads(rows_file.read_bytes()) if variant == "floor" else []  # noqa: S301  (our own file)
    server = server_cpu()
    began, cpu = time.perf_counter(), time.process_time()
    if variant == "floor":
        floor_insert(rows, copy)
    else:
        pipeline.ingest(path, report=lambda line, reason: None, progress=False)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    server = server_cpu() - server
    if variant == "ingest" and not rows_file.exists():
        rows_file.write_bytes(pickle.dumps(stored_rows()))
    print(json.dumps({"seconds": seconds, "cpu": cpu + server, "server_cpu": server, "stored": digest()}))


class Databases:
    """Fresh migrated databases: copies of a SQLite file, or PostgreSQL databases made from a template."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url, self.folder = url, folder
        self.postgres = url.startswith("postgres")

    def url_of(self, name: str) -> str:
        if self.postgres:
            return urlunparse(urlparse(self.url)._replace(path=f"/aimfloor_{name}"))
        return f"sqlite:///{self.folder / name}.sqlite3"

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as con:
            for statement in statements:
                con.execute(statement)  # type: ignore[arg-type]

    def template(self) -> None:
        if self.postgres:
            self._admin("DROP DATABASE IF EXISTS aimfloor_template", "CREATE DATABASE aimfloor_template")
        setup(self.url_of("template"))
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", interactive=False, verbosity=0)
        if not self.postgres:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copies below take the main file only
        connection.close()

    def fresh(self, name: str) -> str:
        if self.postgres:
            self._admin(
                f"DROP DATABASE IF EXISTS aimfloor_{name}",
                f"CREATE DATABASE aimfloor_{name} TEMPLATE aimfloor_template",
            )
            self._admin("CHECKPOINT")
        else:
            shutil.copyfile(self.folder / "template.sqlite3", self.folder / f"{name}.sqlite3")
        return self.url_of(name)

    def drop(self, name: str) -> None:
        if self.postgres:
            self._admin(f"DROP DATABASE IF EXISTS aimfloor_{name}")
        else:
            for suffix in ("", "-wal", "-shm"):
                (self.folder / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        if self.postgres:
            self._admin("DROP DATABASE IF EXISTS aimfloor_template")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--copy", action="store_true", help="PostgreSQL: the floor uses COPY, not executemany")
    parser.add_argument("--child", choices=["floor", "ingest"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, args.file, args.rows, args.copy)
        return

    folder = Path(tempfile.mkdtemp(prefix="aim-ingest-floor-"))
    databases = Databases(os.environ.get("DATABASE_URL", "sqlite://"), folder)
    if not databases.postgres:
        databases.url = "sqlite://"
    try:
        databases.template()
        from throughgate.welfare import evaluation

        began = time.perf_counter()
        estate, events = evaluation.generate(people=args.people, days=args.days, seed=args.seed, end=date(2026, 3, 1))
        path = folder / "estate.jsonl"
        lines = evaluation.write_jsonl(estate, events, path)
        engine = "PostgreSQL" if databases.postgres else "SQLite"
        floor_how = "COPY" if args.copy else "executemany"
        print(
            f"{engine}; generated {lines:,} lines ({path.stat().st_size / 1e6:,.0f} MB) for {args.people:,} people x "
            f"{args.days} days in {time.perf_counter() - began:.0f} s; floor: {floor_how}, {BATCH:,} rows a transaction"
        )
        rows_file = folder / "rows.pickle"
        ratios, wall_ratios, stored = [], [], {}
        for round_number in range(args.rounds):
            order = ("ingest", "floor") if round_number % 2 == 0 else ("floor", "ingest")
            seconds, cpu = {}, {}
            for variant in order:
                url = databases.fresh(variant)
                command = [sys.executable, __file__, "--child", variant, "--url", url, "--file", str(path)]
                command += ["--rows", str(rows_file), *(["--copy"] if args.copy else [])]
                run = subprocess.run(command, capture_output=True, text=True, check=False)
                databases.drop(variant)
                if run.returncode:
                    sys.exit(f"{variant} failed:\n{run.stderr}")
                figures = json.loads(run.stdout.strip().splitlines()[-1])
                seconds[variant], cpu[variant] = figures["seconds"], figures["cpu"]
                stored[variant] = figures["stored"]
                server = f", {figures['server_cpu']:.1f} s of it the server's" if databases.postgres else ""
                print(
                    f"  round {round_number + 1} {variant:>6}: {figures['seconds']:7.2f} s elapsed, "
                    f"{figures['cpu']:7.2f} s CPU{server}; {figures['stored'][0]:,} events"
                )
            ratios.append(cpu["floor"] / cpu["ingest"])
            wall_ratios.append(seconds["floor"] / seconds["ingest"])
            print(
                f"  round {round_number + 1}: floor / ingest = {ratios[-1]:.3f} in CPU time, "
                f"{wall_ratios[-1]:.3f} in elapsed time"
            )
        same = stored["floor"] == stored["ingest"]
        ratio = statistics.median(ratios)
        print(f"both stored the same event rows: {same} ({stored['ingest'][0]:,} rows, {stored['ingest'][1]})")
        print(
            f"floor / ingest (median of {len(ratios)}): {ratio:.3f} in CPU time (target >= {TARGET}), "
            f"{statistics.median(wall_ratios):.3f} in elapsed time"
        )
        if not same or ratio < TARGET:
            sys.exit(1)
    finally:
        databases.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
