"""Reads of the daily figures for the dashboards, scoped to the acting user: a governor sees the establishments they
work in, HQ every establishment. Figures only, never names: the rows behind a figure are on the owning app's list page,
which the dashboard links to for staff allowed to open it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from django.db.models import Count, Max, Sum
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.access import Rule, rule_for
from throughgate.core.errors import NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import establishments_for, staff_may_act_in
from throughgate.insights.events import FIGURES_EXPORTED
from throughgate.insights.measures import COUNT, MEASURES, Measure
from throughgate.insights.rollups.models import DailyFigure, RolledDay
from throughgate.people.selectors import people_in_custody_on

WEEKS = 12
CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 480, 120, 6


def last_rolled_day() -> date | None:
    return RolledDay.objects.order_by("-day").values_list("day", flat=True).first()


def figures_version() -> tuple[date | None, str, int]:
    """What identifies the figures as they stand: the last day rolled up, when the last roll-up ran, and how many days
    are rolled up. Any roll-up changes it, in every process, so what is kept for a version is never stale."""
    found = RolledDay.objects.aggregate(day=Max("day"), at=Max("rolled_at"), days=Count("id"))
    return found["day"], found["at"].isoformat() if found["at"] else "", found["days"]


# A prison's weekly figures by measure for one version of the rollups, kept per process (they change once a night).
_KEPT: dict[tuple[object, ...], list[tuple[Measure, list[int], int | None]]] = {}
MAX_KEPT = 512


def week_starts(end: date, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the ``weeks`` weeks up to and including the week of ``end``, oldest first."""
    monday = end - timedelta(days=end.weekday())
    return [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    start: date
    figure: int


@dataclass
class Series:
    measure: Measure
    starts: list[date]
    figures: list[int]
    last_year: int | None
    link: str = ""

    @property
    def latest(self) -> int:
        return self.figures[-1]

    @property
    def previous(self) -> int:
        return self.figures[-2] if len(self.figures) > 1 else 0

    @property
    def rows(self) -> list[tuple[date, int]]:
        return list(zip(self.starts, self.figures, strict=True))

    @property
    def bars(self) -> list[Bar]:
        """The chart's bars, scaled to its tallest (an empty series draws no bars)."""
        top = max(self.figures, default=0)
        width = (CHART_WIDTH - BAR_GAP * (len(self.figures) - 1)) // max(len(self.figures), 1)
        bars = []
        for i, (start, figure) in enumerate(self.rows):
            height = round(figure / top * CHART_HEIGHT) if top else 0
            bars.append(Bar(i * (width + BAR_GAP), CHART_HEIGHT - height, width, height, start, figure))
        return bars


@dataclass
class Dashboard:
    establishment: Establishment
    end: date | None
    starts: list[date]
    groups: list[tuple[str, list[Series]]] = field(default_factory=list)
    key: tuple[object, ...] = ()
    version: tuple[object, ...] = ()
    chart_width: int = CHART_WIDTH
    chart_height: int = CHART_HEIGHT


def _visible(user: User, establishment: Establishment | None) -> Establishment:
    if establishment is None or not staff_may_act_in(user, establishment):
        raise NotVisible(_("No such establishment, or not one you work in"))
    return establishment


_ROUTES: dict[str, tuple[str, Rule | None]] = {}


def list_link(user: User, url_name: str) -> str:
    """The URL of a list page if the user's permissions open it, else "" (the page's rule is looked up once)."""
    if not url_name:
        return ""
    if url_name not in _ROUTES:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            _ROUTES[url_name] = ("", None)
        else:
            _ROUTES[url_name] = (url, rule_for(resolve(url).func))
    url, rule = _ROUTES[url_name]
    if not url or rule is None or (rule.kind == "permission" and not user.has_perm(rule.permission)):
        return ""
    return url


def _weekly(
    *, establishments: list[int], starts: list[date], end: date, wing: bool = False
) -> dict[tuple[int, str, str, int], tuple[int, float]]:
    """Events and value sums by (establishment, wing or "", kind, week index) from the daily figures."""
    rows = (
        DailyFigure.objects.filter(establishment_id__in=establishments, day__gte=starts[0], day__lte=end)
        .values_list("establishment_id", "wing" if wing else "establishment_id", "kind", "day")
        .annotate(n=Sum("events"), total=Sum("total"))
        .order_by()
    )
    out: dict[tuple[int, str, str, int], list[float]] = defaultdict(lambda: [0, 0.0])
    for place, wing_code, kind, day, n, total in rows:
        cell = out[(place, wing_code if wing else "", kind, (day - starts[0]).days // 7)]
        cell[0] += n
        cell[1] += total
    return {key: (int(n), total) for key, (n, total) in out.items()}


def _last_year(*, establishment: Establishment, week: date) -> dict[str, tuple[int, float]] | None:
    """The figures of the same week a year before (52 weeks, so the same weekdays), or None if it was not rolled up."""
    start = week - timedelta(weeks=52)
    end = start + timedelta(days=6)
    if not RolledDay.objects.filter(day__gte=start, day__lte=end).exists():
        return None
    rows = (
        DailyFigure.objects.filter(establishment=establishment, day__gte=start, day__lte=end)
        .values_list("kind")
        .annotate(n=Sum("events"), total=Sum("total"))
        .order_by()
    )
    return {kind: (int(n), total) for kind, n, total in rows}


def dashboard(*, user: User, establishment: Establishment | None, end: date | None = None) -> Dashboard:
    """Each measure of one establishment, week by week for 12 weeks up to the last day rolled up, with the same week
    a year before where it was rolled up."""
    place = _visible(user, establishment)
    version = figures_version()
    end = end or version[0] or timezone.localdate() - timedelta(days=1)
    starts = week_starts(end)
    kept_as = (place.pk, end, version)
    if kept_as not in _KEPT:
        if len(_KEPT) >= MAX_KEPT:
            _KEPT.clear()
        weekly = _weekly(establishments=[place.pk], starts=starts, end=end)
        last_year = _last_year(establishment=place, week=starts[-1])
        _KEPT[kept_as] = [
            (
                measure,
                [measure.figure(*weekly.get((place.pk, "", measure.kind, i), (0, 0.0))) for i in range(len(starts))],
                None if last_year is None else measure.figure(*last_year.get(measure.kind, (0, 0.0))),
            )
            for measure in MEASURES
        ]
    groups: dict[str, list[Series]] = {}
    for measure, figures, before in _KEPT[kept_as]:
        series = Series(measure, starts, figures, before, list_link(user, measure.list_url))
        groups.setdefault(str(measure.group), []).append(series)
    links = tuple(series.link for items in groups.values() for series in items)
    return Dashboard(
        place,
        end,
        starts,
        list(groups.items()),
        key=(place.pk, place.code, place.name, *kept_as, links),
        version=version,
    )


@dataclass(frozen=True)
class WingTable:
    """One measure by wing (rows) and week (columns), for an export: the events behind each cell and its figure."""

    measure: Measure
    starts: list[date]
    wings: list[str]
    events: list[list[int]]
    figures: list[list[float]]


def wing_table_export(
    *, user: User, establishment: Establishment | None, measure: Measure, end: date | None = None
) -> WingTable:
    """One measure by wing and week for a download (audited: who took which figures)."""
    place = _visible(user, establishment)
    end = end or last_rolled_day() or timezone.localdate() - timedelta(days=1)
    starts = week_starts(end)
    weekly = _weekly(establishments=[place.pk], starts=starts, end=end, wing=True)
    wings = sorted({wing for (_p, wing, kind, _i) in weekly if kind == measure.kind})
    cells = [[weekly.get((place.pk, wing, measure.kind, i), (0, 0.0)) for i in range(len(starts))] for wing in wings]
    events = [[n for n, _total in row] for row in cells]
    figures = [[float(n) if measure.how == COUNT else total for n, total in row] for row in cells]
    audit.record(
        action=FIGURES_EXPORTED,
        actor=user,
        detail={"measure": measure.code, "weeks": [starts[0].isoformat(), end.isoformat()]},
        establishment=place.code,
    )
    return WingTable(measure, starts, wings, events, figures)


# The HQ view -------------------------------------------------------------------------------------------------------

SIZE_BANDS = ((0, "small"), (500, "medium"), (1000, "large"))


@dataclass
class EstateRow:
    establishment: Establishment
    population: int
    figures: list[int]

    def rate(self, figure: int) -> float | None:
        return round(figure * 100 / self.population, 1) if self.population else None

    @property
    def rates(self) -> list[float | None]:
        return [self.rate(figure) for figure in self.figures]


@dataclass
class EstateView:
    end: date | None
    week: date
    measures: tuple[Measure, ...]
    bands: list[tuple[str, list[EstateRow]]]
    medians: list[float | None]


def size_band(population: int) -> str:
    band = SIZE_BANDS[0][1]
    for floor, name in SIZE_BANDS:
        if population >= floor:
            band = name
    return band


def estate(*, user: User, end: date | None = None) -> EstateView:
    """Every measure for the last week rolled up, for every establishment the user may see, per 100 people held, in
    groups of like size (fewer than 500 people, 500 to 999, 1,000 or more), with the estate's median rate."""
    places = list(establishments_for(user=user).order_by("name"))
    end = end or last_rolled_day() or timezone.localdate() - timedelta(days=1)
    week = week_starts(end, weeks=1)
    weekly = _weekly(establishments=[p.pk for p in places], starts=week, end=end)
    held: dict[int, int] = defaultdict(int)
    for person in people_in_custody_on(day=end):
        if person.establishment_id is not None:
            held[person.establishment_id] += 1
    rows = [
        EstateRow(
            place,
            held[place.pk],
            [measure.figure(*weekly.get((place.pk, "", measure.kind, 0), (0, 0.0))) for measure in MEASURES],
        )
        for place in places
    ]
    bands: dict[str, list[EstateRow]] = {name: [] for _floor, name in SIZE_BANDS}
    for row in rows:
        bands[size_band(row.population)].append(row)
    medians: list[float | None] = []
    for i in range(len(MEASURES)):
        rates = [rate for row in rows if (rate := row.rates[i]) is not None]
        medians.append(round(median(rates), 1) if rates else None)
    return EstateView(end, week[0], MEASURES, [(name, band) for name, band in bands.items() if band], medians)
