"""Periodic jobs of the identity app, run by `throughgate worker` on the schedule in config/schedule.py."""

from __future__ import annotations

from datetime import datetime, timedelta

from throughgate.identity.services import sign_in_failures_prune


def prune_sign_in_failures(*, slot: datetime) -> dict[str, int]:
    """Wrong sign-in tries older than a day slow nothing down any more: forget them."""
    return {"forgotten": sign_in_failures_prune(before=slot - timedelta(days=1))}
