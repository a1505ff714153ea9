"""A resident's site requests: stored once however often the form is sent, keyed per person."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import EstablishmentFactory, make_resident, sign_in_resident
from throughgate.access import services
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


def test_keys_are_per_person_and_a_retry_returns_the_first_request() -> None:
    establishment = EstablishmentFactory()
    first, second = make_resident(establishment), make_resident(establishment)
    mine = services.site_request_submit(by=first.user, address="open.ac.uk", reason="Course", idempotency_key="k-1")
    retried = services.site_request_submit(by=first.user, address="open.ac.uk", reason="Again", idempotency_key="k-1")
    assert retried.pk == mine.pk
    assert retried.reason == "Course"
    # another resident's device may make the same key: theirs is a request of their own, not the first one's
    theirs = services.site_request_submit(by=second.user, address="gov.uk", reason="Benefits", idempotency_key="k-1")
    assert theirs.pk != mine.pk
    assert theirs.person == second
    assert theirs.address == "gov.uk"
    assert SiteRequest.objects.filter(idempotency_key="k-1").count() == 2


def test_the_address_is_stored_as_the_catalogue_would_store_it() -> None:
    resident = make_resident(EstablishmentFactory())
    typed = "  HTTPS://WWW.Open.ac.uk:443/Courses/Maths/?utm=kiosk#top "
    request = services.site_request_submit(by=resident.user, address=typed, reason="For my course")
    request.refresh_from_db()
    assert request.address == "open.ac.uk/courses/maths"
