"""Shared pytest configuration: settings for tests, and fixtures built from tests/factories.py."""

from __future__ import annotations

# The test settings' environment (THROUGHGATE_ENV=test) is set by tests/environment.py, which pytest
# loads before pytest-django reads the settings (this file is read too late for that).
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


@pytest.fixture(autouse=True)
def _language_reset():  # type: ignore[no-untyped-def]
    """A Welsh page visited by a test leaves Welsh active in its thread: start the next test in the default again."""
    yield
    from django.utils import translation

    translation.deactivate()
