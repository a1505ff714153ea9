"""Browser fixtures: one Debian Chromium per session (driven by the Python Playwright package), pytest-django's
live server (which also serves static files), and browser contexts pointed at it.

Playwright's sync API runs an asyncio loop in the test thread, which makes Django think every ORM call in the test
is made from async code; the tests are plain synchronous code, so that check is switched off here."""

from __future__ import annotations

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, STAFF_VIEWPORT


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, launched once for the whole session. Playwright's own browser download cannot work here."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """Make browser contexts on the live server (closed after the test). Keyword arguments go to new_context."""
    made: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("viewport", STAFF_VIEWPORT)
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., Any]) -> Any:
    """A page in a fresh context that records JavaScript errors and CSP refusals in ``page.js_errors``."""
    from tests.browser.support import watch_errors

    return watch_errors(new_context().new_page())
