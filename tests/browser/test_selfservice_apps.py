"""Apps in Chromium, in English and in Welsh: a resident at a kiosk raises an app (losing the connection once on
the way), an officer answers it from the queue, and the resident sees the reply. axe-core runs on every page of the
journey: no serious or critical violations. Selectors do not depend on the language."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import (
    KIOSK_VIEWPORT,
    STAFF_VIEWPORT,
    axe_problems,
    guide_screenshot,
    set_device,
    set_language,
    sign_in_resident,
    sign_in_staff,
    watch_errors,
)
from tests.factories import make_device, make_resident
from throughgate.selfservice.applications.models import App
from throughgate.selfservice.tests.factories import app_type, staff_in

pytestmark = pytest.mark.browser

BODY = {"en": "Can I have a new kettle?", "cy": "Ga i degell newydd?"}
REPLY = {"en": "Yes. You will get it on Friday.", "cy": "Cewch. Bydd e gyda chi ddydd Gwener."}


def check(page: Any, problems: list[str], where: str) -> None:
    problems += axe_problems(page, where)


def shot(page: Any, name: str, language: str) -> None:
    guide_screenshot(page, f"selfservice-{name}", language)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_resident_raises_an_app_officer_answers_resident_reads_the_reply(
    language: str, new_context: Any, live_server: Any, establishment: Any
) -> None:
    person = make_resident(establishment, first_name="Sam", last_name="Jones")
    officer = staff_in(establishment, "wing")
    officer.first_name, officer.last_name = "Alex", "Morgan"
    officer.save()
    wing = app_type(establishment, "wing")
    _device, token = make_device(establishment)
    problems: list[str] = []

    # The resident, on a portrait kiosk.
    kiosk = new_context(viewport=KIOSK_VIEWPORT, bypass_csp=True)
    set_device(kiosk, live_server.url, token)
    set_language(kiosk, live_server.url, language)
    resident = watch_errors(kiosk.new_page())
    sign_in_resident(resident, person)
    assert resident.locator("html").get_attribute("lang") == language
    check(resident, problems, "resident home")
    shot(resident, "resident-home", language)
    resident.locator('.tg-tile__link[href="/selfservice/apps/"]').click()
    resident.wait_for_url("**/selfservice/apps/")
    check(resident, problems, "my apps (none yet)")
    resident.locator('a[href="/selfservice/apps/new/"]').click()
    resident.wait_for_url("**/selfservice/apps/new/")
    check(resident, problems, "choose a kind of app")
    shot(resident, "choose", language)
    resident.locator(f'a[href="/selfservice/apps/new/{wing.pk}/"]').click()
    resident.wait_for_url(f"**/selfservice/apps/new/{wing.pk}/")

    # Nothing written: the error is next to the box.
    resident.locator("main form button[type=submit]").click()
    resident.wait_for_load_state()
    assert resident.locator("#id_body-error").is_visible()
    check(resident, problems, "write an app, with errors")

    # The connection drops: the form is not sent, the person is told, the words stay.
    resident.locator("#id_body").fill(BODY[language])
    kiosk.set_offline(True)
    resident.locator("main form button[type=submit]").click()
    assert resident.locator("[data-tg-offline]").is_visible()
    assert resident.locator("#id_body").input_value() == BODY[language]
    check(resident, problems, "write an app, offline")
    assert App.objects.count() == 0
    kiosk.set_offline(False)
    resident.wait_for_timeout(1100)  # GOV.UK Frontend ignores a second press of the same button within a second
    with resident.expect_navigation():
        resident.locator("main form button[type=submit]").click()
    assert resident.locator(".govuk-notification-banner--success").is_visible()
    assert App.objects.count() == 1
    app = App.objects.get()
    assert app.body == BODY[language]
    assert resident.url.endswith(f"/selfservice/apps/{app.pk}/")
    check(resident, problems, "the app just sent")
    shot(resident, "sent", language)

    # The officer, at a desk.
    desk = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(desk, live_server.url, language)
    staff = watch_errors(desk.new_page())
    sign_in_staff(staff, officer)
    staff.locator('.tg-tile__link[href="/selfservice/queue/"]').click()
    staff.wait_for_url("**/selfservice/queue/")
    assert staff.locator(f'a[href="/selfservice/queue/{app.pk}/"]').is_visible()
    check(staff, problems, "app queue")
    shot(staff, "queue", language)
    staff.locator("#id_query").fill(person.prison_number)
    with staff.expect_navigation():
        staff.locator(".tg-queue-filters button[type=submit]").click()
    assert staff.locator("table.tg-queue tbody tr").count() == 1
    staff.locator(f'a[href="/selfservice/queue/{app.pk}/"]').click()
    staff.wait_for_url(f"**/selfservice/queue/{app.pk}/")
    check(staff, problems, "an app, for staff")
    shot(staff, "staff-app", language)
    staff.locator("#respond_decision_0").check()
    staff.locator("#respond_reply").fill(REPLY[language])
    with staff.expect_navigation():
        staff.locator(f'form[action="/selfservice/queue/{app.pk}/respond/"] button[type=submit]').click()
    assert staff.locator(".govuk-notification-banner--success").is_visible()
    check(staff, problems, "an answered app, for staff")
    app.refresh_from_db()
    assert app.status == "APPROVED"

    # Back at the kiosk: the reply is there.
    resident.reload()
    assert REPLY[language] in resident.locator(".tg-reply").inner_text()
    assert resident.locator(".govuk-tag--green").is_visible()
    check(resident, problems, "the answered app")
    shot(resident, "answered", language)
    resident.goto("/")
    assert resident.locator(".tg-home-panel").count() == 2  # money, then apps

    assert not problems, "\n".join(problems)
    assert resident.js_errors == []
    assert staff.js_errors == []
