"""Retire the key skills passport badges are signed with and make a new one. Badges signed with the old key still
verify: it stays published in the JWKS and at its own address."""

from typing import Any

from django.core.management.base import BaseCommand

from throughgate.learning.passport.services import issuer_key_rotate


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        key = issuer_key_rotate()
        self.stdout.write(f"New signing key {key.kid}; earlier keys are retired and still published.")
