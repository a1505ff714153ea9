"""Screenshots for docs/screenshots/: the staff home page, the kiosk sign-in page and the kiosk home page.

Not part of the normal run (the file name does not match test_*.py); run it on purpose when the pages change:

    uv run pytest tests/browser/screenshots.py -q      (or: uv run python tests/browser/screenshots.py)

Staff pages are shot at 1280x800 (a desktop). Kiosk pages at 1080x1920: wing kiosks are wall-mounted portrait
touch screens."""

from __future__ import annotations

import sys

import pytest

from tests.browser.support import (
    KIOSK_VIEWPORT,
    SCREENSHOTS,
    STAFF_VIEWPORT,
    set_device,
    sign_in_resident,
    sign_in_staff,
)
from tests.factories import EstablishmentFactory, make_device, make_resident, make_staff

pytestmark = pytest.mark.browser


def test_take_screenshots(new_context, live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    moorland = EstablishmentFactory(code="MDI", name="HMP Moorland Demo")
    EstablishmentFactory(code="WYI", name="HMP Wayland Demo")

    staff = make_staff("governor", [moorland], username="a.governor", last_name="Governor")
    page = new_context(viewport=STAFF_VIEWPORT).new_page()
    sign_in_staff(page, staff)
    page.screenshot(path=SCREENSHOTS / "staff-home.png")

    person = make_resident(moorland, first_name="Sam", last_name="Jones")
    _device, token = make_device(moorland)
    kiosk = new_context(viewport=KIOSK_VIEWPORT)
    set_device(kiosk, live_server.url, token)
    page = kiosk.new_page()
    page.goto("/kiosk/")
    page.screenshot(path=SCREENSHOTS / "kiosk-sign-in.png")
    sign_in_resident(page, person)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.screenshot(path=SCREENSHOTS / "kiosk-home.png")


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
