"""AIM in a real browser: an officer triages a red flag and records an outcome; axe-core finds no serious or
critical violation on any AIM page, in English and in Welsh; no JavaScript errors or failed assets. With
THROUGHGATE_SCREENSHOTS=1 (scripts/screenshots) it also refreshes docs/screenshots/aim-*.png for docs/aim.md."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.support import (
    STAFF_VIEWPORT,
    describe,
    guide_screenshot,
    run_axe,
    set_language,
    sign_in_staff,
    watch_errors,
)
from tests.factories import EstablishmentFactory, PersonFactory, cell_in, make_staff
from throughgate.core.models import ActivityEvent
from throughgate.welfare.models import ScoreRun, Triage
from throughgate.welfare.tests.factories import make_flag

pytestmark = pytest.mark.browser


@pytest.fixture
def aim_world(transactional_db: Any) -> dict[str, Any]:
    place = EstablishmentFactory(code="MDI", name="HMP Moorland Demo")
    day = timezone.localdate()
    red = make_flag(
        PersonFactory(establishment=place, location=cell_in(place, wing="B"), first_name="Sam", last_name="Jones"),
        as_of=day,
        wing="MDI-B",
    )
    amber = make_flag(
        PersonFactory(establishment=place, location=cell_in(place, wing="A")),
        colour="amber",
        as_of=day,
        wing="MDI-A",
        score=5.2,
    )
    # Fourteen weeks of the red person's routine, thinning out in the last two (for the chart).
    events = []
    for back in range(1, 98):
        moment = timezone.now() - dt.timedelta(days=back)
        recent = back <= 14
        for kind, usual, lately in (("kiosk.login", 2, 0), ("phone.call", 1, 0), ("meal.chosen", 2, 1)):
            events += [
                ActivityEvent(
                    person=red.person.prison_number,
                    kind=kind,
                    occurred_at=moment,
                    source="test",
                    idempotency_key=f"{kind}-{back}-{k}",
                )
                for k in range(lately if recent else usual)
            ]
        if back % 7 == 0 and not recent:
            events.append(
                ActivityEvent(
                    person=red.person.prison_number,
                    kind="visit.attended",
                    occurred_at=moment,
                    source="test",
                    idempotency_key=f"visit-{back}",
                )
            )
    ActivityEvent.objects.bulk_create(events)
    Triage.objects.create(
        flag=amber, by_username="earlier.officer", action="key_worker", review_on=day - dt.timedelta(days=1)
    )
    ScoreRun.objects.create(establishment=place, as_of=day, people=120, red=1, amber=1)
    return {
        "place": place,
        "red": red,
        "amber": amber,
        "officer": make_staff("wing_officer", [place], username="officer.aim"),
        "lead": make_staff("safer_custody", [place], username="safer.aim"),
    }


def test_an_officer_triages_a_red_flag_and_records_an_outcome(
    new_context: Any, live_server: Any, aim_world: dict[str, Any]
) -> None:
    page = watch_errors(new_context(viewport=STAFF_VIEWPORT).new_page())
    sign_in_staff(page, aim_world["officer"])
    page.goto(reverse("welfare:daily"))
    red = aim_world["red"]
    first_row = page.locator("table.govuk-table tbody tr").first
    assert red.person.prison_number in first_row.inner_text()  # red comes first
    first_row.locator("a").first.click()
    page.wait_for_load_state()
    assert "no social visit in 21 days, usually one a week" in page.locator("main").inner_text()
    assert page.locator("svg[role=img] title").count() == 1
    page.locator("input[name=action][value=concern_keep_safe]").check()
    page.locator("#id_note").fill("Talked on the landing; raised a Concern and Keep Safe form.")
    page.locator("#id_review_on").fill((timezone.localdate() + dt.timedelta(days=3)).isoformat())
    with page.expect_navigation():
        page.locator("form[action$='/triage/'] button[type=submit]").click()
    assert "Your triage has been recorded." in page.locator("main").inner_text()
    assert "Raised a Concern and Keep Safe form in the case system" in page.locator("main").inner_text()
    triage = Triage.objects.get(flag=red)
    assert triage.by == aim_world["officer"]
    assert triage.action == "concern_keep_safe"
    assert not page.js_errors, page.js_errors


def aim_pages(world: dict[str, Any]) -> list[tuple[str, str, str, str | None]]:
    """(label, path, a selector that proves it is the page meant, a form to submit empty first or None)."""
    red = world["red"]
    return [
        ("daily list", reverse("welfare:daily"), "table.govuk-table", None),
        ("daily list, one wing", reverse("welfare:daily") + "?wing=MDI-B", "table.govuk-table", None),
        ("flag", reverse("welfare:flag", args=[red.pk]), "svg[role=img]", None),
        (
            "flag, triage with nothing chosen",
            reverse("welfare:flag", args=[red.pk]),
            ".govuk-error-summary",
            "form[action$='/triage/'] button[type=submit]",
        ),
        (
            "flag, a date with nothing chosen",
            reverse("welfare:flag", args=[red.pk]),
            ".govuk-error-summary",
            "form[action$='/dates/'] button[type=submit]",
        ),
        ("flag with an overdue review", reverse("welfare:flag", args=[world["amber"].pk]), "textarea", None),
        ("history", reverse("welfare:history", args=[red.person.prison_number]), "table.govuk-table", None),
        ("oversight", reverse("welfare:governor"), "table.govuk-table", None),
        ("thresholds", reverse("welfare:settings"), "#id_amber_threshold", None),
        (
            "thresholds, nothing entered",
            reverse("welfare:settings"),
            ".govuk-error-summary",
            "main form[method=post] button[type=submit]",
        ),
        ("fairness", reverse("welfare:fairness"), "table.govuk-table", None),
    ]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_aim_page_passes_axe(
    new_context: Any, live_server: Any, aim_world: dict[str, Any], language: str
) -> None:
    context = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(context, live_server.url, language)
    page = watch_errors(context.new_page())
    sign_in_staff(page, aim_world["lead"])
    problems = []
    for label, path, expect, empty_submit in aim_pages(aim_world):
        response = page.goto(path)
        if empty_submit:
            page.locator("main input[type=text], main input:not([type])").evaluate_all(
                "inputs => inputs.forEach(i => i.value = '')"
            )
            with page.expect_navigation() as navigation:
                page.locator(empty_submit).first.click()
            response = navigation.value
        assert response is not None
        where = f"[{language}] {label}"
        if response.status not in (200, 400):
            problems.append(f"{where}: status {response.status}")
        if page.locator("html").get_attribute("lang") != language:
            problems.append(f"{where}: <html lang> is not {language}")
        if page.locator(expect).count() == 0:
            problems.append(f"{where}: {expect} is not on the page")
        problems += [f"{where}: {line}" for line in describe(run_axe(page))]
        guide_screenshot(page, f"aim-{re.sub(r'[^a-z]+', '-', label).strip('-')}", language)
    assert not problems, "\n".join(problems)
    assert not page.js_errors, page.js_errors
