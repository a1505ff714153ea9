"""Docs generated from the code (roles table, event kinds): a block between two marker comments in a Markdown file,
printed, written (--write) or checked (--check) by a management command."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def current_block(text: str, start: str, end: str) -> str | None:
    """The generated block in a doc's text, markers included; None when the markers are missing."""
    first, last = text.find(start), text.find(end)
    if first == -1 or last == -1 or last < first:
        return None
    return text[first : last + len(end)]


class GeneratedDocCommand(BaseCommand):
    """Print the block; with --write replace it in ``doc``; with --check fail when the doc is out of date."""

    doc: Path
    start: str
    end: str
    command_name: str
    generate: Callable[[], str]

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--write", action="store_true", help=f"Update {self.doc.name} between its markers.")
        mode.add_argument("--check", action="store_true", help=f"Exit 1 if {self.doc.name} is out of date.")

    def handle(self, *args: Any, **options: Any) -> None:
        block = type(self).generate()
        if not (options["write"] or options["check"]):
            self.stdout.write(block)
            return
        text = self.doc.read_text(encoding="utf-8")
        existing = current_block(text, self.start, self.end)
        if existing is None:
            raise CommandError(f"{self.doc} has no marker comments: add the lines\n{self.start}\n{self.end}")
        if options["check"]:
            if existing != block:
                raise CommandError(f"{self.doc} is out of date: run `uv run throughgate {self.command_name} --write`")
            return
        self.doc.write_text(text.replace(existing, block), encoding="utf-8")
        self.stderr.write(f"Updated {self.doc}")
