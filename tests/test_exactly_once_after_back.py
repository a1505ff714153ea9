"""Exactly once across Back, a reload of the form and a second tab (issue 16, finding 1).

The browser keeps the typed text when a person presses Back, but the page is fetched again (kiosk pages are never
cached) and its hidden key is new. Sending the same content again must show the first result, not store a second
app or charge a second canteen order. Different content, or the same content for another record, is new."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_resident, sign_in_resident, sign_in_staff
from throughgate.access.models import SiteRequest
from throughgate.selfservice import defaults
from throughgate.selfservice.applications.models import App, AppEvent
from throughgate.selfservice.complaints.models import Complaint
from throughgate.selfservice.money import services as money
from throughgate.selfservice.money.models import CanteenItem, CanteenOrder, LedgerEntry
from throughgate.selfservice.tests.factories import app_type, key, raise_app, set_up_apps, staff_in

pytestmark = pytest.mark.django_db


def _key_in(html: str, name: str = "key") -> str:
    match = re.search(rf'name="{name}" value="([A-Za-z0-9_-]+)"', html)
    assert match, f"the form carries no {name}"
    return match.group(1)


def _send_back_send(client: Client, url: str, content: dict[str, str], name: str = "key") -> tuple[Any, Any]:
    """Show the form, send it; press Back (the form is fetched again, with a new key) and send the same text."""
    first = client.post(url, {name: _key_in(client.get(url).content.decode(), name), **content})
    shown_again = _key_in(client.get(url).content.decode(), name)
    again = client.post(url, {name: shown_again, **content})
    return first, again


def test_an_app_sent_again_after_back_is_stored_once_and_shows_the_first(client: Client, establishment: Any) -> None:
    set_up_apps(establishment)
    sign_in_resident(client, make_resident(establishment))
    url = reverse("selfservice:app_write", args=[app_type(establishment, "property").pk])
    first, again = _send_back_send(client, url, {"body": "My trainers are in reception."})
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert App.objects.count() == 1
    # A second tab shows the form with yet another key: the same text is still the first app.
    second_tab = Client()
    second_tab.cookies = client.cookies
    shown = _key_in(second_tab.get(url).content.decode())
    other = second_tab.post(url, {"key": shown, "body": "My trainers are in reception."})
    assert other["Location"] == first["Location"]
    assert App.objects.count() == 1
    # Different words are a new app.
    new = client.post(url, {"key": _key_in(client.get(url).content.decode()), "body": "And my radio, please."})
    assert new.status_code == 302
    assert App.objects.count() == 2


def test_a_canteen_order_sent_again_after_back_is_charged_once(client: Client, establishment: Any) -> None:
    defaults.install_money_defaults(establishment=establishment)
    person = make_resident(establishment)
    money.money_credit(by=None, person=person, kind="spends", amount=2000, description="in", idempotency_key=key())
    sign_in_resident(client, person)
    tea = CanteenItem.objects.get(establishment=establishment, code="tea")
    first, again = _send_back_send(client, reverse("selfservice:canteen"), {f"item_{tea.pk}": "2"})
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert CanteenOrder.objects.count() == 1
    assert LedgerEntry.objects.filter(account__person=person, amount__lt=0).count() == 1


def test_a_complaint_and_a_site_request_sent_again_after_back_are_stored_once(
    client: Client, establishment: Any
) -> None:
    person = make_resident(establishment)
    sign_in_resident(client, person)
    _send_back_send(client, reverse("selfservice:complaint_new"), {"stage": "COMP1", "body": "The food was cold."})
    assert Complaint.objects.count() == 1
    _send_back_send(
        client,
        reverse("access:my_sites"),
        {"address": "www.open.ac.uk", "reason": "For my course"},
        name="idempotency_key",
    )
    assert SiteRequest.objects.filter(person=person).count() == 1


def test_the_same_answer_for_two_apps_is_two_answers(client: Client, establishment: Any) -> None:
    """Staff often type the same words on several apps: the same content to another address is new."""
    officer = staff_in(establishment, "wing")
    apps = [raise_app(make_resident(establishment)), raise_app(make_resident(establishment))]
    sign_in_staff(client, officer)
    for app in apps:
        sent = client.post(
            reverse("selfservice:staff_app_action", args=[app.pk, "comment"]),
            {"key": key(), "text": "Checked the wing log", "shared": "0"},
        )
        assert sent.status_code == 302
    assert AppEvent.objects.filter(app__in=apps, text="Checked the wing log").count() == 2
