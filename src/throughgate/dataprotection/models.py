"""Subject access requests (the export made for each, kept until its link expires) and legal holds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from throughgate.people.models import Person


class SubjectAccessRequest(models.Model):
    """One request from a person (or someone acting for them) for the data held about them, and the archive made
    for it. The archive is kept until ``expires_at``; after that the link answers 410 and the retention job clears
    the archive (the record of the request stays)."""

    reference = models.CharField(max_length=40, help_text="The request's reference in the correspondence.")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="subject_access_requests")
    received_on = models.DateField(help_text="The day the request was received (the one-month clock starts).")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    made_by_username = models.CharField(max_length=150)
    made_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sections = models.JSONField(default=dict, help_text="Rows per section when the archive was made.")
    archive = models.BinaryField(null=True, blank=True, editable=False)
    archive_sha256 = models.CharField(max_length=64)
    archive_size = models.PositiveIntegerField(default=0)
    downloads = models.PositiveIntegerField(default=0)
    idempotency_key = models.CharField(max_length=100, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.person_id})"

    @property
    def expired(self) -> bool:
        return self.archive is None or timezone.now() >= self.expires_at

    @property
    def respond_by(self) -> object:
        """One calendar month from receipt (UK GDPR Art. 12(3)), on the same day number or the month's last day."""
        import calendar

        day = self.received_on
        year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
        return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


class LegalHold(models.Model):
    """Keep everything about a person past its retention period (litigation, an inquiry, an inquest, a PPO
    investigation) until the hold is lifted."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.CharField(max_length=200)
    placed_by_username = models.CharField(max_length=150)
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by_username = models.CharField(max_length=150, blank=True)
    lift_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(lifted_at__isnull=True), name="one_open_legal_hold"
            )
        ]

    def __str__(self) -> str:
        return f"hold {self.person_id} {self.placed_at:%Y-%m-%d}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None
