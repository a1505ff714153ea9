"""Appointments: the practitioner books; the person confirms or asks to rearrange; the practitioner records what
happened (attended, an acceptable absence, or a failure to attend, which becomes an enforcement task)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from throughgate.people.models import Person


class AppointmentKind(models.TextChoices):
    OFFICE = "office", _("At the probation office")
    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")
    HOME_VISIT = "home_visit", _("Home visit")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CONFIRMED = "confirmed", _("Confirmed")
    CHANGE_ASKED = "change_asked", _("Asked to change")
    ATTENDED = "attended", _("Attended")
    ACCEPTABLE_ABSENCE = "acceptable_absence", _("Acceptable absence")
    FAILED_TO_ATTEND = "failed_to_attend", _("Failed to attend")
    CANCELLED = "cancelled", _("Cancelled")


# Still to happen (the person may answer; the practitioner may record an outcome once it has started).
UPCOMING = (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED, AppointmentStatus.CHANGE_ASKED)
OUTCOMES = (AppointmentStatus.ATTENDED, AppointmentStatus.ACCEPTABLE_ABSENCE, AppointmentStatus.FAILED_TO_ATTEND)


class Appointment(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="probation_appointments")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=AppointmentKind.choices)
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED)
    booked_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    change_reason = models.CharField(max_length=500, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.CharField(max_length=1000, blank=True)
    book_key = models.CharField(max_length=80, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["person", "starts_at"], name="appointment_person_start")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.starts_at:%Y-%m-%d %H:%M}"
