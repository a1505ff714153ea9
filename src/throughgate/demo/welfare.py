"""AIM for the demo estate: the last two weeks scored, and what staff did about the alerts, so a governor or a safer
custody officer trying the demo finds a daily list, flag pages, histories, oversight figures and a fairness table with
data in them (``demo_estate`` runs this after the estate is saved: one of the demo app's steps).

- **Scoring is the real thing.** Each of the last ``DAYS`` days of the demo's activity, oldest first, is scored with
  ``pipeline.score_day`` and stored with ``pipeline.store_flags``, as ``throughgate aim score --as-of DAY`` does. The
  events are read from the database once and handed to ``score_day`` for each day (the same events the command would
  read; a test checks the flags are the same). No flag is made or coloured here.
- **Staff decisions go through the services** (``services.flag_triage``, ``review_complete``, ``settings_change``,
  ``trigger_date_record``) as the demo's safer custody officer of each prison (some conversations by its wing
  officer), with seeded choices: most alerts are triaged the day they are raised or the next, some with a follow-up
  review; most reviews that fell due are done and a few are left overdue; one prison's safer custody lead lowered its
  amber budget before the fortnight; a court date and an anniversary are recorded for two flagged people in each
  prison; the reminder job tells the teams about the overdue reviews on the last day.
- **Times are those of the fortnight.** Scoring happens at 04:30 each day and staff act during that day, so after each
  service call the record's own time (a flag's ``created_at``, a run's ``scored_at``, a triage's ``at``, a review's
  ``reviewed_at``) is set to that moment of the demo's past (never later than now). Triages are recorded between one
  day's scoring and the next, so a "no concern" rests a person's alerts exactly as in production. The audit rows keep
  the real time they were written.

Days with fewer than ``MIN_HISTORY_DAYS`` days of activity before them are not scored (a two-week demo gets no AIM
data; AIM compares the last two weeks with the twelve before them). Same seed and same estate, same flags and the
same decisions.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Max, Min
from django.test.utils import override_settings
from django.utils import timezone

from throughgate.core.models import ActivityEvent
from throughgate.demo.records import SOURCE
from throughgate.identity.models import Establishment, User
from throughgate.people.models import Person
from throughgate.people.selectors import people_in_custody_on
from throughgate.welfare import engine, jobs, pipeline, selectors, services
from throughgate.welfare.models import (
    AimSettings,
    Colour,
    Flag,
    ScoreRun,
    SettingsChange,
    Triage,
    TriageAction,
    TriggerDate,
    TriggerKind,
)

DEMO_SOURCE = SOURCE  # the activity events demo_estate wrote
DAYS = 14
MIN_HISTORY_DAYS = 28
SCORED_AT, REMINDED_AT = 4.5, 7.5  # the hours of the scoring and reminder jobs (config/schedule.py)
LEAD_ROLE, OFFICER_ROLE = "safer_custody", "wing_officer"

# What staff did about an alert, by colour: (action, weight).
ACTIONS = {
    Colour.RED: (
        (TriageAction.CONCERN_KEEP_SAFE, 35),
        (TriageAction.SPOKE, 25),
        (TriageAction.HEALTHCARE, 20),
        (TriageAction.CSIP_REFERRAL, 10),
        (TriageAction.KEY_WORKER, 10),
    ),
    Colour.AMBER: (
        (TriageAction.SPOKE, 40),
        (TriageAction.KEY_WORKER, 25),
        (TriageAction.NO_CONCERN, 20),
        (TriageAction.HEALTHCARE, 10),
        (TriageAction.CONCERN_KEEP_SAFE, 5),
    ),
}
NOTES = {
    TriageAction.SPOKE: (
        "Spoke on the landing. Says things at home are hard at the moment; will talk again in a few days.",
        "Spoke in the cell. Not sleeping well and has stopped phoning family. Agreed to see the key worker.",
        "Spoke after lunch. Says they are fine but looked low. Wing staff asked to keep an eye.",
    ),
    TriageAction.KEY_WORKER: (
        "Key worker session booked for this week to talk about the missed visits and calls.",
        "Key worker saw them today: worried about money since the job ended. Looking at a new work place.",
    ),
    TriageAction.HEALTHCARE: (
        "Referred to the mental health in-reach team; seen by the nurse the same afternoon.",
        "Asked healthcare to review medication; the person agreed to the referral.",
    ),
    TriageAction.CONCERN_KEEP_SAFE: (
        "Raised a Concern and Keep Safe form in the case system after talking with them on the wing.",
        "Concern and Keep Safe form raised; night staff told and observations agreed with the orderly officer.",
    ),
    TriageAction.CSIP_REFERRAL: (
        "CSIP referral made: the drop in routine follows problems with other people on the landing.",
    ),
    TriageAction.NO_CONCERN: (
        "Started a full-time course this week, so fewer kiosk sign-ins in the day. No concern.",
        "Family visit moved to next month by the family. Spoke to them: no concern.",
        "Back from a hospital appointment; routine picking up again. No concern.",
    ),
}
REVIEW_NOTES = (
    "Seen again: sleeping better and back at work. No further action.",
    "Calls home again since the PIN credit was sorted. Keep the key worker sessions going.",
    "Still low; the mental health team are seeing them weekly now.",
    "Spoke again: things have settled. Wing staff will keep an eye.",
)
COURT_NOTES = ("Sentencing hearing at the Crown Court", "Trial starts at the Crown Court")
ANNIVERSARY_NOTES = ("Anniversary of a parent's death", "Anniversary of a brother's death")


@dataclass
class Counts:
    days: int = 0
    flags: int = 0
    raised: Counter[str] = field(default_factory=Counter)
    triages: int = 0
    reviews_done: int = 0
    reviews_overdue: int = 0
    dates: int = 0
    settings_changes: int = 0
    reminders: int = 0

    def as_rows(self) -> dict[str, int]:
        if not self.days:
            return {}
        return {
            "AIM days scored": self.days,
            "AIM flags": self.flags,
            "AIM red alerts raised": self.raised[Colour.RED],
            "AIM amber alerts raised": self.raised[Colour.AMBER],
            "AIM triages": self.triages,
            "AIM reviews done": self.reviews_done,
            "AIM reviews overdue": self.reviews_overdue,
            "AIM dates recorded": self.dates,
            "AIM settings changes": self.settings_changes,
            "AIM reminders sent": self.reminders,
        }


def _local_day(moment: datetime) -> date:
    return moment.astimezone(engine.LONDON).date()


def _at(day: date, hour: float) -> datetime:
    """A Europe/London time on ``day``, never later than now (the demo's past, not its future)."""
    whole = int(hour)
    moment = datetime(day.year, day.month, day.day, whole, int((hour - whole) * 60), tzinfo=engine.LONDON)
    return min(moment, timezone.now())


def activity_span() -> tuple[date, date] | None:
    """The first and last days (Europe/London) of the demo's activity events of the people in custody, the last no
    later than today."""
    in_custody = Person.objects.filter(establishment__isnull=False).values("prison_number")
    span = ActivityEvent.objects.filter(source=DEMO_SOURCE, person__in=in_custody).aggregate(
        first=Min("occurred_at"), last=Max("occurred_at")
    )
    if span["first"] is None:
        return None
    return _local_day(span["first"]), min(_local_day(span["last"]), timezone.localdate())


def days_to_score(first: date, last: date, days: int = DAYS) -> list[date]:
    """The last ``days`` days of activity, oldest first, that have ``MIN_HISTORY_DAYS`` days of activity before."""
    earliest = max(last - timedelta(days=days - 1), first + timedelta(days=MIN_HISTORY_DAYS))
    return [earliest + timedelta(days=n) for n in range((last - earliest).days + 1)]


class EventCache:
    """The events of everyone in custody on the last day, read once for every day to score. Each day gets the rows
    of the people in custody that day, numbered as ``score_day`` numbers them; events outside a day's windows are
    left out by the engine itself (it reads by time)."""

    def __init__(self, days: Sequence[date]) -> None:
        self.everyone = people_in_custody_on(day=days[-1])
        self.position = {person.prison_number: i for i, person in enumerate(self.everyone)}
        configs = pipeline.configs_for(self.everyone)
        warmup = max((c.warmup_days for c in configs.values()), default=engine.Config().warmup_days)
        start = engine.local_midnight_utc(days[0] - timedelta(days=warmup + engine.LOOKBACK_DAYS))
        self.frame = pipeline.load_events(self.everyone, start, engine.local_midnight_utc(days[-1]))

    def for_day(self, day: date) -> tuple[list[Person], pd.DataFrame | None]:
        """The day's people and their events (``None``: someone is not in the cache, let score_day read them)."""
        people = people_in_custody_on(day=day)
        if any(person.prison_number not in self.position for person in people):
            return people, None
        number = np.full(len(self.everyone), -1, dtype=np.int64)
        number[[self.position[person.prison_number] for person in people]] = np.arange(len(people))
        renumbered = number[self.frame["person_idx"].to_numpy()]
        keep = renumbered >= 0
        frame = self.frame.loc[keep].assign(person_idx=renumbered[keep].astype("int32"))
        return people, frame.reset_index(drop=True)


def score(day: date, cache: EventCache | None = None) -> pipeline.ScoredEstate:
    """Score one day as ``aim score --as-of DAY`` does (with the cached events when given) and store its flags, as
    scored by the 04:30 job that day."""
    if cache is None:
        scored = pipeline.score_day(day)
    else:
        people, frame = cache.for_day(day)
        scored = pipeline.score_day(day, people=people, events=frame)
    pipeline.store_flags(scored)
    scored_at = _at(day, SCORED_AT)
    Flag.objects.filter(as_of=day).update(created_at=scored_at)
    ScoreRun.objects.filter(as_of=day).update(scored_at=scored_at)
    return scored


class Staff:
    """The demo's safer custody officer and wing officer of each establishment."""

    def __init__(self) -> None:
        self.by_place: dict[tuple[int, str], User] = {}
        for role in (LEAD_ROLE, OFFICER_ROLE):
            users = (
                User.objects.filter(roles__code=role, is_active=True, assignments__isnull=False)
                .prefetch_related("assignments")
                .order_by("username")
            )
            for user in users:
                for assignment in user.assignments.all():
                    self.by_place.setdefault((assignment.establishment_id, role), user)

    def lead(self, establishment_id: int) -> User | None:
        return self.by_place.get((establishment_id, LEAD_ROLE))

    def officer(self, establishment_id: int) -> User | None:
        return self.by_place.get((establishment_id, OFFICER_ROLE)) or self.lead(establishment_id)


class Decisions:
    """What staff do about the alerts, day by day (seeded)."""

    def __init__(self, seed: int, staff: Staff, last_day: date) -> None:
        self.rng = random.Random(f"welfare:{seed}")  # noqa: S311  (demo data)
        self.staff = staff
        self.last_day = last_day
        self.planned: dict[tuple[int, date | None, str], date | None] = {}  # alert -> the day it is triaged
        self.counts = Counts()

    def _plan(self, flag: Flag, day: date, first_day: date) -> date | None:
        """When an alert is looked at: mostly the day it is raised, some the day after; on the demo's last day, about
        half are still waiting (the list has new alerts to triage); alerts already open when the fortnight began were
        looked at before it and are recorded on its first day."""
        pick = self.rng.random()
        if flag.alert_since is not None and flag.alert_since < first_day:
            return day if pick < 0.85 else None
        if day == self.last_day:
            return day if pick < 0.5 else None
        if pick < 0.65:
            return day
        return day + timedelta(days=1) if pick < 0.9 else None

    def triage_day(self, day: date, first_day: date) -> None:
        """Triage the open alerts of ``day`` that are due to be looked at that day (once per alert and colour)."""
        flags = (
            Flag.objects.filter(as_of=day, colour__in=[Colour.RED, Colour.AMBER])
            .select_related("person", "establishment")
            .order_by("establishment__code", "person__prison_number")
        )
        for flag in flags:
            if flag.raised:
                self.counts.raised[flag.raised] += 1
            key = (flag.person_id, flag.alert_since, flag.colour)
            if key not in self.planned:
                self.planned[key] = self._plan(flag, day, first_day)
            if self.planned[key] == day:
                self._triage(flag, day)
                self.planned[key] = None

    def _triage(self, flag: Flag, day: date) -> None:
        rng = self.rng
        actions = ACTIONS[Colour(flag.colour)]
        action = rng.choices([a for a, _w in actions], weights=[w for _a, w in actions])[0]
        by = self.staff.officer(flag.establishment_id) if action == TriageAction.SPOKE and rng.random() < 0.5 else None
        by = by or self.staff.lead(flag.establishment_id)
        if by is None:
            return
        review_on = None
        if action != TriageAction.NO_CONCERN and (
            action in (TriageAction.CONCERN_KEEP_SAFE, TriageAction.CSIP_REFERRAL) or rng.random() < 0.7
        ):
            review_on = day + timedelta(days=rng.randint(2, 7))
        triage = services.flag_triage(
            flag=flag, by=by, action=action, note=rng.choice(NOTES[action]), review_on=review_on, today=day
        )
        created = flag.created_at
        at = max(created, _at(day, rng.uniform(8.5, 17.0)))
        Triage.objects.filter(pk=triage.pk).update(at=at)
        self.counts.triages += 1

    def reviews(self, today: date) -> None:
        """Do most follow-up reviews that fell due before ``today``, on their day; leave a few overdue (at least one
        per establishment where any fell due)."""
        due = list(
            Triage.objects.filter(review_on__lt=today, reviewed_at__isnull=True)
            .select_related("flag", "flag__person")
            .order_by("flag__establishment__code", "review_on", "pk")
        )
        left: Counter[int] = Counter()
        for number, triage in enumerate(due):
            place = triage.flag.establishment_id
            last_of_place = number + 1 == len(due) or due[number + 1].flag.establishment_id != place
            if self.rng.random() < 0.1 or (last_of_place and not left[place]):
                left[place] += 1
                continue
            by = self.staff.lead(place)
            if by is None or triage.review_on is None:
                continue
            services.review_complete(triage=triage, by=by, note=self.rng.choice(REVIEW_NOTES))
            done = max(triage.at, _at(triage.review_on, self.rng.uniform(9.0, 16.0)))
            Triage.objects.filter(pk=triage.pk).update(reviewed_at=done)
            self.counts.reviews_done += 1
        self.counts.reviews_overdue = sum(left.values())

    def reminders(self, day: date) -> None:
        """The day's reminder job: the safer custody teams and the staff who set the overdue reviews are told."""
        self.counts.reminders = jobs.review_reminders(slot=_at(day, REMINDED_AT))["notifications"]

    def trigger_dates(self, day: date) -> None:
        """A court date and an anniversary for two people on each establishment's list, far enough from the scored
        days that they change no stored flag (a date weighs from 7 days before it)."""
        rng = self.rng
        for place in Establishment.objects.order_by("code"):
            flags = list(
                Flag.objects.filter(as_of=day, establishment=place, colour__in=[Colour.RED, Colour.AMBER])
                .select_related("person")
                .order_by("-score", "person__prison_number")[:2]
            )
            by = self.staff.lead(place.pk)
            if by is None:
                continue
            kinds = [
                (TriggerKind.COURT, day + timedelta(days=rng.randint(10, 21)), rng.choice(COURT_NOTES)),
                (TriggerKind.ANNIVERSARY, day - timedelta(days=rng.randint(60, 300)), rng.choice(ANNIVERSARY_NOTES)),
            ]
            for flag, (kind, on, note) in zip(flags, kinds, strict=False):
                trigger = services.trigger_date_record(person=flag.person, by=by, kind=kind, on=on, note=note)
                TriggerDate.objects.filter(pk=trigger.pk).update(recorded_at=_at(day, rng.uniform(10.0, 15.0)))
                self.counts.dates += 1

    def settings_change(self, before_day: date) -> None:
        """The first establishment's safer custody lead set its amber budget to what the team can triage (the budget
        is what the oversight page measures; at these sizes it never changes a colour)."""
        place = Establishment.objects.order_by("pk").first()
        by = self.staff.lead(place.pk) if place else None
        if place is None or by is None:
            return
        current = selectors.settings_for(establishment=place)
        services.settings_change(
            establishment=place,
            by=by,
            amber_threshold=current.amber_threshold,
            red_threshold=current.red_threshold,
            red_budget_per_100=current.red_budget_per_100,
            amber_budget_per_100=4.0,
            reason="Safety intervention meeting: the team can triage about 4 new amber alerts per 100 people a week.",
        )
        when = _at(before_day - timedelta(days=20), 11.0)
        SettingsChange.objects.filter(establishment=place).update(at=when)
        AimSettings.objects.filter(establishment=place).update(updated_at=when)
        self.counts.settings_changes += 1


def populate(*, seed: int = 1, say: Callable[[str], None] = lambda _line: None, days: int = DAYS) -> Counts:
    """Score the demo's last ``days`` days and record staff decisions about the alerts (nothing when AIM data is
    already there)."""
    started = time.monotonic()
    span = activity_span()
    if span is None or ScoreRun.objects.exists():
        say("  AIM: nothing to add (no demo activity, or days already scored)")
        return Counts()
    scored = days_to_score(*span, days=days)
    if not scored:
        say(f"  AIM: fewer than {MIN_HISTORY_DAYS} days of activity, nothing scored")
        return Counts()
    first, last = scored[0], scored[-1]
    with override_settings(DEBUG=False), transaction.atomic():
        decisions = Decisions(seed, Staff(), last)
        decisions.settings_change(first)
        cache = EventCache(scored)
        for day in scored:
            score(day, cache)
            decisions.triage_day(day, first)
        scored_in = time.monotonic() - started
        decisions.reviews(last)
        decisions.reminders(last)
        decisions.trigger_dates(last)
    counts = decisions.counts
    counts.days = len(scored)
    counts.flags = Flag.objects.count()
    shown = Counter(Flag.objects.filter(as_of=last).values_list("colour", flat=True))
    say(
        f"  AIM: {len(scored)} days scored ({first:%d %b} to {last:%d %b %Y}) in {scored_in:.1f} s; on the last day "
        f"{shown[Colour.RED]} red, {shown[Colour.AMBER]} amber, {shown[Colour.INSUFFICIENT]} insufficient data"
    )
    acted_in = time.monotonic() - started - scored_in
    say(
        f"  AIM: {counts.triages} triages, {counts.reviews_done} reviews done, {counts.reviews_overdue} overdue, "
        f"{counts.dates} dates recorded, {counts.reminders} reminders sent in {acted_in:.1f} s"
    )
    return counts


def reset() -> dict[str, int]:
    """Delete every AIM row, for ``demo_estate --reset`` (flags, runs, settings and dates refer to the people and
    establishments it deletes; run inside its transaction). Audit rows stay."""
    deleted = 0
    for model in (Triage, Flag, ScoreRun, TriggerDate, SettingsChange, AimSettings):
        deleted += model.objects.all().delete()[0]
    return {"AIM rows": deleted}
