"""The figures pages in a real browser: a governor's dashboard and the HQ view, in English and in Welsh; every chart
has its table, axe-core finds no serious or critical violation, no JavaScript or CSP errors. With
THROUGHGATE_SCREENSHOTS=1 (scripts/screenshots) it also refreshes docs/screenshots/insights-*.png for
docs/insights.md."""

from __future__ import annotations

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
from tests.factories import make_staff
from throughgate.insights.measures import MEASURES
from throughgate.insights.rollups import services
from throughgate.insights.tests.estate import TODAY, build

pytestmark = pytest.mark.browser


@pytest.fixture
def figures_world(transactional_db: Any) -> dict[str, Any]:
    estate = build(weeks=10, per_day=30)
    services.roll_up_new_days(today=TODAY)
    return {
        "estate": estate,
        "governor": make_staff("governor", [estate.first], username="governor.figures"),
        "hq": make_staff("hq_analyst", username="hq.figures"),
    }


def test_a_governor_reads_a_chart_as_a_table_and_downloads_its_figures(
    new_context: Any, live_server: Any, figures_world: dict[str, Any]
) -> None:
    page = watch_errors(new_context(viewport=STAFF_VIEWPORT).new_page())
    sign_in_staff(page, figures_world["governor"])
    page.goto(reverse("insights:dashboard"))
    assert page.locator("svg[role=img]").count() == len(MEASURES)
    figure = page.locator("[data-measure=complaints]")
    figure.locator("summary").click()
    rows = figure.locator("table tbody tr")
    assert rows.count() == 12
    assert rows.last.locator("td").inner_text().strip().isdigit()
    with page.expect_download() as download:
        figure.get_by_role("link", name="Download complaints made by wing (CSV)").click()
    assert download.value.suggested_filename.startswith("complaints-ZIA-")
    assert not page.js_errors, page.js_errors


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_figures_pages_pass_axe(
    new_context: Any, live_server: Any, figures_world: dict[str, Any], language: str
) -> None:
    problems = []
    visits = {
        "governor": [("dashboard", reverse("insights:dashboard"), "svg[role=img]")],
        "hq": [
            ("estate", reverse("insights:estate"), "tr[data-establishment=ZIB]"),
            ("dashboard-hq", reverse("insights:dashboard") + "?establishment=ZIB", "svg[role=img]"),
        ],
    }
    for who, pages in visits.items():  # one sign-in each: a security code is accepted once
        context = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
        set_language(context, live_server.url, language)
        page = watch_errors(context.new_page())
        sign_in_staff(page, figures_world[who])
        for label, path, expect in pages:
            response = page.goto(path)
            where = f"[{language}] {label}"
            assert response is not None
            if response.status != 200:
                problems.append(f"{where}: status {response.status}")
            if page.locator("html").get_attribute("lang") != language:
                problems.append(f"{where}: <html lang> is not {language}")
            if page.locator(expect).count() == 0:
                problems.append(f"{where}: {expect} is not on the page")
            if language == "cy" and "Ffigurau" not in page.locator("h1").inner_text():
                problems.append(f"{where}: the heading is not in Welsh")
            problems += [f"{where}: {line}" for line in describe(run_axe(page))]
            if label != "dashboard-hq":
                guide_screenshot(page, f"insights-{label}", language, full_page=label != "dashboard")
        assert not page.js_errors, page.js_errors
        context.close()
    assert not problems, "\n".join(problems)
