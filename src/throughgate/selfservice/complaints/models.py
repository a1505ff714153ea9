"""Complaints: an establishment's deadlines, and each complaint (COMP1), appeal (COMP1A) or confidential
complaint to the governor (COMP2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from throughgate.identity.models import Establishment
from throughgate.people.models import Person


class ComplaintStage(models.TextChoices):
    COMP1 = "COMP1", _("Complaint")
    COMP1A = "COMP1A", _("Appeal")
    COMP2 = "COMP2", _("Confidential complaint to the governor")


class ComplaintStatus(models.TextChoices):
    OPEN = "OPEN", _("Waiting for an answer")
    ANSWERED = "ANSWERED", _("Answered")


class ComplaintSettings(models.Model):
    """An establishment's complaint deadlines, in working days."""

    establishment = models.OneToOneField(Establishment, on_delete=models.PROTECT, related_name="complaint_settings")
    comp1_days = models.PositiveSmallIntegerField(default=5)
    comp1a_days = models.PositiveSmallIntegerField(default=5)
    comp2_days = models.PositiveSmallIntegerField(default=5)
    appeal_days = models.PositiveSmallIntegerField(default=7, help_text="Working days to appeal after an answer.")
    escalate_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The governor: overdue complaints are escalated to this person.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(comp1_days__gte=1, comp1a_days__gte=1, comp2_days__gte=1, appeal_days__gte=1),
                name="complaint_days_positive",
            )
        ]

    def __str__(self) -> str:
        return f"Complaint deadlines of {self.establishment_id}"

    def days_for(self, stage: str) -> int:
        if stage == ComplaintStage.COMP1:
            return self.comp1_days
        if stage == ComplaintStage.COMP1A:
            return self.comp1a_days
        return self.comp2_days


class Complaint(models.Model):
    """A complaint (COMP1), its appeal (COMP1A), or a confidential complaint to the governor (COMP2)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="complaints")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="complaints")
    stage = models.CharField(max_length=6, choices=ComplaintStage.choices)
    status = models.CharField(max_length=8, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    appeal_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="appeal")
    body = models.TextField(max_length=2000)
    reply = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="escalated_complaints"
    )
    idempotency_key = models.CharField(max_length=80)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "idempotency_key"], name="complaint_idempotency_key_unique"),
            models.CheckConstraint(
                condition=Q(stage="COMP1A", appeal_of__isnull=False) | (~Q(stage="COMP1A") & Q(appeal_of__isnull=True)),
                name="complaint_appeal_has_a_complaint",
            ),
            models.CheckConstraint(
                condition=Q(status="ANSWERED", answered_at__isnull=False) | Q(status="OPEN", answered_at__isnull=True),
                name="complaint_answered_iff_answer",
            ),
        ]
        indexes = [models.Index(fields=["establishment", "status", "due_on"], name="complaint_queue")]

    def __str__(self) -> str:
        return f"{self.stage} {self.pk} ({self.person_id})"

    @property
    def reference(self) -> str:
        return f"{self.stage}-{self.pk:06d}"

    @property
    def confidential(self) -> bool:
        return self.stage == ComplaintStage.COMP2

    def is_overdue(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return self.status == ComplaintStatus.OPEN and day > self.due_on  # type: ignore[operator]
