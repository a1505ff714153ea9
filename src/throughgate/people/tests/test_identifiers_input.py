"""Bad identifiers get a clear message next to the field on pages and a 4xx with a stable code from the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PersonFactory, make_partner, make_staff, sign_in_staff
from throughgate.core.models import AuditEntry
from throughgate.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "code", "message"),
    [
        ("prison_number", "A123BC", "invalid_prison_number", "Enter a prison number in the correct format"),
        ("crn", "X12345", "invalid_crn", "Enter a CRN in the correct format"),
        ("pnc_id", "2012/0052494H", "invalid_pnc_id", "Enter a PNC ID with the correct check letter"),
        ("pnc_id", "twenty12", "invalid_pnc_id", "Enter a PNC ID in the correct format"),
        ("nhs_number", "9434765918", "invalid_nhs_number", "Enter a real NHS number"),
        ("nhs_number", "943476", "invalid_nhs_number", "Enter an NHS number with 10 digits"),
    ],
)
def test_api_lookup_refuses_malformed_identifiers_with_a_stable_code(
    field: str, value: str, code: str, message: str
) -> None:
    _user, secret = make_partner()
    response = Client().get(reverse("api:lookup"), {field: value}, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code
    assert body["message"].startswith(message)
    assert body["fields"] == {field: [body["message"]]}


def test_api_lookup_finds_by_nhs_number_and_audits_it() -> None:
    person = PersonFactory(nhs_number="9434765919")
    _user, secret = make_partner(establishments=[person.establishment])
    response = Client().get(
        reverse("api:lookup"), {"nhs_number": "943 476 5919"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    assert response.json()["prison_number"] == person.prison_number
    entry = AuditEntry.objects.get(action="people.record.looked_up")
    assert entry.subject == person.prison_number
    assert entry.purpose == "partner_lookup"


def test_api_lookup_needs_exactly_one_identifier() -> None:
    _user, secret = make_partner()
    bearer = {"Authorization": f"Bearer {secret}"}
    none = Client().get(reverse("api:lookup"), headers=bearer)
    both = Client().get(reverse("api:lookup"), {"crn": "X123456", "nhs_number": "9434765919"}, headers=bearer)
    assert none.status_code == both.status_code == 422
    assert none.json()["code"] == "one_identifier_required"
    missing = Client().get(reverse("api:lookup"), {"crn": "X123456"}, headers=bearer)
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "message": "No person matches that identifier", "fields": {}}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("crn", "12345X", "Enter a CRN in the correct format"),
        ("pnc_id", "2012/0052494H", "Enter a PNC ID with the correct check letter"),
        ("nhs_number", "1234567890", "Enter a real NHS number"),
    ],
)
def test_search_page_shows_the_error_next_to_the_field(
    client: Client, establishment: Any, field: str, value: str, message: str
) -> None:
    sign_in_staff(client, make_staff("wing_officer", [establishment]))
    response = client.get(reverse("people:search"), {field: value})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="id_{field}-error"' in body
    assert message in body
    assert "govuk-error-summary" in body
    assert f'href="#id_{field}"' in body


def test_staff_api_record_needs_a_purpose(client: Client, establishment: Any) -> None:
    person = PersonFactory(establishment=establishment)
    sign_in_staff(client, make_staff("wing_officer", [establishment]))
    url = reverse("api:person_detail", args=[person.prison_number])
    refused = client.get(url)
    assert refused.status_code == 422
    assert refused.json()["code"] == "purpose_required"
    assert refused.json()["fields"] == {"purpose": ["Choose why you are opening this record"]}
    malformed = client.get(reverse("api:person_detail", args=["not-a-number"]), {"purpose": "daily_care"})
    assert malformed.status_code == 422
    assert malformed.json()["code"] == "invalid_prison_number"
    ok = client.get(url, {"purpose": "welfare_check"})
    assert ok.status_code == 200
    assert AuditEntry.objects.filter(action="people.record.viewed", purpose="welfare_check").count() == 1


def test_record_page_asks_for_a_purpose_then_audits_it(client: Client, establishment: Any) -> None:
    person = PersonFactory(establishment=establishment)
    officer = make_staff("wing_officer", [establishment])
    sign_in_staff(client, officer)
    url = reverse("people:detail", args=[person.prison_number])
    ask = client.get(url)
    assert ask.status_code == 200
    assert "Why are you opening this record?" in ask.content.decode()
    assert not AuditEntry.objects.filter(action="people.record.viewed").exists()
    bad = client.get(url, {"purpose": "curiosity"})
    assert bad.status_code == 400
    shown = client.get(url, {"purpose": "key_work"})
    assert shown.status_code == 200
    assert shown.context["person"] == person
    entry = AuditEntry.objects.get(action="people.record.viewed")
    assert (entry.actor_id, entry.subject, entry.purpose) == (officer.pk, person.prison_number, "key_work")
    assert entry.correlation_id


def test_a_partner_sees_only_people_in_custody_where_it_is_assigned(
    establishment: Any, other_establishment: Any
) -> None:
    ours = PersonFactory(establishment=establishment)
    theirs = PersonFactory(establishment=other_establishment)
    released = PersonFactory(establishment=establishment)
    Person.objects.filter(pk=released.pk).update(establishment=None, location=None)
    partner, secret = make_partner(establishments=[establishment])
    bearer = {"Authorization": f"Bearer {secret}"}
    assert Client().get(reverse("api:lookup"), {"prison_number": ours.prison_number}, headers=bearer).status_code == 200
    for person in (theirs, released):
        response = Client().get(reverse("api:lookup"), {"prison_number": person.prison_number}, headers=bearer)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    misses = AuditEntry.objects.filter(action="people.lookup.missed", actor_id=partner.pk)
    assert misses.count() == 2
    assert all(entry.detail == {"by": "prison_number"} for entry in misses)


def test_partner_lookups_are_limited_per_minute(establishment: Any) -> None:
    from throughgate.people.selectors import PARTNER_LOOKUPS_PER_MINUTE

    person = PersonFactory(establishment=establishment)
    _partner, secret = make_partner(establishments=[establishment])
    client = Client()
    bearer = {"Authorization": f"Bearer {secret}"}
    answers = [
        client.get(reverse("api:lookup"), {"prison_number": person.prison_number}, headers=bearer).status_code
        for _ in range(PARTNER_LOOKUPS_PER_MINUTE + 1)
    ]
    assert answers[:-1] == [200] * PARTNER_LOOKUPS_PER_MINUTE
    assert answers[-1] == 429
    refused = client.get(reverse("api:lookup"), {"prison_number": person.prison_number}, headers=bearer)
    assert refused.json()["code"] == "rate_limited"
