"""Print a user's current authenticator code: `throughgate totp_code USERNAME`. A demo convenience only.

Refused in production: there, a code comes only from the person's own authenticator app.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from throughgate.identity.models import User


class Command(BaseCommand):
    help = "Print the current 6-digit TOTP code of a user's confirmed authenticator (not in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("totp_code is a demo convenience and refuses to run in production.")
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user called {options['username']!r}.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(f"{user.username} has no confirmed authenticator.")
        now = int(time.time())
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
        remaining = device.step - (now - device.t0) % device.step
        self.stderr.write(f"valid for about {remaining} more seconds")
