"""A resident's site requests: stored once however often the form is sent, keyed per person."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import EstablishmentFactory, make_resident, sign_in_resident
from throughgate.access.models import SiteRequest

pytestmark = pytest.mark.django_db


def shown_key(client: Client) -> str:
    page = client.get(reverse("access:my_sites")).content.decode()
    found = re.search(r'<input type="hidden" name="idempotency_key"(?: value="([^"]*)")?', page)
    assert found is not None, "the request form carries a hidden key"
    return found.group(1) or ""


def test_the_request_form_carries_a_key_made_when_shown_so_a_double_tap_stores_one_request(client: Client) -> None:
    resident = make_resident(EstablishmentFactory())
    sign_in_resident(client, resident)
    key = shown_key(client)
    assert len(key) >= 32
    assert shown_key(client) != key  # a new key each time the form is shown
    sent = {"address": "www.open.ac.uk", "reason": "For my course", "idempotency_key": key}
    first = client.post(reverse("access:my_sites"), sent)
    again = client.post(reverse("access:my_sites"), sent)  # the second tap, or a retry on a bad link
    assert first.status_code == again.status_code == 302
    assert SiteRequest.objects.filter(person=resident).count() == 1
    assert SiteRequest.objects.get(person=resident).idempotency_key == key
