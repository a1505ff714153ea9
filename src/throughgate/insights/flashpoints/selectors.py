"""Flashpoints of one establishment (rules.py), read from the daily figures by wing, scoped like the dashboard."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Sum, Value, When
from django.utils import formats
from django.utils.translation import gettext as _

from throughgate.identity.models import Establishment, User
from throughgate.insights.dashboard.selectors import Dashboard, _visible, figures_version, list_link
from throughgate.insights.flashpoints.rules import Rise, Rule, rises, rule
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


# The rising wings of a prison for one version of the figures and one rule, kept per process (see the dashboard's).
_KEPT: dict[tuple[object, ...], list[tuple[str, list[Rise]]]] = {}
MAX_KEPT = 512


def _rising_wings(place: Establishment, end: date, config: Rule) -> list[tuple[str, list[Rise]]]:
    kinds = [signal.kind for signal in config.signals]
    first = end - timedelta(days=7 * (config.baseline_weeks + 1) - 1)
    recent_from = end - timedelta(days=6)
    recent: dict[str, dict[str, int]] = defaultdict(dict)
    before: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    rows = (
        DailyFigure.objects.filter(establishment=place, kind__in=kinds, day__gte=first, day__lte=end)
        .annotate(recent=Case(When(day__gte=recent_from, then=Value(True)), default=Value(False)))
        .values_list("wing", "kind", "recent")
        .annotate(n=Sum("events"))
        .order_by()
    )
    for wing, kind, is_recent, n in rows:
        if is_recent:
            recent[wing][kind] = recent[wing].get(kind, 0) + n
        else:
            before[wing][kind] += n / config.baseline_weeks
    out = []
    for wing in sorted(recent):
        rising = rises(config, recent[wing], before[wing])
        if len(rising) >= config.min_signals:
            out.append((wing, rising))
    return out


def flashpoints(*, user: User, establishment: Establishment | None, end: date | None = None) -> list[Flashpoint]:
    """The wings of the establishment where at least the rule's number of signals rise together, most signals first."""
    place = _visible(user, establishment)
    version = figures_version()
    end = end or version[0]
    return _flashpoints(user=user, place=place, end=end, version=version)


def flashpoints_of(*, user: User, board: Dashboard) -> list[Flashpoint]:
    """The flashpoints of a dashboard just read for this user (its selector has checked the establishment)."""
    return _flashpoints(user=user, place=board.establishment, end=board.end, version=board.version)


def _flashpoints(
    *, user: User, place: Establishment, end: date | None, version: tuple[object, ...]
) -> list[Flashpoint]:
    if end is None:
        return []
    config = rule()
    kept_as = (place.pk, end, version, config)
    if kept_as not in _KEPT:
        if len(_KEPT) >= MAX_KEPT:
            _KEPT.clear()
        _KEPT[kept_as] = _rising_wings(place, end, config)
    found = []
    for wing, rising in _KEPT[kept_as]:
        links = [(str(rise.signal.title), url) for rise in rising if (url := list_link(user, rise.signal.list_url))]
        found.append(Flashpoint(wing, end, rising, [_reason(rise, end) for rise in rising], links))
    return sorted(found, key=lambda point: (-len(point.rises), point.wing))
