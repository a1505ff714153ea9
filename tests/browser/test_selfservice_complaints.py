"""Complaints in Chromium, in English and in Welsh: a resident makes a confidential complaint to the governor, a
wing officer cannot see it, the governor answers, and the resident reads the answer and is told about the Ombudsman.
axe-core on every page: no serious or critical violations."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import (
    KIOSK_VIEWPORT,
    STAFF_VIEWPORT,
    describe,
    run_axe,
    set_device,
    set_language,
    sign_in_resident,
    sign_in_staff,
    watch_errors,
)
from tests.factories import make_device, make_resident, make_staff
from throughgate.selfservice.complaints.models import Complaint

pytestmark = pytest.mark.browser

BODY = {"en": "An officer read my legal letter.", "cy": "Darllenodd swyddog fy llythyr cyfreithiol."}
REPLY = {"en": "I have spoken to the officer.", "cy": "Rydw i wedi siarad â’r swyddog."}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_confidential_complaint_answered_by_the_governor(
    language: str, new_context: Any, live_server: Any, establishment: Any
) -> None:
    person = make_resident(establishment, first_name="Sam", last_name="Jones")
    governor = make_staff("governor", [establishment])
    officer = make_staff("wing_officer", [establishment])
    _device, token = make_device(establishment)
    problems: list[str] = []

    def check(page: Any, where: str) -> None:
        problems.extend(f"{where}: {line}" for line in describe(run_axe(page)))

    kiosk = new_context(viewport=KIOSK_VIEWPORT, bypass_csp=True)
    set_device(kiosk, live_server.url, token)
    set_language(kiosk, live_server.url, language)
    resident = watch_errors(kiosk.new_page())
    sign_in_resident(resident, person)
    resident.locator('.tg-tile__link[href="/selfservice/complaints/"]').click()
    resident.wait_for_url("**/selfservice/complaints/")
    check(resident, "my complaints")
    resident.locator('a[href="/selfservice/complaints/new/"]').click()
    resident.wait_for_url("**/selfservice/complaints/new/")
    check(resident, "make a complaint")
    resident.locator('input[name="stage"][value="COMP2"]').check()
    resident.locator("#id_body").fill(BODY[language])
    with resident.expect_navigation():
        resident.locator("main form button[type=submit]").click()
    complaint = Complaint.objects.get()
    assert complaint.stage == "COMP2"
    check(resident, "a complaint just sent")

    desk = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(desk, live_server.url, language)
    wing = watch_errors(desk.new_page())
    sign_in_staff(wing, officer)
    wing.goto("/selfservice/complaints/queue/")
    assert wing.locator(f'a[href="/selfservice/complaints/queue/{complaint.pk}/"]').count() == 0
    check(wing, "complaints queue, wing officer")

    office = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(office, live_server.url, language)
    staff = watch_errors(office.new_page())
    sign_in_staff(staff, governor)
    staff.goto("/selfservice/complaints/queue/")
    staff.locator(f'a[href="/selfservice/complaints/queue/{complaint.pk}/"]').click()
    staff.wait_for_url(f"**/selfservice/complaints/queue/{complaint.pk}/")
    check(staff, "a complaint, for the governor")
    staff.locator("#id_reply").fill(REPLY[language])
    with staff.expect_navigation():
        staff.locator("main form button[type=submit]").click()
    complaint.refresh_from_db()
    assert complaint.status == "ANSWERED"

    resident.reload()
    assert REPLY[language] in resident.locator(".tg-reply").inner_text()
    assert resident.locator(".tg-ombudsman").is_visible()
    check(resident, "an answered complaint")
    assert not problems, "\n".join(problems)
    assert resident.js_errors == []
    assert staff.js_errors == []
