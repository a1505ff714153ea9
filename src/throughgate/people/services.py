"""Writes of people's records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy

from throughgate.core import audit
from throughgate.identity import services as identity_services
from throughgate.people.models import Ethnicity, IncentiveLevel, LegalStatus, Nationality, Person

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


def person_lock(*, person: Person) -> Person:
    """Lock the person's row until the transaction ends (SELECT ... FOR UPDATE on PostgreSQL) and read it afresh, so
    that another app's writes for one person run one at a time (two allocations cannot both pass a check)."""
    return Person.objects.select_for_update().get(pk=person.pk)


def people_lock(*, ids: Iterable[int]) -> list[Person]:
    """Lock the rows of these people until the transaction ends, in primary-key order; those no longer there are
    left out."""
    return list(Person.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk"))
