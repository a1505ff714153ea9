"""The resettlement passport: one record from the first week in custody to the end of the licence. Seven pathways
with a status each, assessments whose questions are versioned data, and a to-do list."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from throughgate.people.models import Person


class Pathway(models.TextChoices):
    ACCOMMODATION = "accommodation", _("Accommodation")
    ATTITUDES = "attitudes", _("Attitudes, thinking and behaviour")
    FAMILY = "family", _("Children, families and communities")
    DRUGS_ALCOHOL = "drugs_alcohol", _("Drugs and alcohol")
    EDUCATION_WORK = "education_work", _("Education, skills and work")
    FINANCE_ID = "finance_id", _("Finance and ID")
    HEALTH = "health", _("Health")


class PathwayStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    SUPPORT_REQUIRED = "support_required", _("Support required")
    SUPPORT_NOT_REQUIRED = "support_not_required", _("Support not required")
    SUPPORT_DECLINED = "support_declined", _("Support declined")
    DONE = "done", _("Done")


# The same pathways and statuses in the plain words a resident reads on a kiosk or a phone.
PLAIN_PATHWAYS = {
    Pathway.ACCOMMODATION: _("Somewhere to live"),
    Pathway.ATTITUDES: _("How you think and act"),
    Pathway.FAMILY: _("Family and friends"),
    Pathway.DRUGS_ALCOHOL: _("Drugs and drink"),
    Pathway.EDUCATION_WORK: _("Learning and work"),
    Pathway.FINANCE_ID: _("Money and ID"),
    Pathway.HEALTH: _("Health"),
}
PLAIN_STATUSES = {
    PathwayStatus.NOT_STARTED: _("Not started"),
    PathwayStatus.IN_PROGRESS: _("We are on it"),
    PathwayStatus.SUPPORT_REQUIRED: _("Help needed"),
    PathwayStatus.SUPPORT_NOT_REQUIRED: _("No help needed"),
    PathwayStatus.SUPPORT_DECLINED: _("You said no to help"),
    PathwayStatus.DONE: _("Done"),
}

# A pathway in one of these states still needs someone to act (the caseload sorts on it).
OPEN_STATUSES = (PathwayStatus.NOT_STARTED, PathwayStatus.IN_PROGRESS, PathwayStatus.SUPPORT_REQUIRED)


class Passport(models.Model):
    """A person's resettlement passport. It belongs to the person, not to a prison: it goes with them on release."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="resettlement_passport")
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.CharField(max_length=150)

    def __str__(self) -> str:
        return f"Passport {self.person_id}"


class PathwayState(models.Model):
    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="pathways")
    pathway = models.CharField(max_length=20, choices=Pathway.choices)
    status = models.CharField(max_length=20, choices=PathwayStatus.choices, default=PathwayStatus.NOT_STARTED)
    note = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["passport", "pathway"], name="one_state_per_pathway")]

    def __str__(self) -> str:
        return f"{self.pathway}: {self.status}"

    @property
    def plain_pathway(self) -> str:
        return str(PLAIN_PATHWAYS.get(Pathway(self.pathway), self.pathway))

    @property
    def plain_status(self) -> str:
        return str(PLAIN_STATUSES.get(PathwayStatus(self.status), self.status))


class AssessmentKind(models.TextChoices):
    IMMEDIATE_NEEDS = "immediate_needs", _("Immediate needs")
    PRE_RELEASE = "pre_release", _("Pre-release")


class QuestionSet(models.Model):
    """One version of an assessment's questions, as data (see passport/question_sets.py). A published version is
    never changed: a new version is a new row, and each assessment keeps the version it was asked with."""

    kind = models.CharField(max_length=20, choices=AssessmentKind.choices)
    version = models.PositiveSmallIntegerField()
    questions = models.JSONField()
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="one_question_set_version")]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class Assessment(models.Model):
    """An assessment of a passport: the person answers the self-reported questions once (on a kiosk); staff see
    those answers, add theirs and complete it."""

    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=20, choices=AssessmentKind.choices)
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="+")
    self_answers = models.JSONField(default=dict, blank=True)
    self_answered_at = models.DateTimeField(null=True, blank=True)
    staff_answers = models.JSONField(default=dict, blank=True)
    staff_notes = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["passport", "kind"], name="one_assessment_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.passport_id})"


class TodoItem(models.Model):
    """One thing to do before or after release, seen by the person and by staff."""

    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="todos")
    text = models.CharField(max_length=200)
    pathway = models.CharField(max_length=20, choices=Pathway.choices, blank=True)
    due_on = models.DateField(null=True, blank=True)
    added_by = models.CharField(max_length=150)
    added_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.CharField(max_length=150, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["done_at", "due_on", "pk"]

    def __str__(self) -> str:
        return self.text
