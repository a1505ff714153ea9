"""Family-site accounts: a family member signs up with an email address and a password and proves the address with
a code sent to it. The account sees the residents whose approved contacts carry that address, nothing else."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FamilyAccount(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_account")
    email = models.EmailField(unique=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    code_hash = models.CharField(max_length=128, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    wrong_codes = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
