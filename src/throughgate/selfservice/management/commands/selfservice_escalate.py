"""Send every overdue open app to its department's lead and every overdue complaint to the governor. Run once a day
(cron, or enqueue the task ``throughgate.selfservice.tasks.escalate_overdue`` for the worker with --enqueue)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from throughgate.selfservice.applications import services
from throughgate.selfservice.complaints import services as complaint_services


class Command(BaseCommand):
    help = "Escalate overdue apps to their department's lead and overdue complaints to the governor (each once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="Pretend today is this date.")
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the task for the worker instead of running it here."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from throughgate.selfservice.tasks import escalate_overdue

            result = escalate_overdue.enqueue()
            self.stdout.write(f"Queued escalation task {result.id}")
            return
        apps = services.apps_escalate_overdue(today=options["today"])
        complaints = complaint_services.complaints_escalate_overdue(today=options["today"])
        self.stdout.write(f"{apps} overdue app(s) escalated")
        self.stdout.write(f"{complaints} overdue complaint(s) escalated")
