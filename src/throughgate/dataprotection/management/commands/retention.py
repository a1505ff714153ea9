"""``throughgate retention [--dry-run] [--today YYYY-MM-DD]``: apply the retention schedule now, or (dry run) say
what it would remove without changing anything."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from throughgate.dataprotection import services
from throughgate.people.data_protection import retention_rules


class Command(BaseCommand):
    help = "Remove records past their retention period (docs/data-retention.md); --dry-run changes nothing."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; change nothing.")
        parser.add_argument("--today", help="Apply the schedule as on this day (YYYY-MM-DD); default today.")
        parser.add_argument("--schedule", action="store_true", help="Print the schedule and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            for rule in retention_rules():
                self.stdout.write(f"{rule.key}\t{rule.period.days} days after {rule.after}\t{rule.action}")
            return
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today must be YYYY-MM-DD, not {options['today']!r}") from exc
        report = services.retention_apply(today=today, dry_run=options["dry_run"])
        verb = "would remove" if report.dry_run else "removed"
        self.stdout.write(f"Retention on {report.today} ({report.held} people under a legal hold kept):")
        for outcome in report.outcomes:
            counts = ", ".join(f"{label} {n}" for label, n in outcome.counts.items()) or "nothing"
            self.stdout.write(f"  {outcome.key}: {verb} {counts} (before {outcome.cutoff:%Y-%m-%d})")
