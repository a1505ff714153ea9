"""Record linkage in a real browser: a reviewer opens the clerical review queue, looks at a suggested link with both
records side by side and the reasons, is told to give a reason, rejects it, and undoes the decision; axe-core finds
no serious or critical violation on the queue, a link or the model page, in English and in Welsh. With
THROUGHGATE_SCREENSHOTS=1 (scripts/screenshots) it refreshes docs/screenshots/sharing-*.png for docs/sharing.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.browser.support import (
    STAFF_VIEWPORT,
    describe,
    guide_screenshot,
    run_axe,
    set_language,
    sign_in_staff,
    watch_errors,
)
from tests.factories import EstablishmentFactory, PersonFactory, make_staff
from throughgate.sharing.linkage import synthetic
from throughgate.sharing.links import services
from throughgate.sharing.links.models import Agency, LinkStatus, PersonLink

pytestmark = pytest.mark.browser


@pytest.fixture
def linked_world(transactional_db: Any) -> dict[str, Any]:
    """Synthetic prison people and their probation records, linked by a real run of the model."""
    place = EstablishmentFactory(code="MDI", name="HMP Moorland Demo")
    data = synthetic.generate(people=200, seed=12)
    for index, row in enumerate(data.left):
        PersonFactory(
            prison_number=f"A{2000 + index:04d}BC",
            first_name=row["given_name"],
            last_name=row["family_name"],
            date_of_birth=dt.date.fromisoformat(row["date_of_birth"]),
            sex=row["sex"] or "M",
            pnc_id=row["pnc_id"],
            establishment=place,
        )
    services.agency_records_receive(agency=Agency.PROBATION, rows=data.right)
    services.linkage_run(seed=3)
    assert PersonLink.objects.filter(status=LinkStatus.AWAITING_REVIEW).exists()
    return {"place": place, "reviewer": make_staff("hq_analyst", [place], username="linkage.reviewer")}


def _shot(page: Any, name: str) -> None:
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    path = guide_screenshot(page, f"sharing-{name}", "en")
    assert path is None or path.stat().st_size > 10_000, f"{path} looks empty"


def test_a_reviewer_rejects_a_suggested_link_and_undoes_it(
    new_context: Any, live_server: Any, linked_world: dict[str, Any]
) -> None:
    page = watch_errors(new_context(viewport=STAFF_VIEWPORT, bypass_csp=True).new_page())
    sign_in_staff(page, linked_world["reviewer"])
    page.goto(reverse("sharing:queue"))
    _shot(page, "queue")
    first = page.locator("table.govuk-table tbody tr a").first
    first.click()
    page.wait_for_load_state()
    link = PersonLink.objects.get(pk=int(page.url.rstrip("/").split("/")[-1]))
    main = page.locator("main").inner_text()
    assert link.prison_number in main
    assert link.record_id in main
    assert "Why the model suggests this link" in main
    assert page.locator("svg[role=img] title").count() == 1
    _shot(page, "link")
    with page.expect_navigation():
        page.locator("form[action$='/decide/'] button[type=submit]").click()
    assert page.locator(".govuk-error-summary").count() == 1
    page.locator("input[name=decision][value=reject]").check()
    page.locator("#id_reason").fill("Twins: same birthday and address, given names differ")
    with page.expect_navigation():
        page.locator("form[action$='/decide/'] button[type=submit]").click()
    assert "Your decision has been recorded." in page.locator("main").inner_text()
    link.refresh_from_db()
    assert link.status == LinkStatus.REJECTED
    assert link.decided_by_username == "linkage.reviewer"
    page.goto(reverse("sharing:link", args=[link.pk]))
    page.locator("#id_undo_reason").fill("Checked again: the same person after all")
    with page.expect_navigation():
        page.locator("form[action$='/undo/'] button[type=submit]").click()
    assert "The decision has been undone." in page.locator("main").inner_text()
    link.refresh_from_db()
    assert link.status in (LinkStatus.AWAITING_REVIEW, LinkStatus.AUTO_LINKED)
    page.goto(reverse("sharing:model"))
    assert "Date of birth" in page.locator("main").inner_text()
    _shot(page, "model")
    assert not page.js_errors, page.js_errors


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_linkage_page_passes_axe(
    new_context: Any, live_server: Any, linked_world: dict[str, Any], language: str
) -> None:
    context = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(context, live_server.url, language)
    page = watch_errors(context.new_page())
    sign_in_staff(page, linked_world["reviewer"])
    link = PersonLink.objects.filter(status=LinkStatus.AWAITING_REVIEW).first()
    assert link is not None
    problems = []
    for label, path in (
        ("queue", reverse("sharing:queue")),
        ("queue, auto links", reverse("sharing:queue") + "?status=auto_linked"),
        ("link", reverse("sharing:link", args=[link.pk])),
        ("model", reverse("sharing:model")),
    ):
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, (label, response.status)
        problems += [f"{label}: {line}" for line in describe(run_axe(page))]
    page.goto(reverse("sharing:link", args=[link.pk]))
    with page.expect_navigation():
        page.locator("form[action$='/decide/'] button[type=submit]").click()
    problems += [f"link, nothing chosen: {line}" for line in describe(run_axe(page))]
    if language == "cy":
        assert "Ai'r un person yw'r rhain?" in page.locator("main").inner_text()
    assert not problems, "\n".join(problems)
    assert not page.js_errors, page.js_errors
