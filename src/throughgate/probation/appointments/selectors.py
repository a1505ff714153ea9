"""Reads of appointments: the person's own upcoming ones, and a person's for their practitioner."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core.errors import NotVisible
from throughgate.identity.models import User
from throughgate.people.models import Person
from throughgate.probation import scope
from throughgate.probation.appointments.models import UPCOMING, Appointment


def own_upcoming(*, user: User) -> list[Appointment]:
    person = scope.own_person(user=user)
    return list(
        Appointment.objects.filter(person=person, status__in=UPCOMING, starts_at__gte=timezone.now()).order_by(
            "starts_at"
        )[:5]
    )


def own_appointment(*, user: User, appointment_id: int) -> Appointment:
    person = scope.own_person(user=user)
    appointment = Appointment.objects.filter(person=person, pk=appointment_id).first()
    if appointment is None:
        raise NotVisible(_("No appointment found"))
    return appointment


def appointments_of(*, person: Person, limit: int = 20) -> list[Appointment]:
    """A person's appointments, latest first (the caller read the person through a scoped selector)."""
    return list(Appointment.objects.filter(person=person).order_by("-starts_at")[:limit])


def appointment_for_practitioner(*, user: User, appointment_id: int) -> Appointment:
    appointment = Appointment.objects.select_related("person").filter(pk=appointment_id).first()
    if appointment is None:
        raise NotVisible(_("No appointment found"))
    scope.person_for_staff(user=user, establishment=None, prison_number=appointment.person.prison_number)
    return appointment
