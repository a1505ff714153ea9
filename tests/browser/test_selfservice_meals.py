"""Meals in Chromium, in English and in Welsh: a resident with a halal diet picks next week's meals on a kiosk and
sees them confirmed; a late change is refused next to the meal; staff build a menu, read the kitchen totals and
record a diet. axe-core on every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

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
from tests.factories import cell_in, make_device, make_resident, make_staff
from throughgate.demo import meals as demo
from throughgate.selfservice.meals.models import MealSheet, Menu, MenuOption, MenuStatus
from throughgate.selfservice.meals.tests.factories import closed_since_monday, next_monday, open_until_sunday, set_diet

pytestmark = pytest.mark.browser


def name_in(option: MenuOption, language: str) -> str:
    return option.name_cy if language == "cy" else option.name


def standard_menu(establishment: Any) -> Menu:
    from django.utils import timezone

    menu = Menu.objects.create(
        establishment=establishment,
        week_start=next_monday(),
        status=MenuStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    MenuOption.objects.bulk_create(demo.fill_menu(menu))
    return menu


@pytest.mark.parametrize("language", ["en", "cy"])
def test_resident_picks_meals_and_sees_them_confirmed(
    language: str, new_context: Any, live_server: Any, establishment: Any
) -> None:
    open_until_sunday(establishment)
    menu = standard_menu(establishment)
    person = make_resident(establishment, first_name="Sam", last_name="Jones")
    set_diet(person, "halal")
    monday = menu.week_start
    curry = MenuOption.objects.get(menu=menu, day=monday, meal="lunch", name="Halal chicken curry with rice")
    stew = MenuOption.objects.get(menu=menu, day=monday, meal="lunch", name="Chickpea and spinach stew")
    _device, token = make_device(establishment)
    context = new_context(viewport=KIOSK_VIEWPORT, bypass_csp=True)
    set_device(context, live_server.url, token)
    set_language(context, live_server.url, language)
    page = watch_errors(context.new_page())
    problems: list[str] = []

    def check(where: str) -> None:
        problems.extend(axe_problems(page, where, language))

    def shot(name: str) -> None:
        guide_screenshot(page, f"selfservice-{name}", language, full_page=False)

    sign_in_resident(page, person)
    page.locator('.tg-tile__link[href="/selfservice/meals/"]').click()
    page.wait_for_url("**/selfservice/meals/")
    check("meals")
    lunch = f"meal_{monday.isoformat()}_lunch"
    # Only halal dishes are offered; the default is the first of them.
    offered = page.locator(f'input[name="{lunch}"]')
    assert offered.count() == 2
    assert page.locator(f'input[name="{lunch}"][value="{curry.pk}"]').count() == 1
    assert page.locator(f"#id_{lunch}-hint").inner_text().endswith(name_in(curry, language))
    page.locator(f'input[name="{lunch}"][value="{stew.pk}"]').check()
    shot("meals")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith(f"/selfservice/meals/{monday.isoformat()}/")
    assert page.locator(".govuk-notification-banner--success").is_visible()
    row = page.locator(f'tr[data-slot="{monday.isoformat()}_lunch"]')
    assert name_in(stew, language) in row.inner_text()
    check("my meals")
    shot("meals-confirmed")
    assert MealSheet.objects.filter(person=person).count() == 1

    # Choices close; the form still on screen is sent again with a change: refused next to that meal.
    page.goto("/selfservice/meals/")
    page.locator(f'input[name="{lunch}"][value="{curry.pk}"]').check()
    closed_since_monday(establishment)
    with page.expect_navigation() as sent:
        page.locator("main form button[type=submit]").click()
    assert sent.value.status == 409
    assert page.locator(f"#id_{lunch}-error").is_visible()
    assert page.locator(".govuk-error-summary").is_visible()
    check("meals, a late change")
    shot("meals-too-late")
    assert MealSheet.objects.filter(person=person).count() == 1
    assert not problems, "\n".join(problems)
    assert page.js_errors == []


@pytest.mark.parametrize("language", ["en", "cy"])
def test_staff_build_a_menu_read_kitchen_totals_and_record_a_diet(
    language: str, new_context: Any, live_server: Any, establishment: Any
) -> None:
    open_until_sunday(establishment)
    previous = standard_menu(establishment)
    for wing in ("A", "B"):
        make_resident(establishment, location=cell_in(establishment, wing))
    person = make_resident(establishment, religion="Muslim", location=cell_in(establishment, "B"))
    governor = make_staff("governor", [establishment], username=f"governor.meals.{language}")
    context = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(context, live_server.url, language)
    page = watch_errors(context.new_page())
    problems: list[str] = []

    def check(where: str) -> None:
        problems.extend(axe_problems(page, where, language))

    def shot(name: str) -> None:
        guide_screenshot(page, f"selfservice-{name}", language, full_page=False)

    sign_in_staff(page, governor)
    page.goto(reverse("selfservice:menus"))
    check("menus")
    # Start the week after, copied from the last menu, and add a dish.
    week = (previous.week_start + dt.timedelta(days=7)).isoformat()
    page.locator("#new_week_start").select_option(week)
    with page.expect_navigation():
        page.locator('form[action$="/menus/new/"] button[type=submit]').click()
    menu = Menu.objects.get(establishment=establishment, week_start=week)
    assert page.url.endswith(reverse("selfservice:menu", args=[menu.pk]))
    assert menu.options.count() == previous.options.count()
    with page.expect_navigation() as empty:
        page.locator('form[action$="/add/"] button[type=submit]').click()
    assert empty.value.status == 400
    assert page.locator("#dish_name-error").is_visible()
    check("a menu, errors")
    page.locator("#dish_meal").check()
    page.locator("#dish_days").check()
    page.locator("#dish_name").fill("Vegetable soup")
    page.locator("#dish_name_cy").fill("Cawl llysiau")
    with page.expect_navigation():
        page.locator('form[action$="/add/"] button[type=submit]').click()
    assert menu.options.filter(name="Vegetable soup").count() == 1
    check("a menu")
    shot("menu")
    with page.expect_navigation():
        page.locator('form[action$="/publish/"] button[type=submit]').click()
    assert Menu.objects.get(pk=menu.pk).is_published

    page.goto(f"{reverse('selfservice:kitchen')}?week={previous.week_start.isoformat()}")
    assert page.locator("table.tg-kitchen").count() == 21
    first = page.locator("table.tg-kitchen").first
    assert first.locator("tr.tg-kitchen__sum td").nth(2).inner_text().strip() == "3"
    check("kitchen totals")
    shot("kitchen-totals")
    page.emulate_media(media="print")
    assert page.locator(".govuk-service-navigation").is_hidden()
    assert page.locator("[data-tg-print]").is_hidden()
    page.emulate_media(media="screen")

    page.goto(reverse("selfservice:diets"))
    check("diets")
    page.locator("#id_prison_number").fill(person.prison_number)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check("a diet")
    page.locator('input[name="needs"][value="halal"]').check()
    page.locator('input[name="reason"][value="religious"]').check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert person.prison_number in page.locator("table.govuk-table").inner_text()
    assert not problems, "\n".join(problems)
    assert page.js_errors == []
