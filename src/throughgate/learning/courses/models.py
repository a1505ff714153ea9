"""Courses and pathways: a catalogue per establishment, people's places on courses (asked for, given, completed),
and the initial English and maths assessments education staff record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from throughgate.identity.models import Establishment
from throughgate.people.models import Person

__all__ = ["Assessment", "Course", "CourseArea", "CourseMode", "Enrolment", "EnrolmentStatus", "Level", "Subject"]


def _welsh() -> bool:
    return (get_language() or "").startswith("cy")


class CourseArea(models.TextChoices):
    ENGLISH = "ENGLISH", _("English (functional skills)")
    MATHS = "MATHS", _("Maths (functional skills)")
    DIGITAL = "DIGITAL", _("Digital skills")
    VOCATIONAL = "VOCATIONAL", _("Skills for a job")
    EMPLOYABILITY = "EMPLOYABILITY", _("Getting ready for work")


class Level(models.TextChoices):
    """Levels of the Regulated Qualifications Framework, from Entry 1 to Level 3."""

    E1 = "E1", _("Entry 1")
    E2 = "E2", _("Entry 2")
    E3 = "E3", _("Entry 3")
    L1 = "L1", _("Level 1")
    L2 = "L2", _("Level 2")
    L3 = "L3", _("Level 3")


LEVEL_ORDER = {code: n for n, code in enumerate(Level.values)}


class CourseMode(models.TextChoices):
    CLASSROOM = "CLASSROOM", _("In class")
    IN_CELL = "IN_CELL", _("In your cell (self-study)")


class Course(models.Model):
    """A course in one establishment's catalogue."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="courses")
    code = models.SlugField(max_length=30)
    title = models.CharField(max_length=120)
    title_cy = models.CharField("title in Welsh", max_length=120, blank=True)
    description = models.TextField(blank=True)
    description_cy = models.TextField("description in Welsh", blank=True)
    area = models.CharField(max_length=15, choices=CourseArea.choices)
    level = models.CharField(max_length=2, choices=Level.choices)
    mode = models.CharField(max_length=10, choices=CourseMode.choices, default=CourseMode.CLASSROOM)
    hours = models.PositiveSmallIntegerField(default=30, help_text="Guided learning hours.")
    capacity = models.PositiveSmallIntegerField(default=12, help_text="How many people may be on it at once.")
    qualification = models.CharField(
        max_length=160, blank=True, help_text="The qualification it leads to, if any (blank: a certificate only)."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["area", "level", "title"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "code"], name="course_code_unique"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="course_capacity_positive"),
            models.CheckConstraint(condition=Q(hours__gte=1), name="course_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title_cy if self.title_cy and _welsh() else self.title

    @property
    def display_description(self) -> str:
        return self.description_cy if self.description_cy and _welsh() else self.description


class EnrolmentStatus(models.TextChoices):
    REQUESTED = "REQUESTED", _("On the waiting list")
    ALLOCATED = "ALLOCATED", _("On the course")
    COMPLETED = "COMPLETED", _("Completed")
    WITHDRAWN = "WITHDRAWN", _("Stopped")


OPEN_STATUSES = (EnrolmentStatus.REQUESTED, EnrolmentStatus.ALLOCATED)


class Enrolment(models.Model):
    """One person's place on one course: asked for (the waiting list), given, completed or stopped."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.REQUESTED)
    requested_at = models.DateTimeField(default=timezone.now)
    allocated_at = models.DateTimeField(null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent of the course done.")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    qualification_achieved = models.BooleanField(default=False)
    grade = models.CharField(max_length=40, blank=True)
    ended_reason = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001  (staff-made places have none)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person"],
                condition=Q(status__in=["REQUESTED", "ALLOCATED"]),
                name="enrolment_one_open_per_course",
            ),
            models.UniqueConstraint(fields=["person", "idempotency_key"], name="enrolment_key_unique"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="enrolment_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.course_id} ({self.status})"


class Subject(models.TextChoices):
    ENGLISH = "ENGLISH", _("English")
    MATHS = "MATHS", _("Maths")


class Assessment(models.Model):
    """An initial (or later) assessment of a person's English or maths, at a level from Entry 1 to Level 3."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="learning_assessments")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=7, choices=Subject.choices)
    level = models.CharField(max_length=2, choices=Level.choices)
    assessed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.subject} {self.level}"
