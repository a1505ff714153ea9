"""Secure messages (email-a-prisoner): a family member with an approved contact writes to a resident; moderation
rules hold a message that matches a flagged word or pattern until security releases or refuses it; the resident
reads released messages and replies, and the reply is emailed to the family member."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from throughgate.contact.contacts.models import Contact
from throughgate.identity.models import Establishment
from throughgate.people.models import Person


class ModerationRule(models.Model):
    """A word or phrase (or a regular expression) that holds a message for security."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="+")
    pattern = models.CharField(max_length=200)
    is_regex = models.BooleanField(default=False)
    reason = models.CharField(max_length=200, help_text="Why it holds a message (staff read it).")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["pattern", "pk"]

    def __str__(self) -> str:
        return self.pattern


class Direction(models.TextChoices):
    IN = "in", _("From family")
    OUT = "out", _("Reply from the person in prison")


class MessageStatus(models.TextChoices):
    HELD = "held", _("Held for a check")
    RELEASED = "released", _("Delivered")
    REFUSED = "refused", _("Not delivered")


class Message(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="messages")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=MessageStatus.choices)
    held_because = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    idempotency_key = models.CharField(max_length=90, unique=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.TextField(blank=True, help_text="The sender reads it.")
    read_at = models.DateTimeField(null=True, blank=True)
    reply_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies")

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""), name="message_refusal_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["person", "status"]), models.Index(fields=["status", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.direction} {self.status}"
