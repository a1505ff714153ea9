"""``throughgate aim``: AIM's command contract (ingest, score) and its evaluation and fairness reports.

    throughgate aim ingest FILE.jsonl
    throughgate aim score --as-of 2026-03-01 --out flags.csv
    throughgate aim evaluate [--people 3000] [--days 150] [--seed 7] [--out report.json]
    throughgate aim evaluate --generator independent --people 6000 --seed 1 [--sweep signal_strength=0.6]
    throughgate aim fairness --from 2026-02-01 --to 2026-03-01
    throughgate aim reminders [--on 2026-03-01]

Both contract commands honour DATABASE_URL and migrate a new database first.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date like 2026-03-01") from exc


class Command(BaseCommand):
    help = "AIM welfare alerts: ingest a JSON Lines file, score a day, evaluate, audit fairness."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="Store people and events from a JSON Lines file")
        ingest.add_argument("file", type=Path)
        ingest.add_argument("--no-progress", action="store_true")
        score = sub.add_parser("score", help="Score everyone in custody on a day and write a CSV")
        score.add_argument("--as-of", required=True, type=_day)
        score.add_argument("--out", required=True, type=Path)
        score.add_argument("--no-store", action="store_true", help="write the CSV only")
        evaluate = sub.add_parser("evaluate", help="Generate a synthetic estate, ingest, score, report")
        evaluate.add_argument("--people", type=int, default=3000)
        evaluate.add_argument("--days", type=int, default=150)
        evaluate.add_argument("--seed", type=int, default=7)
        evaluate.add_argument("--out", type=Path, default=None, help="also write the report as JSON here")
        evaluate.add_argument("--jsonl", type=Path, default=None, help="keep the generated JSON Lines file here")
        evaluate.add_argument(
            "--generator",
            choices=("own", "independent"),
            default="own",
            help="the project's estate (through ingest) or the independent one (in memory, 90 + 42 days)",
        )
        evaluate.add_argument(
            "--sweep",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="an independent-estate setting, e.g. signal_strength=0.6 (repeatable)",
        )
        fairness = sub.add_parser("fairness", help="Alert rates (and error rates where outcomes are known) by group")
        fairness.add_argument("--from", dest="start", required=True, type=_day)
        fairness.add_argument("--to", dest="end", required=True, type=_day)
        fairness.add_argument("--boot", type=int, default=200)
        reminders = sub.add_parser("reminders", help="Overdue follow-up reviews per establishment (no names)")
        reminders.add_argument("--on", type=_day, default=None, help="the day to count from (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        getattr(self, f"do_{options['action']}")(**options)

    def do_ingest(self, *, file: Path, no_progress: bool, **_: Any) -> None:
        from throughgate.welfare import pipeline

        if not file.is_file():
            raise CommandError(f"{file} is not a file")

        def report(line: int, reason: str) -> None:
            self.stderr.write(f"line {line}: {reason}")

        result = pipeline.ingest(file, report=report, progress=not no_progress and sys.stderr.isatty())
        self.stdout.write(
            f"{result.lines} lines: {result.people_created} people added, {result.people_updated} updated, "
            f"{result.events_valid} valid events, {result.events_stored} new events stored, "
            f"{result.invalid} invalid lines"
        )
        if result.invalid:
            raise CommandError(f"{result.invalid} invalid lines were not stored (valid lines were)", returncode=1)

    def do_score(self, *, as_of: date, out: Path, no_store: bool, **_: Any) -> None:
        from collections import Counter

        from throughgate.welfare import pipeline

        scored = pipeline.score_day(as_of)
        with out.open("w", encoding="utf-8", newline="") as handle:
            pipeline.write_csv(scored, handle)
        if not no_store:
            pipeline.store_flags(scored)
        counts = Counter(str(c) for c in scored.result.colour)
        self.stdout.write(
            f"{len(scored.people)} people scored for {as_of}: "
            + ", ".join(f"{counts[c]} {c}" for c in ("red", "amber", "green", "insufficient_data"))
        )

    def do_evaluate(
        self,
        *,
        people: int,
        days: int,
        seed: int,
        out: Path | None,
        jsonl: Path | None,
        generator: str,
        sweep: list[str],
        **_: Any,
    ) -> None:
        from throughgate.welfare import evaluation

        if generator == "independent":
            from throughgate.welfare.estates import independent

            settings = {}
            for item in sweep:
                name, _sep, value = item.partition("=")
                if name not in independent.Sweep.__dataclass_fields__ or not value:
                    raise CommandError(f"{item!r}: expected NAME=VALUE with NAME one of the estate's settings")
                try:
                    settings[name] = int(value) if name == "lockdowns" else float(value)
                except ValueError as exc:
                    raise CommandError(f"{item!r}: {value!r} is not a number") from exc
            report = evaluation.run_independent(people=people, seed=seed, sweep=settings)
            self.stdout.write(independent.format_report(report))
            self.stdout.write(evaluation.format_raised_by_place(report["raised_by_establishment"]))
        else:
            report = evaluation.run(people=people, days=days, seed=seed, jsonl=jsonl, progress=sys.stderr.isatty())
            self.stdout.write(evaluation.format_report(report))
        if out is not None:
            out.write_text(json.dumps(report, indent=2, default=str))

    def do_fairness(self, *, start: date, end: date, boot: int, **_: Any) -> None:
        from throughgate.welfare import fairness

        table = fairness.stored_flags_report(start=start, end=end, n_boot=boot)
        self.stdout.write(fairness.format_table(table))

    def do_reminders(self, *, on: date | None, **_: Any) -> None:
        """A daily reminder for each establishment's safer custody team (run from a scheduler): how many follow-up
        reviews are overdue and since when. No names leave the system: staff open the daily list to see them."""
        from django.utils import timezone

        from throughgate.welfare.selectors import overdue_review_counts

        counts = overdue_review_counts(today=on or timezone.localdate())
        if not counts:
            self.stdout.write("No follow-up reviews are overdue.")
        for code, (count, oldest) in counts.items():
            self.stdout.write(f"{code}: {count} follow-up review(s) overdue, the oldest due {oldest.isoformat()}")
