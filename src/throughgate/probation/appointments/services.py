"""Writes of appointments: book, answer (confirm or ask to change), record the outcome."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import activity, audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition
from throughgate.core.idempotency import key_of
from throughgate.identity.models import User
from throughgate.people.models import Person
from throughgate.probation import events
from throughgate.probation.appointments.models import (
    OUTCOMES,
    UPCOMING,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
)
from throughgate.probation.caseload.models import PractitionerTask, TaskKind
from throughgate.probation.permissions import SUPERVISE


def appointment_book(
    *, by: User, person: Person, kind: str, starts_at: datetime, place: str = "", key: str | None = None
) -> Appointment:
    """The practitioner books an appointment with a person on their caseload (read through a scoped selector). A
    retry with the same key books nothing more."""
    ensure_can(by, SUPERVISE)
    if kind not in AppointmentKind.values:
        raise InvalidInput(_("Choose the kind of appointment"), code="kind_invalid", field="kind")
    if starts_at <= timezone.now():
        raise InvalidInput(_("The appointment must be in the future"), code="date_past", field="starts_at")
    stored_key = key_of(by.pk, key)
    if stored_key and (existing := Appointment.objects.filter(book_key=stored_key).first()):
        return existing
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                person=person,
                practitioner=by,
                kind=kind,
                starts_at=starts_at,
                place=place.strip()[:200],
                book_key=stored_key,
            )
            audit.record(
                action=events.APPOINTMENT_BOOKED,
                actor=by,
                subject=person.prison_number,
                obj=appointment,
                detail={"kind": kind, "starts_at": starts_at.isoformat()},
            )
    except IntegrityError:
        return Appointment.objects.get(book_key=stored_key)
    return appointment


@transaction.atomic
def appointment_answer(*, appointment: Appointment, by: User, confirm: bool, reason: str = "") -> Appointment:
    """The person confirms, or asks to change it with a reason (the practitioner rebooks)."""
    appointment = Appointment.objects.select_for_update().select_related("person").get(pk=appointment.pk)
    if appointment.person.user_id != by.pk:
        raise InvalidTransition(_("This appointment is not yours."), code="not_yours")
    if appointment.status not in UPCOMING or appointment.starts_at <= timezone.now():
        raise InvalidTransition(_("This appointment cannot be changed now."), code="appointment_closed")
    if not confirm and not reason.strip():
        raise InvalidInput(_("Say why you need to change it"), code="reason_required", field="reason")
    appointment.status = AppointmentStatus.CONFIRMED if confirm else AppointmentStatus.CHANGE_ASKED
    appointment.change_reason = "" if confirm else reason.strip()[:500]
    appointment.answered_at = timezone.now()
    appointment.save()
    audit.record(
        action=events.APPOINTMENT_ANSWERED,
        actor=by,
        subject=appointment.person.prison_number,
        obj=appointment,
        detail={"confirmed": confirm},
    )
    return appointment


@transaction.atomic
def appointment_record(*, appointment: Appointment, by: User, outcome: str, note: str = "") -> Appointment:
    """The practitioner records what happened, once the appointment has started. A failure to attend is an
    ``appointment.missed`` event and an enforcement task; attending is ``appointment.attended``."""
    ensure_can(by, SUPERVISE)
    appointment = Appointment.objects.select_for_update().select_related("person").get(pk=appointment.pk)
    if outcome not in OUTCOMES:
        raise InvalidInput(_("Choose what happened"), code="outcome_invalid", field="outcome")
    if appointment.status not in UPCOMING:
        raise InvalidTransition(_("The outcome is already recorded."), code="outcome_recorded")
    if appointment.starts_at > timezone.now():
        raise InvalidTransition(_("The appointment has not happened yet."), code="not_yet")
    if outcome != AppointmentStatus.ATTENDED and not note.strip():
        raise InvalidInput(_("Say what happened"), code="note_required", field="note")
    appointment.status = outcome
    appointment.outcome_at = timezone.now()
    appointment.outcome_note = note.strip()[:1000]
    appointment.save()
    person = appointment.person
    if outcome == AppointmentStatus.ATTENDED:
        kind = events.APPOINTMENT_ATTENDED_KIND
    elif outcome == AppointmentStatus.FAILED_TO_ATTEND:
        kind = events.APPOINTMENT_MISSED_KIND
        PractitionerTask.objects.get_or_create(
            staff=by,
            source=f"appointment:{appointment.pk}",
            defaults={"person": person, "kind": TaskKind.ENFORCEMENT, "due_at": timezone.now() + timedelta(days=2)},
        )
    else:
        kind = ""
    if kind:
        activity.emit(
            person=person.prison_number,
            kind=kind,
            occurred_at=appointment.starts_at,
            source="probation",
            idempotency_key=f"{kind}:{appointment.pk}",
            payload={"appointment_kind": appointment.kind},
        )
    audit.record(
        action=events.APPOINTMENT_OUTCOME,
        actor=by,
        subject=person.prison_number,
        obj=appointment,
        detail={"outcome": outcome},
    )
    return appointment
