"""Send every overdue open app to its department's lead. Run once a day (cron or the task worker)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from throughgate.selfservice import services


class Command(BaseCommand):
    help = "Escalate overdue apps to their department's lead (each app once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="Pretend today is this date.")

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.apps_escalate_overdue(today=options["today"])
        self.stdout.write(f"{count} overdue app(s) escalated")
