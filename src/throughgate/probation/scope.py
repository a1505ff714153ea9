"""Who may see whose probation records, in one place (the feature selectors use it).

- Prison resettlement staff: the people in custody in the establishment they act in.
- A probation practitioner: the people on their own caseload (allocated to them, not in custody).
- A resident: themself, on a kiosk. A person on probation: themself, signed in with a code.
A person no one may see looks exactly like one that does not exist (NotVisible, a 404)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from throughgate.core.errors import NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people.models import Person
from throughgate.people.selectors import own_record, own_record_on_probation, probation_caseload_of
from throughgate.probation.permissions import SUPERVISE, USE_MYPROBATION, USE_PASSPORT, WORK_RESETTLEMENT


def person_for_staff(*, user: User, establishment: Establishment | None, prison_number: str) -> Person:
    """A person a member of staff may work on: in custody in the establishment they act in (resettlement work), or on
    their own probation caseload (a practitioner)."""
    if user.has_perm(WORK_RESETTLEMENT) and staff_may_act_in(user, establishment):
        person = (
            Person.objects.select_related("establishment")
            .filter(prison_number=prison_number, establishment=establishment)
            .first()
        )
        if person is not None:
            return person
    if user.has_perm(SUPERVISE):
        person = probation_caseload_of(staff=user).filter(prison_number=prison_number).first()
        if person is not None:
            return person
    raise NotVisible(_("No person with that prison number was found"))


def own_person(*, user: User) -> Person:
    """The signed-in person's own record: a resident on a kiosk, or a person on probation."""
    if user.is_resident and user.has_perm(USE_PASSPORT):
        person = own_record(user=user)
        if person.establishment_id is not None:
            return person
    elif user.has_perm(USE_MYPROBATION):
        return own_record_on_probation(user=user)
    raise NotVisible(_("No record found"))
