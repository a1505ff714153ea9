"""Internet usage: the Squid helper's decision counts stored per person and hour, and an activity event for each
finished hour."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from throughgate.access import events
from throughgate.access.models import (
    InternetUsage,
    Outcome,
)
from throughgate.core import activity


def usage_record(*, counts: Iterable[dict[str, Any]], now: datetime | None = None) -> int:
    """Add the helper's decision counts ({person, establishment, hour, outcome, category, host, count,
    outside_hours}) to the hourly rows, then emit activity events for the hours that have ended."""
    stored = 0
    for row in counts:
        try:
            person = str(row["person"])[:16]
            outcome = str(row["outcome"])
            hour = datetime.fromisoformat(str(row["hour"]))
            count = int(row["count"])
        except (KeyError, TypeError, ValueError):
            continue
        if not person or outcome not in Outcome.values or count <= 0 or timezone.is_naive(hour):
            continue
        hour = hour.replace(minute=0, second=0, microsecond=0)
        with transaction.atomic():
            usage, _created = InternetUsage.objects.select_for_update().get_or_create(
                person=person,
                hour=hour,
                outcome=outcome,
                category=str(row.get("category", ""))[:20],
                defaults={"establishment": str(row.get("establishment", ""))[:3]},
            )
            usage.count += count
            usage.outside_hours += int(row.get("outside_hours", 0) or 0)
            given = row.get("sites")
            hosts: dict[str, Any] = dict(given) if isinstance(given, dict) else {}
            if row.get("host"):
                hosts = {**hosts, str(row["host"]): count}
            if hosts:
                sites = dict(usage.sites)
                for host, n in list(hosts.items())[:50]:
                    host = str(host)[:253]
                    if host in sites or len(sites) < 50:
                        sites[host] = int(sites.get(host, 0)) + int(n)
                usage.sites = sites
            usage.save()
        stored += 1
    usage_emit_finished(now=now or timezone.now())
    return stored


EMIT_GRACE = timedelta(minutes=5)


def usage_emit_finished(*, now: datetime) -> int:
    """One activity event per finished (person, hour, outcome, category) row; idempotent."""
    # An hour is emitted once it ended more than EMIT_GRACE ago, so the helpers' last reports (every 15 s) are in.
    this_hour = (now - EMIT_GRACE).replace(minute=0, second=0, microsecond=0)
    emitted = 0
    for usage in InternetUsage.objects.filter(emitted=False, hour__lt=this_hour)[:5000]:
        kind = events.INTERNET_ALLOWED if usage.outcome == Outcome.ALLOWED else events.INTERNET_DENIED
        with transaction.atomic():
            activity.emit(
                person=usage.person,
                kind=kind,
                occurred_at=usage.hour,
                source="access.squid",
                value=float(usage.count),
                payload={"category": usage.category, "outside_hours": usage.outside_hours},
                idempotency_key=f"access:{kind}:{usage.person}:{usage.hour.isoformat()}:{usage.category}",
            )
            InternetUsage.objects.filter(pk=usage.pk).update(emitted=True)
        emitted += 1
    return emitted
