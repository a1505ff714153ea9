"""Visits writes: visits staff set up sessions and allowances; a visit is booked by a family member (for their
approved contacts) or by staff, under the same rules, checked in one function inside one transaction that locks the
slot and the person, so two bookings racing for the last place cannot both win; cancellations carry a reason; the
visits hall records arrivals and outcomes. Cancellations and outcomes emit ``visit.cancelled`` / ``visit.attended``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from throughgate.contact import events
from throughgate.contact.contacts import rules
from throughgate.contact.contacts.models import Contact, ContactStatus
from throughgate.contact.contacts.selectors import restrictions_of
from throughgate.contact.permissions import MANAGE_VISITS, RUN_VISITS_HALL, USE_FAMILY_SITE
from throughgate.contact.visits import selectors
from throughgate.contact.visits.models import (
    VISIT_HAPPENED,
    BookedVia,
    CancelReason,
    Visit,
    VisitAllowance,
    VisitKind,
    VisitOutcome,
    VisitSession,
    VisitSlot,
    VisitStatus,
)
from throughgate.core import activity, audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition, LimitExceeded, NotVisible
from throughgate.core.idempotency import clean_idempotency_key
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people.models import IncentiveLevel, Person

SOURCE = "contact"


class VisitRefused(LimitExceeded):
    """A booking the rules refuse; ``code`` says which rule, the message says why in words."""

    code = "visit_refused"


# --- Staff: sessions and allowances --------------------------------------------------------------------------


@dataclass(frozen=True)
class NewSession:
    room: str
    weekday: int
    starts_at: dt.time
    ends_at: dt.time
    open_capacity: int
    closed_capacity: int
    valid_from: dt.date
    valid_to: dt.date | None = None
    max_adults: int = 3
    max_children: int = 3
    wings: list[str] = field(default_factory=list)
    incentive_levels: list[str] = field(default_factory=list)


@transaction.atomic
def session_add(*, by: User, establishment: Establishment, new: NewSession) -> VisitSession:
    ensure_can(by, MANAGE_VISITS)
    if not staff_may_act_in(by, establishment):
        raise NotVisible(_("No visit found"))
    if new.ends_at <= new.starts_at:
        raise InvalidInput(_("The end time must be after the start time."), code="times", field="ends_at")
    if new.valid_to is not None and new.valid_to < new.valid_from:
        raise InvalidInput(_("The last date must be on or after the first date."), code="dates", field="valid_to")
    if new.open_capacity + new.closed_capacity == 0:
        raise InvalidInput(_("Enter at least one table or booth."), code="capacity", field="open_capacity")
    if new.max_adults < 1:
        raise InvalidInput(_("At least one adult must be allowed."), code="adults", field="max_adults")
    unknown = [level for level in new.incentive_levels if level not in IncentiveLevel.values]
    if unknown:
        raise InvalidInput(_("Choose incentive levels from the list."), code="levels", field="incentive_levels")
    session = VisitSession.objects.create(
        establishment=establishment,
        room=new.room.strip(),
        weekday=new.weekday,
        starts_at=new.starts_at,
        ends_at=new.ends_at,
        open_capacity=new.open_capacity,
        closed_capacity=new.closed_capacity,
        valid_from=new.valid_from,
        valid_to=new.valid_to,
        max_adults=new.max_adults,
        max_children=new.max_children,
        wings=sorted({w.strip().upper() for w in new.wings if w.strip()}),
        incentive_levels=sorted(set(new.incentive_levels)),
        created_by=by,
    )
    audit.record(action=events.SESSION_SAVED, actor=by, obj=session, detail={"session": str(session)})
    return session


@transaction.atomic
def allowance_set(
    *, by: User, establishment: Establishment, incentive_level: str, visits_per_month: int
) -> VisitAllowance:
    ensure_can(by, MANAGE_VISITS)
    if not staff_may_act_in(by, establishment):
        raise NotVisible(_("No visit found"))
    if incentive_level not in IncentiveLevel.values:
        raise InvalidInput(_("Choose an incentive level."), code="level", field="incentive_level")
    if not 0 <= visits_per_month <= 31:
        raise InvalidInput(_("Enter a number from 0 to 31."), code="count", field="visits_per_month")
    allowance, _created = VisitAllowance.objects.update_or_create(
        establishment=establishment, incentive_level=incentive_level, defaults={"visits_per_month": visits_per_month}
    )
    audit.record(
        action=events.ALLOWANCE_SAVED,
        actor=by,
        obj=allowance,
        detail={"level": incentive_level, "visits_per_month": visits_per_month},
    )
    return allowance


# --- Booking -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Booked:
    visit: Visit
    created: bool  # False when the key had been used already: the first booking is returned


def _when(session: VisitSession, day: dt.date) -> str:
    return _("%(day)s at %(time)s") % {
        "day": formats.date_format(day, "l j F"),
        "time": formats.time_format(session.starts_at, "H:i"),
    }


def _check_booking(
    *, person: Person, session: VisitSession, day: dt.date, kind: str, visitors: Sequence[Contact], moment: dt.datetime
) -> None:
    """Every rule but capacity and allowance (checked under the locks). Raises VisitRefused with the reason."""
    if session.establishment_id != person.establishment_id or not selectors.session_runs_on(session, day):
        raise VisitRefused(
            _("There is no visiting session at that time. Choose a time from the list."),
            code="no_session",
            field="slot",
        )
    if selectors.starts_at(session, day) <= moment:
        raise VisitRefused(
            _("That visiting time has already started. Choose a later one."), code="no_session", field="slot"
        )
    if not selectors.session_open_to(session, person):
        raise VisitRefused(
            _("This visiting session is not open to this person's wing or incentive level."),
            code="no_session",
            field="slot",
        )
    if not visitors:
        raise InvalidInput(_("Choose who is visiting."), code="no_visitors", field="visitors")
    for contact in visitors:
        if contact.person_id != person.pk or contact.status != ContactStatus.APPROVED:
            raise VisitRefused(
                _("%(name)s is not an approved visitor for this person.") % {"name": contact.full_name},
                code="not_approved",
                field="visitors",
            )
    restrictions = restrictions_of(person)
    for contact in visitors:
        blocked = rules.forbids_contact(restrictions, contact, day)
        if blocked:
            raise VisitRefused(blocked, code="restricted", field="visitors")
    if kind != VisitKind.CLOSED and rules.closed_only(restrictions, day):
        raise VisitRefused(
            _("This person may only have closed visits (through a screen). Choose a closed visit."),
            code="restricted",
            field="kind",
        )
    children = sum(1 for c in visitors if c.is_child_on(day))
    adults = len(visitors) - children
    if adults < 1:
        raise VisitRefused(_("A child must come with an adult."), code="no_adult", field="visitors")
    if adults > session.max_adults or children > session.max_children:
        raise VisitRefused(
            _("This room takes up to %(adults)s adults and %(children)s children per visit.")
            % {"adults": session.max_adults, "children": session.max_children},
            code="too_many_visitors",
            field="visitors",
        )


def _book(
    *,
    by: User,
    person: Person,
    session: VisitSession,
    day: dt.date,
    kind: str,
    visitors: Sequence[Contact],
    via: str,
    idempotency_key: str,
    now: dt.datetime | None,
) -> Booked:
    key = clean_idempotency_key(idempotency_key)
    stored_key = f"{by.pk}:{key}"
    existing = Visit.objects.filter(idempotency_key=stored_key).first()
    if existing is not None:
        return Booked(existing, created=False)
    if kind not in VisitKind.values:
        raise InvalidInput(_("Choose an open or a closed visit."), code="kind", field="kind")
    moment = now or timezone.now()
    _check_booking(person=person, session=session, day=day, kind=kind, visitors=visitors, moment=moment)
    try:
        with transaction.atomic():
            slot = _locked_slot(session, day)
            Person.objects.select_for_update().filter(pk=person.pk).first()
            existing = Visit.objects.filter(idempotency_key=stored_key).first()
            if existing is not None:
                return Booked(existing, created=False)
            capacity = session.closed_capacity if kind == VisitKind.CLOSED else session.open_capacity
            if selectors.booked_count(slot, kind) >= capacity:
                raise VisitRefused(
                    _("That visiting time is full. Choose another time.")
                    if capacity
                    else _("That visiting time has no places for this kind of visit."),
                    code="full",
                    field="slot",
                )
            allowance = selectors.allowance_of(person)
            if selectors.visits_in_month(person, day) >= allowance:
                raise VisitRefused(
                    _("This person has used all %(n)s visits for %(month)s. Choose a day in another month.")
                    % {"n": allowance, "month": formats.date_format(day, "F Y")},
                    code="over_allowance",
                    field="slot",
                )
            visit = Visit.objects.create(
                slot=slot,
                person=person,
                kind=kind,
                booked_at=moment,
                booked_by=by,
                booked_via=via,
                idempotency_key=stored_key,
            )
            visit.visitors.set(visitors)
            audit.record(
                action=events.VISIT_BOOKED,
                actor=by,
                subject=person.prison_number,
                obj=visit,
                detail={
                    "visit": visit.pk,
                    "when": f"{day.isoformat()} {session.starts_at:%H:%M}",
                    "via": via,
                    "kind": kind,
                    "visitors": [c.pk for c in visitors],
                },
            )
    except IntegrityError:
        existing = Visit.objects.filter(idempotency_key=stored_key).first()
        if existing is None:
            raise
        return Booked(existing, created=False)
    return Booked(visit, created=True)


def _locked_slot(session: VisitSession, day: dt.date) -> VisitSlot:
    """The (session, date) row, made on first use and locked (PostgreSQL: FOR UPDATE) for the rest of the booking."""
    slot = VisitSlot.objects.select_for_update().filter(session=session, date=day).first()
    if slot is not None:
        return slot
    try:
        with transaction.atomic():
            VisitSlot.objects.create(session=session, date=day)
    except IntegrityError:
        pass  # another booking made it first
    return VisitSlot.objects.select_for_update().get(session=session, date=day)


def visit_book_by_family(
    *,
    user: User,
    lead: Contact,
    session: VisitSession,
    day: dt.date,
    visitors: Sequence[Contact],
    kind: str = VisitKind.OPEN,
    idempotency_key: str,
    now: dt.datetime | None = None,
) -> Booked:
    """A family member books a visit to the resident of ``lead`` (their own approved contact record, from
    contacts.selectors.family_contact). The lead visitor is always on the visit."""
    ensure_can(user, USE_FAMILY_SITE)
    if not user.is_family_member:
        raise NotVisible(_("No one found"))
    everyone = [lead, *[c for c in visitors if c.pk != lead.pk]]
    return _book(
        by=user,
        person=lead.person,
        session=session,
        day=day,
        kind=kind,
        visitors=everyone,
        via=BookedVia.FAMILY,
        idempotency_key=idempotency_key,
        now=now,
    )


def visit_book_by_staff(
    *,
    by: User,
    person: Person,
    session: VisitSession,
    day: dt.date,
    visitors: Sequence[Contact],
    kind: str = VisitKind.OPEN,
    idempotency_key: str,
    now: dt.datetime | None = None,
) -> Booked:
    """Visits staff book a visit (for a family on the phone, say), under the same rules."""
    ensure_can(by, MANAGE_VISITS)
    if not staff_may_act_in(by, person.establishment):
        raise NotVisible(_("No person with that prison number was found"))
    return _book(
        by=by,
        person=person,
        session=session,
        day=day,
        kind=kind,
        visitors=visitors,
        via=BookedVia.STAFF,
        idempotency_key=idempotency_key,
        now=now,
    )


# --- Cancelling and the visits hall --------------------------------------------------------------------------


def _locked_visit(visit: Visit) -> Visit:
    return Visit.objects.select_for_update().select_related("slot", "slot__session", "person").get(pk=visit.pk)


def visit_cancel(*, by: User, visit: Visit, reason: str, note: str = "", now: dt.datetime | None = None) -> Visit:
    """Cancel a booked visit with a reason. A family member (their own visits, which the caller found through the
    family selectors) always cancels as the visitor; staff choose the reason."""
    if by.is_family_member:
        ensure_can(by, USE_FAMILY_SITE)
        reason = CancelReason.VISITOR
    else:
        ensure_can(by, MANAGE_VISITS)
        if not staff_may_act_in(by, visit.person.establishment):
            raise NotVisible(_("No visit found"))
    if reason not in CancelReason.values:
        raise InvalidInput(_("Choose why the visit is cancelled."), code="reason", field="reason")
    moment = now or timezone.now()
    with transaction.atomic():
        visit = _locked_visit(visit)
        if visit.status != VisitStatus.BOOKED:
            raise InvalidTransition(_("This visit is not booked any more."), code="not_booked")
        visit.status = VisitStatus.CANCELLED
        visit.cancel_reason = reason
        visit.cancel_note = note.strip()
        visit.cancelled_at = moment
        visit.cancelled_by = by
        visit.save(update_fields=["status", "cancel_reason", "cancel_note", "cancelled_at", "cancelled_by"])
        audit.record(
            action=events.VISIT_CANCELLED,
            actor=by,
            subject=visit.person.prison_number,
            obj=visit,
            detail={"visit": visit.pk, "reason": reason},
        )
        activity.emit(
            person=visit.person.prison_number,
            kind=events.VISIT_CANCELLED_KIND,
            occurred_at=moment,
            source=SOURCE,
            idempotency_key=f"visit.cancelled:{visit.pk}",
            payload={"visit": visit.pk, "reason": reason, "date": visit.slot.date.isoformat()},
        )
    return visit


def _hall_visit(by: User, visit: Visit) -> Visit:
    ensure_can(by, RUN_VISITS_HALL)
    if not staff_may_act_in(by, visit.person.establishment):
        raise NotVisible(_("No visit found"))
    return _locked_visit(visit)


@transaction.atomic
def visit_arrived(*, by: User, visit: Visit, now: dt.datetime | None = None) -> Visit:
    visit = _hall_visit(by, visit)
    if visit.status != VisitStatus.BOOKED:
        raise InvalidTransition(_("This visit is not booked any more."), code="not_booked")
    if visit.arrived_at is None:
        visit.arrived_at = now or timezone.now()
        visit.save(update_fields=["arrived_at"])
        audit.record(action=events.VISIT_ARRIVED, actor=by, subject=visit.person.prison_number, obj=visit)
    return visit


@transaction.atomic
def visit_outcome_record(
    *, by: User, visit: Visit, outcome: str, note: str = "", now: dt.datetime | None = None
) -> Visit:
    """The visits hall records how a booked visit went: ``visit.attended`` when it took place, ``visit.cancelled``
    (with the outcome as the reason) when it did not."""
    visit = _hall_visit(by, visit)
    if outcome not in VisitOutcome.values:
        raise InvalidInput(_("Choose what happened."), code="outcome", field="outcome")
    if visit.status != VisitStatus.BOOKED:
        raise InvalidTransition(_("This visit is not booked any more."), code="not_booked")
    moment = now or timezone.now()
    if timezone.localdate(moment) < visit.slot.date:
        raise InvalidTransition(_("You can record how a visit went on its day, not before."), code="too_early")
    visit.status = VisitStatus.COMPLETED
    visit.outcome = outcome
    visit.outcome_note = note.strip()
    visit.outcome_by = by
    visit.save(update_fields=["status", "outcome", "outcome_note", "outcome_by"])
    audit.record(
        action=events.VISIT_OUTCOME,
        actor=by,
        subject=visit.person.prison_number,
        obj=visit,
        detail={"visit": visit.pk, "outcome": outcome},
    )
    happened = outcome in VISIT_HAPPENED
    activity.emit(
        person=visit.person.prison_number,
        kind=events.VISIT_ATTENDED_KIND if happened else events.VISIT_CANCELLED_KIND,
        occurred_at=selectors.starts_at(visit.slot.session, visit.slot.date),
        source=SOURCE,
        idempotency_key=f"visit.{'attended' if happened else 'cancelled'}:{visit.pk}",
        payload={"visit": visit.pk, "outcome": outcome, "reason": outcome},
    )
    return visit
