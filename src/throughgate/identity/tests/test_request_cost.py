"""A signed-in page does no database work it does not need (found with bench/web.py, see docs/performance.md):
the idle clock is written at most every SESSION_TOUCH_SECONDS, and a resident's establishment comes with the
device their session is bound to. Behaviour stays the same; these tests pin both."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_device, make_resident, sign_in_resident
from throughgate.identity.middleware import SESSION_ESTABLISHMENT, SESSION_LAST_SEEN, SESSION_TOUCH_SECONDS

pytestmark = pytest.mark.django_db


def signed_in(client, establishment):  # type: ignore[no-untyped-def]
    person = make_resident(establishment)
    device, token = make_device(establishment)
    sign_in_resident(client, person, device, token)
    session = client.session
    session[SESSION_ESTABLISHMENT] = establishment.code  # as identity.services.resident_login sets it
    session.save()
    return person


def test_idle_clock_is_not_rewritten_within_the_touch_interval(client, establishment):
    signed_in(client, establishment)
    before = client.session[SESSION_LAST_SEEN]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("identity:home")).status_code == 200
    assert client.session[SESSION_LAST_SEEN] == before
    assert not [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]


def test_idle_clock_moves_on_once_older_than_the_touch_interval(client, establishment):
    signed_in(client, establishment)
    session = client.session
    session[SESSION_LAST_SEEN] -= SESSION_TOUCH_SECONDS + 1
    session.save()
    stale = session[SESSION_LAST_SEEN]
    assert client.get(reverse("identity:home")).status_code == 200
    assert client.session[SESSION_LAST_SEEN] > stale + SESSION_TOUCH_SECONDS


def test_resident_establishment_comes_with_their_device(client, establishment):
    signed_in(client, establishment)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("identity:home"))
    assert response.status_code == 200
    assert response.wsgi_request.establishment == establishment
    assert not [q["sql"] for q in queries if 'FROM "identity_establishment"' in q["sql"]]


def test_resident_establishment_falls_back_to_their_assignment(client, establishment, other_establishment):
    signed_in(client, establishment)
    session = client.session
    session[SESSION_ESTABLISHMENT] = other_establishment.code  # not where the device is, nor where they live
    session.save()
    response = client.get(reverse("identity:home"))
    assert response.status_code == 200
    assert response.wsgi_request.establishment == establishment


def test_inactive_establishment_is_not_taken_from_the_device(client, establishment):
    signed_in(client, establishment)
    establishment.active = False
    establishment.save(update_fields=["active"])
    response = client.get(reverse("identity:home"))
    assert response.status_code == 200
    assert response.wsgi_request.establishment is None
