"""Periodic jobs of the probation app, run by `throughgate worker` on the schedule in config/schedule.py."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from throughgate.probation.checkins import services as checkins


def create_checkins(*, slot: datetime) -> dict[str, int]:
    """Check-ins that fall due today (safe to repeat: one per person and day)."""
    return {"created": checkins.checkins_create(today=timezone.localdate(slot))}


def expire_checkins(*, slot: datetime) -> dict[str, int]:
    """Check-ins past their grace period become missed, each a task for the practitioner (safe to repeat)."""
    return {"expired": checkins.checkins_expire(today=timezone.localdate(slot))}
