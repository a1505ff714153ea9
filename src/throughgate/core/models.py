"""Core records: the append-only audit log, the append-only activity stream, and the runs of scheduled jobs.

Both refer to people by their lifelong identifier (prison number, or CRN for someone known only to probation)
and to actors by id and username, not by foreign key: rows must outlive deleted users and move between databases
(JSON Lines export and import) with their meaning intact. See docs/adr/0002-identifiers-not-foreign-keys.md.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an append-only row."""


class AppendOnlyQuerySet(models.QuerySet["Any"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: they cannot be updated.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: they cannot be deleted.")


class AppendOnlyModel(models.Model):
    """A row that can be inserted and never changed. PostgreSQL enforces the same with a trigger."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only: they cannot be deleted.")


class AuditEntry(AppendOnlyModel):
    """Who did what, to whose record, why, from where, in which request, when."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    subject = models.CharField(
        max_length=16, blank=True, db_index=True, help_text="Prison number or CRN of the person concerned."
    )
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    device = models.CharField(max_length=100, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    correlation_id = models.CharField(max_length=64, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    establishment = models.CharField(
        max_length=10,
        blank=True,
        db_index=True,
        help_text="Code of the establishment the action was done in (the actor's, or the record's for system jobs).",
    )
    # The hash chain (core/audit_chain.py): place in the chain, the previous row's hash and this row's.
    seq = models.BigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or 'system'} {self.action} {self.subject}"


class ActivityEvent(AppendOnlyModel):
    """One thing a person did or that happened to them, as AIM and the dashboards read it."""

    person = models.CharField(max_length=16, help_text="Prison number or CRN.")
    kind = models.CharField(max_length=64)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=64)
    value = models.FloatField(default=1.0)
    payload = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["person", "occurred_at"], name="activity_person_time"),
            models.Index(fields=["kind", "occurred_at"], name="activity_kind_time"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"


class JobRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    RETRYING = "retrying", _("Failed, will try again")
    FAILED = "failed", _("Failed")


class JobRun(models.Model):
    """One slot of a scheduled job (core.schedule), claimed by one worker. The unique (job, slot) row is the lock: two
    workers, or a worker restarted mid-run, never run a job twice for the same slot."""

    job = models.CharField(max_length=100)
    slot = models.DateTimeField(help_text="The time the run was due (its schedule's slot).")
    status = models.CharField(max_length=10, choices=JobRunStatus.choices)
    attempts = models.PositiveSmallIntegerField(default=1)
    worker = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-slot", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="core_jobrun_one_per_slot")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="core_jobrun_due")]

    def __str__(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M} {self.status}"

    @property
    def summary(self) -> str:
        """What the job reported (its counts), without the run time the scheduler adds."""
        return ", ".join(f"{name}: {value}" for name, value in self.result.items() if name != "seconds")

    @property
    def duration(self) -> timedelta | None:
        return None if self.finished_at is None else self.finished_at - self.started_at
