"""The skills passport: the service's signing keys (kept encrypted, never retired from publication) and the Open
Badges 3.0 credentials issued to people, each with its place in the revocation status list."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from throughgate.identity.models import Establishment
from throughgate.learning.courses.models import Enrolment
from throughgate.people.models import Person

__all__ = ["Credential", "CredentialKind", "IssuerKey"]


class IssuerKey(models.Model):
    """An Ed25519 key the service signs credentials with. The private half is stored encrypted (see passport/keys.py);
    a retired key signs nothing new but stays published, so what it signed stays verifiable."""

    kid = models.CharField(max_length=40, unique=True)
    public_jwk = models.JSONField()
    private_key = models.TextField(help_text="The private key, encrypted (Fernet).")
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.kid


class CredentialKind(models.TextChoices):
    COMPLETION = "COMPLETION", _("Course completed")
    QUALIFICATION = "QUALIFICATION", _("Qualification gained")


class Credential(models.Model):
    """One signed OpenBadgeCredential (VC-JWT) issued to a person. ``token`` is exactly what was signed and handed
    out; the rest are copies for lists and the revocation status."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="credentials")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=13, choices=CredentialKind.choices)
    name = models.CharField(max_length=200)
    subject_id = models.CharField(max_length=60, help_text="The person's pseudonymous id in their credentials.")
    token = models.TextField(help_text="The compact JWS (VC-JWT) as issued.")
    kid = models.CharField(max_length=40)
    status_index = models.PositiveIntegerField(unique=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "kind"], condition=Q(enrolment__isnull=False), name="credential_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
