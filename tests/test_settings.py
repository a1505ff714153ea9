"""Settings come from the environment; production refuses unsafe ones; pages carry security headers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "s" * 64


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "THROUGHGATE_"))}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.DEBUG, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_debug() -> None:
    result = load_settings(
        THROUGHGATE_ENV="production", DJANGO_DEBUG="true", DJANGO_SECRET_KEY=GOOD_SECRET, DJANGO_ALLOWED_HOSTS="x"
    )
    assert result.returncode != 0
    assert "DEBUG is on in production" in result.stderr


def test_production_refuses_a_missing_secret() -> None:
    result = load_settings(THROUGHGATE_ENV="production", DJANGO_ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is missing" in result.stderr


def test_production_refuses_empty_allowed_hosts() -> None:
    result = load_settings(THROUGHGATE_ENV="production", DJANGO_SECRET_KEY=GOOD_SECRET)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is empty" in result.stderr


def test_production_turns_on_hsts_and_secure_cookies() -> None:
    result = load_settings(
        THROUGHGATE_ENV="production", DJANGO_SECRET_KEY=GOOD_SECRET, DJANGO_ALLOWED_HOSTS="throughgate.example"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "31536000", "True"]


def test_unknown_environment_is_refused() -> None:
    result = load_settings(THROUGHGATE_ENV="staging-ish")
    assert result.returncode != 0


@pytest.mark.django_db
def test_pages_carry_security_headers() -> None:
    response = Client().get("/sign-in/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_a_safe_request_id_is_echoed_and_an_unsafe_one_replaced() -> None:
    echoed = Client().get("/health", headers={"X-Request-ID": "abc12345-trace"})
    assert echoed["X-Request-ID"] == "abc12345-trace"
    replaced = Client().get("/health", headers={"X-Request-ID": "<script>"})
    assert replaced["X-Request-ID"] != "<script>"
    assert len(replaced["X-Request-ID"]) == 32


def test_a_server_database_without_a_named_environment_is_refused() -> None:
    """Fail closed: without THROUGHGATE_ENV the development defaults (DEBUG, a public key) must not meet a real
    database."""
    result = load_settings(DATABASE_URL="postgres://throughgate@db.example:5432/throughgate")
    assert result.returncode != 0
    assert "THROUGHGATE_ENV is not set" in result.stderr
    named = load_settings(
        DATABASE_URL="postgres://throughgate@db.example:5432/throughgate", THROUGHGATE_ENV="development"
    )
    assert named.returncode == 0, named.stderr
    assert load_settings(DATABASE_URL="sqlite:///tmp/x.sqlite3").returncode == 0


def test_no_settings_put_a_weak_password_hasher_first() -> None:
    for environment in ("development", "test", "production"):
        result = subprocess.run(
            [sys.executable, "-c", "import config.settings as s; print(s.PASSWORD_HASHERS[0])"],
            cwd=ROOT,
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "THROUGHGATE_"))},
                "THROUGHGATE_ENV": environment,
                "DJANGO_SECRET_KEY": GOOD_SECRET,
                "DJANGO_ALLOWED_HOSTS": "x",
            },
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher", environment


@pytest.mark.django_db
def test_a_bad_host_header_gets_a_400_page_not_a_500() -> None:
    client = Client(raise_request_exception=False)
    for host in ("evil.example", "bad host!"):
        response = client.get("/sign-in/", HTTP_HOST=host)
        assert response.status_code == 400, host
        assert b"<html" in response.content


@pytest.mark.django_db
def test_signed_in_pages_and_the_api_are_never_cached(client: Client, establishment) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_resident, make_staff, sign_in_staff

    sign_in = client.get("/sign-in/")
    assert "no-store" not in sign_in.get("Cache-Control", "")
    sign_in_staff(client, make_staff("wing_officer", [establishment]))
    person = make_resident(establishment)
    for url in ("/", f"/people/{person.prison_number}/?purpose=welfare_check", "/notifications/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url
    assert "no-store" in Client().get("/api/v1/people/lookup").get("Cache-Control", "")
