"""How a person on probation signs in: a one-time code sent to their phone or email."""

from __future__ import annotations

from django.db import models
from django_otp.models import SideChannelDevice


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "Email"


class SignInContact(SideChannelDevice):
    """A django-otp device: the phone number or email address a person on probation gets their sign-in codes at.
    A session that signed in with its code is a verified session, like a member of staff's after their second step.
    """

    channel = models.CharField(max_length=5, choices=Channel.choices)
    address = models.CharField(max_length=254, help_text="A mobile number (07...) or an email address, normalised.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "address"], name="one_person_per_contact")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address}"
