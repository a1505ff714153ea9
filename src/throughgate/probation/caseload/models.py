"""A practitioner's tasks: something on their caseload needs doing (a missed check-in, ...)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from throughgate.people.models import Person


class TaskKind(models.TextChoices):
    CHECKIN_MISSED = "checkin_missed", _("Missed check-in")
    CHECKIN_ATTENTION = "checkin_attention", _("Check-in needs attention")
    ENFORCEMENT = "enforcement", _("Failed to attend: consider enforcement")


class PractitionerTask(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="practitioner_tasks")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="probation_tasks")
    kind = models.CharField(max_length=20, choices=TaskKind.choices)
    source = models.CharField(max_length=80, help_text="What made it, e.g. checkin:12. One open task per source.")
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.CharField(max_length=150, blank=True)
    outcome = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["done_at", "due_at"]
        constraints = [models.UniqueConstraint(fields=["staff", "source"], name="one_task_per_source")]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id}"
