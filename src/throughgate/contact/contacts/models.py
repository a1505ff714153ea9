"""Approved contacts: the people a resident may visit, call and write to, each checked by security, and the
restrictions on a resident's contact (a named person, children, closed visits only)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from throughgate.identity.models import Establishment
from throughgate.people.models import Person

CHILD_AGE = 18


class ContactKind(models.TextChoices):
    SOCIAL = "social", _("Family or friend")
    OFFICIAL = "official", _("Official (solicitor, probation, support worker)")


class Relationship(models.TextChoices):
    PARTNER = "partner", _("Partner, wife or husband")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Son or daughter")
    SIBLING = "sibling", _("Brother or sister")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER_FAMILY = "other_family", _("Other family")
    FRIEND = "friend", _("Friend")
    SOLICITOR = "solicitor", _("Solicitor")
    PROBATION = "probation", _("Probation officer")
    SUPPORT = "support", _("Support worker")


class ContactStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for a check")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    REMOVED = "removed", _("Removed")


class Contact(models.Model):
    """A person a resident asked to keep in touch with. Only an approved contact may visit, call or write."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ContactKind.choices, default=ContactKind.SOCIAL)
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ContactStatus.choices, default=ContactStatus.REQUESTED)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why it was refused or removed: the resident sees it.")
    idempotency_key = models.CharField(max_length=64)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "idempotency_key"], name="contact_once_per_key"),
            models.CheckConstraint(
                condition=~Q(status__in=["refused", "removed"]) | ~Q(reason=""), name="contact_refusal_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["establishment", "status"]), models.Index(fields=["email"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_approved(self) -> bool:
        return self.status == ContactStatus.APPROVED

    def is_child_on(self, day: dt.date) -> bool:
        """Under 18 on ``day`` (a contact without a date of birth is taken as an adult)."""
        if self.date_of_birth is None:
            return False
        born = self.date_of_birth
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        return age < CHILD_AGE


class RestrictionKind(models.TextChoices):
    NO_CONTACT = "no_contact", _("No contact with a named person")
    CHILD_CONTACT = "child_contact", _("No contact with children (public protection)")
    CLOSED_VISITS = "closed_visits", _("Closed visits only")


class Restriction(models.Model):
    """A limit on a resident's contact, from a date until a date (or until it is ended). Enforced by every part of
    the contact app: approving a contact, booking a visit, and the family site."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_restrictions")
    kind = models.CharField(max_length=16, choices=RestrictionKind.choices)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="restrictions")
    named_person = models.CharField(
        max_length=120, blank=True, help_text="For no contact: the person's name, when they are not a contact yet."
    )
    reason = models.TextField()
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="no_contact") | Q(contact__isnull=False) | ~Q(named_person=""),
                name="restriction_no_contact_names_someone",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="restriction_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"

    def in_force_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
