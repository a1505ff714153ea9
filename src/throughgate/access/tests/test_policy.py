"""The decision function on the issue's personas, on a snapshot built from the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from throughgate.access import snapshot
from throughgate.access.tests import world as world_module
from throughgate_squid_helper import policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return world_module.build()


def decide(world, persona: str, url: str, now: dt.datetime | None = None) -> policy.Decision:  # type: ignore[no-untyped-def]
    now = now or timezone.now()
    snap = snapshot.build(now)
    return policy.decide_for_device(snap, ip=world.ips[persona], url=url, method="GET", now=now)


def test_enhanced_reaches_an_approved_site_and_the_chain_says_why(world) -> None:  # type: ignore[no-untyped-def]
    decision = decide(world, "enhanced", "http://learning.test/course/1")
    assert decision.allowed
    assert decision.category == "education"
    assert [step.rule for step in decision.steps][-1] == "allowed"
    assert all(step.passed for step in decision.steps)


def test_basic_level_does_not_open_job_search(world) -> None:  # type: ignore[no-untyped-def]
    assert decide(world, "basic", "http://learning.test/").allowed
    refused = decide(world, "basic", "http://jobs.test/")
    assert not refused.allowed
    assert refused.code == "level.category"
    assert "job search" in refused.reason
    assert "Basic" in refused.reason


def test_a_sanction_suspends_access_until_its_end(world) -> None:  # type: ignore[no-untyped-def]
    refused = decide(world, "sanctioned", "http://learning.test/")
    assert refused.code == "sanction.active"
    later = timezone.now() + dt.timedelta(days=8)
    assert decide(world, "sanctioned", "http://learning.test/", now=later).allowed


def test_a_public_protection_alert_removes_internet(world) -> None:  # type: ignore[no-untyped-def]
    refused = decide(world, "alert", "http://learning.test/")
    assert refused.code == "alert.PVN"
    assert "public protection" in refused.reason


def test_an_unknown_address_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    refused = decide(world, "wrong_device", "http://learning.test/")
    assert refused.code == "device.unknown"


def test_outside_the_open_window_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    world = world_module.build(open_hours=(dt.time(9, 0), dt.time(10, 0)))
    now = timezone.make_aware(dt.datetime(2026, 11, 23, 20, 0))
    refused = decide(world, "enhanced", "http://learning.test/", now=now)
    assert refused.code == "time.outside"
    assert refused.outside_hours
    inside = timezone.make_aware(dt.datetime(2026, 11, 23, 9, 30))
    assert decide(world, "enhanced", "http://learning.test/", now=inside).allowed


def test_sites_not_listed_and_path_prefixes(world) -> None:  # type: ignore[no-untyped-def]
    assert decide(world, "enhanced", "http://elsewhere.test/").code == "site.not_listed"
    assert decide(world, "enhanced", "http://www.learning.test/x").allowed  # subdomains included
    assert decide(world, "enhanced", "http://gov.test/benefits/apply").allowed
    assert decide(world, "enhanced", "http://gov.test/benefitsfraud").code == "site.not_listed"
    assert not decide(world, "enhanced", "http://gov.test/other").allowed
    # A tunnel shows only the host: a prefix-limited entry cannot allow it.
    snap = snapshot.build(timezone.now())
    tunnel = policy.decide_for_device(
        snap, ip=world.ips["enhanced"], url="gov.test:443", method="CONNECT", now=timezone.now()
    )
    assert tunnel.code == "site.not_listed"
    assert policy.decide_for_device(
        snap, ip=world.ips["enhanced"], url="learning.test:443", method="CONNECT", now=timezone.now()
    ).allowed


def test_a_suspended_device_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    from throughgate.access import services

    services.device_set_status(by=world.security, device=world.devices["enhanced"], status="suspended", reason="Search")
    assert decide(world, "enhanced", "http://learning.test/").code == "device.suspended"


def test_snapshot_round_trips_through_json(world) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    built = snapshot.build(now)
    copy = policy.Snapshot()
    copy.set_sites(policy.catalogue_from_json(policy.catalogue_to_json(snapshot.catalogue_rules())))
    policy.load_policy(copy, policy.policy_to_json(built))
    for persona, ip in world.ips.items():
        for url in ("http://learning.test/", "http://jobs.test/", "http://gov.test/benefits"):
            a = policy.decide_for_device(built, ip=ip, url=url, method="GET", now=now)
            b = policy.decide_for_device(copy, ip=ip, url=url, method="GET", now=now)
            assert (a.allowed, a.code) == (b.allowed, b.code), persona


@pytest.mark.parametrize(
    ("url", "method", "host", "path", "tunnel"),
    [
        ("http://Example.TEST:8080/a/b?q=1", "GET", "example.test", "/a/b", False),
        ("example.test:443", "CONNECT", "example.test", "/", True),
        ("https://user@example.test./", "GET", "example.test", "/", False),
    ],
)
def test_parse_address(url: str, method: str, host: str, path: str, tunnel: bool) -> None:
    address = policy.parse_address(url, method)
    assert address == policy.Address(host, path, tunnel)


@pytest.mark.parametrize("url", ["", "ftp://x.test/", "http://[::1]/", "http:///nohost", "http://a b/"])
def test_parse_address_refuses_what_it_cannot_read(url: str) -> None:
    assert policy.parse_address(url) is None


@pytest.mark.parametrize("target", ["www.gov.uk/@evil.example:443", "www.gov.uk@evil.example:443", "a.test%2F:443"])
def test_a_connect_target_is_host_and_port_only(target: str) -> None:
    assert policy.parse_address(target, "CONNECT") is None


@pytest.mark.parametrize(
    ("url", "method", "decoded"),
    [
        ("www.gov.uk%2F@evil.example:443", "CONNECT", None),
        ("www.gov.uk%3A443", "CONNECT", "www.gov.uk:443"),
        ("http://www.gov.uk%2F@evil.example/", "GET", None),
        ("http://www.gov.uk/a%20b%2Fc", "GET", "http://www.gov.uk/a b/c"),
        ("http%3A%2F%2Fwww.gov.uk%2Fa%20b", "GET", "http://www.gov.uk/a b"),
        ("http://www.gov.uk/", "GET", "http://www.gov.uk/"),
    ],
)
def test_the_url_is_split_before_its_parts_are_decoded(url: str, method: str, decoded: str | None) -> None:
    assert policy.decode_request_url(url, method) == decoded
