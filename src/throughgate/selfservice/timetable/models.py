"""Timetable and attendance: activities per establishment, weekly schedules that make dated sessions, allocations of
people to activities, and attendance records with the MoJ attendance codes.

A session's start and end are stored as instants (``starts_at``/``ends_at``) and its length in minutes of real time,
so a session across a clock change lasts what it really lasted; ``date`` is its local (Europe/London) date, which
decides the week it counts in.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from throughgate.identity.models import Establishment
from throughgate.people.models import Person

__all__ = [
    "PURPOSEFUL_CATEGORIES",
    "SLOT_TIMES",
    "Activity",
    "ActivityCategory",
    "ActivitySchedule",
    "ActivitySession",
    "Allocation",
    "AttendanceCode",
    "AttendanceRecord",
    "Slot",
]


def _welsh() -> bool:
    return (get_language() or "").startswith("cy")


class ActivityCategory(models.TextChoices):
    WORK = "WORK", _("Work")
    EDUCATION = "EDUCATION", _("Education")
    GYM = "GYM", _("Gym")
    PROGRAMME = "PROGRAMME", _("Course to change behaviour")
    EXERCISE = "EXERCISE", _("Time outside")
    LIBRARY = "LIBRARY", _("Library")
    FAITH = "FAITH", _("Faith")
    ASSOCIATION = "ASSOCIATION", _("Free time on the wing")


# Purposeful activity: time spent at work, in education, on a programme (an accredited course that addresses
# offending), in the gym (PE) or in the library. Exercise in the open air, association and worship are time out of
# cell, but not purposeful activity. Only sessions the person attended count (see selectors.purposeful_minutes).
PURPOSEFUL_CATEGORIES: frozenset[str] = frozenset(
    {
        ActivityCategory.WORK,
        ActivityCategory.EDUCATION,
        ActivityCategory.PROGRAMME,
        ActivityCategory.GYM,
        ActivityCategory.LIBRARY,
    }
)


class Slot(models.TextChoices):
    AM = "AM", _("Morning")
    PM = "PM", _("Afternoon")
    ED = "ED", _("Evening")
    OTHER = "OTHER", _("Other time")


# The regime's usual times for each slot (local time). A schedule may set its own times instead.
SLOT_TIMES: dict[str, tuple[time, time]] = {
    Slot.AM: (time(8, 30), time(11, 45)),
    Slot.PM: (time(13, 45), time(16, 30)),
    Slot.ED: (time(17, 30), time(19, 30)),
}


class Activity(models.Model):
    """Something people in one establishment are allocated to: a job, a class, the gym, a programme, exercise."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="activities")
    code = models.SlugField(max_length=30)
    name = models.CharField(max_length=100)
    name_cy = models.CharField("name in Welsh", max_length=100, blank=True)
    category = models.CharField(max_length=12, choices=ActivityCategory.choices)
    location = models.CharField(max_length=100, help_text="Where it happens, e.g. Workshop 3.")
    location_cy = models.CharField("location in Welsh", max_length=100, blank=True)
    capacity = models.PositiveSmallIntegerField(default=20, help_text="How many people may be allocated at once.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(fields=["establishment", "code"], name="activity_code_unique"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activity_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_cy if self.name_cy and _welsh() else self.name

    @property
    def display_location(self) -> str:
        return self.location_cy if self.location_cy and _welsh() else self.location

    @property
    def purposeful(self) -> bool:
        return self.category in PURPOSEFUL_CATEGORIES


class ActivitySchedule(models.Model):
    """A weekly session of an activity: a weekday and a slot (or explicit times), from one date, maybe to another.
    ``services.sessions_generate`` turns it into dated sessions."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="schedules")
    weekday = models.PositiveSmallIntegerField(help_text="0 Monday ... 6 Sunday.")
    slot = models.CharField(max_length=5, choices=Slot.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="schedule_weekday_valid"),
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="schedule_ends_after_start"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="schedule_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} day {self.weekday} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class ActivitySession(models.Model):
    """One dated session of an activity, with its register."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    schedule = models.ForeignKey(
        ActivitySchedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    date = models.DateField(help_text="The local date of the session.")
    slot = models.CharField(max_length=5, choices=Slot.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    minutes = models.PositiveIntegerField(help_text="Real minutes from start to end (a clock change counts).")
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at", "activity__name"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="session_once_per_schedule_day"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["date", "activity"], name="session_day"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.date} {self.slot}"


class Allocation(models.Model):
    """A person allocated to an activity from one date, until an end date (or until ended)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="allocations")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="allocations")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    allocated_at = models.DateTimeField(default=timezone.now)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "activity", "starts_on"], name="allocation_once_per_start"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="allocation_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["activity", "starts_on"], name="allocation_activity")]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.activity_id} from {self.starts_on}"

    def covers(self, day: object) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)  # type: ignore[operator]


class AttendanceCode(models.TextChoices):
    """The MoJ attendance outcomes (DOMAIN.md)."""

    ATTENDED = "ATTENDED", _("Attended")
    REFUSED = "REFUSED", _("Refused to attend")
    SICK = "SICK", _("Sick")
    NOT_REQUIRED = "NOT_REQUIRED", _("Not required or excused")
    REST = "REST", _("Rest day")
    CLASH = "CLASH", _("Another activity or appointment at the same time")
    SUSPENDED = "SUSPENDED", _("Suspended")
    CANCELLED = "CANCELLED", _("Session cancelled")
    OTHER = "OTHER", _("Other reason")


class AttendanceRecord(models.Model):
    """The outcome of one session for one allocated person: one row per person and session. Recording the same
    outcome again changes nothing; changing it is a separate, audited step (``version`` counts the changes)."""

    session = models.ForeignKey(ActivitySession, on_delete=models.PROTECT, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")
    code = models.CharField(max_length=12, choices=AttendanceCode.choices)
    paid = models.BooleanField()
    comment = models.TextField(blank=True, max_length=1000)
    incentive_warning = models.BooleanField(default=False, help_text="An incentive warning was given (refusals).")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["session", "person"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attendance_once_per_session"),
            models.CheckConstraint(
                condition=~Q(code__in=["REFUSED", "OTHER"]) | ~Q(comment=""), name="attendance_comment_when_needed"
            ),
        ]
        indexes = [models.Index(fields=["person", "code"], name="attendance_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.session_id} {self.code}"
