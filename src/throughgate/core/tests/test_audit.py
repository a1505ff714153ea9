"""The audit log on any database: rows cannot be changed or deleted through Django, and ``audit.record`` captures
who, about whom, why and in which request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from throughgate.core import activity, audit, context
from throughgate.core.models import ActivityEvent, AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


def test_queryset_update_and_delete_are_refused_on_audit_entries() -> None:
    entry = audit.record(action=audit.AUDIT_SEARCHED, purpose="original")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(purpose="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    entry.purpose = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).purpose == "original"


def test_queryset_update_and_delete_are_refused_on_activity_events() -> None:
    event = activity.emit(
        person="A1234BC",
        kind="meal.chosen",
        occurred_at=dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.UTC),
        source="kiosk",
        idempotency_key="meal-1",
    )
    assert event is not None
    with pytest.raises(AppendOnlyError):
        ActivityEvent.objects.filter(pk=event.pk).update(value=3)
    with pytest.raises(AppendOnlyError):
        ActivityEvent.objects.filter(pk=event.pk).delete()
    assert ActivityEvent.objects.get(pk=event.pk).value == 1.0


def test_record_captures_actor_subject_purpose_and_request_context() -> None:
    actor = get_user_model().objects.create_user(username="officer-1", password="not-used-here-123")
    ctx = context.RequestContext(correlation_id="corr-0123456789", ip="10.1.2.3", device="kiosk-7")
    with context.bind(ctx):
        entry = audit.record(
            action=audit.AUDIT_SEARCHED,
            actor=actor,
            subject="A1234BC",
            obj=actor,
            purpose="Checking a complaint",
            detail={"query": "A1234BC"},
        )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor_id == actor.pk
    assert entry.actor_username == "officer-1"
    assert entry.action == "core.audit.searched"
    assert entry.subject == "A1234BC"
    assert entry.purpose == "Checking a complaint"
    assert entry.correlation_id == "corr-0123456789"
    assert entry.ip == "10.1.2.3"
    assert entry.device == "kiosk-7"
    assert entry.object_type == "identity.User"
    assert entry.object_id == str(actor.pk)
    assert entry.detail == {"query": "A1234BC"}


def test_record_takes_the_actor_from_the_request_context_when_none_is_given() -> None:
    ctx = context.RequestContext(correlation_id="corr-abcdefabcdef", actor_id=42, actor_username="from-context")
    with context.bind(ctx):
        entry = audit.record(action=audit.LOGOUT)
    assert (entry.actor_id, entry.actor_username, entry.correlation_id) == (42, "from-context", "corr-abcdefabcdef")


def test_record_refuses_unregistered_actions() -> None:
    with pytest.raises(ValueError, match="Unregistered audit action"):
        audit.record(action="made.up")
    assert not AuditEntry.objects.exists()
