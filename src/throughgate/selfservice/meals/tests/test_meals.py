"""Meals: the diet rule, the cut-off in Europe/London time (clock changes too), picking once per idempotency key,
late changes refused, kitchen totals that add up, menus and diets (the demo data: throughgate/demo/tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import cell_in, make_resident, make_staff
from throughgate.core.errors import InvalidInput, InvalidTransition, NotVisible
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.selfservice.events import MEAL_CHOSEN_KIND
from throughgate.selfservice.meals import rules, selectors, services
from throughgate.selfservice.meals.models import Meal, MealChoice, MealSheet, MenuOption, RecordedDiet
from throughgate.selfservice.meals.tests.factories import (
    closed_since_monday,
    make_menu,
    next_monday,
    open_until_sunday,
    option,
    set_cutoff,
    set_diet,
    slot,
)
from throughgate.selfservice.tests.factories import key

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


class Dish:
    def __init__(self, *markers: str) -> None:
        self.markers = list(markers)


# --- The diet rule -------------------------------------------------------------------------------------------


def test_a_dish_suits_a_diet_only_when_it_has_every_marker_the_diet_needs() -> None:
    beef, halal, cheese, vegan = Dish(), Dish("halal"), Dish("vegetarian"), Dish("vegan", "halal", "gluten_free")
    menu = [beef, halal, cheese, vegan]
    assert rules.allowed(menu, []) == menu
    assert rules.allowed(menu, ["halal"]) == [halal, vegan]
    assert rules.allowed(menu, ["vegan"]) == [vegan]
    assert rules.allowed(menu, ["vegetarian"]) == [cheese, vegan]  # vegan food is vegetarian food
    assert rules.allowed(menu, ["halal", "gluten_free"]) == [vegan]
    assert rules.allowed(menu, ["kosher"]) == []


def test_the_default_is_the_first_dish_that_suits_or_a_special_diet_meal() -> None:
    beef, halal, vegan = Dish(), Dish("halal"), Dish("vegan", "halal")
    assert rules.default_option([beef, halal, vegan], []) is beef
    assert rules.default_option([beef, halal, vegan], ["halal"]) is halal
    assert rules.default_option([beef, halal, vegan], ["vegetarian"]) is vegan
    assert rules.default_option([beef, halal, vegan], ["kosher"]) is None


# --- The cut-off in local time -------------------------------------------------------------------------------


def test_a_thursday_five_pm_cut_off_is_five_pm_on_the_wall_clock_in_winter_and_in_summer() -> None:
    # The clocks went forward on Sunday 29 March 2026.
    winter = rules.closes_at(week_start=dt.date(2026, 3, 30), cutoff_weekday=3, cutoff_time=dt.time(17, 0))
    summer = rules.closes_at(week_start=dt.date(2026, 4, 6), cutoff_weekday=3, cutoff_time=dt.time(17, 0))
    assert winter == dt.datetime(2026, 3, 26, 17, 0, tzinfo=dt.UTC)  # GMT
    assert summer == dt.datetime(2026, 4, 2, 16, 0, tzinfo=dt.UTC)  # BST: an hour earlier in UTC
    assert timezone.localtime(summer, LONDON).hour == 17
    # The clocks went back on Sunday 25 October 2026.
    autumn = rules.closes_at(week_start=dt.date(2026, 11, 2), cutoff_weekday=3, cutoff_time=dt.time(17, 0))
    assert autumn == dt.datetime(2026, 10, 29, 17, 0, tzinfo=dt.UTC)


def test_a_cut_off_in_the_hour_the_clocks_skip_or_repeat_is_well_defined() -> None:
    # 01:30 on 29 March 2026 does not exist in London: it counts as 01:30 GMT (02:30 BST on the wall clock).
    spring = rules.closes_at(week_start=dt.date(2026, 3, 30), cutoff_weekday=6, cutoff_time=dt.time(1, 30))
    assert spring == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    # 01:30 on 25 October 2026 happens twice: the first time counts (01:30 BST, 00:30 UTC).
    autumn = rules.closes_at(week_start=dt.date(2026, 10, 26), cutoff_weekday=6, cutoff_time=dt.time(1, 30))
    assert autumn == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)


def test_choices_across_the_spring_clock_change_close_at_the_local_time(establishment: Any) -> None:
    person = make_resident(establishment)
    set_cutoff(establishment, 3, dt.time(17, 0))
    menu = make_menu(establishment, dt.date(2026, 4, 6))
    beef = option(menu, "Beef stew")
    choice = {slot(menu.week_start): beef.pk}
    # 16:30 UTC on Thursday 2 April is 17:30 BST: too late, although it is before 17:00 UTC.
    with pytest.raises(services.MealsClosed):
        services.meals_choose(
            user=person.user,
            week_start=menu.week_start,
            choices=choice,
            idempotency_key=key(),
            now=dt.datetime(2026, 4, 2, 16, 30, tzinfo=dt.UTC),
        )
    chosen = services.meals_choose(
        user=person.user,
        week_start=menu.week_start,
        choices=choice,
        idempotency_key=key(),
        now=dt.datetime(2026, 4, 2, 15, 59, tzinfo=dt.UTC),  # 16:59 BST
    )
    assert chosen.created


# --- Picking meals -------------------------------------------------------------------------------------------


def test_picking_stores_a_sheet_an_audit_row_and_a_meal_chosen_event(establishment: Any) -> None:
    person = make_resident(establishment)
    open_until_sunday(establishment)
    menu = make_menu(establishment)
    monday, tuesday = menu.week_start, menu.week_start + dt.timedelta(days=1)
    picks = {slot(monday): option(menu, "Cheese pie").pk, slot(tuesday, Meal.DINNER): None}
    chosen = services.meals_choose(user=person.user, week_start=monday, choices=picks, idempotency_key=key())
    assert chosen.created
    assert [(c.day, c.meal, c.option.name) for c in chosen.sheet.choices.all()] == [(monday, "lunch", "Cheese pie")]
    audit = AuditEntry.objects.get(action="selfservice.meals.chosen")
    assert audit.subject == person.prison_number
    assert audit.detail == {"week": monday.isoformat(), "chosen": 1, "defaults": 20}
    event = ActivityEvent.objects.get(kind=MEAL_CHOSEN_KIND)
    assert event.person == person.prison_number
    assert event.payload == {"week": monday.isoformat(), "chosen": 1}
    week = selectors.week_of_resident(user=person.user, week_start=monday)
    lunch = next(s for s in week.slots if s.name == slot(monday))
    dinner = next(s for s in week.slots if s.name == slot(tuesday, Meal.DINNER))
    assert lunch.gets.name == "Cheese pie"
    assert dinner.chosen is None
    assert dinner.gets.name == "Beef stew"  # the first dish on the list


def test_a_retry_with_the_same_key_stores_once_and_returns_the_first(establishment: Any) -> None:
    person = make_resident(establishment)
    open_until_sunday(establishment)
    menu = make_menu(establishment)
    same = key()
    picks = {slot(menu.week_start): option(menu, "Beef stew").pk}
    first = services.meals_choose(user=person.user, week_start=menu.week_start, choices=picks, idempotency_key=same)
    other = {slot(menu.week_start): option(menu, "Cheese pie").pk}
    again = services.meals_choose(user=person.user, week_start=menu.week_start, choices=other, idempotency_key=same)
    assert first.created
    assert not again.created
    assert again.sheet.pk == first.sheet.pk
    assert MealSheet.objects.count() == 1
    assert MealChoice.objects.get().option.name == "Beef stew"
    assert ActivityEvent.objects.filter(kind=MEAL_CHOSEN_KIND).count() == 1
    assert AuditEntry.objects.filter(action="selfservice.meals.chosen").count() == 1


def test_a_change_before_the_cut_off_replaces_the_picks(establishment: Any) -> None:
    person = make_resident(establishment)
    open_until_sunday(establishment)
    menu = make_menu(establishment)
    lunch = slot(menu.week_start)
    services.meals_choose(
        user=person.user,
        week_start=menu.week_start,
        choices={lunch: option(menu, "Beef stew").pk},
        idempotency_key=key(),
    )
    services.meals_choose(
        user=person.user,
        week_start=menu.week_start,
        choices={lunch: option(menu, "Cheese pie").pk},
        idempotency_key=key(),
    )
    assert MealSheet.objects.count() == 2
    assert MealSheet.objects.filter(current=True).count() == 1
    assert selectors.current_choices(person, menu) == {(menu.week_start, "lunch"): option(menu, "Cheese pie").pk}


def test_a_late_change_is_refused_and_names_the_meals_it_would_change(establishment: Any) -> None:
    person = make_resident(establishment)
    open_until_sunday(establishment)
    menu = make_menu(establishment)
    monday = menu.week_start
    services.meals_choose(
        user=person.user, week_start=monday, choices={slot(monday): option(menu, "Beef stew").pk}, idempotency_key=key()
    )
    closed_since_monday(establishment)
    change = {
        slot(monday): option(menu, "Cheese pie").pk,
        slot(monday, Meal.DINNER): option(menu, "Beef stew", meal="dinner").pk,
    }
    with pytest.raises(services.MealsClosed) as refused:
        services.meals_choose(user=person.user, week_start=monday, choices=change, idempotency_key=key())
    assert refused.value.status == 409
    assert refused.value.code == "meals_closed"
    assert refused.value.changed == [slot(monday), slot(monday, Meal.DINNER)]
    assert refused.value.field == slot(monday)
    assert "Too late to change this." in refused.value.message
    assert "Monday" in refused.value.message
    assert MealSheet.objects.count() == 1
    assert selectors.current_choices(person, menu) == {(monday, "lunch"): option(menu, "Beef stew").pk}


def test_a_dish_that_does_not_suit_the_recorded_diet_is_refused_and_hidden(establishment: Any) -> None:
    person = make_resident(establishment)
    set_diet(person, "halal")
    open_until_sunday(establishment)
    menu = make_menu(establishment)
    with pytest.raises(InvalidInput) as refused:
        services.meals_choose(
            user=person.user,
            week_start=menu.week_start,
            choices={slot(menu.week_start): option(menu, "Beef stew").pk},
            idempotency_key=key(),
        )
    assert refused.value.code == "diet"
    assert refused.value.field == slot(menu.week_start)
    week = selectors.week_to_choose(user=person.user)
    assert week is not None
    assert {o.name for s in week.slots for o in s.options} == {"Halal chicken", "Bean chilli"}
    assert {s.default.name for s in week.slots} == {"Halal chicken"}


def test_a_vegan_sees_only_vegan_dishes_and_a_kosher_diet_gets_a_special_meal(establishment: Any) -> None:
    vegan = make_resident(establishment)
    set_diet(vegan, "vegan", reason="ethical")
    kosher = make_resident(establishment)
    set_diet(kosher, "kosher")
    open_until_sunday(establishment)
    make_menu(establishment)
    week = selectors.week_to_choose(user=vegan.user)
    assert week is not None
    assert {o.name for s in week.slots for o in s.options} == {"Bean chilli"}
    kosher_week = selectors.week_to_choose(user=kosher.user)
    assert kosher_week is not None
    assert all(not s.options and s.default is None for s in kosher_week.slots)


def test_no_menu_of_another_prison_and_no_draft_menu(establishment: Any, other_establishment: Any) -> None:
    person = make_resident(establishment)
    open_until_sunday(establishment)
    make_menu(other_establishment)
    assert selectors.week_to_choose(user=person.user) is None
    draft = make_menu(establishment, published=False)
    assert selectors.week_to_choose(user=person.user) is None
    with pytest.raises(NotVisible):
        services.meals_choose(user=person.user, week_start=draft.week_start, choices={}, idempotency_key=key())


def test_an_option_of_another_meal_or_an_unknown_meal_is_refused(establishment: Any) -> None:
    person = make_resident(establishment)
    open_until_sunday(establishment)
    menu = make_menu(establishment)
    dinner = option(menu, "Beef stew", meal="dinner")
    with pytest.raises(InvalidInput) as wrong:
        services.meals_choose(
            user=person.user,
            week_start=menu.week_start,
            choices={slot(menu.week_start): dinner.pk},
            idempotency_key=key(),
        )
    assert wrong.value.code == "option_unknown"
    with pytest.raises(InvalidInput) as unknown:
        services.meals_choose(
            user=person.user, week_start=menu.week_start, choices={"1999-01-01_lunch": dinner.pk}, idempotency_key=key()
        )
    assert unknown.value.code == "meal_unknown"


def test_staff_cannot_pick_meals(establishment: Any) -> None:
    make_menu(establishment)
    with pytest.raises(PermissionDenied):
        services.meals_choose(
            user=make_staff("governor", [establishment]), week_start=next_monday(), choices={}, idempotency_key=key()
        )


# --- Kitchen totals ------------------------------------------------------------------------------------------


def test_kitchen_totals_per_wing_and_day_add_up(establishment: Any) -> None:
    a, b = cell_in(establishment, "A"), cell_in(establishment, "B")
    chooser = make_resident(establishment, location=a)
    halal = make_resident(establishment, location=a)
    set_diet(halal, "halal")
    kosher = make_resident(establishment, location=b)
    set_diet(kosher, "kosher")
    quiet = make_resident(establishment, location=b)
    open_until_sunday(establishment)
    menu = make_menu(establishment)
    monday = menu.week_start
    services.meals_choose(
        user=chooser.user,
        week_start=monday,
        choices={slot(monday): option(menu, "Cheese pie").pk},
        idempotency_key=key(),
    )
    officer = make_staff("wing_officer", [establishment])
    totals = selectors.kitchen_totals(user=officer, establishment=establishment, week_start=monday)
    assert totals.wings == ["A", "B"]
    assert totals.people == 4
    assert totals.people_per_wing == [2, 2]
    assert totals.chose == 1
    for day in totals.days:
        for meal in day.meals:
            assert meal.total == 4  # everyone is fed at every meal
            assert meal.wing_totals() == [2, 2]
    monday_lunch = next(m for m in totals.days[0].meals if m.meal == "lunch")
    counts = {row.label: (row.per_wing, row.by_default) for row in monday_lunch.rows}
    assert counts["Cheese pie"] == ([1, 0], 0)
    assert counts["Halal chicken"] == ([1, 0], 1)
    assert counts["Beef stew"] == ([0, 1], 1)  # the quiet person's default
    assert counts["Special diet meal (no dish on the menu suits)"] == ([0, 1], 1)
    tuesday_lunch = next(m for m in totals.days[1].meals if m.meal == "lunch")
    assert {row.label: row.total for row in tuesday_lunch.rows}["Beef stew"] == 2
    del quiet


def test_a_pick_the_diet_no_longer_allows_is_served_as_the_default(establishment: Any) -> None:
    person = make_resident(establishment)
    open_until_sunday(establishment)
    menu = make_menu(establishment)
    services.meals_choose(
        user=person.user,
        week_start=menu.week_start,
        choices={slot(menu.week_start): option(menu, "Beef stew").pk},
        idempotency_key=key(),
    )
    set_diet(person, "vegetarian", reason="ethical")
    totals = selectors.kitchen_totals(
        user=make_staff("governor", [establishment]), establishment=establishment, week_start=menu.week_start
    )
    lunch = next(m for m in totals.days[0].meals if m.meal == "lunch")
    assert {row.label: row.total for row in lunch.rows} == {
        "Beef stew": 0,
        "Halal chicken": 0,
        "Cheese pie": 1,
        "Bean chilli": 0,
    }


def test_kitchen_totals_are_for_staff_of_that_prison_with_the_permission(
    establishment: Any, other_establishment: Any
) -> None:
    menu = make_menu(establishment)
    for user in (
        make_staff("wing_officer", [other_establishment]),
        make_staff("key_worker", [establishment]),
        make_resident(establishment).user,
    ):
        with pytest.raises(NotVisible):
            selectors.kitchen_totals(user=user, establishment=establishment, week_start=menu.week_start)


# --- Menus and the cut-off setting ---------------------------------------------------------------------------


def test_building_and_publishing_a_menu(establishment: Any) -> None:
    governor = make_staff("governor", [establishment])
    monday = next_monday()
    menu = services.menu_create(by=governor, establishment=establishment, week_start=monday)
    with pytest.raises(InvalidInput) as again:
        services.menu_create(by=governor, establishment=establishment, week_start=monday)
    assert again.value.field == "week_start"
    with pytest.raises(InvalidInput):
        services.menu_create(by=governor, establishment=establishment, week_start=monday + dt.timedelta(days=1))
    for meal in Meal.values:
        services.menu_option_add(by=governor, menu=menu, days=menu.days[:6], meal=meal, name="Toast", markers=["vegan"])
    with pytest.raises(InvalidTransition) as incomplete:
        services.menu_publish(by=governor, menu=menu)
    assert "3 meals have none, starting with breakfast on Sunday" in incomplete.value.message
    for meal in Meal.values:
        services.menu_option_add(by=governor, menu=menu, days=[menu.days[6]], meal=meal, name="Soup", markers=[])
    published = services.menu_publish(by=governor, menu=menu)
    assert published.is_published
    assert AuditEntry.objects.filter(action="selfservice.meals.menu_published").count() == 1
    # The next week starts with a copy of this one.
    following = services.menu_create(by=governor, establishment=establishment, week_start=monday + dt.timedelta(days=7))
    assert following.options.count() == menu.options.count() == 21
    assert not following.is_published


def test_a_picked_dish_cannot_be_taken_off(establishment: Any) -> None:
    governor = make_staff("governor", [establishment])
    person = make_resident(establishment)
    open_until_sunday(establishment)
    menu = make_menu(establishment)
    beef = option(menu, "Beef stew")
    services.meals_choose(
        user=person.user, week_start=menu.week_start, choices={slot(menu.week_start): beef.pk}, idempotency_key=key()
    )
    with pytest.raises(InvalidTransition):
        services.menu_option_remove(by=governor, menu=menu, option_id=beef.pk)
    unpicked = option(menu, "Cheese pie")
    services.menu_option_remove(by=governor, menu=menu, option_id=unpicked.pk)
    assert not MenuOption.objects.filter(pk=unpicked.pk).exists()


def test_only_menu_staff_of_the_prison_change_menus_and_the_cut_off(
    establishment: Any, other_establishment: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.menu_create(
            by=make_staff("wing_officer", [establishment]), establishment=establishment, week_start=next_monday()
        )
    with pytest.raises(NotVisible):
        services.menu_create(
            by=make_staff("governor", [other_establishment]), establishment=establishment, week_start=next_monday()
        )
    governor = make_staff("governor", [establishment])
    saved = services.meal_settings_save(
        by=governor, establishment=establishment, cutoff_weekday=2, cutoff_time=dt.time(12, 0)
    )
    assert selectors.settings_of(establishment).pk == saved.pk
    menu = make_menu(establishment, dt.date(2026, 3, 2))
    assert selectors.closes_at(menu) == dt.datetime(2026, 2, 25, 12, 0, tzinfo=dt.UTC)


# --- Recorded diets ------------------------------------------------------------------------------------------


def test_recording_and_removing_a_diet(establishment: Any, other_establishment: Any) -> None:
    officer = make_staff("wing_officer", [establishment])
    person = make_resident(establishment)
    diet = services.diet_record(
        by=officer, establishment=establishment, person=person, needs=["gluten_free", "halal"], reason="religious"
    )
    assert diet is not None
    assert diet.needs == ["halal", "gluten_free"]
    with pytest.raises(InvalidInput) as no_reason:
        services.diet_record(by=officer, establishment=establishment, person=person, needs=["vegan"], reason="")
    assert no_reason.value.field == "reason"
    with pytest.raises(InvalidInput):
        services.diet_record(
            by=officer, establishment=establishment, person=person, needs=["pescatarian"], reason="ethical"
        )
    assert services.diet_record(by=officer, establishment=establishment, person=person, needs=[], reason="") is None
    assert not RecordedDiet.objects.exists()
    assert (
        AuditEntry.objects.filter(action="selfservice.meals.diet_recorded", subject=person.prison_number).count() == 2
    )
    elsewhere = make_resident(other_establishment)
    with pytest.raises(NotVisible):
        services.diet_record(
            by=officer, establishment=establishment, person=elsewhere, needs=["halal"], reason="religious"
        )
    with pytest.raises(PermissionDenied):
        services.diet_record(
            by=make_staff("key_worker", [establishment]),
            establishment=establishment,
            person=person,
            needs=["halal"],
            reason="religious",
        )


def test_reading_the_diets_list_is_audited(establishment: Any) -> None:
    person = make_resident(establishment)
    set_diet(person, "diabetic", reason="medical")
    officer = make_staff("healthcare", [establishment])
    assert [d.person_id for d in selectors.diets_for_staff(user=officer, establishment=establishment)] == [person.pk]
    assert AuditEntry.objects.filter(action="selfservice.meals.diets_viewed").count() == 1
    assert selectors.diets_for_staff(user=make_staff("key_worker", [establishment]), establishment=establishment) == []
