"""axe-core on every page each role can reach, in English and in Welsh. Serious and critical violations fail.

The pages are a catalogue of URL names (``PAGES``): add a page there and every role that can reach it is checked.
A role reaches a page when it has the page's permission (checked on the real user), so a new role in
identity.roles.DEFAULT_ROLES is picked up too. One browser context per role and language (a test each, so that
parallel workers share them out evenly); the test id names both and the failure message names the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser import content_pages
from tests.browser.support import (
    KIOSK_VIEWPORT,
    STAFF_VIEWPORT,
    axe_violations,
    describe,
    run_axe,
    set_device,
    set_language,
    sign_in_resident,
    sign_in_staff,
    staff_password_step,
    start_axe,
    submit,
    watch_errors,
)
from tests.factories import EstablishmentFactory, PersonFactory, make_device, make_resident, make_staff
from throughgate.identity.models import RoleKind
from throughgate.identity.roles import DEFAULT_ROLES
from throughgate.people.models import Alert, Movement, MovementKind

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "cy")
ANONYMOUS = "anonymous"
RESIDENT = "resident"
STAFF_ROLES = tuple(spec.code for spec in DEFAULT_ROLES if spec.kind == RoleKind.STAFF)


@dataclass
class World:
    """What the pages need: a prison, a person whose record staff open, a resident and their kiosk, and users."""

    base_url: str
    subject: Any
    resident: Any
    device_token: str
    officer: Any  # for the anonymous journey to the security code step
    new_starter: Any  # a staff member with no authenticator yet: signing in leads to its set-up page
    establishments: list[Any]  # staff work in both, so the establishment switcher is on their pages
    user: Any = None  # the signed-in user of the role under test


@dataclass(frozen=True)
class Page:
    label: str
    audience: frozenset[str]  # of "anonymous", "resident", "staff"
    url_name: str | None = None  # None: a path that matches no URL (the 404 page)
    args: Callable[[World], list[str]] | None = None
    query: Callable[[World], dict[str, str]] | dict[str, str] = field(default_factory=dict)
    permission: str | None = None
    status: int = 200
    submit_empty: bool = False  # press the form's button with nothing filled in (a validation error)
    device_cookie: bool = False  # anonymous pages: the browser carries a registered kiosk's cookie
    open: Callable[[Any, World], Any] | None = None  # how to get there, when a plain visit is not enough
    expect: str | None = None  # a selector that must be on the page (proves it is the state we meant to check)

    def path(self, world: World) -> str:
        path = reverse(self.url_name, args=self.args(world) if self.args else ()) if self.url_name else "/no-such-page/"
        query = self.query(world) if callable(self.query) else self.query
        return f"{path}?{urlencode(query)}" if query else path


STAFF = frozenset({"staff"})
ANON = frozenset({ANONYMOUS})
SIGNED_IN = frozenset({"staff", RESIDENT})


def _subject(world: World) -> list[str]:
    return [world.subject.prison_number]


PAGES: tuple[Page, ...] = (
    # Anonymous: staff sign-in, both steps, and the kiosk pages.
    Page("sign-in", ANON, "identity:login"),
    Page(
        "sign-in, nothing entered",
        ANON,
        "identity:login",
        status=400,
        submit_empty=True,
        expect=".govuk-error-summary",
    ),
    Page(
        "security code step",
        ANON,
        "identity:verify",
        open=lambda page, world: staff_password_step(page, world.officer),
        expect="#id_token",
    ),
    Page(
        "security code step, nothing entered",
        ANON,
        "identity:verify",
        open=lambda page, world: staff_password_step(page, world.officer),
        submit_empty=True,
        status=400,
        expect="#id_token-error",
    ),
    Page(
        "authenticator set-up",
        ANON,
        "identity:enrol",
        open=lambda page, world: staff_password_step(page, world.new_starter),
        expect=".tg-qr svg",
    ),
    Page("kiosk sign-in", ANON, "identity:kiosk_login", device_cookie=True, expect="#id_pin"),
    Page(
        "kiosk sign-in, nothing entered",
        ANON,
        "identity:kiosk_login",
        device_cookie=True,
        submit_empty=True,
        status=400,
        expect=".govuk-error-summary",
    ),
    Page("kiosk not registered", ANON, "identity:kiosk_login", status=403),
    Page("404 page", ANON, status=404),
    # Signed in (staff and residents).
    Page("home", SIGNED_IN, "identity:home", permission="identity.view_home", expect="h1"),
    Page("my details", frozenset({RESIDENT}), "people:me", permission="people.view_own_record", expect="dl"),
    Page("people search", STAFF, "people:search", permission="people.search_people", expect="#id_query"),
    Page(
        "people search, with results",
        STAFF,
        "people:search",
        query=lambda world: {"query": world.subject.prison_number},
        permission="people.search_people",
        expect="table.govuk-table",
    ),
    Page(
        "people search, validation error",
        STAFF,
        "people:search",
        query={"query": "", "crn": "not-a-crn"},
        permission="people.search_people",
        status=400,
        expect=".govuk-error-summary",
    ),
    Page(
        "purpose page",
        STAFF,
        "people:detail",
        args=_subject,
        permission="people.view_person",
        expect=".govuk-radios",
    ),
    Page(
        "purpose page, none chosen",
        STAFF,
        "people:detail",
        args=_subject,
        query={"purpose": ""},
        permission="people.view_person",
        status=400,
        expect=".govuk-error-summary",
    ),
    Page(
        "person record",
        STAFF,
        "people:detail",
        args=_subject,
        query={"purpose": "daily_care"},
        permission="people.view_person",
        expect=".govuk-summary-list",
    ),
    Page("audit log", STAFF, "core:audit", permission="core.view_audit", expect="#id_actor"),
    Page(
        "audit log, with results",
        STAFF,
        "core:audit",
        query=lambda world: {"actor": world.user.username},
        permission="core.view_audit",
        expect="table.govuk-table",
    ),
    Page(
        "audit log, validation error",
        STAFF,
        "core:audit",
        query={"date_from": "31/3/2026", "date_to": "1/3/2026"},
        permission="core.view_audit",
        status=400,
        expect=".govuk-error-summary",
    ),
    Page("404 page", SIGNED_IN, status=404),
    # 403: a page the role may not use (no staff role has a resident's own record; residents cannot search).
    Page("403 page", STAFF, "people:me", status=403),
    Page("403 page", frozenset({RESIDENT}), "people:search", status=403),
    # Content and notices (selfservice): residents read, watch and listen; staff publish and put up notices.
    Page("library", frozenset({RESIDENT}), "selfservice:content_library", permission="selfservice.use_content"),
    Page(
        "library item",
        frozenset({RESIDENT}),
        "selfservice:content_item",
        args=content_pages.sample_item,
        permission="selfservice.use_content",
        expect="audio",
    ),
    Page("group sessions", frozenset({RESIDENT}), "selfservice:content_sessions", permission="selfservice.use_content"),
    Page(
        "notices",
        frozenset({RESIDENT}),
        "selfservice:notices",
        permission="selfservice.use_content",
        open=lambda page, world: (content_pages.sample_notice(world), page.goto("/selfservice/notices/"))[1],
        expect=".tg-notice",
    ),
    Page("content library", STAFF, "selfservice:content_manage", permission="selfservice.manage_content"),
    Page(
        "content item",
        STAFF,
        "selfservice:content_manage_item",
        args=content_pages.sample_item,
        permission="selfservice.manage_content",
        expect=".tg-view-counts",
    ),
    Page("add to the library", STAFF, "selfservice:content_new", permission="selfservice.manage_content"),
    Page(
        "add to the library, nothing entered",
        STAFF,
        "selfservice:content_new",
        permission="selfservice.manage_content",
        submit_empty=True,
        status=400,
        expect=".govuk-error-summary",
    ),
    Page(
        "upload a group session",
        STAFF,
        "selfservice:content_session_new",
        permission="selfservice.manage_content",
        expect="#id_members",
    ),
    Page("notices (staff)", STAFF, "selfservice:notices_manage", permission="selfservice.manage_notices"),
    Page("put up a notice", STAFF, "selfservice:notice_new", permission="selfservice.manage_notices"),
    Page(
        "put up a notice, nothing entered",
        STAFF,
        "selfservice:notice_new",
        permission="selfservice.manage_notices",
        submit_empty=True,
        status=400,
        expect=".govuk-error-summary",
    ),
    Page(
        "change a notice",
        STAFF,
        "selfservice:notice_edit",
        args=content_pages.sample_notice,
        permission="selfservice.manage_notices",
        expect="#id_title",
    ),
)


def _timetable(world: World) -> dict[str, str]:
    """A workshop with a session today, the resident and the subject on it (made once, when a page first needs it)."""
    found: dict[str, str] | None = getattr(world, "timetable", None)
    if found is None:
        from throughgate.selfservice.timetable.tests.helpers import activity, allocate, session_on, weekly

        today = timezone.localdate()
        workshop = activity(world.establishments[0], "workshop-a11y", "WORK", name="Workshop")
        weekly(workshop, weekday=today.weekday(), slot="AM", starts_on=today - dt.timedelta(days=7))
        allocate(world.resident, workshop, starts_on=today - dt.timedelta(days=7))
        allocate(world.subject, workshop, starts_on=today - dt.timedelta(days=7))
        session = session_on(workshop, today)
        found = {"activity": str(workshop.pk), "session": str(session.pk)}
        world.timetable = found  # type: ignore[attr-defined]
    return found


def _my_timetable(page: Any, world: World) -> Any:
    _timetable(world)
    return page.goto(reverse("selfservice:my_timetable"))


RECORD_ATTENDANCE = "selfservice.record_attendance"
MANAGE_ACTIVITIES = "selfservice.manage_activities"
TIMETABLE_PAGES: tuple[Page, ...] = (
    Page(
        "my timetable",
        frozenset({RESIDENT}),
        "selfservice:my_timetable",
        permission="selfservice.use_timetable",
        open=_my_timetable,
        expect=".tg-activity",
    ),
    Page("registers", STAFF, "selfservice:timetable_registers", permission=RECORD_ATTENDANCE, expect="#id_date"),
    Page(
        "a register",
        STAFF,
        "selfservice:timetable_register",
        args=lambda world: [_timetable(world)["session"]],
        permission=RECORD_ATTENDANCE,
        expect="#register-people",
    ),
    Page(
        "attendance of one person",
        STAFF,
        "selfservice:timetable_attendance",
        args=lambda world: [_timetable(world)["session"], world.subject.prison_number],
        permission=RECORD_ATTENDANCE,
        expect="#id_code",
    ),
    Page(
        "attendance of one person, nothing chosen",
        STAFF,
        "selfservice:timetable_attendance",
        args=lambda world: [_timetable(world)["session"], world.subject.prison_number],
        permission=RECORD_ATTENDANCE,
        submit_empty=True,
        status=400,
        expect="#id_code-error",
    ),
    Page("activities", STAFF, "selfservice:timetable_activities", permission=MANAGE_ACTIVITIES, expect="#id_name"),
    Page(
        "an activity",
        STAFF,
        "selfservice:timetable_activity",
        args=lambda world: [_timetable(world)["activity"]],
        permission=MANAGE_ACTIVITIES,
        expect="#allocate_prison_number",
    ),
    Page(
        "purposeful activity hours",
        STAFF,
        "selfservice:timetable_hours",
        permission="selfservice.view_activity_hours",
        expect="table.govuk-table",
    ),
)
PAGES = PAGES + TIMETABLE_PAGES


def _meals(world: World) -> str:
    """Next week's published menu with choices open, in the resident's prison (made once, when a page first needs
    it); the resident has a halal diet."""
    found: str | None = getattr(world, "meals", None)
    if found is None:
        from throughgate.selfservice.meals.tests.factories import make_menu, open_until_sunday, set_diet

        place = world.resident.establishment
        open_until_sunday(place)
        set_diet(world.resident, "halal")
        found = make_menu(place).week_start.isoformat()
        world.meals = found  # type: ignore[attr-defined]
    return found


def _meals_open(url_name: str, query: str = "") -> Callable[[Any, World], Any]:
    def open_page(page: Any, world: World) -> Any:
        week = _meals(world)
        return page.goto(reverse(url_name) + (f"?{query}={week}" if query else ""))

    return open_page


MEALS_PAGES: tuple[Page, ...] = (
    Page(
        "meals",
        frozenset({RESIDENT}),
        "selfservice:meals",
        permission="selfservice.use_meals",
        open=_meals_open("selfservice:meals"),
        expect=".govuk-radios",
    ),
    Page(
        "my meals for a week",
        frozenset({RESIDENT}),
        "selfservice:meal_week",
        args=lambda world: [_meals(world)],
        permission="selfservice.use_meals",
        expect="table.tg-meal-week",
    ),
    Page("menus", STAFF, "selfservice:menus", permission="selfservice.manage_menus", expect="#settings_cutoff_time"),
    Page(
        "kitchen totals",
        STAFF,
        "selfservice:kitchen",
        permission="selfservice.view_kitchen_totals",
        open=_meals_open("selfservice:kitchen", "week"),
        expect="table.tg-kitchen",
    ),
    Page("diets", STAFF, "selfservice:diets", permission="selfservice.record_diets", expect="#id_prison_number"),
    Page(
        "a diet",
        STAFF,
        "selfservice:diet",
        args=lambda world: [world.resident.prison_number],
        permission="selfservice.record_diets",
        expect="#id_needs",
    ),
)
PAGES = PAGES + MEALS_PAGES


def pages_for(role: str, user: Any) -> list[Page]:
    audience = role if role in (ANONYMOUS, RESIDENT) else "staff"
    return [
        page
        for page in PAGES
        if audience in page.audience and (page.permission is None or user is None or user.has_perm(page.permission))
    ]


def make_world(base_url: str, establishment: Any) -> World:
    second = EstablishmentFactory(code="WYI", name="HMP Wayland Demo")
    subject = PersonFactory(establishment=establishment, crn="X123456", religion="Church of England")
    today = timezone.localdate()
    Alert.objects.create(person=subject, code="HA", active_from=today - dt.timedelta(days=3))
    Movement.objects.create(person=subject, kind=MovementKind.ADMISSION, to_establishment=establishment)
    resident = make_resident(establishment, first_name="Sam")
    _device, token = make_device(establishment)
    officer = make_staff("wing_officer", [establishment], username="officer.anon")
    new_starter = make_staff("wing_officer", [establishment], username="new.starter")
    TOTPDevice.objects.filter(user=new_starter).delete()
    return World(
        base_url=base_url,
        subject=subject,
        resident=resident,
        device_token=token,
        officer=officer,
        new_starter=new_starter,
        establishments=[establishment, second],
    )


def open_and_check(page: Any, context: Any, world: World, spec: Page, language: str, role: str) -> list[str]:
    """Open one page in one language and check it is the page meant; return problems as report lines."""
    if role == ANONYMOUS:  # each anonymous page starts from a clean browser (no session, maybe a kiosk cookie)
        context.clear_cookies()
        set_language(context, world.base_url, language)
        if spec.device_cookie:
            set_device(context, world.base_url, world.device_token)
    path = spec.path(world)
    response = spec.open(page, world) if spec.open else page.goto(path)
    if spec.submit_empty:
        response = submit(page)
    where = where_is(spec, language, world)
    problems = []
    if response.status != spec.status:
        problems.append(f"{where}: status {response.status}, expected {spec.status} (at {page.url})")
    elif not spec.open and not spec.submit_empty and urlparse(page.url).path != urlparse(path).path:
        problems.append(f"{where}: ended on {page.url}")
    if page.locator("html").get_attribute("lang") != language:
        problems.append(f"{where}: <html lang> is not {language}")
    if spec.expect and page.locator(spec.expect).count() == 0:
        problems.append(f"{where}: {spec.expect} is not on the page")
    return problems


def where_is(spec: Page, language: str, world: World) -> str:
    return f"[{language}] {spec.label} ({spec.path(world)})"


# Pages are checked in two tabs in turn: axe runs in one while the next page loads in the other.
TABS = 2


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", [ANONYMOUS, RESIDENT, *STAFF_ROLES])
def test_pages_have_no_serious_axe_violations(role, language, new_context, live_server, establishment):
    world = make_world(live_server.url, establishment)
    kiosk = role in (ANONYMOUS, RESIDENT)
    # The page's CSP forbids inline scripts, and add_script_tag injects axe as one.
    context = new_context(bypass_csp=True, viewport=KIOSK_VIEWPORT if kiosk else STAFF_VIEWPORT)
    tabs = [watch_errors(context.new_page()) for _ in range(TABS)]
    if role == RESIDENT:
        world.user = world.resident.user
        set_device(context, live_server.url, world.device_token)
        sign_in_resident(tabs[0], world.resident)
    elif role != ANONYMOUS:
        world.user = make_staff(role, world.establishments, username=f"{role}.browser")
        sign_in_staff(tabs[0], world.user)

    pages = pages_for(role, world.user)
    assert pages, f"{role} reaches no page"
    problems: list[str] = []
    running: dict[int, str] = {}  # tab -> the page axe is checking there

    def collect(tab: int) -> None:
        where = running.pop(tab)
        problems.extend(f"{where}: {line}" for line in describe(axe_violations(tabs[tab])))

    if role != ANONYMOUS:
        set_language(context, live_server.url, language)
    for number, spec in enumerate(pages):
        tab = number % TABS
        if tab in running:
            collect(tab)
        found = open_and_check(tabs[tab], context, world, spec, language, role)
        problems += found
        start_axe(tabs[tab])
        running[tab] = where_is(spec, language, world)
    for tab in list(running):
        collect(tab)
    problems += [f"JavaScript: {error}" for tab in tabs for error in tab.js_errors]
    checked = ", ".join(sorted({spec.label for spec in pages}))
    assert not problems, f"{role} ({checked}):\n" + "\n".join(problems)


def test_the_axe_check_catches_a_broken_page(page):
    """The harness itself: a page with an unlabelled button and an image without alt text must fail."""
    page.set_content('<!DOCTYPE html><html lang="en"><title>x</title><main><button></button><img src="x.png"></main>')
    found = {violation["id"] for violation in run_axe(page)}
    assert {"button-name", "image-alt"} <= found
    assert any("button-name (critical)" in line for line in describe(run_axe(page)))
