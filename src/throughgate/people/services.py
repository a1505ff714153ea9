"""Writes of people's records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from throughgate.core import audit
from throughgate.core.errors import InvalidInput, InvalidTransition
from throughgate.core.validators import is_valid_crn
from throughgate.identity import services as identity_services
from throughgate.identity.models import Establishment, User
from throughgate.people.models import (
    Booking,
    CaseloadEntry,
    CaseloadKind,
    Ethnicity,
    IncentiveLevel,
    LegalStatus,
    Movement,
    MovementKind,
    Nationality,
    Person,
)

RECORD_IMPORTED = audit.register_action(
    "people.record.imported", gettext_lazy("Added or changed a person's record from an import")
)


@dataclass(frozen=True)
class PersonImport:
    """A person's record as an import states it (AIM's ingest contract, docs/aim.md); the establishment by its code.
    Every field but the prison number and the establishment is a ``Person`` field of the same name."""

    prison_number: str
    establishment: str
    sex: str
    date_of_birth: date
    ethnicity: str = Ethnicity.OTHER
    nationality: str = Nationality.BRITISH
    first_language: str = "English"
    disability: bool = False
    arrival_date: date | None = None
    release_date: date | None = None
    incentive_level: str = IncentiveLevel.STANDARD
    self_harm_history: bool = False
    first_time_in_custody: bool = False
    legal_status: str = LegalStatus.SENTENCED


IMPORTED_FIELDS = tuple(f.name for f in fields(PersonImport) if f.name not in ("prison_number", "establishment"))


@dataclass(frozen=True)
class PeopleImported:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def people_import(*, records: Sequence[PersonImport], source: str) -> PeopleImported:
    """Add or update people from an import, in bulk (a later record for the same prison number wins). An
    establishment new to us is added by its code. Each person added or changed gets an audit row naming the source; a
    record that changes nothing is not written."""
    latest = {record.prison_number: record for record in records}
    if not latest:
        return PeopleImported(created=0, updated=0, unchanged=0)
    places = identity_services.establishments_for_import(
        codes={record.establishment for record in latest.values()}, source=source
    )
    existing = {person.prison_number: person for person in Person.objects.filter(prison_number__in=latest)}
    new: list[Person] = []
    changed: list[Person] = []
    for number, record in latest.items():
        values = {name: getattr(record, name) for name in IMPORTED_FIELDS}
        place = places[record.establishment]
        person = existing.get(number)
        if person is None:
            new.append(Person(prison_number=number, establishment=place, **values))
            continue
        if person.establishment_id == place.pk and all(getattr(person, k) == v for k, v in values.items()):
            continue
        for name, value in values.items():
            setattr(person, name, value)
        person.establishment = place
        changed.append(person)
    Person.objects.bulk_create(new)
    Person.objects.bulk_update(changed, [*IMPORTED_FIELDS, "establishment"])
    audit.record_many(
        action=RECORD_IMPORTED,
        subjects=[(person.prison_number, latest[person.prison_number].establishment) for person in new],
        detail={"source": source, "change": "added"},
    )
    audit.record_many(
        action=RECORD_IMPORTED,
        subjects=[(p.prison_number, latest[p.prison_number].establishment) for p in changed],
        detail={"source": source, "change": "changed"},
    )
    return PeopleImported(created=len(new), updated=len(changed), unchanged=len(latest) - len(new) - len(changed))


PERSON_RELEASED = audit.register_action(
    "people.person.released",
    gettext_lazy("A person left custody on release: the prison's access to their record ended"),
)
PERSON_RECALLED = audit.register_action(
    "people.person.recalled", gettext_lazy("A person on probation was recalled to custody")
)
PRACTITIONER_ALLOCATED = audit.register_action(
    "people.caseload.practitioner_allocated",
    gettext_lazy("A probation practitioner was allocated: their access to the person's record began"),
)
PRACTITIONER_ENDED = audit.register_action(
    "people.caseload.practitioner_ended",
    gettext_lazy("A probation practitioner's allocation ended: their access to the person's record ended"),
)
# Caseloads that belong to the prison and end when the person leaves it.
PRISON_CASELOADS = (CaseloadKind.KEY_WORKER, CaseloadKind.POM)


@transaction.atomic
def person_release(
    *, person: Person, by: User, on: date, crn: str, practitioner: User, reason: str = "Released on licence"
) -> Movement:
    """Release a person from custody to probation supervision: the open booking ends, a release movement is recorded,
    the person leaves the establishment (so its staff no longer see them), the prison's caseloads end, the CRN is
    set and the practitioner is allocated. Each change of access is audited. The caller checks permission."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.establishment_id is None:
        raise InvalidTransition(_("This person is not in custody."), code="not_in_custody")
    crn = crn.strip().upper()
    if not is_valid_crn(crn):
        raise InvalidInput(_("Enter a CRN: one letter and six digits, like X123456"), code="crn_invalid", field="crn")
    if Person.objects.filter(crn=crn).exclude(pk=person.pk).exists():
        raise InvalidInput(_("Another person already has this CRN"), code="crn_taken", field="crn")
    if on < (person.arrival_date or on):
        raise InvalidInput(_("The release date must be after the arrival date"), code="date_invalid", field="on")
    place: Establishment = person.establishment  # type: ignore[assignment]  # not None: checked above
    Booking.objects.filter(person=person, end_date__isnull=True).update(end_date=on)
    movement = Movement.objects.create(
        person=person,
        kind=MovementKind.RELEASE,
        occurred_at=timezone.now(),
        from_establishment=place,
        from_location=person.location,
        reason=reason[:200],
    )
    person.establishment = None
    person.location = None
    person.release_date = on
    person.crn = crn
    person.save(update_fields=["establishment", "location", "release_date", "crn"])
    ended = list(
        CaseloadEntry.objects.filter(person=person, kind__in=PRISON_CASELOADS).values_list("staff__username", "kind")
    )
    CaseloadEntry.objects.filter(person=person, kind__in=PRISON_CASELOADS).delete()
    CaseloadEntry.objects.get_or_create(staff=practitioner, person=person, kind=CaseloadKind.PROBATION)
    audit.record(
        action=PERSON_RELEASED,
        actor=by,
        subject=person.prison_number,
        obj=movement,
        establishment=place.code,
        detail={"from": place.code, "on": on.isoformat(), "crn": crn, "prison_caseloads_ended": len(ended)},
    )
    audit.record(
        action=PRACTITIONER_ALLOCATED,
        actor=by,
        subject=person.prison_number,
        establishment=place.code,
        detail={"practitioner": practitioner.username, "crn": crn},
    )
    if person.user is not None:
        identity_services.account_released(user=person.user, subject=person.prison_number)
    return movement


@transaction.atomic
def person_recall(*, person: Person, by: User, establishment: Establishment, on: date, reason: str) -> Movement:
    """Recall a person on probation to custody: a new booking and an admission at the establishment, the
    practitioner's allocation ends (their access with it), and the account is a resident's again."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.establishment_id is not None:
        raise InvalidTransition(_("This person is already in custody."), code="in_custody")
    count = Booking.objects.filter(person=person).count()
    Booking.objects.create(
        person=person,
        booking_number=f"{person.prison_number}R{count + 1:02d}",
        establishment=establishment,
        start_date=on,
    )
    movement = Movement.objects.create(
        person=person,
        kind=MovementKind.ADMISSION,
        occurred_at=timezone.now(),
        to_establishment=establishment,
        reason=(reason or "Recall")[:200],
    )
    person.establishment = establishment
    person.arrival_date = on
    person.release_date = None
    person.save(update_fields=["establishment", "arrival_date", "release_date"])
    practitioners = list(
        CaseloadEntry.objects.filter(person=person, kind=CaseloadKind.PROBATION).values_list(
            "staff__username", flat=True
        )
    )
    CaseloadEntry.objects.filter(person=person, kind=CaseloadKind.PROBATION).delete()
    audit.record(
        action=PERSON_RECALLED,
        actor=by,
        subject=person.prison_number,
        obj=movement,
        establishment=establishment.code,
        detail={"to": establishment.code, "on": on.isoformat(), "reason": reason[:200]},
    )
    audit.record(
        action=PRACTITIONER_ENDED,
        actor=by,
        subject=person.prison_number,
        establishment=establishment.code,
        detail={"practitioners": practitioners},
    )
    if person.user is not None:
        identity_services.account_recalled(user=person.user, subject=person.prison_number, establishment=establishment)
    return movement


def person_lock(*, person: Person) -> Person:
    """Lock the person's row until the transaction ends (SELECT ... FOR UPDATE on PostgreSQL) and read it afresh, so
    that another app's writes for one person run one at a time (two allocations cannot both pass a check)."""
    return Person.objects.select_for_update().get(pk=person.pk)


def people_lock(*, ids: Iterable[int]) -> list[Person]:
    """Lock the rows of these people until the transaction ends, in primary-key order; those no longer there are
    left out."""
    return list(Person.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk"))
