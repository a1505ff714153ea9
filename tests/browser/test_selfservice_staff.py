"""Staff self-service pages in Chromium, in English and in Welsh: the governor's set-up pages (departments, app types,
complaint deadlines, canteen list, with a validation error shown next to its field), the finance page (money paid in
and the new balance), the person search and one-page history, and the complaint queue with an escalated complaint;
the resident's complaint pages. axe-core on every page; English screenshots for docs/staff-guide.md and
docs/resident-guide.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.support import (
    KIOSK_VIEWPORT,
    STAFF_VIEWPORT,
    axe_problems,
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
from throughgate.selfservice import defaults
from throughgate.selfservice.applications.models import Department
from throughgate.selfservice.complaints import services as complaint_services
from throughgate.selfservice.complaints.models import Complaint, ComplaintSettings
from throughgate.selfservice.money.models import LedgerEntry
from throughgate.selfservice.tests.factories import key, raise_app, set_up_apps

pytestmark = pytest.mark.browser


def _shot(page: Any, name: str, language: str, full: bool = True) -> None:
    guide_screenshot(page, f"selfservice-{name}", language, full_page=full)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_governor_sets_up_pays_in_and_reads_a_history(
    language: str, new_context: Any, live_server: Any, establishment: Any
) -> None:
    set_up_apps(establishment)
    defaults.install_money_defaults(establishment=establishment)
    governor = make_staff("governor", [establishment], username="a.governor", last_name="Okafor")
    make_staff("wing_officer", [establishment], username="an.officer", last_name="Morgan")
    ComplaintSettings.objects.create(establishment=establishment, escalate_to=governor)
    person = make_resident(establishment, first_name="Sam", last_name="Jones")
    raise_app(person)
    late = complaint_services.complaint_submit(
        user=person.user, stage="COMP1", body="The showers have been cold all week.", idempotency_key=key()
    ).complaint
    Complaint.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    complaint_services.complaints_escalate_overdue()

    context = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(context, live_server.url, language)
    page = watch_errors(context.new_page())
    sign_in_staff(page, governor)
    problems: list[str] = []

    def check(where: str) -> None:
        problems.extend(axe_problems(page, where, language))

    page.goto("/selfservice/setup/")
    assert page.locator("#departments").count() == 1
    check("set-up")
    _shot(page, "setup", language)

    wing = Department.objects.get(establishment=establishment, code="wing")
    page.goto(f"/selfservice/setup/departments/{wing.pk}/")
    page.locator("#id_name").fill("")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator("#id_name-error").is_visible()
    check("department, nothing entered")
    page.locator("#id_name").fill("Wing staff")
    page.locator("#id_lead").select_option(str(governor.pk))
    page.locator("main input[name=members]").first.check()
    _shot(page, "setup-department", language)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".govuk-notification-banner--success").is_visible()
    wing.refresh_from_db()
    assert wing.lead == governor

    page.goto("/selfservice/setup/app-types/new/")
    check("new app type")
    page.goto("/selfservice/setup/complaints/")
    check("complaint deadlines")
    _shot(page, "setup-complaints", language)
    page.goto("/selfservice/setup/canteen/new/")
    check("new canteen item")

    # Money in: find the person, pay in family money, see the new balance.
    page.goto("/selfservice/finance/")
    check("finance search")
    page.locator("#id_query").fill(person.prison_number)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.locator("#id_direction_0").check()
    page.locator("#id_account").select_option("private_cash")
    page.locator("#id_amount").fill("25")
    page.locator("#id_reason").select_option("family")
    page.locator("#id_note").fill("Postal order from Mum")
    _shot(page, "finance", language)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator('[data-account="private_cash"]').inner_text() == "£25.00"
    check("finance, after paying in")
    assert LedgerEntry.objects.get().description == "Postal order from Mum"

    # The person's history, found by name.
    page.goto("/selfservice/people/")
    page.locator("#id_query").fill("Jones")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert person.prison_number in page.url
    assert page.locator("#complaints").count() == 1
    check("self-service history")
    _shot(page, "history", language)

    page.goto("/selfservice/complaints/queue/")
    assert page.locator(".govuk-tag--orange").count() == 1  # escalated to the governor
    check("complaint queue")
    _shot(page, "complaint-queue", language)
    assert not problems, "\n".join(problems)
    assert page.js_errors == []


@pytest.mark.parametrize("language", ["en", "cy"])
def test_resident_complaint_pages(language: str, new_context: Any, live_server: Any, establishment: Any) -> None:
    governor = make_staff("governor", [establishment])
    person = make_resident(establishment, first_name="Sam", last_name="Jones")
    made = complaint_services.complaint_submit(
        user=person.user, stage="COMP1", body="My canteen was short and I was not refunded.", idempotency_key=key()
    ).complaint
    complaint_services.complaint_answer(
        by=governor, complaint=made, reply="Sorry. We checked and put £2.40 back in your spends."
    )
    _device, token = make_device(establishment)
    context = new_context(viewport=KIOSK_VIEWPORT, bypass_csp=True)
    set_device(context, live_server.url, token)
    set_language(context, live_server.url, language)
    page = watch_errors(context.new_page())
    sign_in_resident(page, person)
    problems: list[str] = []
    page.goto("/selfservice/complaints/new/")
    problems += describe(run_axe(page))
    _shot(page, "complaint-new", language, full=False)
    page.goto(f"/selfservice/complaints/{made.pk}/")
    problems += describe(run_axe(page))
    _shot(page, "complaint-answered", language)
    assert not problems, "\n".join(problems)
