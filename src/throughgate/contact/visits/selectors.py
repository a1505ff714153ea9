"""Reads of visits, scoped to the acting user: a resident sees their own upcoming visits; a family member the visits
they booked or are a visitor on, for their approved contacts only; visits staff the sessions, bookings and the day's
visits of an establishment they may act in (lists are audited reads)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.contact import events
from throughgate.contact.contacts.models import Contact
from throughgate.contact.permissions import MANAGE_VISITS, RUN_VISITS_HALL, USE_CONTACTS
from throughgate.contact.visits.models import (
    Visit,
    VisitAllowance,
    VisitKind,
    VisitSession,
    VisitSlot,
    VisitStatus,
)
from throughgate.core import audit
from throughgate.core.errors import NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people.models import Person
from throughgate.people.selectors import own_record_for, people_visible_to

BOOKING_DAYS_AHEAD = 28
DEFAULT_VISITS_PER_MONTH = 2  # Prison Rules 1999: at least two social visits every four weeks
COUNTED = (VisitStatus.BOOKED, VisitStatus.COMPLETED)


def ensure_staff(user: User, establishment: Establishment | None, permission: str) -> Establishment:
    if establishment is None or not user.has_perm(permission) or not staff_may_act_in(user, establishment):
        raise NotVisible(_("No visit found"))
    return establishment


def wing_of(person: Person) -> str:
    location = person.location
    return location.wing.code if location is not None else ""


def session_open_to(session: VisitSession, person: Person) -> bool:
    """Whether the person's wing and incentive level may use the session."""
    if session.wings and wing_of(person) not in session.wings:
        return False
    return not (session.incentive_levels and person.incentive_level not in session.incentive_levels)


def session_runs_on(session: VisitSession, day: dt.date) -> bool:
    return (
        day.weekday() == session.weekday
        and session.valid_from <= day
        and (session.valid_to is None or day <= session.valid_to)
    )


def starts_at(session: VisitSession, day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, session.starts_at))


def allowance_of(person: Person) -> int:
    found = VisitAllowance.objects.filter(
        establishment=person.establishment, incentive_level=person.incentive_level
    ).first()
    return found.visits_per_month if found else DEFAULT_VISITS_PER_MONTH


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def visits_in_month(person: Person, day: dt.date) -> int:
    first, last = month_bounds(day)
    return Visit.objects.filter(person=person, status__in=COUNTED, slot__date__gte=first, slot__date__lte=last).count()


def booked_count(slot: VisitSlot, kind: str) -> int:
    return Visit.objects.filter(slot=slot, kind=kind, status=VisitStatus.BOOKED).count()


@dataclass(frozen=True)
class SlotChoice:
    session: VisitSession
    date: dt.date
    open_left: int
    closed_left: int

    @property
    def value(self) -> str:
        return f"{self.session.pk}_{self.date.isoformat()}"

    @property
    def starts(self) -> dt.datetime:
        return starts_at(self.session, self.date)


def slots_for(person: Person, *, now: dt.datetime | None = None, days: int = BOOKING_DAYS_AHEAD) -> list[SlotChoice]:
    """The sessions the person may be visited in over the next ``days`` days, with the places left of each kind."""
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    last = today + dt.timedelta(days=days)
    sessions = [
        s
        for s in VisitSession.objects.filter(establishment=person.establishment, valid_from__lte=last).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today)
        )
        if session_open_to(s, person)
    ]
    taken: dict[tuple[int, dt.date, str], int] = {}
    rows = (
        Visit.objects.filter(
            slot__session__in=sessions, slot__date__gte=today, slot__date__lte=last, status=VisitStatus.BOOKED
        )
        .values("slot__session_id", "slot__date", "kind")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        taken[(row["slot__session_id"], row["slot__date"], row["kind"])] = row["n"]
    choices = []
    for offset in range(days + 1):
        day = today + dt.timedelta(days=offset)
        for session in sessions:
            if not session_runs_on(session, day) or starts_at(session, day) <= moment:
                continue
            choices.append(
                SlotChoice(
                    session,
                    day,
                    max(0, session.open_capacity - taken.get((session.pk, day, VisitKind.OPEN), 0)),
                    max(0, session.closed_capacity - taken.get((session.pk, day, VisitKind.CLOSED), 0)),
                )
            )
    return sorted(choices, key=lambda c: (c.date, c.session.starts_at, c.session.room))


def _with_parts(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    return visits.select_related("slot", "slot__session", "person").prefetch_related("visitors")


def own_upcoming(*, user: User, now: dt.datetime | None = None) -> list[Visit]:
    """A resident's booked visits from today on."""
    person = own_record_for(user=user, permission=USE_CONTACTS)
    today = timezone.localdate(now or timezone.now())
    return list(_with_parts(Visit.objects.filter(person=person, status=VisitStatus.BOOKED, slot__date__gte=today)))


def family_visits(*, user: User, contacts: QuerySet[Contact]) -> list[Visit]:
    """Visits a family member booked or is named on, for their approved contacts only (``contacts`` comes from
    contacts.selectors.family_contacts)."""
    allowed = list(contacts)
    people = {c.person_id for c in allowed}
    found = Visit.objects.filter(person_id__in=people).filter(Q(booked_by=user) | Q(visitors__in=allowed)).distinct()
    return list(_with_parts(found).order_by("-slot__date", "pk")[:50])


def family_visit(*, user: User, contacts: QuerySet[Contact], visit_id: int) -> Visit:
    visit = next((v for v in family_visits(user=user, contacts=contacts) if v.pk == visit_id), None)
    if visit is None:
        raise NotVisible(_("No visit found"))
    return visit


def sessions_of(*, user: User, establishment: Establishment | None) -> QuerySet[VisitSession]:
    place = ensure_staff(user, establishment, MANAGE_VISITS)
    return VisitSession.objects.filter(establishment=place)


def allowances_of(*, user: User, establishment: Establishment | None) -> dict[str, int]:
    place = ensure_staff(user, establishment, MANAGE_VISITS)
    return dict(VisitAllowance.objects.filter(establishment=place).values_list("incentive_level", "visits_per_month"))


def visits_on(
    *, user: User, establishment: Establishment | None, day: dt.date, permission: str = RUN_VISITS_HALL
) -> list[Visit]:
    """Every visit of an establishment on one day (the visits hall list): an audited read."""
    place = ensure_staff(user, establishment, permission)
    found = list(_with_parts(Visit.objects.filter(slot__session__establishment=place, slot__date=day)))
    audit.record(
        action=events.VISITS_VIEWED,
        actor=user,
        detail={"establishment": place.code, "day": day.isoformat(), "count": len(found)},
    )
    return found


def visit_for_staff(*, user: User, establishment: Establishment | None, visit_id: int, permission: str) -> Visit:
    place = ensure_staff(user, establishment, permission)
    visit = _with_parts(Visit.objects.filter(pk=visit_id, slot__session__establishment=place)).first()
    if visit is None:
        raise NotVisible(_("No visit found"))
    return visit


def person_for_visits(*, user: User, establishment: Establishment | None, prison_number: str) -> Person:
    """A person in the establishment, for visits staff booking on their behalf."""
    place = ensure_staff(user, establishment, MANAGE_VISITS)
    person = (
        people_visible_to(user=user, establishment=place)
        .select_related("location", "establishment")
        .filter(prison_number=prison_number.strip().upper())
        .first()
    )
    if person is None:
        raise NotVisible(_("No person with that prison number was found"))
    return person
