"""Test helpers for meals: a published menu with a few dishes per meal, and a resident's recorded diet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from throughgate.identity.models import Establishment
from throughgate.people.models import Person
from throughgate.selfservice.meals import rules
from throughgate.selfservice.meals.models import (
    DietReason,
    Meal,
    MealSettings,
    Menu,
    MenuOption,
    MenuStatus,
    RecordedDiet,
)

# The kitchen's order: the first dish that suits a person is their default.
DISHES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Beef stew", ()),
    ("Halal chicken", ("halal",)),
    ("Cheese pie", ("vegetarian",)),
    ("Bean chilli", ("vegan", "halal", "gluten_free")),
)


def next_monday(today: dt.date | None = None) -> dt.date:
    return rules.monday_of(today or timezone.localdate()) + dt.timedelta(days=7)


def make_menu(
    establishment: Establishment,
    week_start: dt.date | None = None,
    *,
    published: bool = True,
    dishes: tuple[tuple[str, tuple[str, ...]], ...] = DISHES,
) -> Menu:
    """A menu with the same dishes at every meal of the week."""
    menu = Menu.objects.create(
        establishment=establishment,
        week_start=week_start or next_monday(),
        status=MenuStatus.PUBLISHED if published else MenuStatus.DRAFT,
        published_at=timezone.now() if published else None,
    )
    MenuOption.objects.bulk_create(
        MenuOption(menu=menu, day=day, meal=meal, name=name, markers=list(markers), order=order)
        for day in menu.days
        for meal in Meal.values
        for order, (name, markers) in enumerate(dishes, start=1)
    )
    return menu


def option(menu: Menu, name: str, day: dt.date | None = None, meal: str = Meal.LUNCH) -> MenuOption:
    return MenuOption.objects.get(menu=menu, name=name, day=day or menu.week_start, meal=meal)


def slot(day: dt.date, meal: str = Meal.LUNCH) -> str:
    return f"{day.isoformat()}_{meal}"


def set_diet(person: Person, *needs: str, reason: str = DietReason.RELIGIOUS) -> RecordedDiet:
    diet, _created = RecordedDiet.objects.update_or_create(
        person=person, defaults={"needs": list(needs), "reason": reason}
    )
    return diet


def open_until_sunday(establishment: Establishment) -> MealSettings:
    """Next week's choices close on Sunday 23:59 this week: open now (unless it is that very minute)."""
    return set_cutoff(establishment, 6, dt.time(23, 59))


def closed_since_monday(establishment: Establishment) -> MealSettings:
    """Next week's choices closed on Monday 00:00 this week: closed now."""
    return set_cutoff(establishment, 0, dt.time(0, 0))


def set_cutoff(establishment: Establishment, weekday: int, time: dt.time, **_: Any) -> MealSettings:
    found, _created = MealSettings.objects.update_or_create(
        establishment=establishment, defaults={"cutoff_weekday": weekday, "cutoff_time": time}
    )
    return found
