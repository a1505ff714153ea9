"""The data protection officer's journey in Chromium, in English and Welsh: find a person (in another prison), see
what each part of the service holds, make the subject access export, download it, place a legal hold, and read the
retention schedule. Each page is checked with axe-core and for JavaScript errors. The English run takes the
screenshots of docs/data-protection.md (with THROUGHGATE_SCREENSHOTS=1, scripts/screenshots)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from tests.browser.support import (
    STAFF_VIEWPORT,
    axe_problems,
    guide_screenshot,
    set_language,
    sign_in_staff,
    submit,
    watch_errors,
)
from tests.factories import EstablishmentFactory, make_resident, make_staff
from throughgate.dataprotection.models import LegalHold, SubjectAccessRequest

pytestmark = pytest.mark.browser

HEADINGS = {
    "en": ("Subject access requests", "What each part of the service holds", "Retention schedule"),
    "cy": ("Ceisiadau gwrthrych am wybodaeth", "Beth mae pob rhan o'r gwasanaeth yn ei gadw", "Amserlen gadw"),
}


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    from throughgate.selfservice.tests.factories import raise_app
    from throughgate.welfare.tests.factories import make_flag

    mdi = EstablishmentFactory(code="MDI", name="HMP Moorland Demo")
    lei = EstablishmentFactory(code="LEI", name="HMP Leeds Demo")
    person = make_resident(mdi, first_name="Jordan", last_name="Example")
    raise_app(person, body="Can I see the dentist please")
    make_flag(person)
    dpo = make_staff("data_protection_officer", [lei], username="dpo.guide", last_name="Officer")
    return {"person": person, "dpo": dpo}


def _shot(page: Any, name: str, language: str) -> None:
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    path = guide_screenshot(page, f"guide-dpo-{name}", language)
    assert path is None or path.stat().st_size > 10_000, f"{path} looks empty"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_subject_access_journey(new_context: Any, live_server: Any, world: dict[str, Any], language: str) -> None:
    person = world["person"]
    context = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True, accept_downloads=True)
    set_language(context, live_server.url, language)
    page = watch_errors(context.new_page())
    sign_in_staff(page, world["dpo"])
    problems: list[str] = []
    search, holds, schedule = HEADINGS[language]

    page.goto("/data-protection/")
    page.locator("#id_query").fill("Example")
    response = submit(page)
    assert response.status == 200
    assert page.locator("h1").inner_text() == search
    problems += axe_problems(page, "search", language)
    _shot(page, "search", language)

    page.locator(f"a[href='/data-protection/people/{person.prison_number}/']").click()
    page.wait_for_load_state()
    assert holds in page.content()
    assert page.locator("main table tbody tr").count() >= 10
    problems += axe_problems(page, "person", language)
    page.locator("#id_reference").fill(f"SAR-2026-00{len(language)}")
    page.locator("#id_received_on").fill("2026-03-02")
    _shot(page, "person", language)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    sar = SubjectAccessRequest.objects.get(person=person, reference=f"SAR-2026-00{len(language)}")
    assert page.url.endswith(f"/data-protection/requests/{sar.pk}/")
    problems += axe_problems(page, "request", language)
    _shot(page, "request", language)
    with page.expect_download() as download:
        page.locator(f"a[href='/data-protection/requests/{sar.pk}/download/']").click()
    content = open(download.value.path(), "rb").read()  # noqa: SIM115
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "summary.html" in archive.namelist()
        assert "dentist" in archive.read("sections/selfservice.apps.json").decode()

    page.goto(f"/data-protection/people/{person.prison_number}/")
    page.locator("#id_reason").fill("Civil claim notified")
    with page.expect_navigation():
        page.locator(f"form[action='/data-protection/people/{person.prison_number}/hold/'] button").click()
    assert LegalHold.objects.filter(person=person, lifted_at__isnull=True).exists()
    assert page.locator(".govuk-warning-text").count() == 1
    problems += axe_problems(page, "person on hold", language)
    page.locator("input[name=reason]").fill("Claim settled")
    with page.expect_navigation():
        page.locator("form[action*='/lift/'] button").click()
    assert not LegalHold.objects.filter(person=person, lifted_at__isnull=True).exists()

    page.goto("/data-protection/retention/")
    assert page.locator("h1").inner_text() == schedule
    assert "selfservice.apps" in page.content()
    problems += axe_problems(page, "retention", language)
    _shot(page, "retention", language)
    assert problems == []
    assert page.js_errors == []
