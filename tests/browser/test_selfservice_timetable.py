"""The timetable in Chromium, in English and in Welsh: a wing officer takes today's register (everyone attended, then
a refusal with a comment), and the resident sees their week with what was recorded and their hours. Education staff
open the activities and hours pages. axe-core on every page: no serious or critical violations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.support import (
    KIOSK_VIEWPORT,
    STAFF_VIEWPORT,
    describe,
    run_axe,
    set_device,
    set_language,
    sign_in_resident,
    sign_in_staff,
    watch_errors,
)
from tests.factories import make_device, make_resident, make_staff
from throughgate.selfservice.timetable.models import ActivitySession, AttendanceRecord
from throughgate.selfservice.timetable.tests.helpers import activity, allocate, sessions_between, weekly

pytestmark = pytest.mark.browser

COMMENT = {"en": "Stayed in his cell", "cy": "Arhosodd yn ei gell"}
WENT = {"en": "You went", "cy": "Aethoch chi"}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_an_officer_takes_a_register_and_the_resident_sees_their_week(
    language: str, new_context: Any, live_server: Any, establishment: Any
) -> None:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    person = make_resident(establishment, first_name="Sam", last_name="Jones")
    other = make_resident(establishment, first_name="Alex", last_name="Smith")
    workshop = activity(establishment, "workshop", "WORK", name="Workshop")
    workshop.name_cy, workshop.location_cy = "Gweithdy", "Gweithdy 3"
    workshop.save()
    weekly(workshop, weekday=today.weekday(), slot="AM", starts_on=monday)
    allocate(person, workshop, starts_on=monday)
    allocate(other, workshop, starts_on=monday)
    sessions_between(workshop, monday, monday + timedelta(days=13))
    session = ActivitySession.objects.get(activity=workshop, date=today)
    officer = make_staff("wing_officer", [establishment])
    _device, token = make_device(establishment)
    problems: list[str] = []

    def check(page: Any, where: str) -> None:
        problems.extend(f"{where}: {line}" for line in describe(run_axe(page)))

    desk = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(desk, live_server.url, language)
    staff = watch_errors(desk.new_page())
    sign_in_staff(staff, officer)
    staff.locator('.tg-tile__link[href="/selfservice/timetable/registers/"]').click()
    staff.wait_for_url("**/selfservice/timetable/registers/")
    check(staff, "registers of the day")
    staff.locator(f'a[href="/selfservice/timetable/registers/{session.pk}/"]').click()
    staff.wait_for_url(f"**/selfservice/timetable/registers/{session.pk}/")
    check(staff, "a register")
    with staff.expect_navigation():
        staff.locator('button[name="action"][value="all"]').click()
    assert AttendanceRecord.objects.filter(session=session, code="ATTENDED").count() == 2
    check(staff, "a register, everyone attended")
    staff.locator(f'a[href="/selfservice/timetable/registers/{session.pk}/{other.prison_number}/"]').click()
    staff.wait_for_url(f"**/{other.prison_number}/")
    staff.locator('input[name="code"][value="REFUSED"]').check()
    with staff.expect_navigation():
        staff.locator("main form button[type=submit]").click()
    assert staff.locator("#id_comment-error").is_visible()  # a refusal needs a comment, said next to the field
    check(staff, "attendance, a refusal without a comment")
    staff.locator("#id_comment").fill(COMMENT[language])
    with staff.expect_navigation():
        staff.locator("main form button[type=submit]").click()
    record = AttendanceRecord.objects.get(session=session, person=other)
    assert (record.code, record.comment, record.version) == ("REFUSED", COMMENT[language], 2)

    kiosk = new_context(viewport=KIOSK_VIEWPORT, bypass_csp=True)
    set_device(kiosk, live_server.url, token)
    set_language(kiosk, live_server.url, language)
    resident = watch_errors(kiosk.new_page())
    sign_in_resident(resident, person)
    resident.locator('.tg-tile__link[href="/selfservice/timetable/"]').click()
    resident.wait_for_url("**/selfservice/timetable/")
    assert resident.locator(".tg-activity").count() == 2  # today and the same day next week
    assert WENT[language] in resident.locator(".tg-activity").first.inner_text()
    assert "3.2" in resident.locator(".tg-week__hours").first.inner_text()  # 08:30 to 11:45 attended
    check(resident, "the resident's week")

    office = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(office, live_server.url, language)
    teacher = watch_errors(office.new_page())
    sign_in_staff(teacher, make_staff("education", [establishment]))
    teacher.goto("/selfservice/timetable/activities/")
    check(teacher, "activities")
    with teacher.expect_navigation():
        teacher.locator("main form button[type=submit]").click()  # nothing filled in
    check(teacher, "activities, nothing entered")
    teacher.goto(f"/selfservice/timetable/activities/{workshop.pk}/")
    check(teacher, "an activity")
    allocation = workshop.allocations.get(person=person)
    teacher.goto(f"/selfservice/timetable/activities/{workshop.pk}/allocations/{allocation.pk}/end/")
    check(teacher, "end an allocation")
    teacher.goto("/selfservice/timetable/hours/")
    assert person.prison_number in teacher.locator("table").inner_text()
    check(teacher, "purposeful activity hours")

    assert not problems, "\n".join(problems)
    for page in (staff, resident, teacher):
        assert page.js_errors == []
