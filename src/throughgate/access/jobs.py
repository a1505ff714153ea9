"""Periodic jobs of the access app, run by `throughgate worker` on the schedule in config/schedule.py."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from throughgate.access import services


def flush_usage(*, slot: datetime) -> dict[str, int]:
    """Turn finished hours of internet decisions into activity events (each hour once)."""
    return {"events": services.usage_emit_finished(now=timezone.now())}
