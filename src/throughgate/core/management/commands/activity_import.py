"""Import JSON Lines activity events: `throughgate activity_import FILE.jsonl`. Idempotent by idempotency key."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from throughgate.core import activity, audit


class Command(BaseCommand):
    help = (
        "Store activity events from a JSON Lines file. Invalid lines are reported with their number and reason and "
        "not stored; events already stored (same idempotency key) are skipped. Exits 1 if any line was invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON Lines file, or - for standard input.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        with stream:
            result = activity.import_jsonl(stream)
        problems = result.problems or []
        for problem in problems:
            self.stderr.write(f"line {problem.line}: {problem.reason}")
        audit.record(
            action=audit.ACTIVITY_IMPORTED,
            detail={
                "file": str(path),
                "stored": result.stored,
                "duplicates": result.duplicates,
                "invalid": len(problems),
            },
        )
        self.stdout.write(f"Stored {result.stored}, already present {result.duplicates}, invalid {len(problems)}")
        if problems:
            raise CommandError(f"{len(problems)} invalid line(s) were not stored", returncode=1)
