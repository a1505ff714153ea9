"""Build the synthetic demo estate: `throughgate demo_estate --prisons 3 --people 1500 --days 90 --seed 1`.

Deterministic for a seed and an end date (see throughgate.demo.estate). Refuses a database that already holds people
unless --reset is given, and refuses to run in production at all: the demo's passwords, PIN and authenticator
secrets are printed or derivable from the seed.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, transaction
from django.utils import timezone

from throughgate.demo import estate as demo
from throughgate.demo import steps


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--end-date must be a date like 2026-03-31, not {value!r}") from exc


class Command(BaseCommand):
    help = "Create a deterministic synthetic estate: prisons, cells, people, staff, kiosks and activity events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--prisons", type=int, default=3, help="Number of establishments (default 3).")
        parser.add_argument("--people", type=int, default=1500, help="People in custody (default 1500).")
        parser.add_argument("--days", type=int, default=90, help="Days of activity events (default 90).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: same seed, same estate (default 1).")
        parser.add_argument(
            "--end-date",
            default="",
            help="Last day of the activity window, YYYY-MM-DD (default: today, when events after this moment are "
            "left out). Same seed and same past end date, same estate.",
        )
        parser.add_argument(
            "--reset", action="store_true", help="Delete existing people, users and establishments first."
        )
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="Where the site runs, for the printed links."
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not show progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_estate refuses to run in production: its passwords and codes are public.")
        end_date = _date(options["end_date"]) if options["end_date"] else timezone.localdate()
        demo_options = demo.DemoOptions(
            prisons=options["prisons"],
            people=options["people"],
            days=options["days"],
            seed=options["seed"],
            end_date=end_date,
            not_after=timezone.now() if end_date >= timezone.localdate() else None,
        )
        if demo.database_has_estate():
            if not options["reset"]:
                raise CommandError(
                    "This database already has people or establishments. Use a fresh database file "
                    "(e.g. DATABASE_URL=sqlite:///$PWD/var/demo.sqlite3) or add --reset to delete them first."
                )
            try:
                with transaction.atomic():
                    deleted: dict[str, int] = {}
                    for reset in steps.resets():
                        deleted.update(reset())
                    deleted.update(demo.reset_estate())
            except (demo.DemoError, DatabaseError) as exc:
                raise CommandError(f"Could not reset ({exc}). Use a fresh database file.") from exc
            self.stdout.write(
                "Reset: deleted "
                + ", ".join(f"{n} {label}" for label, n in deleted.items() if n)
                + ". Audit and activity rows are append-only and were kept; events with the same keys are skipped."
            )
        progress = not options["no_progress"]
        started = time.monotonic()
        try:
            estate = demo.generate(demo_options, progress=progress)
            result = demo.save(estate, progress=progress, base_url=options["base_url"].rstrip("/"))
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from exc
        for name, step in steps.ordered():
            self.stdout.write(f"Adding {name} to the estate")
            result.counts.update(step(seed=options["seed"], say=self.stdout.write))
        elapsed = time.monotonic() - started
        self._report(demo_options, result, elapsed)

    def _report(self, options: demo.DemoOptions, result: demo.DemoResult, elapsed: float) -> None:
        out = self.stdout
        out.write(
            self.style.SUCCESS(
                f"Demo estate built in {elapsed:.1f} s (seed {options.seed}, "
                f"activity {options.start_date:%d %b %Y} to {options.end_date:%d %b %Y})."
            )
        )
        width = max(len(label) for label in [*result.counts, "planted routine changes"])
        for label, count in result.counts.items():
            out.write(f"  {label:<{width}}  {count:>9,}")
        out.write(
            f"  {'planted routine changes':<{width}}  {result.planted:>9,}  (a drop before self-harm)\n"
            f"  {'decoy routine changes':<{width}}  {result.decoys:>9,}  (a drop, no self-harm)"
        )
        if result.events_already_stored:
            out.write(
                self.style.WARNING(
                    f"  {result.events_already_stored:,} of these events were already stored by an earlier run with "
                    "the same keys and were kept as they were (activity is append-only). For a clean demo, use a "
                    "fresh database file."
                )
            )
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Staff sign-in (password, then a 6-digit code)"))
        out.write(f"  Password for every account below: {demo.DEMO_PASSWORD}")
        out.write(
            "  Code: uv run throughgate totp_code USERNAME   (the demo's authenticator secrets come from the seed)"
        )
        rows = [("Role", "Username", "Prison")] + [(name, user, place) for name, user, place in result.logins]
        name_width = max(len(row[0]) for row in rows)
        user_width = max(len(row[1]) for row in rows)
        for name, user, place in rows:
            out.write(f"  {name:<{name_width}}  {user:<{user_width}}  {place}")
        out.write("  (partner.demo signs in with the API token below, not a password)")
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Kiosks: open each link once, on the kiosk (one use, 24 hours)"))
        for code, url in result.kiosk_codes.items():
            out.write(f"  {code}  {url}")
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Residents: sign in on a kiosk of their own prison"))
        for number, place in result.sample_residents:
            out.write(f"  {number} at {place}, PIN {demo.DEMO_PIN}")
        out.write(f"  (every demo resident's PIN is {demo.DEMO_PIN})")
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Partner API token (shown once)"))
        out.write(f"  {result.partner_token}")
