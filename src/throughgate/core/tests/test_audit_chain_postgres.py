"""The audit log on a real PostgreSQL, as the service's runtime role after ``throughgate db_roles``: it can add audit
rows but not change, delete or empty them, nor switch the append-only guard off; parallel writers keep one chain; and
``audit verify`` finds a row changed, a row deleted and a tail cut off by someone who could (the tables' owner).

Run with DATABASE_URL pointing at PostgreSQL (scripts/test does); skipped on any other database."""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test import override_settings

from throughgate.core import activity, audit, jobs
from throughgate.core.models import AuditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

APPEND_ONLY = ("core_auditentry", "core_activityevent")


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (DATABASE_URL), not {connection.vendor}")


@pytest.fixture
def runtime_role() -> str:
    """A runtime role made for this test only (created in the test's transaction, so it is rolled back with it)."""
    role = f"tg_runtime_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    call_command("db_roles", runtime_role=role, stdout=SimpleNamespace(write=lambda _: None))
    return role


def _as(role: str, sql: str) -> None:
    """Run ``sql`` as ``role`` in a savepoint (the role and any failure end with it)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(sql)


def _owner(sql: str, params: list[object]) -> None:
    """Tamper as the tables' owner would (a superuser here), with the append-only triggers skipped."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def _broken(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", *args, stdout=SimpleNamespace(write=lambda _: None))
    assert caught.value.returncode == 1
    return str(caught.value)


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        ("TRUNCATE {table}", "permission denied"),
        ("SET LOCAL throughgate.allow_truncate = 'on'; TRUNCATE {table}", "permission denied"),
        ("DELETE FROM {table}", "permission denied"),
        ("UPDATE {table} SET id = id", "permission denied"),
        ("ALTER TABLE {table} DISABLE TRIGGER {table}_append_only", "must be owner"),
        ("ALTER TABLE {table} DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TRIGGER {table}_append_only ON {table}", "must be owner"),
        ("DROP TRIGGER {table}_no_truncate ON {table}", "must be owner"),
        ("ALTER TABLE {table} OWNER TO CURRENT_USER", "must be owner"),
        ("SET LOCAL session_replication_role = replica", "permission denied"),
    ],
)
def test_the_runtime_role_cannot_change_empty_or_unguard_an_append_only_table(
    runtime_role: str, table: str, sql: str, refusal: str
) -> None:
    audit.record(action=audit.AUDIT_SEARCHED, purpose="kept")
    activity.emit(
        person="A1234BC", kind="meal.chosen", occurred_at=AuditEntry.objects.get().at, source="t", idempotency_key="k"
    )
    with pytest.raises(DatabaseError, match=refusal):
        _as(runtime_role, sql.format(table=table))
    assert AuditEntry.objects.get().purpose == "kept"


def test_the_runtime_role_can_add_and_read_audit_rows(runtime_role: str) -> None:
    audit.record(action=audit.AUDIT_SEARCHED, purpose="as owner")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {runtime_role}")
        entry = audit.record(action=audit.AUDIT_SEARCHED, purpose="as runtime")
        assert audit.chain_verify().broken is None
    assert entry.seq == 2


def test_db_roles_check_passes_after_it_ran_and_fails_for_a_role_that_may_too_much(runtime_role: str) -> None:
    call_command("db_roles", runtime_role=runtime_role, check=True, stdout=SimpleNamespace(write=lambda _: None))
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE ON core_auditentry TO {runtime_role}")
        cursor.execute(f"ALTER TABLE core_activityevent OWNER TO {runtime_role}")
    with pytest.raises(CommandError) as caught:
        call_command("db_roles", runtime_role=runtime_role, check=True)
    assert f"{runtime_role} has UPDATE on core_auditentry" in str(caught.value)
    assert f"{runtime_role} owns core_activityevent" in str(caught.value)


def test_db_roles_refuses_a_missing_role() -> None:
    with pytest.raises(CommandError, match="There is no role"):
        call_command("db_roles", runtime_role="tg_no_such_role")


def test_verify_finds_a_changed_row_on_postgres() -> None:
    rows = [audit.record(action=audit.AUDIT_SEARCHED, detail={"n": n, "x": 0.1}) for n in range(3)]
    assert audit.chain_verify().broken is None  # what PostgreSQL gives back hashes as it was written
    _owner("UPDATE core_auditentry SET detail = %s WHERE id = %s", ['{"n": 9, "x": 0.1}', rows[1].pk])
    assert f"row id {rows[1].pk} (seq 2): its contents do not match its hash: changed" in _broken()


def test_verify_finds_a_deleted_row_on_postgres() -> None:
    rows = [audit.record(action=audit.AUDIT_SEARCHED) for _ in range(3)]
    _owner("DELETE FROM core_auditentry WHERE id = %s", [rows[1].pk])
    assert f"row id {rows[2].pk} (seq 3): 1 row(s) before it are missing" in _broken()


def test_verify_finds_a_truncated_tail_on_postgres(tmp_path: Path) -> None:
    rows = [audit.record(action=audit.AUDIT_SEARCHED) for _ in range(4)]
    with override_settings(AUDIT_HEAD_DIR=tmp_path):
        jobs.write_audit_head(slot=rows[-1].at)
    head_file = next(tmp_path.iterdir())
    assert json.loads(head_file.read_text())["id"] == rows[-1].pk
    _owner("DELETE FROM core_auditentry WHERE id >= %s", [rows[2].pk])
    assert "tail was cut off" in _broken("--head", str(head_file))


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_keep_one_chain() -> None:
    barrier = threading.Barrier(12)
    errors: list[Any] = []

    def write(index: int) -> None:
        try:
            barrier.wait()
            for n in range(5):
                with transaction.atomic():
                    audit.record(action=audit.AUDIT_SEARCHED, detail={"writer": index, "n": n})
                    if n == 2:
                        audit.record_many(action=audit.AUDIT_SEARCHED, subjects=[("A1", "MDI"), ("A2", "MDI")])
        except Exception as exc:  # noqa: BLE001  (checked below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    verdict = audit.chain_verify()
    assert verdict.broken is None
    assert verdict.checked == AuditEntry.objects.count() == 12 * 7
