"""Register a kiosk or in-cell device and print its one-time enrolment link:
`throughgate register_device --establishment MDI --name "Kiosk A" --kind kiosk`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from throughgate.identity import services
from throughgate.identity.models import DeviceKind, Establishment, Location


class Command(BaseCommand):
    help = "Register a kiosk or in-cell device; prints the enrolment link (valid once, for 24 hours)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--establishment", required=True, help="Three-letter code, e.g. MDI.")
        parser.add_argument("--name", required=True, help='A name staff recognise, e.g. "Kiosk A".')
        parser.add_argument("--kind", choices=list(DeviceKind.values), default=DeviceKind.KIOSK)
        parser.add_argument("--location", default="", help="Optional location key, e.g. MDI-A or MDI-A-1-003.")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="Where the site runs.")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["establishment"].strip().upper()
        establishment = Establishment.objects.filter(code=code).first()
        if establishment is None:
            raise CommandError(f"No establishment with code {code!r}.")
        location = None
        if options["location"]:
            location = Location.objects.filter(
                key=options["location"].strip().upper(), establishment=establishment
            ).first()
            if location is None:
                raise CommandError(f"No location {options['location']!r} in {code}.")
        name = options["name"].strip()
        if not name:
            raise CommandError("--name must not be empty.")
        issued = services.device_register(
            name=name[:100], kind=options["kind"], establishment=establishment, location=location
        )
        url = f"{options['base_url'].rstrip('/')}/kiosk/enrol/?code={issued.secret}"
        self.stdout.write(f"Registered {name} ({options['kind']}) at {establishment.name}.")
        self.stdout.write("Open this link once, on the device itself, within 24 hours:")
        self.stdout.write(url)
