"""MyProbation in Chromium at 360x740 (a cheap Android phone) with the network throttled like slow 3G, in English and
Welsh: the person signs in with a texted code, does a check-in and sees it sent, and confirms an appointment. Every
page passes axe (no serious or critical findings) and transfers at most 150 KB. Then the kiosk, resettlement and
practitioner pages in both languages."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.support import (
    STAFF_VIEWPORT,
    axe_problems,
    guide_screenshot,
    set_language,
    sign_in_resident,
    sign_in_staff,
    submit,
    watch_errors,
)
from tests.factories import make_device, make_resident, make_staff
from throughgate.probation import notify
from throughgate.probation.appointments.services import appointment_book
from throughgate.probation.checkins.models import CheckIn, CheckinStatus
from throughgate.probation.passport import services as passport_services
from throughgate.probation.tests.factories import on_probation, passport_with_answers

pytestmark = pytest.mark.browser

PHONE_VIEWPORT = {"width": 360, "height": 740}
PAGE_BUDGET = 150 * 1024
# Chrome DevTools' "Slow 3G" preset: 400 kbit/s each way after a 2 s round trip (its latency is 400 ms x 5).
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}


class Transfer:
    """Bytes each page load moves over the network (headers and bodies of every request the page makes)."""

    def __init__(self, page: Any) -> None:
        self.bytes = 0
        page.on("requestfinished", self._add)

    def _add(self, request: Any) -> None:
        sizes = request.sizes()
        self.bytes += sizes["requestHeadersSize"] + sizes["requestBodySize"]
        self.bytes += sizes["responseHeadersSize"] + sizes["responseBodySize"]

    def take(self) -> int:
        moved, self.bytes = self.bytes, 0
        return moved


def phone_page(new_context: Any, live_server: Any, language: str) -> tuple[Any, Transfer]:
    context = new_context(viewport=PHONE_VIEWPORT, bypass_csp=True, is_mobile=True, has_touch=True)
    context.set_default_timeout(60_000)  # a 2 s round trip per request, on a busy test machine
    set_language(context, live_server.url, language)
    page = watch_errors(context.new_page())
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # every page pays for its own style sheet
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    return page, Transfer(page)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_sign_in_by_code_and_check_in_on_a_phone(
    language: str, new_context: Any, live_server: Any, establishment: Any
) -> None:
    practitioner = make_staff("probation_practitioner", [], username=f"practitioner.{language}")
    phone = "07700900777"
    person = on_probation(establishment, practitioner, phone=phone, first_name="Sam", last_name="Jones")
    passport = passport_services.passport_ensure(person=person, by=practitioner)
    passport_services.todo_add(passport=passport, by=practitioner, text="Register with a GP")
    today = timezone.localdate()
    checkin = CheckIn.objects.create(person=person, due_on=today, expires_on=today)
    appointment = appointment_book(
        by=practitioner,
        person=person,
        kind="office",
        starts_at=timezone.now() + timedelta(days=2),
        place="Leeds office",
    )
    page, transfer = phone_page(new_context, live_server, language)
    problems: list[str] = []
    sizes: dict[str, int] = {}

    def visited(name: str) -> None:
        assert f'lang="{language}"' in page.content()
        sizes[name] = transfer.take()
        problems.extend(axe_problems(page, name, language))
        guide_screenshot(page, f"probation-{name}", language)

    transfer.take()
    page.goto("/myprobation/sign-in/")
    visited("sign-in")
    page.locator("#id_contact").fill("07700 900777")
    response = submit(page)
    assert response.status == 200
    assert page.url.endswith("/myprobation/sign-in/code/")
    code = re.search(r"\b(\d{6})\b", [text for text in notify.outbox if text.to == phone][-1].body)
    assert code is not None
    visited("code")
    page.locator("#id_code").fill(code.group(1))
    response = submit(page)
    assert response.status == 200
    assert page.url.endswith("/myprobation/")
    visited("home")
    assert "Register with a GP" in page.content()

    page.locator(f"a[href='/myprobation/check-ins/{checkin.pk}/']").click()
    page.wait_for_url(f"**/myprobation/check-ins/{checkin.pk}/")
    visited("check-in")
    page.locator("#id_feeling_3").check()  # the fourth choice from the top: Bad
    page.locator("#id_help_with_0").check()  # somewhere to live
    page.locator("#id_call_back_0").check()  # yes
    response = submit(page)
    assert response.status == 200
    assert page.url.endswith("/myprobation/")
    visited("check-in-sent")

    page.locator(f"a[href='/myprobation/appointments/{appointment.pk}/']").click()
    page.wait_for_url(f"**/myprobation/appointments/{appointment.pk}/")
    visited("appointment")
    page.locator("#id_answer_0").check()  # yes, I can come
    submit(page)
    assert page.url.endswith("/myprobation/")
    visited("appointment-confirmed")
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"

    checkin.refresh_from_db()
    assert checkin.status == CheckinStatus.SUBMITTED
    assert checkin.attention_reasons == ["feeling", "help:accommodation", "call_back"]
    print(f"\n[{language}] bytes transferred per page: {sizes}")
    over = {name: size for name, size in sizes.items() if size > PAGE_BUDGET}
    assert not over, f"pages over {PAGE_BUDGET} bytes: {over}"
    assert all(size > 0 for size in sizes.values())
    assert not problems, "\n".join(problems)
    assert not page.js_errors, page.js_errors


@pytest.mark.parametrize("language", ["en", "cy"])
def test_resident_kiosk_staff_and_practitioner_pages(
    language: str, new_context: Any, live_server: Any, establishment: Any
) -> None:
    """The resident answers once on a kiosk; resettlement staff see it and release; the practitioner's pages."""
    from tests.browser.support import KIOSK_VIEWPORT, set_device

    person = make_resident(establishment, first_name="Alex", last_name="Kiosk")
    _device, token = make_device(establishment)
    kiosk = new_context(viewport=KIOSK_VIEWPORT, bypass_csp=True)
    set_language(kiosk, live_server.url, language)
    set_device(kiosk, live_server.url, token)
    page = watch_errors(kiosk.new_page())
    problems: list[str] = []
    sign_in_resident(page, person)
    page.goto("/probation/my-plan/")
    problems += axe_problems(page, "plan for release", language)
    guide_screenshot(page, "probation-kiosk-plan", language)
    page.goto("/probation/my-plan/questions/immediate_needs/")
    problems += axe_problems(page, "your needs", language)
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    guide_screenshot(page, "probation-kiosk-questions", language)
    response = submit(page)
    assert response.status == 200
    assert page.url.endswith("/probation/my-plan/")

    staff = make_staff("resettlement", [establishment], username=f"resettle.{language}")
    practitioner = make_staff("probation_practitioner", [], username=f"pp.{language}")
    office = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(office, live_server.url, language)
    desk = watch_errors(office.new_page())
    sign_in_staff(desk, staff)
    desk.goto("/probation/passports/")
    problems += axe_problems(desk, "resettlement list", language)
    desk.goto(f"/probation/passports/{person.prison_number}/")
    problems += axe_problems(desk, "passport", language)
    guide_screenshot(desk, "probation-passport", language)
    desk.goto(f"/probation/passports/{person.prison_number}/release/")
    problems += axe_problems(desk, "release", language)
    desk.locator("#id_crn").fill("X765432")
    desk.locator("#id_practitioner").select_option(str(practitioner.pk))
    desk.locator("#id_phone").fill("07700900888")
    guide_screenshot(desk, "probation-release", language)
    response = submit(desk)
    assert response.status == 200
    assert desk.url.endswith("/probation/passports/")

    other = on_probation(establishment, practitioner, phone="07700900889", last_name="Second")
    passport_with_answers(make_resident(establishment))  # someone else's, never on this caseload
    CheckIn.objects.create(
        person=other,
        due_on=timezone.localdate() - timezone.timedelta(days=10),
        expires_on=timezone.localdate() - timezone.timedelta(days=5),
    )
    from throughgate.probation.checkins.services import checkins_expire

    checkins_expire(today=timezone.localdate())
    review = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(review, live_server.url, language)
    work = watch_errors(review.new_page())
    sign_in_staff(work, practitioner)
    work.goto("/probation/caseload/")
    problems += axe_problems(work, "caseload", language)
    guide_screenshot(work, "probation-caseload", language)
    rows = work.locator("[data-testid=caseload] tbody tr")
    assert rows.count() == 2
    assert "SECOND" in rows.first.inner_text()  # the missed check-in comes first
    work.goto(f"/probation/caseload/{person.prison_number}/")
    problems += axe_problems(work, "case", language)
    guide_screenshot(work, "probation-case", language)
    assert not problems, "\n".join(problems)
    assert not (page.js_errors + desk.js_errors + work.js_errors)
