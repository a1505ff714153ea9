"""Reads of AIM data, scoped to the acting user: only staff with a welfare permission, and only for the people of
the establishment they act in (through people.selectors.people_visible_to). Residents never see AIM data. Every
read of a person's flag or flag history is audited."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from throughgate.core import audit
from throughgate.core.errors import NotVisible
from throughgate.core.models import ActivityEvent
from throughgate.identity.models import Establishment, User
from throughgate.people.selectors import people_visible_to
from throughgate.welfare import engine
from throughgate.welfare.models import (
    COLOUR_ORDER,
    AimSettings,
    Colour,
    Flag,
    ScoreRun,
    Triage,
    TriageAction,
    TriggerDate,
)
from throughgate.welfare.permissions import MANAGE_SETTINGS, TRIAGE_FLAGS, VIEW_FLAGS, VIEW_OVERSIGHT

FLAG_VIEWED = audit.register_action("welfare.flag.viewed", gettext_lazy("Opened an AIM flag"))
HISTORY_VIEWED = audit.register_action("welfare.history.viewed", gettext_lazy("Read a person's AIM flag history"))
LIST_VIEWED = audit.register_action("welfare.list.viewed", gettext_lazy("Read the AIM daily list"))

WELFARE_PERMISSIONS = (VIEW_FLAGS, TRIAGE_FLAGS, MANAGE_SETTINGS)


def _may_see_flags(user: User) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and not user.is_resident
        and user.is_staff_member
        and any(code in user.permission_codes() for code in WELFARE_PERMISSIONS)
    )


def flags_visible_to(*, user: User, establishment: Establishment | None) -> QuerySet[Flag]:
    """Flags of the people this user may see in the establishment they act in; none for anyone else."""
    base = Flag.objects.select_related("person", "establishment")
    if establishment is None or not _may_see_flags(user):
        return base.none()
    people = people_visible_to(user=user, establishment=establishment)
    return base.filter(establishment=establishment, person__in=people.values("pk"))


def latest_day(*, establishment: Establishment | None) -> date | None:
    run = ScoreRun.objects.filter(establishment=establishment).order_by("-as_of").first()
    return run.as_of if run else None


@dataclass(frozen=True)
class DailyList:
    day: date | None
    flags: list[Flag]
    wings: list[str]
    counts: dict[str, int]


def daily_list(
    *, user: User, establishment: Establishment | None, wing: str = "", include_green: bool = False
) -> DailyList:
    """The day's flags for the establishment (or one wing), red first, then amber, then insufficient data, each by
    score. Audited as a read of the list."""
    day = latest_day(establishment=establishment)
    flags = flags_visible_to(user=user, establishment=establishment).filter(as_of=day) if day else Flag.objects.none()
    wings = sorted({w for w in flags.values_list("wing", flat=True) if w})
    counts = Counter(flags.values_list("colour", flat=True))
    if wing:
        flags = flags.filter(wing=wing)
    if not include_green:
        flags = flags.exclude(colour=Colour.GREEN)
    rows = sorted(flags, key=lambda f: (COLOUR_ORDER.get(Colour(f.colour), 9), -f.score, f.person.prison_number))
    audit.record(
        action=LIST_VIEWED,
        actor=user,
        detail={"establishment": establishment.code if establishment else "", "wing": wing, "day": str(day)},
    )
    return DailyList(day=day, flags=rows, wings=wings, counts=dict(counts))


def flag_detail(*, user: User, establishment: Establishment | None, flag_id: int) -> Flag:
    """One flag, audited with the reason it was opened (a welfare check)."""
    flag = flags_visible_to(user=user, establishment=establishment).filter(pk=flag_id).first()
    if flag is None:
        raise NotVisible(_("No flag was found"))
    audit.record(
        action=FLAG_VIEWED,
        actor=user,
        subject=flag.person.prison_number,
        obj=flag,
        purpose="welfare_check",
        detail={"colour": flag.colour, "as_of": str(flag.as_of)},
    )
    return flag


def flag_history(*, user: User, establishment: Establishment | None, prison_number: str) -> list[Flag]:
    """A person's flags, newest first (audited). Raises NotVisible for someone the user may not see."""
    flags = list(
        flags_visible_to(user=user, establishment=establishment)
        .filter(person__prison_number=prison_number)
        .prefetch_related("triages")
        .order_by("-as_of")[:120]
    )
    if not flags:
        raise NotVisible(_("No flags were found for that person"))
    audit.record(action=HISTORY_VIEWED, actor=user, subject=prison_number, purpose="welfare_check")
    return flags


def trigger_dates_for(*, flag: Flag) -> list[TriggerDate]:
    """Anniversaries and court dates recorded for the flag's person (read with the flag, already audited)."""
    return list(TriggerDate.objects.filter(person=flag.person).order_by("on"))


def triages_for(*, flag: Flag) -> list[Triage]:
    """What staff recorded about the flag's alert: an alert stays on the list from the day it was raised and is
    triaged once, on whichever day's flag staff opened, so the day's flag shows the triages of the alert's earlier
    days too (a flag with no alert, only its own)."""
    if flag.alert_since is None or flag.colour not in (Colour.RED, Colour.AMBER):
        return list(flag.triages.order_by("-at"))
    return list(
        Triage.objects.filter(
            flag__person_id=flag.person_id,
            flag__establishment_id=flag.establishment_id,  # (the flag's own establishment only: scoped as the flag)
            flag__as_of__gte=flag.alert_since,
            flag__as_of__lte=flag.as_of,
        ).order_by("-at")
    )


def overdue_reviews(*, user: User, establishment: Establishment | None, today: date) -> list[Triage]:
    """Follow-up reviews that were due before today and are not done."""
    flags = flags_visible_to(user=user, establishment=establishment)
    return list(
        Triage.objects.select_related("flag", "flag__person")
        .filter(flag__in=flags.values("pk"), review_on__lt=today, reviewed_at__isnull=True)
        .order_by("review_on")
    )


def overdue_review_counts(*, today: date) -> dict[str, tuple[int, date]]:
    """Per establishment code: how many follow-up reviews are overdue, and the oldest due date (figures only, for
    the daily reminder)."""
    out: dict[str, tuple[int, date]] = {}
    rows = Triage.objects.filter(review_on__lt=today, reviewed_at__isnull=True).values_list(
        "flag__establishment__code", "review_on"
    )
    for code, due in rows:
        if due is None:  # (filtered out above; for the type checker)
            continue
        count, oldest = out.get(code, (0, due))
        out[code] = (count + 1, min(oldest, due))
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class ChartSeries:
    code: str
    label: str
    weeks: list[int]  # events per week, oldest first


def indicator_chart(*, flag: Flag, weeks: int = 14) -> tuple[list[date], list[ChartSeries]]:
    """Weekly counts of the person's everyday activity up to the flag's day, for the chart and its table."""
    from throughgate.welfare.indicators import INDICATOR_BY_CODE

    shown = ("kiosk", "calls", "meals", "attended", "visits", "apps", "refused")
    end = engine.local_midnight_utc(flag.as_of)
    start = engine.local_midnight_utc(flag.as_of - timedelta(days=7 * weeks))
    kinds = {INDICATOR_BY_CODE[code].kind: code for code in shown}
    counts: dict[str, list[int]] = {code: [0] * weeks for code in shown}
    events = ActivityEvent.objects.filter(
        person=flag.person.prison_number, kind__in=list(kinds), occurred_at__gte=start, occurred_at__lt=end
    ).values_list("kind", "occurred_at")
    for kind, moment in events:
        week = (moment - start).days // 7
        if 0 <= week < weeks:
            counts[kinds[kind]][week] += 1
    starts = [flag.as_of - timedelta(days=7 * (weeks - i)) for i in range(weeks)]
    series = [ChartSeries(code, str(INDICATOR_BY_CODE[code].label), counts[code]) for code in shown]
    return starts, series


def settings_for(*, establishment: Establishment) -> AimSettings:
    """The establishment's settings, or the defaults (unsaved) when nobody has changed them."""
    stored = AimSettings.objects.filter(establishment=establishment).first()
    if stored is not None:
        return stored
    defaults = engine.Config()
    return AimSettings(
        establishment=establishment,
        amber_threshold=defaults.amber_threshold,
        red_threshold=defaults.red_threshold,
        red_budget_per_100=defaults.red_budget_per_100,
        amber_budget_per_100=defaults.amber_budget_per_100,
        cooldown_days=defaults.cooldown_days,
        quiet_days=defaults.quiet_days,
        weights={},
    )


@dataclass(frozen=True)
class RealisedRates:
    days: int
    red_per_100: float | None  # open red alerts per 100 people on a day (the list's length)
    amber_per_100: float | None
    insufficient_per_100: float | None
    raised_red_per_100_week: float | None  # red alerts raised (new or escalated) per 100 people per week
    raised_amber_per_100_week: float | None  # amber alerts raised per 100 people per week (the alert budget)
    # The thresholds applied on the last scored day: the settings, or higher where calibration raised them to keep
    # the establishment within its budget (calibration.py). None before the first scoring.
    applied_amber_threshold: float | None = None
    applied_red_threshold: float | None = None


def realised_rates(*, establishment: Establishment, days: int = 28) -> RealisedRates:
    """Over the scored days of the last ``days`` days: alerts raised per 100 people per week (what the budget
    counts), and open red, amber and insufficient-data flags per 100 people on a day."""
    day = latest_day(establishment=establishment)
    if day is None:
        return RealisedRates(days, None, None, None, None, None)
    runs = list(ScoreRun.objects.filter(establishment=establishment, as_of__gt=day - timedelta(days=days)))
    people = sum(run.people for run in runs)
    if not people:
        return RealisedRates(days, None, None, None, None, None)
    person_weeks = people / 7
    latest = max(runs, key=lambda run: run.as_of).settings_snapshot
    return RealisedRates(
        applied_amber_threshold=latest.get("applied_amber_threshold", latest.get("amber_threshold")),
        applied_red_threshold=latest.get("applied_red_threshold", latest.get("red_threshold")),
        days=len(runs),
        red_per_100=round(100 * sum(r.red for r in runs) / people, 2),
        amber_per_100=round(100 * sum(r.amber for r in runs) / people, 2),
        insufficient_per_100=round(100 * sum(r.insufficient for r in runs) / people, 2),
        raised_red_per_100_week=round(100 * sum(r.raised_red for r in runs) / person_weeks, 2),
        raised_amber_per_100_week=round(100 * sum(r.raised_amber for r in runs) / person_weeks, 2),
    )


def _oversight_flags(*, user: User, establishment: Establishment) -> QuerySet[Flag]:
    """The establishment's flags for counting only (oversight figures, never names): staff with oversight or a
    welfare role in that establishment (HQ analysts act in any establishment)."""
    allowed = (
        user.is_authenticated
        and user.is_active
        and not user.is_resident
        and user.is_staff_member
        and (VIEW_OVERSIGHT in user.permission_codes() or _may_see_flags(user))
    )
    return Flag.objects.filter(establishment=establishment) if allowed else Flag.objects.none()


def governor_summary(*, user: User, establishment: Establishment, weeks: int = 8) -> dict[str, Any]:
    """Figures only, no names: alerts raised by wing and week, time from an alert being raised to its first
    triage, what staff did, and the alert budget used."""
    day = latest_day(establishment=establishment) or timezone.localdate()
    since = day - timedelta(days=7 * weeks)
    flags = _oversight_flags(user=user, establishment=establishment).filter(as_of__gt=since)
    week_starts = [since + timedelta(days=1 + 7 * i) for i in range(weeks)]
    by_wing: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    alerts = list(
        flags.exclude(raised="").order_by("as_of").values_list("person_id", "wing", "as_of", "created_at", "raised")
    )
    for _person, wing, as_of, _created, _colour in alerts:
        index = min((as_of - week_starts[0]).days // 7, weeks - 1)
        by_wing[wing or _("No wing recorded")][index] += 1
    # Time to triage: from the alert being raised to the first triage of that person's flags from then on (staff
    # open the latest day's flag, so the triage may be recorded on a later day of the same alert).
    triaged_at: dict[int, list[tuple[date, datetime]]] = defaultdict(list)
    for person, as_of, at in Triage.objects.filter(flag__in=flags.values("pk")).values_list(
        "flag__person_id", "flag__as_of", "at"
    ):
        triaged_at[person].append((as_of, at))
    hours = []
    for person, _wing, as_of, created, _colour in alerts:
        later = [at for flag_day, at in triaged_at.get(person, []) if flag_day >= as_of and at >= created]
        if later:
            hours.append((min(later) - created).total_seconds() / 3600)
    outcomes = Counter(Triage.objects.filter(flag__in=flags.values("pk")).values_list("action", flat=True))
    config = settings_for(establishment=establishment)
    rates = realised_rates(establishment=establishment, days=7 * weeks)
    return {
        "week_starts": week_starts,
        "by_wing": sorted(by_wing.items()),
        "flags": len(alerts),
        "raised_red": sum(1 for alert in alerts if alert[4] == Colour.RED),
        "raised_amber": sum(1 for alert in alerts if alert[4] == Colour.AMBER),
        "triaged": len(hours),
        "median_hours_to_triage": round(statistics.median(hours), 1) if hours else None,
        "outcomes": [(TriageAction(code).label, outcomes.get(code, 0)) for code in TriageAction.values],
        "rates": rates,
        "settings": config,
        "red_budget_used": _share(rates.raised_red_per_100_week, config.red_budget_per_100),
        "amber_budget_used": _share(rates.raised_amber_per_100_week, config.amber_budget_per_100),
    }


def _share(value: float | None, budget: float) -> int | None:
    return None if value is None or budget <= 0 else round(100 * value / budget)
