"""Periodic job of the insights app, run by `throughgate worker` on the schedule in config/schedule.py."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from throughgate.insights.rollups import services


def roll_up(*, slot: datetime) -> dict[str, int]:
    """Make the figures of every finished day not yet rolled up (safe to repeat: a day is rolled up once)."""
    return services.roll_up_new_days(today=timezone.localdate(slot)).as_dict()
