"""Backup and restore (docs/running.md, "Backup and restore"): a populated database dumped with pg_dump and restored
with pg_restore into a fresh database has the same rows in every table, the same money balances, and an audit chain
that verifies (from the command, against the restored copy) and ends at the same head.

Run with DATABASE_URL pointing at PostgreSQL (scripts/test does); skipped on any other database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from django.apps import apps
from django.db import connection

from tests.factories import EstablishmentFactory, make_resident, make_staff
from throughgate.core import audit, audit_chain
from throughgate.core.models import ActivityEvent, AuditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def tool(name: str) -> str:
    found = PG_BIN / name if (PG_BIN / name).exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed (apt-get install postgresql-client)")
    return str(found)


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (DATABASE_URL), not {connection.vendor}")


def populate() -> None:
    """A small prison with people, apps, money, AIM flags, activity and audit rows, and a subject access export."""
    from throughgate.dataprotection import services as dp_services
    from throughgate.selfservice.money.services import money_credit
    from throughgate.selfservice.tests.factories import key, raise_app
    from throughgate.welfare.tests.factories import make_flag

    mdi = EstablishmentFactory(code="MDI")
    governor = make_staff("governor", [mdi])
    for n in range(5):
        person = make_resident(mdi)
        raise_app(person, body=f"Request {n}")
        money_credit(
            by=governor, person=person, kind="spends", amount=500 + n, description="Wages", idempotency_key=key()
        )
        make_flag(person)
    dpo = make_staff("data_protection_officer", [mdi])
    dp_services.subject_access_make(
        by=dpo, prison_number=person.prison_number, reference="SAR-B", received_on=date(2026, 3, 2)
    )


def table_counts(cursor: Any) -> dict[str, int]:
    counts = {}
    for model in apps.get_models():
        table = model._meta.db_table
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (table names from the models)
        counts[table] = cursor.fetchone()[0]
    return counts


def balances(cursor: Any) -> dict[int, int]:
    """The balance of every account: its last ledger entry's balance."""
    cursor.execute(
        "SELECT DISTINCT ON (account_id) account_id, balance_after FROM selfservice_ledgerentry "
        "ORDER BY account_id, seq DESC"
    )
    return dict(cursor.fetchall())


def audit_rows(cursor: Any) -> Iterator[SimpleNamespace]:
    """The restored audit log in chain order, as rows the chain walker reads."""
    names = ("id", "seq", "prev_hash", "entry_hash", *audit_chain.FIELDS)
    cursor.execute(f"SELECT {', '.join(names)} FROM core_auditentry ORDER BY seq")  # noqa: S608
    for row in cursor.fetchall():
        yield SimpleNamespace(**dict(zip(names, row, strict=True)))


def test_a_dump_restored_into_a_fresh_database_is_the_same(tmp_path: Path):
    populate()
    assert audit.chain_verify().broken is None
    assert ActivityEvent.objects.exists()
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    where = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432), "-U", settings["USER"]]
    dump = tmp_path / "throughgate.dump"
    subprocess.run(  # noqa: S603
        [tool("pg_dump"), *where, "--format=custom", "--file", str(dump), settings["NAME"]],
        check=True,
        env=env,
        capture_output=True,
    )
    restored = f"{settings['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(  # noqa: S603
            [tool("pg_restore"), *where, "--exit-on-error", "--dbname", restored, str(dump)],
            check=True,
            env=env,
            capture_output=True,
        )
        with connection.cursor() as cursor:
            counts, money = table_counts(cursor), balances(cursor)
        with (
            psycopg.connect(
                host=where[1], port=where[3], user=settings["USER"], password=env["PGPASSWORD"], dbname=restored
            ) as copy,
            copy.cursor() as cursor,
        ):
            assert table_counts(cursor) == counts
            assert balances(cursor) == money
            assert money
            verdict = audit_chain.walk(audit_rows(cursor))
        assert verdict.broken is None
        assert verdict.head == audit.chain_head()
        assert verdict.checked == AuditEntry.objects.count() > 0
        # The command an operator runs after a restore, against the restored copy.
        url = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT']}/{restored}"
        checked = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), "audit", "verify"],
            env={**env, "DATABASE_URL": url, "THROUGHGATE_ENV": "test"},
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert checked.returncode == 0, checked.stderr
        assert f"Audit chain intact: {verdict.checked} rows" in checked.stdout
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
