"""Retention: each registered rule removes what is past its period on a given (frozen) day and keeps the rest, a
legal hold keeps everything of its person, the audit log gets counts and never content and still verifies, a dry
run changes nothing, and the schedule is documented and scheduled."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from tests.factories import EstablishmentFactory, make_resident, make_staff
from throughgate.core import audit
from throughgate.core.models import AuditEntry
from throughgate.dataprotection import jobs, services
from throughgate.dataprotection.events import RETENTION_APPLIED
from throughgate.dataprotection.models import SubjectAccessRequest
from throughgate.people import data_protection as registry

TODAY = date(2026, 3, 31)
ROOT = Path(__file__).resolve().parent.parent


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


@pytest.fixture
def records(db: Any) -> dict[str, Any]:
    """Apps, AIM flags, site requests and hours of internet use, some past their period on TODAY and some not, for
    two people (one of whom will be put on hold)."""
    from throughgate.access import services as access_services
    from throughgate.access.models import InternetUsage, SiteRequest
    from throughgate.selfservice.models import App
    from throughgate.selfservice.tests.factories import raise_app
    from throughgate.welfare.models import Triage
    from throughgate.welfare.tests.factories import make_flag

    mdi = EstablishmentFactory(code="MDI")
    ada, bob = make_resident(mdi), make_resident(mdi)
    made: dict[str, Any] = {"ada": ada, "bob": bob, "mdi": mdi}
    for person in (ada, bob):
        old = raise_app(person, body=f"Old secret request of {person.prison_number}")
        App.objects.filter(pk=old.pk).update(status="APPROVED", decided_at=at(TODAY - timedelta(days=800)))
        new = raise_app(person, code="property", body="Recent request")
        App.objects.filter(pk=new.pk).update(status="APPROVED", decided_at=at(TODAY - timedelta(days=100)))
        flag = make_flag(person, as_of=TODAY - timedelta(days=1000))
        Triage.objects.create(flag=flag, by_username="someone", action="spoke", note="Old note")
        make_flag(person, as_of=TODAY - timedelta(days=10))
        req = access_services.site_request_submit(by=person.user, address="https://www.gov.uk/", reason="Jobs")
        SiteRequest.objects.filter(pk=req.pk).update(status="approved", reviewed_at=at(TODAY - timedelta(days=900)))
        for days, emitted in ((400, True), (30, True), (400, False)):
            InternetUsage.objects.create(
                person=person.prison_number,
                hour=at(TODAY - timedelta(days=days)),
                outcome="allowed",
                category="jobs" if emitted else "news",
                count=3,
                emitted=emitted,
            )
    return made


def counts() -> dict[str, int]:
    from throughgate.access.models import InternetUsage, SiteRequest
    from throughgate.selfservice.models import App, AppEvent
    from throughgate.welfare.models import Flag, Triage

    return {m._meta.label: m.objects.count() for m in (App, AppEvent, Flag, Triage, SiteRequest, InternetUsage)}


def test_removes_what_is_past_its_period_and_keeps_the_rest(records: dict[str, Any]):
    before = counts()
    report = services.retention_apply(today=TODAY)
    after = counts()
    assert before["selfservice.App"] - after["selfservice.App"] == 2
    assert after["selfservice.AppEvent"] < before["selfservice.AppEvent"]
    assert (before["welfare.Flag"] - after["welfare.Flag"], after["welfare.Triage"]) == (2, 0)
    assert before["access.SiteRequest"] - after["access.SiteRequest"] == 2
    # The old hours already turned into activity go; the recent ones, and old ones not yet flushed, stay.
    assert before["access.InternetUsage"] - after["access.InternetUsage"] == 2
    totals = report.as_result()
    assert totals["selfservice.apps"] > 0
    assert totals["welfare.flags"] == 4
    from throughgate.selfservice.models import App

    assert set(App.objects.values_list("body", flat=True)) == {"Recent request"}
    # The audit log has one row per rule that removed something: counts, the cut-off, never the content.
    rows = list(AuditEntry.objects.filter(action=RETENTION_APPLIED).order_by("seq"))
    assert {row.detail["rule"] for row in rows} == {k for k, n in totals.items() if n and k != "held"}
    apps_row = next(row for row in rows if row.detail["rule"] == "selfservice.apps")
    assert apps_row.detail["counts"]["selfservice.App"] == 2
    assert apps_row.detail["cutoff"].startswith((TODAY - timedelta(days=730)).isoformat())
    assert "secret" not in json.dumps([row.detail for row in rows])
    # Removing records never touches the audit chain: it still verifies, from the command too.
    assert audit.chain_verify().broken is None
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "Audit chain intact" in out.getvalue()
    # Safe to run again: nothing more goes, and no new audit rows.
    services.retention_apply(today=TODAY)
    assert counts() == after
    assert AuditEntry.objects.filter(action=RETENTION_APPLIED).count() == len(rows)


def test_a_legal_hold_keeps_everything_of_its_person(records: dict[str, Any]):
    from throughgate.selfservice.models import App
    from throughgate.welfare.models import Flag

    dpo = make_staff("data_protection_officer", [records["mdi"]])
    ada, bob = records["ada"], records["bob"]
    hold = services.legal_hold_place(by=dpo, prison_number=ada.prison_number, reason="Civil claim")
    services.retention_apply(today=TODAY)
    assert App.objects.filter(person=ada).count() == 2
    assert Flag.objects.filter(person=ada).count() == 2
    assert App.objects.filter(person=bob).count() == 1
    assert Flag.objects.filter(person=bob).count() == 1
    services.legal_hold_lift(by=dpo, hold_id=hold.pk, reason="Claim settled")
    services.retention_apply(today=TODAY)
    assert App.objects.filter(person=ada).count() == 1


def test_a_dry_run_changes_nothing_and_writes_nothing(records: dict[str, Any]):
    before, rows = counts(), AuditEntry.objects.count()
    report = services.retention_apply(today=TODAY, dry_run=True)
    assert counts() == before
    assert AuditEntry.objects.count() == rows
    assert report.as_result()["selfservice.apps"] > 0
    out = StringIO()
    call_command("retention", "--dry-run", "--today", TODAY.isoformat(), stdout=out)
    assert "selfservice.apps: would remove selfservice.App 2" in out.getvalue()
    assert counts() == before


def test_nothing_goes_before_its_time(records: dict[str, Any]):
    before = counts()
    services.retention_apply(today=TODAY - timedelta(days=800))
    assert counts() == before


@override_settings(RETENTION_DAYS={"selfservice.apps": 50})
def test_a_period_set_in_settings_replaces_the_default(records: dict[str, Any]):
    from throughgate.selfservice.models import App

    services.retention_apply(today=TODAY)
    assert App.objects.count() == 0


def test_an_expired_export_loses_its_copy_but_not_its_record(records: dict[str, Any]):
    dpo = make_staff("data_protection_officer", [records["mdi"]])
    sar = services.subject_access_make(
        by=dpo, prison_number=records["ada"].prison_number, reference="SAR-9", received_on=TODAY
    )
    services.retention_apply()
    assert SubjectAccessRequest.objects.get(pk=sar.pk).archive is not None
    SubjectAccessRequest.objects.filter(pk=sar.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    services.retention_apply()
    kept = SubjectAccessRequest.objects.get(pk=sar.pk)
    assert kept.archive is None
    assert kept.archive_sha256 == sar.archive_sha256


def test_the_job_is_scheduled_and_runs(records: dict[str, Any]):
    from config.schedule import JOBS

    job = next(job for job in JOBS if job.name == "dataprotection.retention")
    assert job.run == "throughgate.dataprotection.jobs.apply_retention"
    result = jobs.apply_retention(slot=at(TODAY))
    assert result["selfservice.apps"] > 0


def test_every_rule_is_documented():
    text = (ROOT / "docs" / "data-retention.md").read_text()
    for rule in registry.retention_rules():
        assert f"`{rule.key}`" in text, f"{rule.key} is not in docs/data-retention.md"
