"""Check-ins: a person on probation answers a short survey on a schedule (weekly to eight-weekly). Lifecycle
CREATED -> SUBMITTED or EXPIRED -> REVIEWED (MoJ eSupervision)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from throughgate.people.models import Person


class Frequency(models.IntegerChoices):
    WEEKLY = 1, _("Every week")
    TWO_WEEKLY = 2, _("Every 2 weeks")
    FOUR_WEEKLY = 4, _("Every 4 weeks")
    EIGHT_WEEKLY = 8, _("Every 8 weeks")


class CheckinSchedule(models.Model):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="checkin_schedule")
    every_weeks = models.PositiveSmallIntegerField(choices=Frequency.choices)
    next_due_on = models.DateField()
    set_by = models.CharField(max_length=150)
    set_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(every_weeks__in=[1, 2, 4, 8]), name="checkin_every_1_2_4_8")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} every {self.every_weeks} weeks"


class CheckinStatus(models.TextChoices):
    CREATED = "CREATED", _("Due")
    SUBMITTED = "SUBMITTED", _("Answered")
    EXPIRED = "EXPIRED", _("Missed")
    REVIEWED = "REVIEWED", _("Reviewed")


class Feeling(models.IntegerChoices):
    VERY_BAD = 1, _("Very bad")
    BAD = 2, _("Bad")
    OK = 3, _("OK")
    GOOD = 4, _("Good")
    VERY_GOOD = 5, _("Very good")


class HelpTopic(models.TextChoices):
    ACCOMMODATION = "accommodation", _("Somewhere to live")
    MONEY = "money", _("Money")
    DRUGS = "drugs", _("Drugs")
    ALCOHOL = "alcohol", _("Drink")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    WORK = "work", _("Work")
    RELATIONSHIPS = "relationships", _("Family and friends")


class CheckIn(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="checkins")
    due_on = models.DateField()
    expires_on = models.DateField(help_text="The last day it can be answered (the due day plus the grace period).")
    status = models.CharField(max_length=10, choices=CheckinStatus.choices, default=CheckinStatus.CREATED)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    feeling = models.PositiveSmallIntegerField(choices=Feeling.choices, null=True, blank=True)
    help_with = models.JSONField(default=list, blank=True)
    call_back = models.BooleanField(default=False)
    comment = models.CharField(max_length=500, blank=True)
    needs_attention = models.BooleanField(default=False)
    attention_reasons = models.JSONField(default=list, blank=True, help_text="Codes: feeling, help:<topic>, call_back")
    submit_key = models.CharField(max_length=80, unique=True, null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.CharField(max_length=150, blank=True)
    review_note = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-due_on"]
        constraints = [models.UniqueConstraint(fields=["person", "due_on"], name="one_checkin_per_day")]
        indexes = [models.Index(fields=["status", "expires_on"], name="checkin_status_expiry")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.due_on} {self.status}"
