"""How a person on probation signs in: a one-time code sent to their phone or email."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_otp.models import SideChannelDevice

from throughgate.identity.models import User


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "Email"


class SignInContact(SideChannelDevice):  # type: ignore[misc]  # django-otp has no type hints
    """A django-otp device: the phone number or email address a person on probation gets their sign-in codes at.
    A session that signed in with its code is a verified session, like a member of staff's after their second step.
    """

    channel: models.CharField[str, str] = models.CharField(max_length=5, choices=Channel.choices)
    address: models.CharField[str, str] = models.CharField(
        max_length=254, help_text="A mobile number (07...) or an email address, normalised."
    )
    # No reverse accessor on the user: the identity app knows nothing of probation's devices.
    user: models.ForeignKey[User, User] = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "address"], name="one_person_per_contact")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address}"
