"""Periodic jobs of the data protection app, run by `throughgate worker` (config/schedule.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from throughgate.dataprotection import services


def apply_retention(*, slot: datetime) -> dict[str, Any]:
    """Remove what is past its retention period on the slot's day (UK time); counts per rule for the jobs page."""
    report = services.retention_apply(today=timezone.localdate(slot))
    return report.as_result()
