"""``throughgate audit <subcommand>``: the audit log's hash chain.

verify   walk the chain from its first row and name the first broken row (changed or deleted); with --head FILE
         (a head the daily job ``core.audit_head`` wrote) also check that head is still in the chain, so a log cut
         short is found. Exits 1 when the chain is broken.
head     print the chain head (id, seq, hash, time) as JSON
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from throughgate.core import audit


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Check the audit log's hash chain")
        verify.add_argument("--head", type=Path, help="A chain head written out earlier (JSON)")
        sub.add_parser("head", help="Print the chain head as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "head":
            head = audit.chain_head()
            self.stdout.write(json.dumps(head.to_json() if head else None))
            return
        saved = None
        if options["head"] is not None:
            try:
                saved = json.loads(options["head"].read_text())
                int(saved["seq"]), int(saved["id"]), str(saved["hash"])
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise CommandError(f"Cannot read the chain head {options['head']}: {exc}") from exc
        verdict = audit.chain_verify(saved_head=saved)
        if verdict.broken is not None:
            raise CommandError(f"Audit chain BROKEN at {verdict.broken} ({verdict.checked} rows read)", returncode=1)
        head = verdict.head
        where = f"head: id {head.id}, seq {head.seq}, {head.hash}" if head else "the log is empty"
        saved_note = f"; the saved head (seq {saved['seq']}) is still in it" if saved else ""
        self.stdout.write(f"Audit chain intact: {verdict.checked} rows, {where}{saved_note}")
