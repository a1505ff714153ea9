"""The background worker's pages in Chromium, in English and in Welsh: a wing officer's lead is told of an escalated
app (the header shows the count; the notifications page lists it and marks it read), and security and IT see the
scheduled jobs with a failed one. axe-core on every page; English screenshots for docs/staff-guide.md."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from tests.browser.support import (
    STAFF_VIEWPORT,
    axe_problems,
    guide_screenshot,
    set_language,
    sign_in_staff,
    watch_errors,
)
from tests.factories import make_resident, make_staff
from throughgate.core import schedule
from throughgate.selfservice import jobs as selfservice_jobs
from throughgate.selfservice.tests.factories import raise_app, staff_in

pytestmark = pytest.mark.browser


def broken_job(*, slot: datetime) -> dict[str, int]:
    raise ConnectionError("the kitchen system did not answer")


JOBS = [
    schedule.Job(
        name="selfservice.escalate",
        title="Escalate overdue apps and complaints",
        run="throughgate.selfservice.jobs.escalate_overdue",
        cadence=schedule.Every(minutes=15),
    ),
    schedule.Job(
        name="test.kitchen",
        title="Send the kitchen its numbers",
        run="tests.browser.test_jobs_notifications.broken_job",
        cadence=schedule.Daily(at=time(6, 0)),
        max_attempts=2,
    ),
]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_notifications_and_the_jobs_page(
    language: str, new_context: Any, live_server: Any, establishment: Any, settings: Any
) -> None:
    settings.THROUGHGATE_SCHEDULE = "tests.browser.test_jobs_notifications.JOBS"
    lead = staff_in(establishment, "wing", lead=True)
    security = make_staff("security_it", [establishment], username="a.security", last_name="Rees")
    late = raise_app(make_resident(establishment, first_name="Sam", last_name="Jones"))
    now = datetime.combine(late.due_on + dt.timedelta(days=1), time(9, 0), tzinfo=UTC)
    schedule.tick(worker="demo-worker", clock=lambda: now)
    schedule.tick(worker="demo-worker", clock=lambda: now + timedelta(hours=1))  # the kitchen job's last try
    assert selfservice_jobs.escalate_overdue(slot=now) == {"apps": 0, "complaints": 0}  # done once already

    context = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(context, live_server.url, language)
    page = watch_errors(context.new_page())
    problems: list[str] = []

    sign_in_staff(page, lead)
    badge = page.get_by_test_id("unread-notifications")
    assert badge.text_content().replace("(", "").split()[0] == "1"
    page.locator("header a[href='/notifications/']").click()
    page.wait_for_url("**/notifications/")
    assert late.person.prison_number in page.locator("main table").inner_text()
    problems.extend(axe_problems(page, "notifications", language))
    guide_screenshot(page, "staff-notifications", language, full_page=False)
    with page.expect_navigation():
        page.locator("main table form button").first.click()
    assert page.get_by_test_id("unread-notifications").count() == 0
    assert page.locator(".govuk-tag--grey").count() == 1

    security_context = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(security_context, live_server.url, language)
    jobs_page = watch_errors(security_context.new_page())
    sign_in_staff(jobs_page, security)
    assert jobs_page.get_by_test_id("unread-notifications").count() == 1  # the failed job
    jobs_page.goto("/jobs/")
    table = jobs_page.get_by_test_id("jobs").inner_text()
    assert "the kitchen system did not answer" in table
    assert ("Failed" if language == "en" else "Wedi methu") in table
    assert ("Finished" if language == "en" else "Wedi gorffen") in table
    problems.extend(axe_problems(jobs_page, "jobs", language))
    guide_screenshot(jobs_page, "staff-jobs", language)

    assert problems == []
    assert page.js_errors == []
    assert jobs_page.js_errors == []
