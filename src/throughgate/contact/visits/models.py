"""Visits: session templates per establishment (room, weekday, times, open and closed capacity, dates, who may use
them), the monthly allowance per incentive level, and bookings (BOOKED -> CANCELLED, or an outcome recorded in the
visits hall). A booking is for one ``channel``: in person today; a video call will book the same way."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from throughgate.contact.contacts.models import Contact
from throughgate.identity.models import Establishment
from throughgate.people.models import IncentiveLevel, Person


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("Visit in person")


class VisitSession(models.Model):
    """A weekly visiting session: the same room, day and times each week between two dates."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.IN_PERSON)
    room = models.CharField(max_length=60)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    open_capacity = models.PositiveSmallIntegerField(help_text="Tables for open visits.")
    closed_capacity = models.PositiveSmallIntegerField(default=0, help_text="Booths for closed visits.")
    max_adults = models.PositiveSmallIntegerField(default=3)
    max_children = models.PositiveSmallIntegerField(default=3)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    wings = models.JSONField(default=list, blank=True, help_text="Wing codes that may book it; empty: every wing.")
    incentive_levels = models.JSONField(default=list, blank=True, help_text="Levels that may book it; empty: all.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["weekday", "starts_at", "room"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="visit_session_ends_after"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="visit_session_valid_dates",
            ),
            models.CheckConstraint(condition=Q(max_adults__gte=1), name="visit_session_one_adult"),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class VisitAllowance(models.Model):
    """How many social visits a month people on an incentive level may book in an establishment."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="+")
    incentive_level = models.CharField(max_length=10, choices=IncentiveLevel.choices)
    visits_per_month = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["establishment", "incentive_level"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "incentive_level"], name="one_visit_allowance_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id} {self.incentive_level}: {self.visits_per_month}"


class VisitSlot(models.Model):
    """One session on one date. Booking locks this row, so two families racing for the last table take turns."""

    session = models.ForeignKey(VisitSession, on_delete=models.PROTECT, related_name="slots")
    date = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "date"], name="one_slot_per_session_date")]

    def __str__(self) -> str:
        return f"{self.session_id} {self.date}"


class VisitKind(models.TextChoices):
    OPEN = "open", _("Open visit")
    CLOSED = "closed", _("Closed visit (through a screen)")


class VisitStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Outcome recorded")


class CancelReason(models.TextChoices):
    VISITOR = "visitor", _("The visitor cancelled")
    PRISONER = "prisoner", _("The person in prison cancelled")
    ESTABLISHMENT = "establishment", _("The prison cancelled (staffing, lockdown)")
    TRANSFERRED = "transferred", _("The person moved to another prison or was released")
    ADMINISTRATIVE = "administrative", _("Booked by mistake")


class VisitOutcome(models.TextChoices):
    ATTENDED = "attended", _("The visit took place")
    VISITOR_DID_NOT_ARRIVE = "visitor_no_show", _("The visitor did not arrive")
    PRISONER_REFUSED = "prisoner_refused", _("The person in prison refused the visit")
    VISITOR_REFUSED_ENTRY = "visitor_refused_entry", _("The visitor was refused entry")
    ENDED_EARLY = "ended_early", _("The visit was ended early (behaviour)")
    PRISONER_UNWELL = "prisoner_unwell", _("The person in prison was unwell")


# Outcomes in which the visit happened (an attended visit for AIM); the others count as cancelled.
VISIT_HAPPENED = frozenset({VisitOutcome.ATTENDED, VisitOutcome.ENDED_EARLY})


class BookedVia(models.TextChoices):
    FAMILY = "family", _("Family site")
    STAFF = "staff", _("Staff")


class Visit(models.Model):
    """A booked visit: one resident, one slot, named approved visitors."""

    slot = models.ForeignKey(VisitSlot, on_delete=models.PROTECT, related_name="visits")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(max_length=8, choices=VisitKind.choices, default=VisitKind.OPEN)
    status = models.CharField(max_length=10, choices=VisitStatus.choices, default=VisitStatus.BOOKED)
    visitors = models.ManyToManyField(Contact, related_name="visits")
    booked_at = models.DateTimeField()
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    booked_via = models.CharField(max_length=8, choices=BookedVia.choices)
    idempotency_key = models.CharField(max_length=90, unique=True)  # "<user id>:<key>"
    cancel_reason = models.CharField(max_length=16, choices=CancelReason.choices, blank=True)
    cancel_note = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    arrived_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=24, choices=VisitOutcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["slot__date", "slot__session__starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="visit_cancelled_has_reason"
            ),
            models.CheckConstraint(condition=~Q(status="completed") | ~Q(outcome=""), name="visit_outcome_recorded"),
        ]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.slot_id} {self.status}"
