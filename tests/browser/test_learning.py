"""Learning in Chromium, in English and in Welsh: a resident asks to join a course on the kiosk, education staff give
a place, mark it completed and issue the badge, the resident sees the badge (with its link and QR code) in their
skills passport, and an employer who is not signed in checks it on the public page: valid; then with one character
changed: not valid, and why. axe-core on every page: no serious or critical violations."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.browser.support import (
    KIOSK_VIEWPORT,
    STAFF_VIEWPORT,
    describe,
    guide_screenshot,
    run_axe,
    set_device,
    set_language,
    sign_in_resident,
    sign_in_staff,
    watch_errors,
)
from tests.factories import make_device, make_resident, make_staff
from throughgate.learning.courses.models import Enrolment
from throughgate.learning.passport.models import Credential
from throughgate.learning.tests.factories import make_course

pytestmark = pytest.mark.browser

VALID = {"en": "Valid", "cy": "Dilys"}
NOT_VALID = {"en": "signature does not match", "cy": "llofnod yn cyfateb"}


def _one_character_changed(token: str) -> str:
    """One character of the credential's JSON changed ('Level 1' made 'Level 3'), then encoded again: it still reads,
    but the signature no longer matches."""
    header, body, signature = token.split(".")
    text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    changed = base64.urlsafe_b64encode(text.replace("Level 1", "Level 3", 1).encode()).rstrip(b"=").decode()
    return f"{header}.{changed}.{signature}"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_join_complete_badge_and_verify(language: str, new_context: Any, live_server: Any, establishment: Any) -> None:
    person = make_resident(establishment, first_name="Robin", last_name="Hale")
    educator = make_staff("education", [establishment])
    course = make_course(establishment, title="Functional Skills English", title_cy="Sgiliau Gweithredol Saesneg")
    make_course(establishment, code="digital", title="Using a computer", area="DIGITAL", level="E3", qualification="")
    _device, token = make_device(establishment)
    problems: list[str] = []

    def check(page: Any, where: str) -> None:
        problems.extend(f"[{language}] {where}: {line}" for line in describe(run_axe(page)))

    kiosk = new_context(viewport=KIOSK_VIEWPORT, bypass_csp=True)
    set_device(kiosk, live_server.url, token)
    set_language(kiosk, live_server.url, language)
    resident = watch_errors(kiosk.new_page())
    sign_in_resident(resident, person)
    resident.locator('.tg-tile__link[href="/learning/courses/"]').click()
    resident.wait_for_url("**/learning/courses/")
    check(resident, "courses")
    guide_screenshot(resident, "learning-kiosk-courses", language)
    resident.locator(f'a[href="/learning/courses/{course.pk}/"]').first.click()
    resident.wait_for_url(f"**/learning/courses/{course.pk}/")
    check(resident, "a course")
    with resident.expect_navigation():
        resident.locator("main form button[type=submit]").click()
    assert resident.locator('[data-testid="my-place"]').is_visible()
    check(resident, "a course, asked to join")
    guide_screenshot(resident, "learning-kiosk-asked", language)
    enrolment = Enrolment.objects.get(person=person)
    assert enrolment.status == "REQUESTED"

    desk = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(desk, live_server.url, language)
    staff = watch_errors(desk.new_page())
    sign_in_staff(staff, educator)
    staff.locator('.tg-tile__link[href="/learning/staff/courses/"]').click()
    staff.wait_for_url("**/learning/staff/courses/")
    check(staff, "courses and learners")
    guide_screenshot(staff, "learning-staff-courses", language)
    staff.locator(f'a[href="/learning/staff/courses/{course.pk}/"]').click()
    check(staff, "a course's waiting list")
    with staff.expect_navigation():
        staff.locator('[data-testid="allocate"]').click()
    check(staff, "a course with a learner")
    guide_screenshot(staff, "learning-staff-course", language)
    staff.locator(f"#qual-{enrolment.pk}").check()
    staff.locator(f"#grade-{enrolment.pk}").fill("Pass")
    with staff.expect_navigation():
        staff.locator('[data-testid="complete"]').click()
    with staff.expect_navigation():
        staff.locator('[data-testid="issue"]').click()
    check(staff, "a course with a badge issued")
    badge = Credential.objects.get(person=person)

    resident.goto("/learning/passport/")
    assert resident.locator('[data-testid="badge"]').count() == 1
    check(resident, "skills passport")
    guide_screenshot(resident, "learning-kiosk-passport", language)
    resident.locator(f'a[href="/learning/passport/{badge.public_id}/"]').click()
    link = resident.locator('[data-testid="badge-link"]').inner_text().strip()
    assert str(badge.public_id) in link
    assert resident.locator(".tg-qr svg").count() == 1
    check(resident, "a badge to share")
    guide_screenshot(resident, "learning-kiosk-badge", language)

    employer_context = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(employer_context, live_server.url, language)
    employer = watch_errors(employer_context.new_page())
    employer.goto(urlparse(link).path)
    verdict = employer.locator('[data-testid="verdict"]')
    assert verdict.get_attribute("data-outcome") == "valid"
    assert VALID[language] in verdict.inner_text()
    assert "Functional Skills" in employer.locator('[data-testid="achievement"]').inner_text()
    check(employer, "a shared badge, checked")
    guide_screenshot(employer, "learning-verify-valid", language)
    employer.goto("/learning/verify/")
    check(employer, "the verification page")
    employer.locator("#id_credential").fill(_one_character_changed(badge.token))
    with employer.expect_navigation():
        employer.locator("main form button[type=submit]").click()
    verdict = employer.locator('[data-testid="verdict"]')
    assert verdict.get_attribute("data-outcome") == "invalid"
    assert NOT_VALID[language] in employer.locator('[data-testid="verdict-reason"]').inner_text()
    check(employer, "a changed badge, refused")
    guide_screenshot(employer, "learning-verify-invalid", language)

    assert not problems, "\n".join(problems)
    for page in (resident, staff, employer):
        assert page.js_errors == []
