"""Shared pytest configuration: settings for tests, and fixtures built from tests/factories.py."""

from __future__ import annotations

import os

os.environ.setdefault("THROUGHGATE_ENV", "test")
os.environ.setdefault("AXES_ENABLED", "true")

import pytest


@pytest.fixture(autouse=True)
def _fast_tests(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def establishment(db):  # type: ignore[no-untyped-def]
    from tests.factories import EstablishmentFactory

    return EstablishmentFactory(code="MDI", name="HMP Moorland Demo")


@pytest.fixture
def other_establishment(db):  # type: ignore[no-untyped-def]
    from tests.factories import EstablishmentFactory

    return EstablishmentFactory(code="LEI", name="HMP Leeds Demo")
