"""Journeys through the real pages in Chromium: staff sign-in with TOTP, resident kiosk sign-in and idle logout,
and the switch to Welsh."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.support import (
    KIOSK_VIEWPORT,
    current_code,
    set_device,
    sign_in_resident,
    staff_password_step,
    watch_errors,
)
from tests.factories import make_device, make_resident, make_staff

pytestmark = pytest.mark.browser


def test_static_files_are_served_and_govuk_styles_apply(page):
    response = page.goto("/sign-in/")
    assert response.status == 200
    sheets = page.evaluate("() => Array.from(document.styleSheets, s => [s.href, s.cssRules.length])")
    assert len(sheets) == 3
    for href, rule_count in sheets:
        assert rule_count > 0, f"{href} did not load (build the assets: uv run python scripts/build_frontend.py)"
    styles = page.evaluate(
        """() => {
          const h1 = getComputedStyle(document.querySelector('h1'));
          const button = getComputedStyle(document.querySelector('.govuk-button'));
          return {font: h1.fontFamily, weight: h1.fontWeight, button: button.backgroundColor,
                  js: document.body.classList.contains('govuk-frontend-supported')};
        }"""
    )
    assert "GDS Transport" in styles["font"]
    assert styles["weight"] == "700"
    assert styles["button"] in {"rgb(0, 112, 60)", "rgb(15, 122, 82)"}  # GOV.UK green (before / after the rebrand)
    assert styles["js"], "js-enabled.js did not run"
    assert page.js_errors == []


def test_staff_sign_in_with_password_and_security_code(page, live_server, establishment):
    officer = make_staff("wing_officer", [establishment], username="officer.browser")
    response = staff_password_step(page, officer)
    assert response.status == 200
    assert page.url == f"{live_server.url}/sign-in/security-code/"

    # A wrong code: the error is shown next to the field and in the error summary, which links to the field.
    page.get_by_label("Enter your security code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    message = "The security code is not right"
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    link = summary.get_by_role("link", name=re.compile(message))
    assert link.get_attribute("href") == "#id_token"
    assert page.locator("#id_token-error").filter(has_text=message).is_visible()
    assert page.locator(".govuk-form-group--error #id_token").is_visible()
    assert "id_token-error" in (page.locator("#id_token").get_attribute("aria-describedby") or "")
    summary_focused = page.evaluate("() => document.activeElement.closest('.govuk-error-summary') !== null")
    assert summary_focused, "GOV.UK Frontend moves focus to the error summary"

    # django-otp throttles the device for a second after one wrong code; a person takes longer than that anyway.
    page.wait_for_timeout(1100)
    page.get_by_label("Enter your security code").fill(current_code(officer))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Test"
    tiles = page.locator(".tg-tiles .tg-tile__link")
    assert tiles.count() >= 1
    assert tiles.first.get_attribute("href") == "/people/"
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.js_errors == []


def test_resident_kiosk_sign_in_then_idle_logout(new_context, live_server, settings, establishment):
    settings.KIOSK_IDLE_SECONDS = 5
    person = make_resident(establishment, first_name="Sam")
    _device, token = make_device(establishment)
    context = new_context(viewport=KIOSK_VIEWPORT)
    set_device(context, live_server.url, token)
    page = watch_errors(context.new_page())

    sign_in_resident(page, person)
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Sam"
    assert page.locator(".tg-tiles .tg-tile__link", has_text="My details").is_visible()

    # The countdown is visible and goes down (in the last 30 seconds it turns into the yellow warning).
    countdown = page.locator("[data-tg-idle-count]")
    assert countdown.is_visible()
    assert page.locator("[data-tg-idle]").get_attribute("class").split().count("tg-idle-warning--visible") == 1
    first = int(countdown.inner_text())
    assert 3 <= first <= 5
    deadline = time.monotonic() + 4
    while int(countdown.inner_text()) >= first and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert int(countdown.inner_text()) < first
    # Screen readers are told once (at 10 seconds left here), not on every tick of the counter.
    in_live_region = "() => document.querySelector('[data-tg-idle-count]').closest('[aria-live], [role=status]')"
    assert page.evaluate(f"{in_live_region} === null")
    assert "You will be signed out in" in page.locator("[data-tg-idle-announce]").inner_text()

    # Nobody touches the screen: the page signs itself out and lands on the kiosk sign-in page.
    page.wait_for_url(f"{live_server.url}/kiosk/", timeout=10_000)
    assert page.locator("#id_prison_number").is_visible()
    assert page.locator(".govuk-notification-banner").filter(has_text="signed out").is_visible()
    assert page.locator("[data-tg-idle]").count() == 0
    # The session really is over.
    page.goto("/people/me/")
    assert "/people/me/" not in page.url
    assert page.js_errors == []


def test_switch_to_welsh_and_back(page, live_server):
    page.goto("/sign-in/")
    assert page.locator("html").get_attribute("lang") == "en"
    language_nav = page.locator("nav.govuk-language-navigation")
    assert language_nav.get_by_role("link", name="English").count() == 0

    language_nav.get_by_role("link", name="Cymraeg").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/sign-in/"
    assert page.locator("html").get_attribute("lang") == "cy"
    assert language_nav.get_by_role("link", name="English").is_visible()
    assert language_nav.get_by_role("link", name="Cymraeg").count() == 0
    assert language_nav.locator("[aria-current]").inner_text() == "Cymraeg"

    # It sticks on the next page, and English is one click away.
    page.goto("/kiosk/")
    assert page.locator("html").get_attribute("lang") == "cy"
    language_nav.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.js_errors == []
