"""The short-lived identity cache (identity/principals.py, ADR 0006): what it keeps, for how long, and that a
change in this process is seen at once while the session row is still read on every request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from tests.factories import make_device, make_resident, make_staff, sign_in_resident
from throughgate.identity import principals
from throughgate.identity.models import RegisteredDevice, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):  # type: ignore[no-untyped-def]
    settings.IDENTITY_CACHE_SECONDS = 5
    principals.forget_all()
    yield
    principals.forget_all()


def home(client):  # type: ignore[no-untyped-def]
    return client.get(reverse("identity:home"))


def test_second_request_reads_only_the_session_and_the_page(client, establishment):
    person = make_resident(establishment)
    sign_in_resident(client, person)
    assert home(client).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert home(client).status_code == 200
    tables = " ".join(q["sql"] for q in queries)
    assert "django_session" in tables  # signing out must take effect at once
    assert "identity_user" not in tables
    assert "identity_role" not in tables
    assert "identity_registereddevice" not in tables
    assert '"people_person"' not in tables


def test_signing_out_takes_effect_at_once(client, establishment):
    person = make_resident(establishment)
    sign_in_resident(client, person)
    assert home(client).status_code == 200
    client.post(reverse("identity:logout"))
    assert home(client).status_code == 302


def test_a_change_in_this_process_is_seen_at_once(client, establishment):
    person = make_resident(establishment)
    _device, token = make_device(establishment)
    device = RegisteredDevice.objects.get(establishment=establishment, active=True)
    sign_in_resident(client, person, device, token)
    assert home(client).status_code == 200
    device.active = False
    device.save()  # post_save clears the cache
    assert home(client).status_code == 302


def test_a_role_removed_in_this_process_is_seen_at_once(client, establishment):
    person = make_resident(establishment)
    sign_in_resident(client, person)
    assert home(client).status_code == 200
    person.user.roles.clear()  # m2m_changed clears the cache
    assert home(client).status_code in (302, 403)


def test_a_change_made_elsewhere_is_seen_after_the_time_limit(client, establishment, monkeypatch):
    """Another server process's change reaches this one's cache only by expiry: simulated with a queryset
    update (no signals) and a clock moved past the limit."""
    person = make_resident(establishment)
    sign_in_resident(client, person)
    assert home(client).status_code == 200
    User.objects.filter(pk=person.user.pk).update(is_active=False)
    assert home(client).status_code == 200  # still cached: within IDENTITY_CACHE_SECONDS
    now = principals.time.monotonic()
    monkeypatch.setattr(principals.time, "monotonic", lambda: now + 6)
    assert home(client).status_code == 302


def test_each_caller_gets_its_own_copy(establishment):
    user = make_staff("wing_officer", [establishment])
    backend = "throughgate.identity.backends.StaffBackend"
    from django.contrib.auth import load_backend

    first = load_backend(backend).get_user(user.pk)
    first.otp_device = "set by one request"
    second = load_backend(backend).get_user(user.pk)
    assert second is not first
    assert not hasattr(second, "otp_device")
    assert second.permission_codes() == first.permission_codes()


def test_a_copy_has_its_own_model_state_and_cache_of_related_rows(establishment):
    device, token = make_device(establishment)
    from throughgate.identity.selectors import device_from_cookie

    first = device_from_cookie(token)
    assert first is not None
    assert first.establishment == establishment
    first._state.fields_cache.pop("establishment")
    first.name = "changed by one request"
    second = device_from_cookie(token)
    assert second is not None
    assert second is not first
    assert second._state is not first._state
    assert second.name == device.name
    assert "establishment" in second._state.fields_cache  # read with the device, not again
    assert not second._state.adding
    assert second._state.db == "default"


def test_off_when_the_limit_is_zero(settings, establishment):
    settings.IDENTITY_CACHE_SECONDS = 0
    calls = []
    principals.cached("k", lambda: calls.append(1) or "v")
    principals.cached("k", lambda: calls.append(1) or "v")
    assert len(calls) == 2


def test_a_load_racing_a_change_is_not_kept():
    def load() -> str:
        principals.forget_all()  # a change lands while the value is being read
        return "stale"

    assert principals.cached("k", load) == "stale"
    assert principals.cached("k", lambda: "fresh") == "fresh"


@override_settings(IDENTITY_CACHE_SECONDS=5)
def test_role_permissions_edited_here_are_seen(client, establishment):
    person = make_resident(establishment)
    sign_in_resident(client, person)
    assert home(client).status_code == 200
    role = Role.objects.get(code="resident")
    saved = list(role.permissions)
    role.permissions = [p for p in saved if p != "identity.view_home"]
    role.save()
    try:
        assert home(client).status_code == 403
    finally:
        role.permissions = saved
        role.save()
