"""Make the dated sessions of every weekly schedule up to four weeks ahead: `throughgate timetable_sessions`.

Run it daily (sessions already made are left alone), so registers and the residents' week view always have the next
weeks' sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from throughgate.selfservice.timetable.services import HORIZON_DAYS, sessions_generate


class Command(BaseCommand):
    help = "Make the dated sessions of every weekly activity schedule up to four weeks ahead."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=HORIZON_DAYS, help="How many days ahead (default 28).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        made = sessions_generate(start=today, end=today + timedelta(days=max(0, options["days"])))
        self.stdout.write(f"{made} sessions made.")
