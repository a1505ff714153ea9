"""Helpers for the browser tests: Chromium launch settings, axe-core, and signing in through the real pages."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import RESIDENT_PIN, STAFF_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking flags Chromium floods the closed network with refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

STAFF_VIEWPORT = {"width": 1280, "height": 800}
# Wing kiosks are wall-mounted portrait touch screens.
KIOSK_VIEWPORT = {"width": 1080, "height": 1920}

BLOCKING_IMPACTS = ("serious", "critical")


def watch_errors(page: Any) -> Any:
    """Record uncaught JavaScript errors, console errors (CSP refusals land there) and failed assets (scripts,
    styles, fonts, images) in ``page.js_errors``."""
    page.js_errors = []

    def on_console(message: Any) -> None:
        # A page's own 4xx status (404, 403 pages) is logged as "Failed to load resource"; asset failures are
        # caught below instead, by resource type.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.js_errors.append(f"console: {message.text}")

    def on_response(response: Any) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            page.js_errors.append(f"{response.status} for {response.url}")

    page.on("pageerror", lambda error: page.js_errors.append(f"pageerror: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    return page


def set_language(context: Any, base_url: str, language: str) -> None:
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}])


def set_device(context: Any, base_url: str, token: str) -> None:
    context.add_cookies([{"name": settings.DEVICE_COOKIE_NAME, "value": token, "url": base_url}])


def current_code(user: Any) -> str:
    """The code the user's authenticator app shows now."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def submit(page: Any) -> Any:
    """Press the main form's submit button and return the response of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").first.click()
    return navigation.value


def staff_password_step(page: Any, user: Any) -> Any:
    page.goto("/sign-in/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(STAFF_PASSWORD)
    return submit(page)


def sign_in_staff(page: Any, user: Any) -> None:
    """Username and password, then the TOTP code, through the real pages (language-independent selectors)."""
    staff_password_step(page, user)
    page.locator("#id_token").fill(current_code(user))
    response = submit(page)
    assert response.status == 200, f"staff sign-in for {user.username} ended on {page.url} ({response.status})"
    assert urlparse(page.url).path == "/", page.url


def sign_in_resident(page: Any, person: Any) -> None:
    """Prison number and PIN on the kiosk sign-in page (the context must carry the device cookie)."""
    page.goto("/kiosk/")
    page.locator("#id_prison_number").fill(person.prison_number)
    page.locator("#id_pin").fill(RESIDENT_PIN)
    response = submit(page)
    assert response.status == 200, f"kiosk sign-in ended on {page.url} ({response.status})"


def start_axe(page: Any) -> None:
    """Inject axe-core into the page and start it without waiting, so another tab can load meanwhile.

    The page's CSP forbids inline scripts, so the context must be made with ``bypass_csp=True``."""
    assert AXE_JS.exists(), f"{AXE_JS} is missing: run `npm ci`"
    page.add_script_tag(path=str(AXE_JS))
    page.evaluate("() => { window.__tgAxe = axe.run(document, { resultTypes: ['violations'] }); }")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Wait for the run start_axe began; return its serious and critical violations."""
    results = page.evaluate("() => window.__tgAxe")
    return [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def run_axe(page: Any) -> list[dict[str, Any]]:
    start_axe(page)
    return axe_violations(page)


def describe(violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for violation in violations:
        targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
        more = f" (+{len(violation['nodes']) - 5} more)" if len(violation["nodes"]) > 5 else ""
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}{more}")
    return lines


def axe_problems(page: Any, where: str, language: str = "") -> list[str]:
    """The page's serious and critical axe findings, each labelled with where it was (and in which language)."""
    label = f"[{language}] {where}" if language else where
    return [f"{label}: {line}" for line in describe(run_axe(page))]


def screenshots_wanted() -> bool:
    """True when this run should rewrite docs/screenshots/: ``THROUGHGATE_SCREENSHOTS=1``, which scripts/screenshots
    sets. Otherwise the browser tests visit the same pages but save nothing, so a test run leaves the tree alone."""
    return os.environ.get("THROUGHGATE_SCREENSHOTS") == "1"


def guide_screenshot(page: Any, name: str, language: str, *, full_page: bool = True) -> Path | None:
    """Save ``docs/screenshots/NAME.png`` for the guides: in the English run only, and only when screenshots are
    wanted (``screenshots_wanted``). The one place the tests save a screenshot. Returns the file saved, or None."""
    if language != "en" or not screenshots_wanted():
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
