"""The audit log on any database: rows cannot be changed or deleted through Django, and ``audit.record`` captures
who, about whom, why and in which request."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

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


# Every module that registers audit actions, so the test below sees them all however the test run started.
REGISTERING_MODULES = [
    "throughgate.identity.services",
    "throughgate.identity.signals",
    "throughgate.people.selectors",
    "throughgate.people.services",
    "throughgate.selfservice.events",
    "throughgate.welfare.services",
    "throughgate.welfare.selectors",
    "throughgate.access.events",
]


def test_every_audit_action_is_described_in_welsh() -> None:
    for module in REGISTERING_MODULES:
        importlib.import_module(module)
    assert len(audit.ACTIONS) > 60
    plain, untranslated = [], []
    for code, description in sorted(audit.ACTIONS.items()):
        if isinstance(description, str):
            plain.append(code)
            continue
        with translation.override("en"):
            english = str(description)
        with translation.override("cy"):
            welsh = str(description)
        if not welsh.strip() or welsh == english:
            untranslated.append(f"{code}: {english!r}")
    assert not plain, f"register these with gettext_lazy('...') so they can be shown in Welsh: {plain}"
    assert not untranslated, "no Welsh description (run makemessages -l cy and translate):\n" + "\n".join(untranslated)


def test_describe_gives_the_active_language_and_none_for_an_unknown_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(audit.ACTIONS, "test.plain", "A plain English description")
    with translation.override("cy"):
        assert audit.describe(audit.LOGIN_FAILED) == "Ymgais i fewngofnodi a fethodd"
        assert audit.describe("test.plain") == "A plain English description"
        assert audit.describe("identity.login.renamed_long_ago") is None
    with translation.override("en"):
        assert audit.describe(audit.LOGIN_FAILED) == "Failed sign-in attempt"


def test_record_many_writes_one_row_per_subject_and_establishment_with_the_request_context() -> None:
    with context.bind(context.RequestContext(correlation_id="bulk-import-1")):
        written = audit.record_many(
            action=audit.ACTIVITY_IMPORTED, subjects=[("A1234BC", "MDI"), ("B2345CD", "LEI")], detail={"source": "test"}
        )
    assert written == 2
    rows = AuditEntry.objects.filter(action=audit.ACTIVITY_IMPORTED).order_by("subject")
    assert [(row.subject, row.establishment, row.detail, row.correlation_id) for row in rows] == [
        ("A1234BC", "MDI", {"source": "test"}, "bulk-import-1"),
        ("B2345CD", "LEI", {"source": "test"}, "bulk-import-1"),
    ]
    with pytest.raises(ValueError, match="Unregistered"):
        audit.record_many(action="nobody.registered.this", subjects=[("A1234BC", "MDI")])
