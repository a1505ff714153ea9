"""Flashpoints of one establishment (rules.py), read from the daily figures by wing, scoped like the dashboard."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from django.utils import formats
from django.utils.translation import gettext as _

from throughgate.identity.models import Establishment, User
from throughgate.insights.dashboard.selectors import _visible, last_rolled_day, list_link
from throughgate.insights.flashpoints.rules import Rise, rises, rule
from throughgate.insights.rollups.models import DailyFigure


@dataclass(frozen=True)
class Flashpoint:
    wing: str
    end: date
    rises: list[Rise]
    reasons: list[str]
    links: list[tuple[str, str]]


def _reason(rise: Rise, end: date) -> str:
    usual = round(rise.usual, 1)
    return _("%(signal)s: %(now)d in the 7 days to %(end)s, usually %(usual)s a week") % {
        "signal": rise.signal.title,
        "now": rise.recent,
        "end": formats.date_format(end, "j F Y"),
        "usual": f"{usual:g}",
    }


def flashpoints(*, user: User, establishment: Establishment | None, end: date | None = None) -> list[Flashpoint]:
    """The wings of the establishment where at least the rule's number of signals rise together, most signals first."""
    place = _visible(user, establishment)
    end = end or last_rolled_day()
    if end is None:
        return []
    config = rule()
    kinds = [signal.kind for signal in config.signals]
    first = end - timedelta(days=7 * (config.baseline_weeks + 1) - 1)
    recent_from = end - timedelta(days=6)
    recent: dict[str, dict[str, int]] = defaultdict(dict)
    before: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    rows = (
        DailyFigure.objects.filter(establishment=place, kind__in=kinds, day__gte=first, day__lte=end)
        .values_list("wing", "kind", "day")
        .annotate(n=Sum("events"))
        .order_by()
    )
    for wing, kind, day, n in rows:
        if day >= recent_from:
            recent[wing][kind] = recent[wing].get(kind, 0) + n
        else:
            before[wing][kind] += n / config.baseline_weeks
    found = []
    for wing in sorted(recent):
        rising = rises(config, recent[wing], before[wing])
        if len(rising) >= config.min_signals:
            links = [(str(rise.signal.title), url) for rise in rising if (url := list_link(user, rise.signal.list_url))]
            found.append(Flashpoint(wing, end, rising, [_reason(rise, end) for rise in rising], links))
    return sorted(found, key=lambda point: (-len(point.rises), point.wing))
