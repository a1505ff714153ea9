"""Periodic jobs: declared once in code (``settings.THROUGHGATE_SCHEDULE``, by default ``config.schedule.JOBS``) and
run by ``throughgate worker``.

Each job has a cadence (every N minutes, or daily at a UK time). The cadence cuts time into slots; a job is due when
its current slot has no run yet. A worker claims a slot by inserting the unique (job, slot) row of ``JobRun``: the
first insert wins, so two workers, or a worker restarted mid-run, never run a job twice for the same slot. A job that
raises is tried again later, up to ``max_attempts`` times; a run whose worker died is taken over once its lease
(``timeout``) has passed. Job functions take the slot (``run(slot=...)``), return a small dict for the jobs page,
and must be idempotent: a retry repeats the work of the failed attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from time import perf_counter
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext, ngettext

from throughgate.core.models import JobRun, JobRunStatus

logger = logging.getLogger(__name__)

UK = ZoneInfo("Europe/London")
ERROR_LENGTH = 2000

# Sent when a job has failed for the last time (no attempts left): kwargs ``run`` (JobRun) and ``job`` (Job).
job_failed = Signal()


class Cadence(Protocol):
    def slot(self, now: datetime) -> datetime:
        """The start of the slot that ``now`` falls in (aware, UTC)."""
        ...

    def next_slot(self, now: datetime) -> datetime:
        """The start of the slot after the current one."""
        ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class Every:
    """Every ``minutes`` minutes, on the clock (every 15 minutes: :00, :15, :30, :45 UTC), starting at ``offset``."""

    minutes: int
    offset: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.minutes <= 24 * 60 or not 0 <= self.offset < self.minutes:
            raise ValueError(f"Every(minutes={self.minutes}, offset={self.offset}) is not a cadence")

    def slot(self, now: datetime) -> datetime:
        period = self.minutes * 60
        seconds = int(now.astimezone(UTC).timestamp()) - self.offset * 60
        return datetime.fromtimestamp(seconds - seconds % period + self.offset * 60, tz=UTC)

    def next_slot(self, now: datetime) -> datetime:
        return self.slot(now) + timedelta(minutes=self.minutes)

    def describe(self) -> str:
        if self.minutes % 60 == 0:
            hours = self.minutes // 60
            return ngettext("Every hour", "Every %(count)d hours", hours) % {"count": hours}
        return ngettext("Every minute", "Every %(count)d minutes", self.minutes) % {"count": self.minutes}


@dataclass(frozen=True)
class Daily:
    """Once a day at ``at``, UK time (Europe/London, so it follows the clocks going forward and back)."""

    at: time

    def _on(self, day: date) -> datetime:
        return datetime.combine(day, self.at, tzinfo=UK).astimezone(UTC)

    def slot(self, now: datetime) -> datetime:
        today = now.astimezone(UK).date()
        candidate = self._on(today)
        return candidate if candidate <= now else self._on(today - timedelta(days=1))

    def next_slot(self, now: datetime) -> datetime:
        return self._on(self.slot(now).astimezone(UK).date() + timedelta(days=1))

    def describe(self) -> str:
        return gettext("Every day at %(time)s (UK time)") % {"time": self.at.strftime("%H:%M")}


@dataclass(frozen=True)
class Job:
    """A periodic job. ``run`` is the dotted path of a function ``f(*, slot: datetime) -> dict``."""

    name: str
    title: str | Promise
    run: str
    cadence: Every | Daily
    max_attempts: int = 3
    retry_after: timedelta = timedelta(minutes=5)
    timeout: timedelta = timedelta(hours=1)
    description: str | Promise = ""

    def function(self) -> Callable[..., dict[str, Any] | None]:
        return import_string(self.run)  # type: ignore[no-any-return]


def jobs() -> list[Job]:
    """The declared schedule, in the order it was declared."""
    declared: Sequence[Job] = import_string(settings.THROUGHGATE_SCHEDULE)
    names = [job.name for job in declared]
    if len(set(names)) != len(names):
        raise ValueError(f"Two scheduled jobs have the same name in {settings.THROUGHGATE_SCHEDULE}")
    return list(declared)


@dataclass
class TickReport:
    """What one pass of the scheduler did."""

    ran: list[JobRun] = field(default_factory=list)
    abandoned: int = 0


def claim(job: Job, *, slot: datetime, now: datetime, worker: str) -> JobRun | None:
    """Take ``slot`` of ``job`` for this worker, or None when another worker (or an earlier run) has it."""
    try:
        with transaction.atomic():
            return JobRun.objects.create(
                job=job.name, slot=slot, status=JobRunStatus.RUNNING, attempts=1, started_at=now, worker=worker
            )
    except IntegrityError:
        return None
    except OperationalError as exc:  # SQLite: another worker holds the write lock; the next tick tries again
        logger.info("could not claim %s at %s: %s", job.name, slot, exc)
        return None


def _reclaim(run: JobRun, *, now: datetime, worker: str) -> JobRun | None:
    """Take a run waiting for its retry; only one worker's conditional update can match."""
    try:
        taken = JobRun.objects.filter(pk=run.pk, status=JobRunStatus.RETRYING, attempts=run.attempts).update(
            status=JobRunStatus.RUNNING, attempts=run.attempts + 1, started_at=now, worker=worker, next_attempt_at=None
        )
    except OperationalError:
        return None
    if taken != 1:
        return None
    run.refresh_from_db()
    return run


def _fail(run: JobRun, job: Job, *, error: str, now: datetime) -> None:
    """Record a failed attempt: try again after a pause, or give up and tell the staff who watch the jobs."""
    run.finished_at = now
    run.error = error[:ERROR_LENGTH]
    if run.attempts < job.max_attempts:
        run.status = JobRunStatus.RETRYING
        run.next_attempt_at = now + job.retry_after * run.attempts
    else:
        run.status = JobRunStatus.FAILED
        run.next_attempt_at = None
    run.save(update_fields=["finished_at", "error", "status", "next_attempt_at"])
    if run.status == JobRunStatus.FAILED:
        job_failed.send(sender=JobRun, run=run, job=job)


def execute(job: Job, run: JobRun, *, clock: Callable[[], datetime] = timezone.now) -> JobRun:
    """Run one claimed attempt and record how it went."""
    started = perf_counter()
    try:
        result = job.function()(slot=run.slot) or {}
    except Exception as exc:  # any failure is recorded, retried and shown on the jobs page; the worker goes on
        logger.exception("scheduled job %s (slot %s, attempt %d) failed", job.name, run.slot, run.attempts)
        _fail(run, job, error=f"{type(exc).__name__}: {exc}", now=clock())
        return run
    run.status = JobRunStatus.SUCCEEDED
    run.finished_at = max(clock(), run.started_at)
    run.result = {**result, "seconds": round(perf_counter() - started, 3)}
    run.error = ""
    run.save(update_fields=["status", "finished_at", "result", "error"])
    return run


def _release_abandoned(by_name: dict[str, Job], *, now: datetime) -> int:
    """Runs still marked running after their job's timeout: their worker stopped. Count the attempt as failed."""
    released = 0
    for run in JobRun.objects.filter(status=JobRunStatus.RUNNING, job__in=list(by_name)):
        job = by_name[run.job]
        if run.started_at + job.timeout > now:
            continue
        if JobRun.objects.filter(pk=run.pk, status=JobRunStatus.RUNNING, started_at=run.started_at).exists():
            with translation.override("en"):  # stored once, like the errors jobs raise
                _fail(run, job, error=gettext("The worker stopped before the run finished."), now=now)
            released += 1
    return released


def tick(
    *,
    worker: str,
    now: datetime | None = None,
    declared: Sequence[Job] | None = None,
    clock: Callable[[], datetime] = timezone.now,
) -> TickReport:
    """One pass: release abandoned runs, run every job whose current slot is unclaimed, then the retries now due."""
    moment = now or clock()
    schedule = list(declared) if declared is not None else jobs()
    by_name = {job.name: job for job in schedule}
    report = TickReport(abandoned=_release_abandoned(by_name, now=moment))
    for job in schedule:
        slot = job.cadence.slot(moment)
        try:
            if JobRun.objects.filter(job=job.name, slot=slot).exists():
                continue
        except OperationalError as exc:  # SQLite busy with another worker's write: the next tick looks again
            logger.info("could not check %s at %s: %s", job.name, slot, exc)
            continue
        run = claim(job, slot=slot, now=clock(), worker=worker)
        if run is not None:
            report.ran.append(execute(job, run, clock=clock))
    waiting = JobRun.objects.filter(
        status=JobRunStatus.RETRYING, next_attempt_at__lte=moment, job__in=list(by_name)
    ).order_by("next_attempt_at")
    for waiting_run in list(waiting):
        run = _reclaim(waiting_run, now=clock(), worker=worker)
        if run is not None:
            report.ran.append(execute(by_name[run.job], run, clock=clock))
    return report
