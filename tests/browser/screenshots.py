"""Screenshots for docs/screenshots/: the staff home page, the kiosk sign-in page and the kiosk home page.

Not part of the normal run (the file name does not match test_*.py); scripts/screenshots runs it, with the other
browser tests that take the guides' screenshots, and THROUGHGATE_SCREENSHOTS=1 (without it nothing is saved).

Staff pages are shot at 1280x800 (a desktop). Kiosk pages at 1080x1920: wing kiosks are wall-mounted portrait
touch screens."""

from __future__ import annotations

import pytest

from tests.browser.support import (
    KIOSK_VIEWPORT,
    STAFF_VIEWPORT,
    guide_screenshot,
    set_device,
    sign_in_resident,
    sign_in_staff,
)
from tests.factories import EstablishmentFactory, make_device, make_resident, make_staff

pytestmark = pytest.mark.browser


def test_take_screenshots(new_context, live_server):
    moorland = EstablishmentFactory(code="MDI", name="HMP Moorland Demo")
    EstablishmentFactory(code="WYI", name="HMP Wayland Demo")

    staff = make_staff("governor", [moorland], username="a.governor", last_name="Governor")
    page = new_context(viewport=STAFF_VIEWPORT).new_page()
    sign_in_staff(page, staff)
    guide_screenshot(page, "staff-home", "en", full_page=False)

    person = make_resident(moorland, first_name="Sam", last_name="Jones")
    _device, token = make_device(moorland)
    kiosk = new_context(viewport=KIOSK_VIEWPORT)
    set_device(kiosk, live_server.url, token)
    page = kiosk.new_page()
    page.goto("/kiosk/")
    guide_screenshot(page, "kiosk-sign-in", "en", full_page=False)
    sign_in_resident(page, person)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    guide_screenshot(page, "kiosk-home", "en", full_page=False)
