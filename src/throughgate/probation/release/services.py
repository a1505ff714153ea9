"""Release through the gate, and recall. The person's record, movement and caseload change through the people app's
services; the passport belongs to the person and so goes with them; their account becomes a person on probation's,
signing in with a code to the phone or email given here."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from throughgate.core import activity, audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.people import services as people_services
from throughgate.people.models import Person
from throughgate.probation import events, scope
from throughgate.probation.checkins.models import CheckinSchedule
from throughgate.probation.myprobation.services import contacts_set
from throughgate.probation.passport.services import passport_ensure
from throughgate.probation.permissions import RELEASE_PEOPLE, SUPERVISE


@transaction.atomic
def release_complete(
    *,
    by: User,
    establishment: Establishment | None,
    prison_number: str,
    crn: str,
    practitioner: User,
    on: date,
    phone: str = "",
    email: str = "",
) -> Person:
    """Release a person in custody in the establishment to probation supervision (all or nothing)."""
    ensure_can(by, RELEASE_PEOPLE)
    person = scope.person_for_staff(user=by, establishment=establishment, prison_number=prison_number)
    if establishment is None or person.establishment_id != establishment.pk:
        raise NotVisible(_("No person with that prison number was found"))
    if not practitioner.is_active or not practitioner.is_staff_member or not practitioner.has_perm(SUPERVISE):
        raise InvalidInput(_("Choose a probation practitioner"), code="practitioner_invalid", field="practitioner")
    passport_ensure(person=person, by=by)
    movement = people_services.person_release(person=person, by=by, on=on, crn=crn, practitioner=practitioner)
    person.refresh_from_db()
    if person.user is not None and (phone.strip() or email.strip()):
        contacts_set(person=person, by=by, phone=phone, email=email)
    activity.emit(
        person=person.prison_number,
        kind=events.RELEASE_COMPLETED_KIND,
        occurred_at=movement.occurred_at,
        source="probation",
        idempotency_key=f"release.completed:{movement.pk}",
        payload={"from": establishment.code},
    )
    audit.record(
        action=events.RELEASE_COMPLETED,
        actor=by,
        subject=person.prison_number,
        obj=movement,
        establishment=establishment.code,
        detail={"crn": person.crn, "practitioner": practitioner.username, "on": on.isoformat()},
    )
    return person


@transaction.atomic
def recall_complete(*, by: User, prison_number: str, establishment: Establishment, on: date, reason: str) -> Person:
    """The practitioner recalls a person on their caseload to custody: back to a resident in the establishment; the
    practitioner's access ends; check-ins stop."""
    ensure_can(by, SUPERVISE)
    person = scope.person_for_staff(user=by, establishment=None, prison_number=prison_number)
    if not reason.strip():
        raise InvalidInput(_("Enter the reason for the recall"), code="reason_required", field="reason")
    movement = people_services.person_recall(
        person=person, by=by, establishment=establishment, on=on, reason=reason.strip()
    )
    CheckinSchedule.objects.filter(person=person).update(active=False)
    audit.record(
        action=events.RECALL_COMPLETED,
        actor=by,
        subject=person.prison_number,
        obj=movement,
        establishment=establishment.code,
        detail={"to": establishment.code, "on": on.isoformat()},
    )
    person.refresh_from_db()
    return person
