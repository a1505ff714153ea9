"""PostgreSQL itself refuses UPDATE and DELETE on the audit log and the activity stream (migration 0002's trigger),
even for raw SQL that bypasses the models; and audit rows outlive the user they name.

These need a real PostgreSQL: run with DATABASE_URL pointing at one (scripts/test does). On any other database they
are skipped, and scripts/test fails its PostgreSQL step if none of them ran.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from throughgate.core import activity, audit
from throughgate.core.models import ActivityEvent, AuditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

WHEN = dt.datetime(2026, 2, 1, 10, 15, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (DATABASE_URL), not {connection.vendor}")


def _refused(sql: str, params: list[object]) -> None:
    """Run ``sql`` in a savepoint and check that the append-only trigger refused it (the test's transaction stays
    usable afterwards)."""
    with pytest.raises(DatabaseError, match="append-only table"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _audit_row() -> AuditEntry:
    return audit.record(action=audit.AUDIT_SEARCHED, subject="A1234BC", purpose="test")


def _event() -> ActivityEvent:
    event = activity.emit(person="A1234BC", kind="meal.chosen", occurred_at=WHEN, source="kiosk", idempotency_key="k")
    assert event is not None
    return event


def test_the_triggers_are_installed() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table, event_manipulation FROM information_schema.triggers "
            "WHERE trigger_name LIKE %s AND event_object_table IN (%s, %s) ORDER BY 1, 2",
            ["%_append_only", "core_activityevent", "core_auditentry"],
        )
        rows = cursor.fetchall()
    assert rows == [
        ("core_activityevent", "DELETE"),
        ("core_activityevent", "UPDATE"),
        ("core_auditentry", "DELETE"),
        ("core_auditentry", "UPDATE"),
    ]


def test_raw_update_of_an_audit_entry_is_refused() -> None:
    entry = _audit_row()
    _refused("UPDATE core_auditentry SET purpose = %s WHERE id = %s", ["tampered", entry.pk])
    entry.refresh_from_db()
    assert entry.purpose == "test"


def test_raw_delete_of_an_audit_entry_is_refused() -> None:
    entry = _audit_row()
    _refused("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_raw_update_of_an_activity_event_is_refused() -> None:
    event = _event()
    _refused("UPDATE core_activityevent SET value = %s WHERE id = %s", [99.0, event.pk])
    event.refresh_from_db()
    assert event.value == 1.0


def test_raw_delete_of_an_activity_event_is_refused() -> None:
    event = _event()
    _refused("DELETE FROM core_activityevent WHERE id = %s", [event.pk])
    assert ActivityEvent.objects.filter(pk=event.pk).exists()


def test_bulk_raw_delete_is_refused_and_removes_nothing() -> None:
    _audit_row()
    _audit_row()
    _refused("DELETE FROM core_auditentry WHERE TRUE", [])
    assert AuditEntry.objects.count() == 2


def test_deleting_a_user_keeps_their_audit_rows() -> None:
    user = get_user_model().objects.create_user(username="leaver", password="not-used-here-123")
    user_id = user.pk
    entry = audit.record(action=audit.LOGIN_SUCCEEDED, actor=user, detail={"method": "test"})

    user.delete()

    assert not get_user_model().objects.filter(pk=user_id).exists()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor_id == user_id
    assert entry.actor_username == "leaver"


@pytest.mark.parametrize("table", ["core_auditentry", "core_activityevent", "selfservice_ledgerentry"])
def test_truncate_is_refused_and_removes_nothing(table: str) -> None:
    _audit_row()
    _event()
    before = AuditEntry.objects.count(), ActivityEvent.objects.count()
    with transaction.atomic(), connection.cursor() as cursor:
        # The test settings allow TRUNCATE so that the test database can be emptied between transactional tests;
        # a production connection does not (config/settings.py). Take that permission away here.
        cursor.execute("SET LOCAL throughgate.allow_truncate = 'off'")
        _refused(f"TRUNCATE {table} CASCADE", [])
    assert (AuditEntry.objects.count(), ActivityEvent.objects.count()) == before


def test_only_the_test_settings_allow_truncate() -> None:
    from django.conf import settings

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('throughgate.allow_truncate', true)")
        assert cursor.fetchone() == ("on",)
    assert settings.DATABASES["default"]["OPTIONS"]["options"] == "-c throughgate.allow_truncate=on"
    assert settings.ENVIRONMENT == "test"
