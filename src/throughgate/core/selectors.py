"""Reads of core records, scoped to the acting user: the audit log search and the scheduled jobs' runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from throughgate.core import audit, schedule
from throughgate.core.models import AuditEntry, JobRun


def audit_search(
    *,
    user: Any,
    establishment: Any,
    actor: str = "",
    subject: str = "",
    action: str = "",
    correlation_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """Search the audit log of the establishment the user is working in (security staff and governors): rows of other
    prisons are never shown, whatever is searched for. The search itself is audited."""
    code = getattr(establishment, "code", "")
    entries = AuditEntry.objects.filter(establishment=code) if code else AuditEntry.objects.none()
    if actor:
        entries = entries.filter(actor_username__iexact=actor)
    if subject:
        entries = entries.filter(subject=subject)
    if action:
        entries = entries.filter(action=action)
    if correlation_id:
        entries = entries.filter(correlation_id=correlation_id)
    zone = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to:
        entries = entries.filter(at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone))
    criteria = {
        "actor": actor,
        "subject": subject,
        "action": action,
        "correlation_id": correlation_id,
        "date_from": date_from.isoformat() if date_from else "",
        "date_to": date_to.isoformat() if date_to else "",
    }
    audit.record(action=audit.AUDIT_SEARCHED, actor=user, detail={k: v for k, v in criteria.items() if v})
    return entries


@dataclass(frozen=True)
class JobStatus:
    """A scheduled job, its latest run and when it is next due, for the jobs page."""

    job: schedule.Job
    last: JobRun | None
    next_slot: datetime


def job_statuses(*, now: datetime | None = None) -> list[JobStatus]:
    """Every declared job with its latest run (no personal data: jobs report counts only)."""
    moment = now or timezone.now()
    return [
        JobStatus(
            job=job,
            last=JobRun.objects.filter(job=job.name).order_by("-slot", "-id").first(),
            next_slot=job.cadence.next_slot(moment),
        )
        for job in schedule.jobs()
    ]


def job_runs_recent(*, limit: int = 50) -> list[JobRun]:
    """The latest runs of every job, newest slot first."""
    return list(JobRun.objects.order_by("-slot", "-id")[:limit])
