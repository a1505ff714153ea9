"""Periodic jobs of the self-service app, run by `throughgate worker` on the schedule in config/schedule.py."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from throughgate.selfservice.applications import services
from throughgate.selfservice.complaints import services as complaint_services
from throughgate.selfservice.timetable.services import HORIZON_DAYS, sessions_generate


def escalate_overdue(*, slot: datetime) -> dict[str, int]:
    """Overdue apps to their department's lead and overdue complaints to the governor, each once (safe to repeat)."""
    today = timezone.localdate(slot)
    return {
        "apps": services.apps_escalate_overdue(today=today),
        "complaints": complaint_services.complaints_escalate_overdue(today=today),
    }


def timetable_sessions(*, slot: datetime) -> dict[str, int]:
    """The next four weeks of dated sessions (sessions already made are left alone)."""
    today = timezone.localdate(slot)
    return {"sessions": sessions_generate(start=today, end=today + timedelta(days=HORIZON_DAYS))}
