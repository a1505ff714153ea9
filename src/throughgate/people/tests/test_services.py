"""Importing people in bulk (AIM's ingest): added, changed or left alone, each change audited, establishments new to
us added by code; and the unscoped reads that batch jobs use."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.factories import EstablishmentFactory, PersonFactory
from throughgate.core.models import AuditEntry
from throughgate.identity import selectors as identity_selectors
from throughgate.identity.models import Establishment
from throughgate.people import selectors, services
from throughgate.people.models import Person

pytestmark = pytest.mark.django_db


def record(number: str, **fields: Any) -> services.PersonImport:
    return services.PersonImport(
        **({"prison_number": number, "establishment": "MDI", "sex": "M", "date_of_birth": date(1990, 4, 1)} | fields)
    )


def test_people_are_added_changed_or_left_alone_and_each_change_is_audited() -> None:
    first = services.people_import(
        records=[record("A1234BC"), record("B2345CD", sex="F"), record("A1234BC", legal_status="remand")],
        source="test.import",
    )
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert Person.objects.get(prison_number="A1234BC").legal_status == "remand"  # a later record wins
    added = AuditEntry.objects.filter(action=services.RECORD_IMPORTED)
    assert sorted(added.values_list("subject", flat=True)) == ["A1234BC", "B2345CD"]
    assert all(entry.detail == {"source": "test.import", "change": "added"} for entry in added)

    again = services.people_import(
        records=[record("A1234BC", legal_status="remand"), record("B2345CD", sex="F", establishment="LEI")],
        source="test.import",
    )
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert Person.objects.get(prison_number="B2345CD").establishment.code == "LEI"
    changed = AuditEntry.objects.filter(action=services.RECORD_IMPORTED, detail__change="changed")
    assert list(changed.values_list("subject", flat=True)) == ["B2345CD"]


def test_an_establishment_new_to_us_is_added_once_with_an_audit_row() -> None:
    EstablishmentFactory(code="MDI", name="HMP Hatfield")
    services.people_import(records=[record("A1234BC"), record("B2345CD", establishment="NEW")], source="test.import")
    services.people_import(records=[record("C3456DE", establishment="NEW")], source="test.import")
    assert Establishment.objects.get(code="MDI").name == "HMP Hatfield"
    assert Establishment.objects.get(code="NEW").name == "HMP NEW"
    added = AuditEntry.objects.filter(action="identity.establishment.added")
    assert [entry.detail for entry in added] == [{"code": "NEW", "source": "test.import"}]


def test_batch_reads_of_people_and_establishments() -> None:
    here, gone = EstablishmentFactory(), EstablishmentFactory()
    PersonFactory(prison_number="A1234BC", establishment=here, arrival_date=date(2026, 1, 5))
    PersonFactory(prison_number="B2345CD", establishment=here, arrival_date=None)
    PersonFactory(prison_number="C3456DE", establishment=here, arrival_date=date(2026, 3, 2))  # not yet arrived
    PersonFactory(prison_number="D4567EF", establishment=None, location=None)  # released
    in_custody = selectors.people_in_custody_on(day=date(2026, 3, 1))
    assert [person.prison_number for person in in_custody] == ["A1234BC", "B2345CD"]
    found = selectors.people_with_prison_numbers(prison_numbers={"D4567EF", "A1234BC", "Z9999ZZ"})
    assert [person.prison_number for person in found] == ["A1234BC", "D4567EF"]
    assert selectors.prison_numbers_on_record() == {"A1234BC", "B2345CD", "C3456DE", "D4567EF"}
    assert identity_selectors.establishments_by_pk(ids=[here.pk, gone.pk, here.pk]) == {here.pk: here, gone.pk: gone}
