"""`throughgate insights rollup [--rebuild | --from DATE]`: make the daily figures the dashboards read."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from throughgate.insights.rollups import services


class Command(BaseCommand):
    help = "Make the daily figures of the insights dashboards from the activity stream."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rollup = sub.add_parser("rollup", help="Roll up the finished days not yet rolled up.")
        how = rollup.add_mutually_exclusive_group()
        how.add_argument("--rebuild", action="store_true", help="Forget every figure and make them all again.")
        how.add_argument("--from", dest="since", help="Make the figures again from this day (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["rebuild"]:
            result = services.rebuild(today=today)
        elif options["since"]:
            try:
                since = date.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError("--from takes a date such as 2026-03-01") from exc
            result = services.roll_days(since, today - timedelta(days=1))
        else:
            result = services.roll_up_new_days(today=today)
        self.stdout.write(f"{result.days} days, {result.events} events, {result.rows} rows")
