"""The audit log's hash chain on any database: every row carries the hash of the one before, ``throughgate audit
verify`` names the first changed or missing row, and the daily head written out catches a log cut short.

Tampering here goes around Django's append-only guard with raw SQL, as someone with the database would (on SQLite
there is no trigger to stop it; test_audit_chain_postgres.py does the same on PostgreSQL)."""

from __future__ import annotations

import importlib
import itertools
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings

from throughgate.core import audit, audit_chain, context, jobs
from throughgate.core.models import AuditEntry

pytestmark = pytest.mark.django_db

SLOT = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)


def _rows(count: int) -> list[AuditEntry]:
    return [
        audit.record(action=audit.AUDIT_SEARCHED, subject="A1234BC", purpose=f"search {n}", detail={"n": n, "é": [1.5]})
        for n in range(count)
    ]


def _sql(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # superuser in the tests: skip the append-only triggers
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def _verify(*args: str) -> str:
    out = []
    call_command("audit", "verify", *args, stdout=SimpleNamespace(write=out.append))
    return "".join(out)


def _broken(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        _verify(*args)
    assert caught.value.returncode == 1
    return str(caught.value)


def test_each_row_carries_the_hash_of_the_one_before() -> None:
    _rows(3)
    audit.record_many(action=audit.AUDIT_SEARCHED, subjects=[("A0000AA", "MDI")])
    stored = list(AuditEntry.objects.order_by("seq"))
    assert [row.seq for row in stored] == [1, 2, 3, 4]
    assert stored[0].prev_hash == audit_chain.GENESIS
    for before, after in itertools.pairwise(stored):
        assert after.prev_hash == before.entry_hash
    assert len({row.entry_hash for row in stored}) == 4
    assert all(len(row.entry_hash) == 64 for row in stored)


def test_bulk_rows_continue_the_chain() -> None:
    _rows(2)
    with context.bind(context.RequestContext(correlation_id="c", ip="2001:0db8:0000::0001")):
        assert audit.record_many(action=audit.AUDIT_SEARCHED, subjects=[("A1", "MDI"), ("A2", "LEI")]) == 2
    _rows(1)
    assert audit.chain_verify().broken is None
    assert audit.chain_verify().checked == 5
    assert AuditEntry.objects.get(subject="A1").ip == "2001:db8::1"


def test_verify_passes_an_intact_chain_and_an_empty_log() -> None:
    assert "the log is empty" in _verify()
    rows = _rows(3)
    assert f"3 rows, head: id {rows[-1].pk}, seq 3" in _verify()


def test_verify_names_a_changed_row() -> None:
    rows = _rows(4)
    _sql("UPDATE core_auditentry SET purpose = %s WHERE id = %s", ["nothing to see", rows[2].pk])
    message = _broken()
    assert f"row id {rows[2].pk} (seq 3)" in message
    assert "changed" in message


def test_verify_names_a_changed_detail_or_time() -> None:
    rows = _rows(2)
    _sql("UPDATE core_auditentry SET at = %s WHERE id = %s", [datetime(2020, 1, 1, tzinfo=UTC), rows[0].pk])
    assert f"row id {rows[0].pk} (seq 1)" in _broken()


def test_verify_names_the_row_after_a_deleted_one() -> None:
    rows = _rows(4)
    _sql("DELETE FROM core_auditentry WHERE id = %s", [rows[1].pk])
    message = _broken()
    assert f"row id {rows[2].pk} (seq 3)" in message
    assert "1 row(s) before it are missing" in message


def test_verify_finds_the_first_rows_deleted() -> None:
    rows = _rows(3)
    _sql("DELETE FROM core_auditentry WHERE id IN (%s, %s)", [rows[0].pk, rows[1].pk])
    assert f"row id {rows[2].pk} (seq 3): 2 row(s) before it are missing" in _broken()


def test_verify_finds_a_row_rewritten_with_a_fresh_hash_of_its_own() -> None:
    """Someone who knows the algorithm rehashes the row they changed: the next row's link gives it away."""
    rows = _rows(3)
    changed = AuditEntry.objects.get(pk=rows[1].pk)
    changed.purpose = "rewritten"
    fields = {name: getattr(changed, name) for name in audit_chain.FIELDS}
    digest = audit_chain.entry_hash(seq=changed.seq, prev_hash=changed.prev_hash, fields=fields)
    _sql("UPDATE core_auditentry SET purpose = %s, entry_hash = %s WHERE id = %s", ["rewritten", digest, changed.pk])
    message = _broken()
    assert f"row id {rows[2].pk} (seq 3)" in message
    assert "does not match" in message


def test_the_daily_head_is_written_to_a_file_and_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    rows = _rows(2)
    with override_settings(AUDIT_HEAD_DIR=tmp_path / "heads"), caplog.at_level(logging.INFO, "throughgate.core.jobs"):
        result = jobs.write_audit_head(slot=SLOT)
    written = tmp_path / "heads" / "audit-head-20260302T003000Z.json"
    assert result == {"seq": 2, "file": written.name}
    head = json.loads(written.read_text())
    assert head["id"] == rows[1].pk
    assert head["seq"] == 2
    assert head["hash"] == AuditEntry.objects.get(pk=rows[1].pk).entry_hash
    assert head["written_at"] == "2026-03-02T00:30:00+00:00"
    assert f'"hash": "{head["hash"]}"' in caplog.text
    assert "the saved head (seq 2) is still in it" in _verify("--head", str(written))


def test_a_log_cut_short_is_found_against_the_saved_head(tmp_path: Path) -> None:
    rows = _rows(5)
    with override_settings(AUDIT_HEAD_DIR=tmp_path):
        jobs.write_audit_head(slot=SLOT)
    _sql("DELETE FROM core_auditentry WHERE id IN (%s, %s)", [rows[3].pk, rows[4].pk])
    assert "intact: 3 rows" in _verify()  # without the head, a cut tail looks like a shorter log
    message = _broken("--head", str(next(tmp_path.iterdir())))
    assert f"row id {rows[4].pk} (seq 5)" in message
    assert "tail was cut off" in message


def test_a_log_cut_short_and_written_again_is_found_against_the_saved_head(tmp_path: Path) -> None:
    rows = _rows(3)
    with override_settings(AUDIT_HEAD_DIR=tmp_path):
        jobs.write_audit_head(slot=SLOT)
    _sql("DELETE FROM core_auditentry WHERE id = %s", [rows[2].pk])
    _rows(1)  # the new third row chains on cleanly, but is not the row the head named
    assert "rewritten" in _broken("--head", str(next(tmp_path.iterdir())))


def test_an_unreadable_head_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "head.json").write_text("{}")
    with pytest.raises(CommandError, match="Cannot read the chain head"):
        _verify("--head", str(tmp_path / "head.json"))


def test_the_data_migration_chains_rows_written_before_the_chain() -> None:
    rows = _rows(3)
    expected = list(AuditEntry.objects.order_by("id").values_list("seq", "prev_hash", "entry_hash"))
    _sql("UPDATE core_auditentry SET seq = -id, prev_hash = '', entry_hash = ''", [])
    assert audit.chain_verify().broken is not None
    migration = importlib.import_module("throughgate.core.migrations.0006_audit_hash_chain")
    state = MigrationLoader(connection).project_state(("core", "0006_audit_hash_chain"))
    with connection.cursor() as cursor:
        editor = SimpleNamespace(connection=connection, execute=lambda sql, params=(): cursor.execute(sql, params))
        migration.forwards(state.apps, editor)
    assert list(AuditEntry.objects.order_by("id").values_list("seq", "prev_hash", "entry_hash")) == expected
    assert audit.chain_verify().head.id == rows[-1].pk  # type: ignore[union-attr]


def test_the_head_job_is_scheduled_daily() -> None:
    from throughgate.core import schedule

    job = next(job for job in schedule.jobs() if job.name == "core.audit_head")
    assert job.function() is jobs.write_audit_head
    assert isinstance(job.cadence, schedule.Daily)
