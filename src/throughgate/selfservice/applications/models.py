"""Self-service records: departments and their app types per establishment, apps and their history.

An app's status changes only through ``services.app_transition`` (the lifecycle is in ``lifecycle.py``). Its
history is a list of events; comments are events too, either shared with the resident or for staff only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from throughgate.identity.models import Establishment
from throughgate.people.models import Person


class Department(models.Model):
    """A team that answers apps in one establishment (healthcare, property, chaplaincy, finance, ...)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="departments")
    code = models.SlugField(max_length=30)
    name = models.CharField(max_length=100)
    name_cy = models.CharField("name in Welsh", max_length=100, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="departments")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_departments",
        help_text="Overdue apps are escalated to this person.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["establishment", "code"], name="department_code_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_cy if self.name_cy and (get_language() or "").startswith("cy") else self.name


class AppType(models.Model):
    """A kind of app an establishment offers, routed to a department, with a response target in working days."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="app_types")
    code = models.SlugField(max_length=30)
    name = models.CharField(max_length=100)
    name_cy = models.CharField("name in Welsh", max_length=100, blank=True)
    hint = models.CharField(max_length=200, blank=True)
    hint_cy = models.CharField("hint in Welsh", max_length=200, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="app_types")
    response_days = models.PositiveSmallIntegerField(default=5, help_text="Working days to answer.")
    one_pending = models.BooleanField(default=False, help_text="A person may have only one open app of this type.")
    icon = models.CharField(max_length=30, default="list")
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "code"], name="app_type_code_unique"),
            models.CheckConstraint(condition=Q(response_days__gte=1), name="app_type_response_days_positive"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def _welsh(self) -> bool:
        return (get_language() or "").startswith("cy")

    @property
    def display_name(self) -> str:
        return self.name_cy if self.name_cy and self._welsh() else self.name

    @property
    def display_hint(self) -> str:
        return self.hint_cy if self.hint_cy and self._welsh() else self.hint


class AppStatus(models.TextChoices):
    NEW = "NEW", _("New")
    IN_PROGRESS = "IN_PROGRESS", _("In progress")
    APPROVED = "APPROVED", _("Approved")
    DECLINED = "DECLINED", _("Declined")
    REJECTED = "REJECTED", _("Rejected")


OPEN_STATUSES = (AppStatus.NEW, AppStatus.IN_PROGRESS)
DECISIONS = (AppStatus.APPROVED, AppStatus.DECLINED, AppStatus.REJECTED)


class App(models.Model):
    """A request from a person in prison to staff."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="apps")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="apps")
    app_type = models.ForeignKey(AppType, on_delete=models.PROTECT, related_name="apps")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="apps")
    status = models.CharField(max_length=12, choices=AppStatus.choices, default=AppStatus.NEW)
    body = models.TextField(max_length=2000)
    reply = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(help_text="Answer by this date (working days from submission).")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_apps"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="escalated_apps"
    )
    # Copied from the type when the app is raised, so the database can enforce "one open app of this type".
    one_pending = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=80)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "idempotency_key"], name="app_idempotency_key_unique"),
            models.UniqueConstraint(
                fields=["person", "app_type"],
                condition=Q(one_pending=True, status__in=["NEW", "IN_PROGRESS"]),
                name="app_one_pending_per_type",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["APPROVED", "DECLINED", "REJECTED"], decided_at__isnull=False)
                | Q(status__in=["NEW", "IN_PROGRESS"], decided_at__isnull=True),
                name="app_decided_iff_decision",
            ),
        ]
        indexes = [
            models.Index(fields=["establishment", "department", "status", "due_on"], name="app_queue"),
            models.Index(fields=["person", "submitted_at"], name="app_person_time"),
        ]

    def __str__(self) -> str:
        return f"App {self.pk} ({self.person_id}, {self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return self.is_open and day > self.due_on  # type: ignore[operator]

    @property
    def reference(self) -> str:
        return f"APP-{self.pk:06d}"


class AppEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Sent")
    STARTED = "started", _("Started")
    FORWARDED = "forwarded", _("Passed to another department")
    ASSIGNED = "assigned", _("Assigned")
    COMMENTED = "commented", _("Comment")
    DECIDED = "decided", _("Answered")
    ESCALATED = "escalated", _("Overdue: sent to the department lead")


class AppEvent(models.Model):
    """One step in an app's history. ``shared`` events are shown to the resident; the others only to staff."""

    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=12, choices=AppEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    from_status = models.CharField(max_length=12, choices=AppStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=AppStatus.choices, blank=True)
    from_department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField(blank=True, max_length=2000)
    shared = models.BooleanField(default=False, help_text="Shown to the person who raised the app.")
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.app_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
