"""Demo meals for the synthetic estate: weekly menus for every establishment over the demo period, recorded diets
for a realistic share of people (in step with their religion), and each person's weekly picks.

The picks come from the activity stream that the estate generator already wrote: one ``meal.chosen`` event is one
person choosing next week's meals, so the week is the one after the event's day. No event is emitted here. An
establishment's cut-off is the day of the week its people choose on (the most common day of its events) at 21:00,
after the last evening choices; an establishment without events closes on Thursday at 17:00.

Everything is derived from ``seed`` and the stored estate, and written in bulk. Running it again replaces the meals
data it made before.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from throughgate.core.models import ActivityEvent
from throughgate.identity.models import Establishment
from throughgate.people.models import Person
from throughgate.selfservice.events import MEAL_CHOSEN_KIND
from throughgate.selfservice.meals import rules
from throughgate.selfservice.meals.models import (
    DietReason,
    Meal,
    MealChoice,
    MealSettings,
    MealSheet,
    Menu,
    MenuOption,
    MenuStatus,
    RecordedDiet,
)

CUTOFF_TIME = dt.time(21, 0)
DEFAULT_WEEKDAY = 3
PICK_SHARE = 0.9  # of the meals on a sheet, the rest left to the default
BATCH = 5000

H, K, V, VG, GF, D, AS = "halal", "kosher", "vegetarian", "vegan", "gluten_free", "diabetic", "allergy_safe"


@dataclass(frozen=True)
class Dish:
    name: str
    name_cy: str
    markers: tuple[str, ...]


BREAKFAST = (
    Dish("Cereal with milk", "Grawnfwyd gyda llaeth", (H, V, D)),
    Dish("Porridge with oat milk", "Uwd gyda llaeth ceirch", (H, VG, D)),
    Dish("Gluten-free toast and jam", "Tost heb glwten a jam", (H, VG, GF, AS)),
    Dish("Kosher breakfast pack", "Pecyn brecwast kosher", (K, V)),
)
# One row per day of the week, Monday first: a halal meat dish, a vegetarian dish, a vegan dish.
LUNCH_DAYS = (
    (
        Dish("Halal chicken curry with rice", "Cyri cyw iâr halal gyda reis", (H, GF, D)),
        Dish("Cheese and onion pasty", "Pasti caws a nionyn", (V,)),
        Dish("Chickpea and spinach stew", "Stiw gwygbys a sbigoglys", (H, VG, GF, D, AS)),
    ),
    (
        Dish("Halal beef lasagne", "Lasagne cig eidion halal", (H,)),
        Dish("Vegetable omelette and salad", "Omled llysiau a salad", (V, GF, D)),
        Dish("Bean chilli with rice", "Chilli ffa gyda reis", (H, VG, GF, D, AS)),
    ),
    (
        Dish("Halal turkey and stuffing roll", "Rholyn twrci halal a stwffin", (H,)),
        Dish("Macaroni cheese", "Macaroni caws", (V,)),
        Dish("Lentil dahl with rice", "Dahl corbys gyda reis", (H, VG, GF, D, AS)),
    ),
    (
        Dish("Halal chicken wrap", "Lapiad cyw iâr halal", (H, D)),
        Dish("Cheese and tomato pizza", "Pizza caws a thomato", (V,)),
        Dish("Falafel with salad and rice", "Ffalaffel gyda salad a reis", (H, VG, GF, AS)),
    ),
    (
        Dish("Fish and chips", "Pysgod a sglodion", (H,)),
        Dish("Vegetable pie and chips", "Pastai llysiau a sglodion", (V,)),
        Dish("Vegan sausage and beans", "Selsig fegan a ffa", (H, VG, AS)),
    ),
    (
        Dish("Halal burger in a bun", "Byrgyr halal mewn bynsen", (H,)),
        Dish("Cheese salad sandwich", "Brechdan salad caws", (V,)),
        Dish("Jacket potato with beans", "Taten drwy'i chroen gyda ffa", (H, VG, GF, D, AS)),
    ),
    (
        Dish("Halal roast chicken dinner", "Cinio cyw iâr rhost halal", (H, GF, D)),
        Dish("Vegetarian roast dinner", "Cinio rhost llysieuol", (V, D)),
        Dish("Vegan nut roast dinner", "Cinio rhost cnau fegan", (H, VG, GF)),
    ),
)
DINNER_DAYS = (
    (
        Dish("Halal shepherd's pie", "Pastai'r bugail halal", (H, GF)),
        Dish("Vegetable curry with rice", "Cyri llysiau gyda reis", (V, GF, D)),
        Dish("Vegan noodle stir fry", "Nwdls wedi'u tro-ffrio fegan", (H, VG, AS)),
    ),
    (
        Dish("Halal chicken and rice", "Cyw iâr halal a reis", (H, GF, D)),
        Dish("Cheese and potato bake", "Pobiad caws a thatws", (V, GF)),
        Dish("Vegan pasta bake", "Pobiad pasta fegan", (H, VG, AS)),
    ),
    (
        Dish("Halal lamb stew", "Stiw cig oen halal", (H, GF, D)),
        Dish("Vegetable lasagne", "Lasagne llysiau", (V,)),
        Dish("Mixed bean casserole", "Caserol ffa cymysg", (H, VG, GF, D, AS)),
    ),
    (
        Dish("Halal beef stew and dumplings", "Stiw cig eidion halal a thwmplenni", (H,)),
        Dish("Quorn and vegetable pie", "Pastai Quorn a llysiau", (V,)),
        Dish("Sweet potato curry", "Cyri tatws melys", (H, VG, GF, D, AS)),
    ),
    (
        Dish("Halal chicken burger and wedges", "Byrgyr cyw iâr halal a thalpiau tatws", (H,)),
        Dish("Egg fried rice", "Reis wedi'i ffrio gydag wy", (V, GF)),
        Dish("Vegan chilli with wedges", "Chilli fegan gyda thalpiau tatws", (H, VG, GF, AS)),
    ),
    (
        Dish("Halal pizza with chicken", "Pizza halal gyda chyw iâr", (H,)),
        Dish("Cheese and onion quiche", "Cish caws a nionyn", (V,)),
        Dish("Vegetable soup and bread", "Cawl llysiau a bara", (H, VG, D, AS)),
    ),
    (
        Dish("Halal meatballs and pasta", "Peli cig halal a phasta", (H,)),
        Dish("Vegetable pasta", "Pasta llysiau", (V, D)),
        Dish("Vegan bean burger and salad", "Byrgyr ffa fegan a salad", (H, VG, AS)),
    ),
)
KOSHER_MEAL = Dish("Kosher meal (sealed tray)", "Pryd kosher (hambwrdd wedi'i selio)", (K, GF))


def week_dishes() -> dict[tuple[int, str], tuple[Dish, ...]]:
    """(weekday, meal) -> the dishes in the kitchen's order (the first that suits someone is their default)."""
    dishes: dict[tuple[int, str], tuple[Dish, ...]] = {}
    for weekday in range(7):
        dishes[(weekday, Meal.BREAKFAST)] = BREAKFAST
        dishes[(weekday, Meal.LUNCH)] = (*LUNCH_DAYS[weekday], KOSHER_MEAL)
        dishes[(weekday, Meal.DINNER)] = (*DINNER_DAYS[weekday], KOSHER_MEAL)
    return dishes


def fill_menu(menu: Menu) -> list[MenuOption]:
    """Unsaved options of the standard week for ``menu`` (the same dishes every week, each in its place)."""
    options = []
    for (weekday, meal), dishes in week_dishes().items():
        day = menu.week_start + dt.timedelta(days=weekday)
        for order, dish in enumerate(dishes, start=1):
            options.append(
                MenuOption(
                    menu=menu,
                    day=day,
                    meal=meal,
                    name=dish.name,
                    name_cy=dish.name_cy,
                    markers=list(dish.markers),
                    order=order * 10,
                )
            )
    return options


# --- Diets ---------------------------------------------------------------------------------------------------

# Religion -> (chance of a recorded religious diet, the diet).
RELIGIOUS_DIETS: dict[str, tuple[float, tuple[str, ...]]] = {
    "Muslim": (0.85, (H,)),
    "Jewish": (0.6, (K,)),
    "Hindu": (0.5, (V,)),
    "Sikh": (0.4, (V,)),
    "Buddhist": (0.35, (V,)),
}


def diet_for(rng: random.Random, religion: str) -> tuple[list[str], str] | None:
    """A person's recorded diet, or None: religious diets by religion, vegetarian and vegan by choice, and medical
    diets (diabetic about 3%, gluten free 1%, allergy safe 0.5%) on top of any of those."""
    needs: set[str] = set()
    chance, religious = RELIGIOUS_DIETS.get(religion, (0.0, ()))
    by_religion = bool(religious) and rng.random() < chance
    if by_religion:
        needs.update(religious)
    elif rng.random() < 0.055:
        needs.add(VG if rng.random() < 0.3 else V)
    medical = rng.random()
    if medical < 0.03:
        needs.add(D)
    elif medical < 0.04:
        needs.add(GF)
    elif medical < 0.045:
        needs.add(AS)
    if not needs:
        return None
    if by_religion:
        reason = DietReason.RELIGIOUS
    elif needs & {D, GF, AS}:
        reason = DietReason.MEDICAL
    else:
        reason = DietReason.ETHICAL
    return sorted(needs), str(reason)


# --- Populate ------------------------------------------------------------------------------------------------


def _mode_weekday(days: Iterable[dt.date]) -> int:
    counts = Counter(day.weekday() for day in days)
    return counts.most_common(1)[0][0] if counts else DEFAULT_WEEKDAY


def _clear(establishment_ids: list[int]) -> None:
    MealChoice.objects.filter(sheet__menu__establishment_id__in=establishment_ids).delete()
    MealSheet.objects.filter(menu__establishment_id__in=establishment_ids).delete()
    MenuOption.objects.filter(menu__establishment_id__in=establishment_ids).delete()
    Menu.objects.filter(establishment_id__in=establishment_ids).delete()
    MealSettings.objects.filter(establishment_id__in=establishment_ids).delete()
    RecordedDiet.objects.filter(person__establishment_id__in=establishment_ids).delete()


@transaction.atomic
def populate(*, seed: int) -> int:
    """Menus, cut-offs, recorded diets and weekly picks for every establishment of the stored estate. Returns the
    number of meal sheets (one person's picks for one week) written."""
    establishments = list(Establishment.objects.filter(active=True).order_by("code"))
    ids = [place.pk for place in establishments]
    _clear(ids)
    people = list(
        Person.objects.filter(establishment_id__in=ids).values_list(
            "pk", "prison_number", "establishment_id", "religion"
        )
    )
    by_number = {number: (pk, place) for pk, number, place, _religion in people}

    # Recorded diets.
    needs_of: dict[int, tuple[str, ...]] = {}
    diets = []
    now = timezone.now()
    for pk, number, _place, religion in people:
        found = diet_for(random.Random(f"diet:{seed}:{number}"), religion)  # noqa: S311  (synthetic data)
        if found is not None:
            needs, reason = found
            needs_of[pk] = tuple(needs)
            diets.append(RecordedDiet(person_id=pk, needs=needs, reason=reason, recorded_at=now))
    RecordedDiet.objects.bulk_create(diets, batch_size=BATCH)

    # Who chose which week, from the activity stream.
    chosen: dict[int, list[tuple[int, dt.datetime, str]]] = defaultdict(list)  # establishment -> (person, when, key)
    events = ActivityEvent.objects.filter(kind=MEAL_CHOSEN_KIND).values_list("person", "occurred_at", "idempotency_key")
    for number, occurred_at, key in events.iterator(chunk_size=BATCH):
        found_person = by_number.get(number)
        if found_person is not None:
            chosen[found_person[1]].append((found_person[0], occurred_at, key))

    # Cut-offs and menus: every week someone chose for, plus this week, next week and the one after.
    this_monday = rules.monday_of(timezone.localdate())
    settings_rows = []
    menus = []
    for place in establishments:
        picks = chosen.get(place.pk, [])
        local_days = [timezone.localdate(when) for _person, when, _key in picks]
        weekday = _mode_weekday(local_days)
        cutoff = MealSettings(
            establishment=place,
            cutoff_weekday=weekday,
            cutoff_time=CUTOFF_TIME if picks else dt.time(17, 0),
        )
        settings_rows.append(cutoff)
        weeks = {this_monday + dt.timedelta(weeks=n) for n in range(3)}
        weeks.update(rules.monday_of(day) + dt.timedelta(days=7) for day in local_days)
        for week in sorted(weeks):
            closes = rules.closes_at(
                week_start=week, cutoff_weekday=cutoff.cutoff_weekday, cutoff_time=cutoff.cutoff_time
            )
            menus.append(
                Menu(
                    establishment=place,
                    week_start=week,
                    status=MenuStatus.PUBLISHED,
                    created_at=closes - dt.timedelta(days=5),
                    published_at=closes - dt.timedelta(days=4),
                )
            )
    MealSettings.objects.bulk_create(settings_rows)
    Menu.objects.bulk_create(menus, batch_size=BATCH)
    MenuOption.objects.bulk_create((option for menu in menus for option in fill_menu(menu)), batch_size=BATCH)

    # Options per menu and slot, in order, with their markers.
    menu_of = {(menu.establishment_id, menu.week_start): menu.pk for menu in menus}
    slots: dict[int, dict[tuple[dt.date, str], list[tuple[int, frozenset[str]]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    rows = MenuOption.objects.filter(menu_id__in=menu_of.values()).order_by("menu_id", "day", "meal", "order")
    for option_id, menu_id, day, meal, markers in rows.values_list("pk", "menu_id", "day", "meal", "markers"):
        slots[menu_id][(day, meal)].append((option_id, rules.effective_markers(markers)))

    # One sheet per event, the newest of a week current; then its picks.
    sheets: list[MealSheet] = []
    plans: list[tuple[int, int, random.Random]] = []  # (sheet index, menu id, generator)
    latest: dict[tuple[int, int], int] = {}
    for place_id, picks in chosen.items():
        for person_id, when, key in sorted(picks, key=lambda pick: pick[1]):
            menu_id = menu_of[(place_id, rules.monday_of(timezone.localdate(when)) + dt.timedelta(days=7))]
            previous = latest.get((person_id, menu_id))
            if previous is not None:
                sheets[previous].current = False
            latest[(person_id, menu_id)] = len(sheets)
            sheets.append(
                MealSheet(
                    person_id=person_id,
                    menu_id=menu_id,
                    submitted_at=when,
                    current=True,
                    idempotency_key=f"demo:{key}"[:80],
                )
            )
            plans.append((len(sheets) - 1, menu_id, random.Random(f"meals:{seed}:{key}")))  # noqa: S311
    MealSheet.objects.bulk_create(sheets, batch_size=BATCH)
    _insert_choices(_choices(sheets, plans, slots, needs_of))
    return len(sheets)


def _choices(
    sheets: list[MealSheet],
    plans: list[tuple[int, int, random.Random]],
    slots: dict[int, dict[tuple[dt.date, str], list[tuple[int, frozenset[str]]]]],
    needs_of: dict[int, tuple[str, ...]],
) -> Iterator[tuple[int, dt.date, str, int]]:
    """Each sheet's picks as (sheet, day, meal, option): most meals picked, each among the dishes that suit the
    person, earlier dishes on the list more often (the main dish is the most popular)."""
    for index, menu_id, rng in plans:
        sheet_id = sheets[index].pk
        needs = set(needs_of.get(sheets[index].person_id, ()))
        for (day, meal), options in slots[menu_id].items():
            if rng.random() >= PICK_SHARE:
                continue
            fitting = [option_id for option_id, markers in options if needs <= markers]
            if fitting:
                # Skewed to the top of the list: about half pick the first dish of four.
                yield sheet_id, day, meal, fitting[int(rng.random() ** 1.8 * len(fitting))]


def _insert_choices(rows: Iterable[tuple[int, dt.date, str, int]]) -> None:
    """Hundreds of thousands of rows: plain executemany in batches, without building a model instance per row."""
    table = connection.ops.quote_name(MealChoice._meta.db_table)
    sql = f"INSERT INTO {table} (sheet_id, day, meal, option_id) VALUES (%s, %s, %s, %s)"  # noqa: S608  (fixed names)
    adapt = connection.ops.adapt_datefield_value
    batch: list[tuple[int, Any, str, int]] = []
    with connection.cursor() as cursor:
        for sheet_id, day, meal, option_id in rows:
            batch.append((sheet_id, adapt(day), meal, option_id))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
