"""``throughgate link``: the record-linkage command contract (see docs/sharing.md).

    throughgate link --left LEFT.csv --right RIGHT.csv --out PAIRS.csv [--engine duckdb]
    throughgate link --dedupe FILE.csv --out PAIRS.csv

Writes ``left_id,right_id,match_probability``, one line per pair decided to be a match. Bad input rows are reported
on standard error with their line number and skipped; a file that cannot be used at all stops the command.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from throughgate.sharing.linkage import engine, records

_STEPS = ("reading", "estimating the prior", "estimating u", "estimating m", "scoring pairs", "writing")


def _probability(value: str) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a number between 0 and 1") from exc
    if not 0.0 < number < 1.0:
        raise CommandError(f"{value!r} is not a number between 0 and 1")
    return number


class Command(BaseCommand):
    help = "Link two people CSVs (or deduplicate one) with a probabilistic model; write the matched pairs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--left", type=Path, help="the first CSV of people")
        parser.add_argument("--right", type=Path, help="the second CSV of people")
        parser.add_argument("--dedupe", type=Path, help="one CSV to find duplicates within (instead of --left/--right)")
        parser.add_argument("--out", type=Path, required=True, help="where to write left_id,right_id,match_probability")
        parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
        parser.add_argument(
            "--threshold",
            type=str,
            default=str(engine.MATCH_THRESHOLD),
            help=f"lowest match probability written (default {engine.MATCH_THRESHOLD})",
        )
        parser.add_argument("--model-out", type=Path, help="also write the trained model (Splink JSON) here")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")

    def handle(self, *args: Any, **options: Any) -> None:
        left, right, dedupe = options["left"], options["right"], options["dedupe"]
        if dedupe and (left or right):
            raise CommandError("give either --dedupe FILE or --left and --right, not both")
        if not dedupe and not (left and right):
            raise CommandError("give --left and --right (or --dedupe FILE)")
        if options["engine"] == "spark":
            raise CommandError("the spark engine is not installed on this machine (no Java); use --engine duckdb")
        threshold = _probability(options["threshold"])
        bar = _progress(disabled=options["no_progress"] or not sys.stderr.isatty())
        try:
            bar.set_description("reading")
            if dedupe:
                first = self._read(dedupe)
                second = None
            else:
                first = self._read(left)
                second = self._read(right)
            if len(first.frame) < 2 or (second is not None and len(second.frame) < 1):
                raise CommandError("there are too few good rows to link")
            bar.update(1)

            def step(message: str) -> None:
                bar.set_description(message)
                bar.update(1)

            outcome = engine.link(first, second, floor=threshold, step=step)
            bar.set_description("writing")
            matches = outcome.matches(threshold)
            _write(options["out"], matches)
            if options["model_out"]:
                options["model_out"].write_text(json.dumps(outcome.model, indent=2), encoding="utf-8")
            bar.update(1)
        finally:
            bar.close()
        self.stderr.write(f"{len(matches)} matched pairs written to {options['out']}")

    def _read(self, path: Path) -> records.PeopleTable:
        try:
            table = records.read_people(path)
        except records.InputError as exc:
            raise CommandError(str(exc)) from exc
        for bad in table.bad_rows:
            self.stderr.write(f"{path}: {bad}, skipped")
        return table


def _progress(*, disabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=len(_STEPS), disable=disabled, file=sys.stderr, unit="step", leave=False)


def _write(path: Path, matches: Any) -> None:
    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["left_id", "right_id", "match_probability"])
            for row in matches.itertuples(index=False):
                writer.writerow([row.left_id, row.right_id, f"{row.match_probability:.6f}"])
    except OSError as exc:
        raise CommandError(f"{path}: cannot be written ({exc.strerror})") from exc
