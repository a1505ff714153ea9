"""Exactly once in Chromium (issue 16, finding 1): a resident sends an app, presses Back and Send again, then sends
the same words from a second tab. One app is stored and every send shows the first one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import KIOSK_VIEWPORT, set_device, sign_in_resident, watch_errors
from tests.factories import make_device, make_resident
from throughgate.selfservice.applications.models import App
from throughgate.selfservice.tests.factories import app_type

pytestmark = pytest.mark.browser

BODY = "Can I have a new kettle?"


def _send(page: Any) -> None:
    if page.locator("#id_body").input_value() != BODY:  # Chromium may or may not keep the words after Back
        page.locator("#id_body").fill(BODY)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_send_back_send_and_a_second_tab_store_one_app(new_context: Any, live_server: Any, establishment: Any) -> None:
    person = make_resident(establishment)
    wing = app_type(establishment, "wing")
    _device, token = make_device(establishment)
    kiosk = new_context(viewport=KIOSK_VIEWPORT, bypass_csp=True)
    set_device(kiosk, live_server.url, token)
    page = watch_errors(kiosk.new_page())
    sign_in_resident(page, person)
    page.goto(f"/selfservice/apps/new/{wing.pk}/")
    _send(page)
    app = App.objects.get()
    first = page.url
    assert first.endswith(f"/selfservice/apps/{app.pk}/")

    page.go_back()
    page.wait_for_url(f"**/selfservice/apps/new/{wing.pk}/")
    page.wait_for_timeout(1100)  # GOV.UK Frontend ignores a second press of the same button within a second
    _send(page)
    assert page.url == first
    assert page.locator(".govuk-notification-banner--success").is_visible()

    second_tab = watch_errors(kiosk.new_page())
    second_tab.goto(f"/selfservice/apps/new/{wing.pk}/")
    _send(second_tab)
    assert second_tab.url == first
    assert App.objects.count() == 1
