"""Reads of meals data, scoped to the acting user: a resident sees their own establishment's published menus and
their own choices; staff see the menus, totals and recorded diets of an establishment they may act in."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.errors import NotVisible
from throughgate.identity import selectors as identity_selectors
from throughgate.identity.models import Establishment, LocationLevel, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people import selectors as people_selectors
from throughgate.people.models import Person
from throughgate.people.selectors import own_record_for
from throughgate.selfservice import events
from throughgate.selfservice.meals import rules
from throughgate.selfservice.meals.models import (
    MEAL_ORDER,
    Meal,
    MealChoice,
    MealSettings,
    MealSheet,
    Menu,
    MenuOption,
    MenuStatus,
    RecordedDiet,
)
from throughgate.selfservice.permissions import MANAGE_MENUS, RECORD_DIETS, USE_MEALS, VIEW_KITCHEN_TOTALS

NO_WING = "-"


def slot_name(day: dt.date, meal: str) -> str:
    """The stable name of one meal on one day, used by forms and the API: ``2026-03-02_lunch``."""
    return f"{day.isoformat()}_{meal}"


def settings_of(establishment: Establishment | int) -> MealSettings:
    """An establishment's meal cut-off (Thursday 17:00 until it sets its own)."""
    establishment_id = establishment if isinstance(establishment, int) else establishment.pk
    found = MealSettings.objects.filter(establishment_id=establishment_id).first()
    return found or MealSettings(establishment_id=establishment_id)


def closes_at(menu: Menu, meal_settings: MealSettings | None = None) -> dt.datetime:
    chosen = meal_settings or settings_of(menu.establishment_id)
    return rules.closes_at(
        week_start=menu.week_start, cutoff_weekday=chosen.cutoff_weekday, cutoff_time=chosen.cutoff_time
    )


def needs_of(person: Person) -> list[str]:
    diet = RecordedDiet.objects.filter(person=person).first()
    return list(diet.needs) if diet else []


def options_by_slot(menu: Menu) -> dict[tuple[dt.date, str], list[MenuOption]]:
    """The menu's options per (day, meal), in the kitchen's order."""
    slots: dict[tuple[dt.date, str], list[MenuOption]] = defaultdict(list)
    for option in MenuOption.objects.filter(menu=menu).order_by("day", "order", "id"):
        slots[(option.day, option.meal)].append(option)
    return slots


def current_choices(person: Person, menu: Menu) -> dict[tuple[dt.date, str], int]:
    """The option ids the person picked on their current sheet for this menu."""
    rows = MealChoice.objects.filter(sheet__person=person, sheet__menu=menu, sheet__current=True)
    return {(day, meal): option_id for day, meal, option_id in rows.values_list("day", "meal", "option_id")}


# --- Residents -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MealSlot:
    day: dt.date
    meal: str
    options: list[MenuOption]  # only those that suit the person's diet
    chosen: MenuOption | None
    default: MenuOption | None

    @property
    def name(self) -> str:
        return slot_name(self.day, self.meal)

    @property
    def meal_label(self) -> str:
        return str(Meal(self.meal).label)

    @property
    def gets(self) -> MenuOption | None:
        """What the person will be served: their choice, or their default."""
        return self.chosen or self.default


@dataclass(frozen=True)
class MealDay:
    day: dt.date
    slots: list[MealSlot]


@dataclass(frozen=True)
class MealWeek:
    menu: Menu
    closes_at: dt.datetime
    is_open: bool
    needs: list[str]
    days: list[MealDay]
    sheet: MealSheet | None

    @property
    def slots(self) -> list[MealSlot]:
        return [slot for day in self.days for slot in day.slots]

    @property
    def need_labels(self) -> list[str]:
        from throughgate.selfservice.meals.models import Marker

        return [str(Marker(code).label) for code in Marker.values if code in self.needs]


def meal_week(*, person: Person, menu: Menu, now: dt.datetime | None = None) -> MealWeek:
    """One week of a menu as one person sees it: the dishes that suit them, what they picked, their defaults."""
    needs = needs_of(person)
    picked = current_choices(person, menu)
    closing = closes_at(menu)
    days = [MealDay(day, slots_of_day) for day, slots_of_day in _slots(menu, needs, picked)]
    return MealWeek(
        menu=menu,
        closes_at=closing,
        is_open=(now or timezone.now()) < closing,
        needs=needs,
        days=days,
        sheet=MealSheet.objects.filter(person=person, menu=menu, current=True).first(),
    )


def _slots(
    menu: Menu, needs: list[str], picked: dict[tuple[dt.date, str], int]
) -> list[tuple[dt.date, list[MealSlot]]]:
    by_slot = options_by_slot(menu)
    days = []
    for day in menu.days:
        slots = []
        for meal in Meal.values:
            fitting = rules.allowed(by_slot.get((day, meal), []), needs)
            chosen = next((o for o in fitting if o.pk == picked.get((day, meal))), None)
            slots.append(
                MealSlot(day, meal, fitting, chosen, rules.default_option(by_slot.get((day, meal), []), needs))
            )
        days.append((day, slots))
    return days


def week_to_choose(*, user: User, now: dt.datetime | None = None) -> MealWeek | None:
    """The week the resident picks for now: the first published menu of a week after today whose choices are still
    open (next week's, until its cut-off); when none is open, the first one after today, shown closed."""
    person = own_record_for(user=user, permission=USE_MEALS)
    moment = now or timezone.now()
    menus = list(
        Menu.objects.filter(
            establishment=person.establishment, status=MenuStatus.PUBLISHED, week_start__gt=timezone.localdate(moment)
        ).order_by("week_start")[:4]
    )
    if not menus:
        return None
    meal_settings = settings_of(menus[0].establishment_id)
    menu = next((m for m in menus if moment < closes_at(m, meal_settings)), menus[0])
    return meal_week(person=person, menu=menu, now=moment)


def week_of_resident(*, user: User, week_start: dt.date, now: dt.datetime | None = None) -> MealWeek:
    person = own_record_for(user=user, permission=USE_MEALS)
    menu = Menu.objects.filter(
        establishment=person.establishment, status=MenuStatus.PUBLISHED, week_start=week_start
    ).first()
    if menu is None:
        raise NotVisible(_("There is no menu for that week."))
    return meal_week(person=person, menu=menu, now=now)


def this_week_of_resident(*, user: User, now: dt.datetime | None = None) -> MealWeek | None:
    """The week running now, if it has a published menu (its choices are closed)."""
    person = own_record_for(user=user, permission=USE_MEALS)
    monday = rules.monday_of(timezone.localdate(now or timezone.now()))
    menu = Menu.objects.filter(
        establishment=person.establishment, status=MenuStatus.PUBLISHED, week_start=monday
    ).first()
    return meal_week(person=person, menu=menu, now=now) if menu else None


# --- Staff ---------------------------------------------------------------------------------------------------


def menus_for_staff(*, user: User, establishment: Establishment | None) -> list[Menu]:
    if not (user.has_perm(MANAGE_MENUS) or user.has_perm(VIEW_KITCHEN_TOTALS)) or not staff_may_act_in(
        user, establishment
    ):
        return []
    return list(Menu.objects.filter(establishment=establishment).order_by("-week_start")[:60])


def menu_for_staff(*, user: User, establishment: Establishment | None, menu_id: int) -> Menu:
    may = user.has_perm(MANAGE_MENUS) or user.has_perm(VIEW_KITCHEN_TOTALS)
    menu = Menu.objects.filter(pk=menu_id, establishment=establishment).first() if establishment else None
    if menu is None or not may or not staff_may_act_in(user, establishment):
        raise NotVisible(_("No menu found"))
    return menu


@dataclass(frozen=True)
class MenuSlot:
    day: dt.date
    meal: str
    options: list[MenuOption]

    @property
    def meal_label(self) -> str:
        return str(Meal(self.meal).label)


def menu_grid(menu: Menu) -> list[tuple[dt.date, list[MenuSlot]]]:
    """A menu for the staff page: every day, every meal, with its options (empty when the kitchen has not added
    any yet)."""
    by_slot = options_by_slot(menu)
    return [(day, [MenuSlot(day, meal, by_slot.get((day, meal), [])) for meal in Meal.values]) for day in menu.days]


# Kitchen totals ---------------------------------------------------------------------------------------------


@dataclass
class KitchenRow:
    """One dish at one meal: how many to make for each wing. ``option`` None is the special-diet meal."""

    option: MenuOption | None
    per_wing: list[int]
    by_default: int = 0

    @property
    def total(self) -> int:
        return sum(self.per_wing)

    @property
    def label(self) -> str:
        return self.option.display_name if self.option else _("Special diet meal (no dish on the menu suits)")

    @property
    def marker_labels(self) -> list[str]:
        return self.option.marker_labels if self.option else []


@dataclass
class KitchenMeal:
    meal: str
    rows: list[KitchenRow]

    @property
    def meal_label(self) -> str:
        return str(Meal(self.meal).label)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    def wing_totals(self) -> list[int]:
        return [sum(values) for values in zip(*(row.per_wing for row in self.rows), strict=True)] if self.rows else []


@dataclass
class KitchenDay:
    day: dt.date
    meals: list[KitchenMeal]


@dataclass
class KitchenTotals:
    menu: Menu
    wings: list[str]
    people: int
    people_per_wing: list[int]
    chose: int  # people with a sheet for this week
    days: list[KitchenDay] = field(default_factory=list)


def _wing_codes(establishment: Establishment) -> dict[int, str]:
    """Location id -> the code of the wing it is on, for every location of the establishment."""
    rows = list(
        identity_selectors.locations_in(establishment=establishment).values_list("pk", "parent_id", "level", "code")
    )
    parent = {pk: parent_id for pk, parent_id, _level, _code in rows}
    code = {pk: (level, value) for pk, _parent, level, value in rows}
    wings: dict[int, str] = {}
    for pk in parent:
        node: int | None = pk
        seen = 0
        while node is not None and code[node][0] != LocationLevel.WING and seen < 10:
            node = parent.get(node)
            seen += 1
        wings[pk] = code[node][1] if node is not None and node in code else NO_WING
    return wings


def kitchen_totals(*, user: User, establishment: Establishment | None, week_start: dt.date) -> KitchenTotals:
    """How many of each dish to make, per wing and per day, for everyone held in the establishment now: what they
    picked, or their default when they did not pick (or picked a dish their recorded diet no longer allows)."""
    if not user.has_perm(VIEW_KITCHEN_TOTALS) or not staff_may_act_in(user, establishment):
        raise NotVisible(_("No menu found"))
    assert establishment is not None  # noqa: S101  (checked by _may_act_in)
    menu = Menu.objects.filter(establishment=establishment, week_start=week_start).first()
    if menu is None:
        raise NotVisible(_("There is no menu for that week."))
    wing_of_location = _wing_codes(establishment)
    people = list(people_selectors.people_held_in(establishment=establishment).values_list("pk", "location_id"))
    person_wing = {
        pk: wing_of_location.get(location_id, NO_WING) if location_id else NO_WING for pk, location_id in people
    }
    wings = sorted(set(person_wing.values()), key=lambda code: (code == NO_WING, code))
    column = {wing: n for n, wing in enumerate(wings)}
    needs = {
        person_id: tuple(sorted(values))
        for person_id, values in RecordedDiet.objects.filter(person__establishment=establishment).values_list(
            "person_id", "needs"
        )
    }
    picked: dict[int, dict[tuple[dt.date, str], int]] = defaultdict(dict)
    choices = MealChoice.objects.filter(sheet__menu=menu, sheet__current=True).values_list(
        "sheet__person_id", "day", "meal", "option_id"
    )
    for person_id, day, meal, option_id in choices:
        picked[person_id][(day, meal)] = option_id
    chose = MealSheet.objects.filter(menu=menu, current=True, person__establishment=establishment).count()
    by_slot = options_by_slot(menu)
    per_wing_people = Counter(person_wing.values())
    totals = KitchenTotals(
        menu=menu,
        wings=wings,
        people=len(people),
        people_per_wing=[per_wing_people[wing] for wing in wings],
        chose=chose,
    )
    for day in menu.days:
        meals = []
        for meal in sorted(Meal.values, key=lambda value: MEAL_ORDER[Meal(value)]):
            options = by_slot.get((day, meal), [])
            rows = {option.pk: KitchenRow(option, [0] * len(wings)) for option in options}
            special = KitchenRow(None, [0] * len(wings))
            suitable = {option.pk: rules.effective_markers(option.markers) for option in options}
            defaults: dict[tuple[str, ...], int | None] = {}
            for person_id, _location in people:
                need = needs.get(person_id, ())
                chosen = picked.get(person_id, {}).get((day, meal))
                target: int | None
                if chosen is not None and chosen in suitable and set(need) <= suitable[chosen]:
                    target, defaulted = chosen, False
                else:
                    if need not in defaults:
                        fallback = rules.default_option(options, need)
                        defaults[need] = fallback.pk if fallback else None
                    target, defaulted = defaults[need], True
                row = rows[target] if target is not None else special
                row.per_wing[column[person_wing[person_id]]] += 1
                row.by_default += int(defaulted)
            kept = list(rows.values())
            if special.total:
                kept.append(special)
            meals.append(KitchenMeal(meal, kept))
        totals.days.append(KitchenDay(day, meals))
    return totals


# Recorded diets ---------------------------------------------------------------------------------------------


def diets_for_staff(*, user: User, establishment: Establishment | None) -> list[RecordedDiet]:
    """The recorded diets of the people held in the establishment (health data for medical diets: audited)."""
    if not user.has_perm(RECORD_DIETS) or not staff_may_act_in(user, establishment):
        return []
    assert establishment is not None  # noqa: S101  (checked by _may_act_in)
    diets = list(
        RecordedDiet.objects.filter(person__establishment=establishment)
        .select_related("person", "person__location")
        .order_by("person__last_name", "person__first_name")
    )
    audit.record(
        action=events.DIETS_VIEWED,
        actor=user,
        subject="",
        obj=establishment,
        purpose="meals",
        detail={"establishment": establishment.code, "count": len(diets)},
    )
    return diets


def person_for_diet(*, user: User, establishment: Establishment | None, prison_number: str) -> Person:
    """A person held in the establishment, for recording their diet."""
    if not user.has_perm(RECORD_DIETS) or not staff_may_act_in(user, establishment):
        raise NotVisible(_("No person with that prison number was found"))
    person = people_selectors.person_held_in(establishment=establishment, prison_number=prison_number.strip().upper())
    if person is None:
        raise NotVisible(_("No person with that prison number was found"))
    return person


def diet_of(person: Person) -> RecordedDiet | None:
    return RecordedDiet.objects.filter(person=person).first()
