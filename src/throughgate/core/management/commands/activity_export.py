"""Export the activity stream as JSON Lines: `throughgate activity_export --out FILE.jsonl [--person X] [--since D]`."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date

from throughgate.core import activity, audit
from throughgate.core.models import ActivityEvent


class Command(BaseCommand):
    help = "Write activity events as JSON Lines (one event per line), oldest first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default="-", help="File to write, or - for standard output (the default).")
        parser.add_argument("--person", default="", help="Only this person's events (prison number or CRN).")
        parser.add_argument("--since", default="", help="Only events on or after this date (YYYY-MM-DD).")
        parser.add_argument("--kind", action="append", default=[], help="Only these kinds (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        events = ActivityEvent.objects.order_by("occurred_at", "id")
        if options["person"]:
            events = events.filter(person=options["person"].strip().upper())
        if options["since"]:
            since = parse_date(options["since"])
            if since is None:
                raise CommandError("--since must be a date like 2026-03-01")
            events = events.filter(
                occurred_at__gte=datetime.combine(since, time.min, tzinfo=timezone.get_current_timezone())
            )
        unknown = [kind for kind in options["kind"] if kind not in activity.KINDS]
        if unknown:
            raise CommandError(f"Unknown kinds: {', '.join(unknown)}")
        if options["kind"]:
            events = events.filter(kind__in=options["kind"])
        target = options["out"]
        with nullcontext(sys.stdout) if target == "-" else open(target, "w", encoding="utf-8") as out:
            count = activity.export_jsonl(events.iterator(chunk_size=5000), out)
        audit.record(
            action=audit.ACTIVITY_EXPORTED,
            detail={"count": count, "person": options["person"], "since": options["since"], "kinds": options["kind"]},
        )
        if target != "-":
            self.stderr.write(f"Exported {count} events to {target}")
