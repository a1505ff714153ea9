"""Content and notices in Chromium, in English and in Welsh: a governor puts up a notice and the resident sees it on
the home page; the resident opens the library, an article, a sound recording (with its transcript), a captioned video
and their group session; staff see the view counted, and upload with an error shown next to the field. axe-core on
every page: no serious or critical violations."""

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
from tests.factories import make_device, make_resident, make_staff
from throughgate.selfservice.content import services
from throughgate.selfservice.content.models import ContentView, Notice
from throughgate.selfservice.content.tests.factories import (
    article,
    recording,
    vtt_upload,
    wav_upload,
    webm_upload,
)

pytestmark = pytest.mark.browser

TITLE = {"en": "Gym shut on Friday", "cy": "Campfa ar gau ddydd Gwener"}
BODY = {"en": "The gym is shut on Friday for repairs.", "cy": "Mae’r gampfa ar gau ddydd Gwener."}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_notice_reaches_the_home_page_and_the_resident_uses_the_library(
    language: str, new_context: Any, live_server: Any, establishment: Any
) -> None:
    person = make_resident(establishment, first_name="Sam", last_name="Jones")
    governor = make_staff("governor", [establishment])
    educator = make_staff("education", [establishment])
    text = article(educator, establishment, title="Your first week")
    sound = services.content_add(
        by=educator,
        establishment=establishment,
        new=services.NewContent(
            kind="audio", category="wellbeing", title="Calm breathing", file=wav_upload(), transcript="Breathe in."
        ),
    )
    film = services.content_add(
        by=educator,
        establishment=establishment,
        new=services.NewContent(
            kind="video", category="health", title="Washing hands", file=webm_upload(), captions=vtt_upload()
        ),
    )
    session = recording(educator, establishment, members=[person.prison_number], title="Chapel group, week 3")
    _device, token = make_device(establishment)
    problems: list[str] = []

    def check(page: Any, where: str) -> None:
        problems.extend(axe_problems(page, where, language))

    def shot(page: Any, name: str) -> None:
        if language == "en":
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
        guide_screenshot(page, f"content-{name}", language)

    # The governor puts up a notice for everyone in the prison.
    office = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(office, live_server.url, language)
    staff = watch_errors(office.new_page())
    sign_in_staff(staff, governor)
    staff.locator('.tg-tile__link[href="/selfservice/notices/manage/"]').click()
    staff.wait_for_url("**/selfservice/notices/manage/")
    check(staff, "notices (staff)")
    staff.locator('a[href="/selfservice/notices/manage/new/"]').click()
    staff.wait_for_url("**/selfservice/notices/manage/new/")
    check(staff, "put up a notice")
    staff.locator("#id_title").fill(TITLE[language])
    with staff.expect_navigation():
        staff.locator("main form button[type=submit]").click()
    assert staff.locator("#id_body-error").is_visible()  # the notice text is missing: said next to the field
    check(staff, "put up a notice, with an error")
    staff.locator("#id_body").fill(BODY[language])
    shot(staff, "notice-form")
    with staff.expect_navigation():
        staff.locator("main form button[type=submit]").click()
    assert staff.url.endswith("/selfservice/notices/manage/")
    notice = Notice.objects.get()
    assert notice.title == TITLE[language]
    assert notice.wing is None
    check(staff, "notices (staff), after saving")

    # The resident sees it on the home page, then uses the library.
    kiosk = new_context(viewport=KIOSK_VIEWPORT, bypass_csp=True)
    set_device(kiosk, live_server.url, token)
    set_language(kiosk, live_server.url, language)
    resident = watch_errors(kiosk.new_page())
    sign_in_resident(resident, person)
    assert TITLE[language] in resident.locator(".tg-notices-panel").inner_text()
    check(resident, "home with a notice")
    shot(resident, "resident-home")
    resident.locator('.tg-notices-panel a[href="/selfservice/notices/"]').click()
    resident.wait_for_url("**/selfservice/notices/")
    assert BODY[language] in resident.locator(".tg-notices").inner_text()
    check(resident, "notices")
    resident.goto("/")
    resident.locator('.tg-tile__link[href="/selfservice/content/"]').click()
    resident.wait_for_url("**/selfservice/content/")
    check(resident, "library")
    shot(resident, "library")
    resident.locator(f'a[href="/selfservice/content/{text.pk}/"]').click()
    resident.wait_for_url(f"**/selfservice/content/{text.pk}/")
    assert "You will meet your key worker" in resident.locator(".tg-article").inner_text()
    check(resident, "an article")
    resident.goto(f"/selfservice/content/{sound.pk}/")
    assert resident.locator("audio[controls] source").get_attribute("src") == (
        f"/selfservice/content/{sound.pk}/files/file/"
    )
    resident.locator(".govuk-details__summary").click()
    assert "Breathe in." in resident.locator(".tg-transcript").inner_text()
    check(resident, "a sound recording")
    shot(resident, "audio")
    resident.goto(f"/selfservice/content/{film.pk}/")
    assert resident.locator('video track[kind="captions"]').get_attribute("src") == (
        f"/selfservice/content/{film.pk}/files/captions/"
    )
    check(resident, "a video with captions")
    resident.goto("/selfservice/content/sessions/")
    check(resident, "group sessions")
    resident.locator(f'a[href="/selfservice/content/{session.pk}/"]').click()
    resident.wait_for_url(f"**/selfservice/content/{session.pk}/")
    check(resident, "a group session")
    assert ContentView.objects.filter(person=person).count() == 4

    # Education staff see the opens, and an upload with a wrong file is refused next to the field.
    desk = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(desk, live_server.url, language)
    teacher = watch_errors(desk.new_page())
    sign_in_staff(teacher, educator)
    teacher.locator('.tg-tile__link[href="/selfservice/content/manage/"]').click()
    teacher.wait_for_url("**/selfservice/content/manage/")
    check(teacher, "content library (staff)")
    shot(teacher, "staff-library")
    teacher.goto(f"/selfservice/content/manage/{text.pk}/")
    assert teacher.locator('[data-tg-count="people"]').inner_text() == "1"
    check(teacher, "an item with its view counts")
    shot(teacher, "staff-item")
    teacher.goto(f"/selfservice/content/manage/{film.pk}/")
    check(teacher, "a video item (staff)")
    teacher.goto("/selfservice/content/manage/new/")
    check(teacher, "add to the library")
    teacher.locator('input[name="kind"][value="pdf"]').check()
    teacher.locator("#id_title").fill("Chapel times")
    teacher.locator("#id_category").select_option("faith")
    teacher.locator("#id_file").set_input_files(
        files=[{"name": "chapel.pdf", "mimeType": "application/pdf", "buffer": b"not really a PDF"}]
    )
    with teacher.expect_navigation() as navigation:
        teacher.locator("main form button[type=submit]").click()
    assert navigation.value.status == 422
    assert teacher.locator("#id_file-error").is_visible()
    check(teacher, "add to the library, wrong file")
    teacher.goto("/selfservice/content/manage/sessions/new/")
    check(teacher, "upload a group session")

    assert not problems, "\n".join(problems)
    for page in (staff, resident, teacher):
        assert page.js_errors == []
