"""Screenshots for the meals, timetable and content sections of docs/resident-guide.md and docs/staff-guide.md, taken
in Chromium from the real pages with realistic synthetic data made through the services. Each page is also checked
with axe-core (no serious or critical violations) and for JavaScript errors, and each step checks what the page did,
so this is a journey as well as a set of pictures. English only: the Welsh pages are checked by the journeys in
test_selfservice_meals.py, test_selfservice_timetable.py and test_selfservice_content.py.

With THROUGHGATE_SCREENSHOTS=1 (scripts/screenshots) it writes docs/screenshots/guide-timetable-*.png,
guide-meals-*.png and guide-content-*.png; otherwise it visits the same pages and saves nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.support import (
    KIOSK_VIEWPORT,
    STAFF_VIEWPORT,
    describe,
    guide_screenshot,
    run_axe,
    set_device,
    sign_in_resident,
    sign_in_staff,
    watch_errors,
)
from tests.factories import cell_in, make_device, make_resident, make_staff
from throughgate.demo import meals as meals_demo
from throughgate.identity.models import Location
from throughgate.selfservice.content import samples
from throughgate.selfservice.content import services as content_services
from throughgate.selfservice.content.models import ContentItem, ContentStatus, Notice
from throughgate.selfservice.meals import services as meal_services
from throughgate.selfservice.meals.models import MealSettings, Menu, MenuOption, MenuStatus, RecordedDiet
from throughgate.selfservice.meals.tests.factories import next_monday
from throughgate.selfservice.timetable import services as timetable_services
from throughgate.selfservice.timetable.models import ActivitySession, AttendanceRecord

pytestmark = pytest.mark.browser


def _checker(problems: list[str]) -> Callable[[Any, str], None]:
    def check(page: Any, where: str) -> None:
        problems.extend(f"{where}: {line}" for line in describe(run_axe(page)))

    return check


def _shot(page: Any, name: str, *, full: bool = True) -> None:
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    path = guide_screenshot(page, f"guide-{name}", "en", full_page=full)
    assert path is None or path.stat().st_size > 10_000, f"{path} looks empty"


def _staff_page(new_context: Any, user: Any) -> Any:
    page = watch_errors(new_context(viewport=STAFF_VIEWPORT, bypass_csp=True).new_page())
    sign_in_staff(page, user)
    return page


# --- Timetable and attendance ------------------------------------------------------------------------------------


def test_timetable_guide(new_context: Any, live_server: Any, establishment: Any) -> None:
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    last_monday = monday - dt.timedelta(days=7)
    teacher = make_staff("education", [establishment], username="e.bennett", last_name="Bennett")
    officer = make_staff("wing_officer", [establishment], username="o.hughes", last_name="Hughes")

    people = {
        name: make_resident(
            establishment,
            first_name=name.split()[0],
            last_name=name.split()[1],
            location=cell_in(establishment, "A", "1", f"00{n}"),
        )
        for n, name in enumerate(["Sam Jones", "Alex Carter", "Jordan Price", "Lee Morgan", "Kieran Walsh"], start=1)
    }
    sam, kieran, lee = people["Sam Jones"], people["Kieran Walsh"], people["Lee Morgan"]

    def activity(code: str, name: str, category: str, location: str, capacity: int, days: list[tuple[int, str]]) -> Any:
        made = timetable_services.activity_create(
            by=teacher,
            establishment=establishment,
            code=code,
            name=name,
            category=category,
            location=location,
            capacity=capacity,
        )
        for weekday, slot in days:
            timetable_services.schedule_add(
                by=teacher, activity=made, weekday=weekday, slot=slot, starts_on=last_monday
            )
        return made

    workshop = activity("textiles", "Textiles workshop", "WORK", "Workshop 3", 12, [(d, "AM") for d in range(5)])
    english = activity("english-1", "English, level 1", "EDUCATION", "Education, room 2", 10, [(1, "PM"), (3, "PM")])
    gym = activity("gym-a", "Gym, A wing", "GYM", "Sports hall", 20, [(2, "PM"), (5, "AM")])
    outside = activity(
        "yard-a", "Exercise, A wing", "EXERCISE", "Exercise yard", 60, [(0, "PM"), (4, "PM"), (5, "PM"), (6, "PM")]
    )
    timetable_services.sessions_generate(
        start=last_monday, end=monday + dt.timedelta(days=13), establishment=establishment
    )
    for person in people.values():
        for act in (workshop, outside):
            timetable_services.allocate(by=teacher, person=person, activity=act, starts_on=last_monday)
    for person in (sam, people["Alex Carter"], people["Jordan Price"]):
        timetable_services.allocate(by=teacher, person=person, activity=english, starts_on=last_monday)
    for person in (sam, people["Alex Carter"]):
        timetable_services.allocate(by=teacher, person=person, activity=gym, starts_on=last_monday)

    # What happened before today: most people went; Lee was off sick for two days; Kieran refused work on Wednesdays.
    for session in ActivitySession.objects.filter(activity__establishment=establishment, date__lt=today):
        for allocation in session.activity.allocations.all():
            person, code, paid, comment = allocation.person, "ATTENDED", None, ""
            if person == lee and session.date in (last_monday, last_monday + dt.timedelta(days=1)):
                code, paid = "SICK", False
            elif person == kieran and session.activity == workshop and session.date.weekday() == 2:
                code, comment = "REFUSED", "Would not leave his cell."
            timetable_services.attendance_record(
                by=officer, session=session, person=person, code=code, paid=paid, comment=comment
            )
    today_workshop = ActivitySession.objects.get(activity=workshop, date=today) if today.weekday() < 5 else None
    if today_workshop is None:  # at the weekend, take the register of today's time outside instead
        today_workshop = ActivitySession.objects.get(activity=outside, date=today)
    timetable_services.attendance_record(
        by=officer,
        session=today_workshop,
        person=kieran,
        code="REFUSED",
        comment="Said he felt unwell; not seen by healthcare.",
    )

    problems: list[str] = []
    check = _checker(problems)

    # A wing officer takes today's register.
    staff = _staff_page(new_context, officer)
    staff.locator('.tg-tile__link[href="/selfservice/timetable/registers/"]').click()
    staff.wait_for_url("**/selfservice/timetable/registers/")
    assert staff.locator(f'a[href="/selfservice/timetable/registers/{today_workshop.pk}/"]').count() == 1
    check(staff, "registers of the day")
    _shot(staff, "timetable-registers")
    staff.locator(f'a[href="/selfservice/timetable/registers/{today_workshop.pk}/"]').click()
    staff.wait_for_url(f"**/selfservice/timetable/registers/{today_workshop.pk}/")
    assert staff.locator('button[name="action"][value="all"]').is_visible()
    check(staff, "a register")
    _shot(staff, "timetable-register")
    staff.locator(f'a[href="/selfservice/timetable/registers/{today_workshop.pk}/{lee.prison_number}/"]').click()
    staff.wait_for_url(f"**/{lee.prison_number}/")
    staff.locator('input[name="code"][value="SICK"]').check()
    staff.locator('input[name="paid"][value="yes"]').check()
    staff.locator("#id_comment").fill("Seen by healthcare this morning.")
    check(staff, "record an absence")
    _shot(staff, "timetable-absence")
    with staff.expect_navigation():
        staff.locator("main form button[type=submit]").click()
    assert AttendanceRecord.objects.get(session=today_workshop, person=lee).code == "SICK"
    with staff.expect_navigation():
        staff.locator('button[name="action"][value="all"]').click()
    recorded = dict(AttendanceRecord.objects.filter(session=today_workshop).values_list("person__last_name", "code"))
    assert recorded == {
        "Jones": "ATTENDED",
        "Carter": "ATTENDED",
        "Price": "ATTENDED",
        "Morgan": "SICK",
        "Walsh": "REFUSED",
    }

    # The resident sees their week and their hours.
    _device, token = make_device(establishment)
    kiosk = new_context(viewport=KIOSK_VIEWPORT, bypass_csp=True)
    set_device(kiosk, live_server.url, token)
    resident = watch_errors(kiosk.new_page())
    sign_in_resident(resident, sam)
    resident.locator('.tg-tile__link[href="/selfservice/timetable/"]').click()
    resident.wait_for_url("**/selfservice/timetable/")
    assert "You went" in resident.locator(".tg-activity").first.inner_text()
    check(resident, "the resident's week")
    _shot(resident, "timetable-week", full=False)

    # Education staff: an activity with its sessions and people; last week's purposeful activity hours.
    office = _staff_page(new_context, teacher)
    office.goto(f"/selfservice/timetable/activities/{workshop.pk}/")
    assert office.locator("main table").nth(1).locator("tbody tr").count() == len(people)
    check(office, "an activity")
    _shot(office, "timetable-activity")
    office.goto(f"/selfservice/timetable/hours/?week={last_monday:%d/%m/%Y}")
    rows = office.locator("main table tbody tr")
    assert rows.count() == len(people)
    assert lee.prison_number in rows.first.inner_text()  # fewest hours first: off sick for two days
    check(office, "purposeful activity hours")
    _shot(office, "timetable-hours")

    assert not problems, "\n".join(problems)
    for page in (staff, resident, office):
        assert page.js_errors == []


# --- Meals -------------------------------------------------------------------------------------------------------


def test_meals_guide(new_context: Any, live_server: Any, establishment: Any) -> None:
    governor = make_staff("governor", [establishment], username="g.okafor", last_name="Okafor")
    officer = make_staff("wing_officer", [establishment], username="m.reid", last_name="Reid")
    published = Menu.objects.create(
        establishment=establishment,
        week_start=next_monday(),
        status=MenuStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    MenuOption.objects.bulk_create(meals_demo.fill_menu(published))
    draft = meal_services.menu_create(
        by=governor, establishment=establishment, week_start=published.week_start + dt.timedelta(days=7)
    )
    assert draft.status == MenuStatus.DRAFT
    person = make_resident(establishment, first_name="Jordan", last_name="Price", location=cell_in(establishment, "B"))
    problems: list[str] = []
    check = _checker(problems)

    # The governor sets when choices close.
    office = _staff_page(new_context, governor)
    office.locator('.tg-tile__link[href="/selfservice/meals/menus/"]').click()
    office.wait_for_url("**/selfservice/meals/menus/")
    office.locator("#settings_cutoff_weekday").select_option("2")
    office.locator("#settings_cutoff_time").fill("18:00")
    with office.expect_navigation():
        office.locator('form[action$="/menus/settings/"] button[type=submit]').click()
    assert office.locator(".govuk-notification-banner--success").is_visible()
    settings = MealSettings.objects.get(establishment=establishment)
    assert (settings.cutoff_weekday, settings.cutoff_time) == (2, dt.time(18, 0))
    assert "Wednesday" in office.locator("main table tbody tr").first.inner_text()
    check(office, "menus")
    _shot(office, "meals-menus")

    # A wing officer records a medical diet.
    staff = _staff_page(new_context, officer)
    staff.locator('.tg-tile__link[href="/selfservice/meals/diets/"]').click()
    staff.wait_for_url("**/selfservice/meals/diets/")
    staff.locator("#id_prison_number").fill(person.prison_number)
    with staff.expect_navigation():
        staff.locator("main form button[type=submit]").click()
    staff.locator('input[name="needs"][value="vegetarian"]').check()
    staff.locator('input[name="needs"][value="gluten_free"]').check()
    staff.locator('input[name="reason"][value="medical"]').check()
    staff.locator("#id_note").fill("Coeliac. No bread with soup.")
    check(staff, "a diet")
    _shot(staff, "meals-diet")
    with staff.expect_navigation():
        staff.locator("main form button[type=submit]").click()
    assert person.prison_number in staff.locator("main table").inner_text()
    diet = RecordedDiet.objects.get(person=person)
    assert (sorted(diet.needs), diet.reason) == (["gluten_free", "vegetarian"], "medical")
    check(staff, "diets")

    assert not problems, "\n".join(problems)
    for page in (office, staff):
        assert page.js_errors == []


# --- Content and notices -----------------------------------------------------------------------------------------


def test_content_guide(new_context: Any, live_server: Any, establishment: Any, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    governor = make_staff("governor", [establishment], username="g.adeyemi", last_name="Adeyemi")
    teacher = make_staff("education", [establishment], username="t.lewis", last_name="Lewis")
    cell_in(establishment, "A")
    cell_in(establishment, "B")
    wing_a = Location.objects.get(establishment=establishment, parent=None, code="A")
    today = timezone.localdate()

    def notice(title: str, body: str, *, wing: Any = None, starts: int = 0, days: int = 7) -> Notice:
        return content_services.notice_save(
            by=governor,
            establishment=establishment,
            text=content_services.NoticeText(
                title=title,
                body=body,
                starts_on=today + dt.timedelta(days=starts),
                ends_on=today + dt.timedelta(days=starts + days),
                wing=wing,
            ),
        )

    notice("Visits: new times from Monday", "Afternoon visits now start at 14:00. Book as usual.", days=14)
    notice("A wing: laundry on Tuesday", "Put your laundry bag out by 08:00 on Tuesday.", wing=wing_a, days=3)
    notice("Carol service", "The carol service is in the chapel. Ask the chaplain to go.", starts=10, days=5)
    old = notice("Gym shut on Friday", "The gym is shut on Friday for repairs.", days=2)
    problems: list[str] = []
    check = _checker(problems)

    # Education staff upload a recording of a group session for one wing.
    desk = _staff_page(new_context, teacher)
    desk.locator('.tg-tile__link[href="/selfservice/content/manage/"]').click()
    desk.wait_for_url("**/selfservice/content/manage/")
    desk.locator('a[href="/selfservice/content/manage/sessions/new/"]').click()
    desk.wait_for_url("**/selfservice/content/manage/sessions/new/")
    desk.locator('input[name="kind"][value="audio"]').check()
    desk.locator("#id_title").fill("Thinking Skills, session 4")
    desk.locator("#id_summary").fill("We talk about how to stay calm when things go wrong.")
    desk.locator('input[name="audience"][value="wing"]').check()
    desk.locator("#id_wing").select_option(str(wing_a.pk))
    desk.locator("#id_group_name").fill("Thinking Skills group 2")
    desk.locator("#id_session_on").fill(f"{today - dt.timedelta(days=1):%d/%m/%Y}")
    desk.locator("#id_file").set_input_files(
        files=[{"name": "thinking-skills-4.wav", "mimeType": "audio/wav", "buffer": samples.tone_wav(seconds=1.0)}]
    )
    desk.locator("#id_transcript").fill("Welcome back, everyone. Today we talk about staying calm.")
    check(desk, "upload a group session")
    _shot(desk, "content-session-upload")
    with desk.expect_navigation():
        desk.locator("main form button[type=submit]").click()
    item = ContentItem.objects.get(title="Thinking Skills, session 4")
    assert (item.audience, item.wing_id, item.status) == ("wing", wing_a.pk, ContentStatus.PUBLISHED)
    assert desk.url.endswith(f"/selfservice/content/manage/{item.pk}/")
    check(desk, "the uploaded session")

    # The governor takes a notice down.
    office = _staff_page(new_context, governor)
    office.locator('.tg-tile__link[href="/selfservice/notices/manage/"]').click()
    office.wait_for_url("**/selfservice/notices/manage/")
    with office.expect_navigation():
        office.locator(f'form[action="/selfservice/notices/manage/{old.pk}/withdraw/"] button').click()
    assert office.locator(".govuk-notification-banner--success").is_visible()
    old.refresh_from_db()
    assert old.withdrawn_at is not None
    check(office, "notices (staff)")
    _shot(office, "content-notices")

    assert not problems, "\n".join(problems)
    for page in (desk, office):
        assert page.js_errors == []
