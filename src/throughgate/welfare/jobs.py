"""Periodic jobs of AIM, run by `throughgate worker` on the schedule in config/schedule.py: scoring the day early in
the morning, and telling staff about follow-up reviews that are overdue (AIM never acts on a flag itself: it tells
people, who decide)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from throughgate.identity.models import Establishment
from throughgate.identity.selectors import staff_holding
from throughgate.identity.services import notification_send
from throughgate.welfare import pipeline
from throughgate.welfare.models import Triage
from throughgate.welfare.permissions import MANAGE_SETTINGS


def score_day(*, slot: datetime) -> dict[str, int]:
    """Score everyone in custody for the slot's day (from the events before it) and keep the flags; the same day
    scored again gives the same flags (stored once per person and day)."""
    scored = pipeline.score_day(timezone.localdate(slot))
    pipeline.store_flags(scored)
    counts = Counter(str(colour) for colour in scored.result.colour)
    return {"people": len(scored.people), "red": counts["red"], "amber": counts["amber"]}


def review_reminders(*, slot: datetime) -> dict[str, int]:
    """Each prison's safer custody team is told how many follow-up reviews are overdue (once a day), and the member
    of staff who set a review is told when theirs is overdue (once per review). No names in the message: staff open
    the daily list to see who."""
    today = timezone.localdate(slot)
    overdue = list(
        Triage.objects.filter(review_on__lt=today, reviewed_at__isnull=True).select_related("by", "flag__establishment")
    )
    by_place: dict[Establishment, list[Triage]] = defaultdict(list)
    for triage in overdue:
        by_place[triage.flag.establishment].append(triage)
    sent = 0
    for place, triages in by_place.items():
        sent += _tell_team(place, triages, today)
        for triage in triages:
            sent += _tell_reviewer(triage)
    return {"overdue": len(overdue), "prisons": len(by_place), "notifications": sent}


def _tell_team(place: Establishment, triages: list[Triage], today: date) -> int:
    count = len(triages)
    oldest = min(t.review_on for t in triages if t.review_on is not None)

    def message() -> str:
        return ngettext(
            "%(count)d AIM follow-up review is overdue. The oldest was due on %(due)s.",
            "%(count)d AIM follow-up reviews are overdue. The oldest was due on %(due)s.",
            count,
        ) % {"count": count, "due": formats.date_format(oldest, "j F Y")}

    return notification_send(
        recipients=staff_holding(permission=MANAGE_SETTINGS, establishment=place),
        kind="welfare.reviews.overdue",
        key=f"welfare.reviews.overdue:{place.code}:{today.isoformat()}",
        message=message,
        url=reverse("welfare:daily"),
        establishment=place,
    )


def _tell_reviewer(triage: Triage) -> int:
    if triage.by is None or triage.review_on is None:
        return 0
    due = triage.review_on

    def message() -> str:
        return gettext("A follow-up review you set for %(due)s is overdue.") % {
            "due": formats.date_format(due, "j F Y")
        }

    return notification_send(
        recipients=[triage.by],
        kind="welfare.review.overdue",
        key=f"welfare.review.overdue:{triage.pk}",
        message=message,
        url=reverse("welfare:review", args=[triage.pk]),
        establishment=triage.flag.establishment,
    )
