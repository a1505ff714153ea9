"""The subject access export on the demo estate: the demo's data protection officer has made one, and walking the
registry over the demo's people finds rows in every section, so every app that holds data contributes."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from throughgate.dataprotection.models import LegalHold, SubjectAccessRequest
from throughgate.people import data_protection as registry
from throughgate.people.models import Person

pytestmark = pytest.mark.django_db


def test_every_section_has_rows_for_some_demo_person():
    out = StringIO()
    call_command("demo_estate", "--prisons", "1", "--people", "60", "--days", "35", "--no-progress", stdout=out)
    sar = SubjectAccessRequest.objects.get()
    assert sar.made_by_username == "dpo.demo"
    # The export of the demo's busiest person has rows from each domain app and from the audit and activity logs.
    for key in ("people.record", "selfservice.apps", "selfservice.money", "core.audit", "core.activity"):
        assert sar.sections[key] > 0, key
    assert LegalHold.objects.filter(lifted_at__isnull=True).count() == 1
    empty = {section.key for section in registry.sections()}
    for person in Person.objects.all():
        for section in registry.sections():
            if section.key in empty and section.export(person):
                empty.discard(section.key)
        if not empty:
            break
    assert empty == set()
