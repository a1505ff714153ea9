"""The client's address for audit rows and sign-in throttling: X-Forwarded-For is read only through the trusted
proxies, and only the entry the outermost trusted proxy added."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from throughgate.core.middleware import client_address


def test_the_header_is_ignored_without_trusted_proxies(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_address(request) == "10.0.0.5"


def test_behind_one_load_balancer_the_last_entry_is_the_client(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "1.2.3.4" itself; the load balancer appended the address it saw.
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_address(request) == "203.0.113.9"


def test_a_short_or_malformed_header_falls_back_to_the_connection(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    short = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_address(short) == "10.0.0.5"
    settings.TRUSTED_PROXY_COUNT = 1
    junk = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(junk) == "10.0.0.5"
