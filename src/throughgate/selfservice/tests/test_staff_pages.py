"""The finance page (money in and out as ledger entries, with a reason, audited, emitting money.received) and the
person search and one-page self-service history."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import EstablishmentFactory, make_resident, make_staff, sign_in_staff
from throughgate.core.errors import NotVisible
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.selfservice import defaults
from throughgate.selfservice.complaints import services as complaint_services
from throughgate.selfservice.money import services as money_services
from throughgate.selfservice.money.models import LedgerEntry
from throughgate.selfservice.tests.factories import key, raise_app, staff_in

pytestmark = pytest.mark.django_db


def _key_in(html: str) -> str:
    match = re.search(r'name="key" value="([A-Za-z0-9_-]+)"', html)
    assert match
    return match.group(1)


@pytest.fixture
def finance(establishment: Any) -> Any:
    defaults.install_money_defaults(establishment=establishment)
    return make_staff("governor", [establishment], username="cash.office")


def test_finance_pays_in_family_money_once_with_a_reason(client: Client, establishment: Any, finance: Any) -> None:
    person = make_resident(establishment)
    sign_in_staff(client, finance)
    found = client.get(reverse("selfservice:finance_find"), {"query": person.prison_number.lower()})
    url = reverse("selfservice:finance_person", args=[person.prison_number])
    assert found.status_code == 302
    assert found["Location"] == url
    page = client.get(url)
    assert page.status_code == 200
    assert AuditEntry.objects.filter(action="selfservice.money.viewed", subject=person.prison_number).exists()
    data = {
        "key": _key_in(page.content.decode()),
        "direction": "in",
        "account": "private_cash",
        "amount": "25",
        "reason": "family",
        "note": "Postal order from Mum",
    }
    first = client.post(url, data)
    again = client.post(url, data)  # a double click
    assert first.status_code == again.status_code == 302
    entry = LedgerEntry.objects.get()
    assert (entry.amount, entry.balance_after, entry.description) == (2500, 2500, "Postal order from Mum")
    event = ActivityEvent.objects.get(kind="money.received", person=person.prison_number)
    assert event.value == 25.0
    assert event.payload == {"account": "private_cash", "reason": "family"}
    audit = AuditEntry.objects.get(action="selfservice.money.credited")
    assert audit.detail["reason"] == "family"
    assert audit.actor_username == "cash.office"
    shown = client.get(url).content.decode()
    assert "Postal order from Mum" in shown
    assert "£25.00" in shown


def test_a_deduction_beyond_the_balance_is_refused_next_to_the_amount(
    client: Client, establishment: Any, finance: Any
) -> None:
    person = make_resident(establishment)
    money_services.money_credit(
        by=None, person=person, kind="spends", amount=500, description="Wages", idempotency_key=key()
    )
    sign_in_staff(client, finance)
    url = reverse("selfservice:finance_person", args=[person.prison_number])
    data = {"key": key(), "direction": "out", "account": "spends", "amount": "6", "reason": "damage", "note": "Cell"}
    refused = client.post(url, data)
    assert refused.status_code == 409
    body = refused.content.decode()
    assert 'id="id_amount-error"' in body
    assert "not enough money" in body
    assert LedgerEntry.objects.count() == 1
    ok = client.post(url, {**data, "key": key(), "amount": "5"})
    assert ok.status_code == 302
    assert LedgerEntry.objects.order_by("-pk").first().balance_after == 0  # type: ignore[union-attr]
    assert AuditEntry.objects.get(action="selfservice.money.debited").detail["reason"] == "damage"
    assert not ActivityEvent.objects.filter(kind="money.received", value__lt=0).exists()


def test_a_reason_must_fit_the_direction_and_errors_sit_by_their_fields(
    client: Client, establishment: Any, finance: Any
) -> None:
    person = make_resident(establishment)
    sign_in_staff(client, finance)
    url = reverse("selfservice:finance_person", args=[person.prison_number])
    bad = client.post(url, {"key": key(), "direction": "out", "account": "", "amount": "abc", "reason": "wages"})
    assert bad.status_code == 400
    body = bad.content.decode()
    for field in ("account", "amount", "reason", "note"):
        assert f'id="id_{field}-error"' in body
    assert LedgerEntry.objects.count() == 0


def test_finance_staff_cannot_touch_money_in_another_prison(client: Client, establishment: Any, finance: Any) -> None:
    other = EstablishmentFactory(code="LEI")
    stranger = make_resident(other)
    with pytest.raises(NotVisible):
        money_services.money_credit(
            by=finance, person=stranger, kind="spends", amount=100, description="x", idempotency_key=key()
        )
    sign_in_staff(client, finance)
    assert client.get(reverse("selfservice:finance_person", args=[stranger.prison_number])).status_code == 404
    officer = make_staff("wing_officer", [establishment])
    client.logout()
    sign_in_staff(client, officer)
    assert client.get(reverse("selfservice:finance_find")).status_code == 403


def test_search_by_name_lists_people_and_the_history_shows_everything_on_one_page(
    client: Client, establishment: Any, finance: Any
) -> None:
    person = make_resident(establishment, first_name="Robin", last_name="Marsh")
    make_resident(establishment, first_name="Rowan", last_name="Marsh")
    make_resident(EstablishmentFactory(code="LEI"), first_name="Remy", last_name="Marsh")
    raise_app(person)
    complaint_services.complaint_submit(user=person.user, stage="COMP1", body="Cold food.", idempotency_key=key())
    secret = complaint_services.complaint_submit(
        user=person.user, stage="COMP2", body="About an officer.", idempotency_key=key()
    ).complaint
    money_services.money_credit(
        by=None, person=person, kind="spends", amount=1234, description="Wages", idempotency_key=key()
    )
    officer = staff_in(establishment, "wing")  # apps of the wing department; complaints of the prison
    sign_in_staff(client, officer)
    listing = client.get(reverse("selfservice:person_find"), {"query": "marsh"})
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Robin" in body
    assert "Rowan" in body
    assert "Remy" not in body
    nobody = client.get(reverse("selfservice:person_find"), {"query": "Nobody"})
    assert nobody.status_code == 404
    assert 'id="id_query-error"' in nobody.content.decode()

    history = client.get(reverse("selfservice:person_history", args=[person.prison_number]))
    page = history.content.decode()
    assert history.status_code == 200
    assert "APP-" in page
    assert "COMP1-" in page
    assert "£12.34" in page
    assert "Wages" in page
    assert secret.reference not in page  # COMP2 is the governor's only
    assert AuditEntry.objects.filter(action="selfservice.history.viewed", subject=person.prison_number).count() == 1
