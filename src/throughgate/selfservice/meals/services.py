"""Meals writes: a resident picks a week's meals (once per idempotency key, refused after the cut-off); staff build
and publish menus, set the cut-off, and record diets. Each write leaves an audit row; a resident's picks also
append a ``meal.chosen`` activity event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from throughgate.core import activity, audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition, LimitExceeded, NotVisible
from throughgate.core.idempotency import clean_idempotency_key
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people import services as people_services
from throughgate.people.models import Person
from throughgate.people.selectors import own_record_for
from throughgate.selfservice import events
from throughgate.selfservice.meals import rules, selectors
from throughgate.selfservice.meals.models import (
    MEAL_ORDER,
    DietReason,
    Marker,
    Meal,
    MealChoice,
    MealSettings,
    MealSheet,
    Menu,
    MenuOption,
    MenuStatus,
    RecordedDiet,
)
from throughgate.selfservice.permissions import MANAGE_MENUS, RECORD_DIETS, USE_MEALS

SOURCE = "selfservice"
Slot = tuple[dt.date, str]


def _ensure_acts_in(user: User, establishment: Establishment | None) -> Establishment:
    if establishment is None or not staff_may_act_in(user, establishment):
        raise NotVisible(_("No menu found"))
    return establishment


def when(moment: dt.datetime) -> str:
    """A cut-off for people: "Thursday 5 March at 17:00" (local time, in the page's language)."""
    local = timezone.localtime(moment)
    return _("%(day)s at %(time)s") % {
        "day": formats.date_format(local, "l j F"),
        "time": formats.time_format(local, "H:i"),
    }


class MealsClosed(LimitExceeded):
    """Choices for the week have closed. ``changed`` names the meals the person tried to change."""

    code = "meals_closed"

    def __init__(self, message: str, *, changed: list[str]) -> None:
        super().__init__(message, code=self.code, field=changed[0] if changed else None)
        self.changed = changed


# --- Residents -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chosen:
    sheet: MealSheet
    created: bool  # False when the key had been used already: the first send is returned


def meals_choose(
    *,
    user: User,
    week_start: dt.date,
    choices: dict[str, int | None],
    idempotency_key: str,
    now: dt.datetime | None = None,
) -> Chosen:
    """A resident picks their meals for a week: ``choices`` maps a slot name (``2026-03-02_lunch``) to an option
    id, or None to take the default. Stored once per idempotency key. Before the cut-off the new sheet replaces the
    old one; after it, a new send is refused (``MealsClosed``, naming the meals it would change)."""
    ensure_can(user, USE_MEALS)
    person = own_record_for(user=user, permission=USE_MEALS)
    key = clean_idempotency_key(idempotency_key)
    existing = MealSheet.objects.filter(person=person, idempotency_key=key).first()
    if existing is not None:
        return Chosen(existing, created=False)
    menu = Menu.objects.filter(
        establishment=person.establishment, week_start=week_start, status=MenuStatus.PUBLISHED
    ).first()
    if menu is None:
        raise NotVisible(_("There is no menu for that week."))
    picks = _clean_choices(menu, person, choices)
    moment = now or timezone.now()
    closing = selectors.closes_at(menu)
    if moment >= closing:
        before = selectors.current_choices(person, menu)
        differ = [slot for slot in set(picks) | set(before) if picks.get(slot) != before.get(slot)]
        changed = [selectors.slot_name(*slot) for slot in sorted(differ, key=lambda s: (s[0], MEAL_ORDER[Meal(s[1])]))]
        raise MealsClosed(
            _("Too late to change this. Choices for this week closed on %(when)s.") % {"when": when(closing)},
            changed=changed,
        )
    try:
        with transaction.atomic():
            # One writer per person at a time (a row lock on PostgreSQL), so only one sheet of a week is current.
            people_services.people_lock(ids=[person.pk])
            existing = MealSheet.objects.filter(person=person, idempotency_key=key).first()
            if existing is not None:
                return Chosen(existing, created=False)
            sheet = _store(person=person, user=user, menu=menu, picks=picks, key=key, at=moment)
    except IntegrityError:
        existing = MealSheet.objects.filter(person=person, idempotency_key=key).first()
        if existing is None:
            raise
        return Chosen(existing, created=False)
    return Chosen(sheet, created=True)


def _clean_choices(menu: Menu, person: Person, choices: dict[str, int | None]) -> dict[Slot, int]:
    """Check every pick is a dish of that meal that suits the person's diet; drop the ones left to the default."""
    slots = {selectors.slot_name(day, meal): (day, meal) for day in menu.days for meal in Meal.values}
    by_slot = selectors.options_by_slot(menu)
    needs = selectors.needs_of(person)
    picks: dict[Slot, int] = {}
    for name, option_id in choices.items():
        if name not in slots:
            raise InvalidInput(_("That meal is not on this week's menu."), code="meal_unknown", field=name)
        if option_id is None:
            continue
        option = next((o for o in by_slot.get(slots[name], []) if o.pk == option_id), None)
        if option is None:
            raise InvalidInput(_("Choose a meal from the list."), code="option_unknown", field=name)
        if not rules.suits(option.markers, needs):
            raise InvalidInput(_("That meal does not suit your diet. Choose another."), code="diet", field=name)
        picks[slots[name]] = option.pk
    return picks


def _store(
    *, person: Person, user: User | None, menu: Menu, picks: dict[Slot, int], key: str, at: dt.datetime
) -> MealSheet:
    MealSheet.objects.filter(person=person, menu=menu, current=True).update(current=False)
    sheet = MealSheet.objects.create(
        person=person, menu=menu, submitted_at=at, submitted_by=user, current=True, idempotency_key=key
    )
    MealChoice.objects.bulk_create(
        MealChoice(sheet=sheet, day=day, meal=meal, option_id=option_id) for (day, meal), option_id in picks.items()
    )
    detail = {
        "week": menu.week_start.isoformat(),
        "chosen": len(picks),
        "defaults": len(menu.days) * len(Meal.values) - len(picks),
    }
    audit.record(action=events.MEALS_CHOSEN, actor=user, subject=person.prison_number, obj=sheet, detail=detail)
    activity.emit(
        person=person.prison_number,
        kind=events.MEAL_CHOSEN_KIND,
        occurred_at=at,
        source=SOURCE,
        idempotency_key=f"meal.chosen:{sheet.pk}",
        payload={"week": menu.week_start.isoformat(), "chosen": len(picks)},
    )
    return sheet


# --- Staff: menus --------------------------------------------------------------------------------------------


@transaction.atomic
def menu_create(*, by: User, establishment: Establishment, week_start: dt.date, copy: bool = True) -> Menu:
    """Start a week's menu (a draft). With ``copy``, the dishes of the latest earlier menu come across, day by
    day, so the kitchen changes what differs instead of typing the week again."""
    ensure_can(by, MANAGE_MENUS)
    _ensure_acts_in(by, establishment)
    if week_start.weekday() != 0:
        raise InvalidInput(_("Choose a Monday: a menu runs Monday to Sunday."), code="not_monday", field="week_start")
    if week_start < rules.monday_of(timezone.localdate()):
        raise InvalidInput(_("That week has already gone."), code="week_past", field="week_start")
    if Menu.objects.filter(establishment=establishment, week_start=week_start).exists():
        raise InvalidInput(_("There is already a menu for that week."), code="menu_exists", field="week_start")
    menu = Menu.objects.create(establishment=establishment, week_start=week_start, created_by=by)
    copied = 0
    if copy:
        previous = (
            Menu.objects.filter(establishment=establishment, week_start__lt=week_start).order_by("-week_start").first()
        )
        if previous is not None:
            shift = week_start - previous.week_start
            MenuOption.objects.bulk_create(
                MenuOption(
                    menu=menu,
                    day=option.day + shift,
                    meal=option.meal,
                    name=option.name,
                    name_cy=option.name_cy,
                    markers=list(option.markers),
                    order=option.order,
                )
                for option in previous.options.all()
            )
            copied = previous.options.count()
    audit.record(
        action=events.MENU_SAVED,
        actor=by,
        obj=menu,
        detail={"establishment": establishment.code, "week": week_start.isoformat(), "created": True, "copied": copied},
    )
    return menu


def clean_markers(markers: Iterable[str], field: str = "markers") -> list[str]:
    chosen = set(markers)
    unknown = chosen - set(Marker.values)
    if unknown:
        raise InvalidInput(_("Choose markers from the list."), code="marker_unknown", field=field)
    return [code for code in Marker.values if code in chosen]


@transaction.atomic
def menu_option_add(
    *,
    by: User,
    menu: Menu,
    days: list[dt.date],
    meal: str,
    name: str,
    name_cy: str = "",
    markers: Iterable[str] = (),
) -> list[MenuOption]:
    """Add a dish to one meal on one or more days of the week, after the dishes already there."""
    ensure_can(by, MANAGE_MENUS)
    _ensure_acts_in(by, menu.establishment)
    text = (name or "").strip()
    if not text:
        raise InvalidInput(_("Enter the name of the dish."), code="required", field="name")
    if len(text) > 100 or len((name_cy or "").strip()) > 100:
        raise InvalidInput(_("Use 100 characters or fewer."), code="too_long", field="name")
    if meal not in Meal.values:
        raise InvalidInput(_("Choose a meal."), code="meal_required", field="meal")
    if not days or any(day not in menu.days for day in days):
        raise InvalidInput(_("Choose at least one day."), code="days_required", field="days")
    codes = clean_markers(markers)
    if MenuOption.objects.filter(menu=menu, meal=meal, day__in=days, name=text).exists():
        raise InvalidInput(_("That dish is already on the menu for that meal."), code="option_exists", field="name")
    added = []
    for day in sorted(days):
        last = MenuOption.objects.filter(menu=menu, day=day, meal=meal).order_by("-order").first()
        added.append(
            MenuOption.objects.create(
                menu=menu,
                day=day,
                meal=meal,
                name=text,
                name_cy=(name_cy or "").strip(),
                markers=codes,
                order=(last.order + 10) if last else 10,
            )
        )
    audit.record(
        action=events.MENU_SAVED,
        actor=by,
        obj=menu,
        detail={"added": text, "meal": meal, "days": [d.isoformat() for d in days], "markers": codes},
    )
    return added


@transaction.atomic
def menu_option_remove(*, by: User, menu: Menu, option_id: int) -> None:
    """Take a dish off the menu. Refused once someone has picked it (change it by adding another dish)."""
    ensure_can(by, MANAGE_MENUS)
    _ensure_acts_in(by, menu.establishment)
    option = MenuOption.objects.filter(menu=menu, pk=option_id).first()
    if option is None:
        raise NotVisible(_("No dish found"))
    if MealChoice.objects.filter(option=option).exists():
        raise InvalidTransition(
            _("People have already picked %(dish)s, so it stays on the menu.") % {"dish": option.name},
            code="option_picked",
        )
    option.delete()
    audit.record(
        action=events.MENU_SAVED,
        actor=by,
        obj=menu,
        detail={"removed": option.name, "meal": option.meal, "day": option.day.isoformat()},
    )


@transaction.atomic
def menu_publish(*, by: User, menu: Menu) -> Menu:
    """Publish a week's menu so residents can pick from it. Every meal of every day needs at least one dish."""
    ensure_can(by, MANAGE_MENUS)
    _ensure_acts_in(by, menu.establishment)
    menu = Menu.objects.select_for_update().get(pk=menu.pk)
    if menu.is_published:
        return menu
    by_slot = selectors.options_by_slot(menu)
    empty = [(day, meal) for day in menu.days for meal in Meal.values if not by_slot.get((day, meal))]
    if empty:
        day, meal = empty[0]
        raise InvalidTransition(
            _("Add a dish for every meal first. %(count)s meals have none, starting with %(meal)s on %(day)s.")
            % {"count": len(empty), "meal": str(Meal(meal).label).lower(), "day": formats.date_format(day, "l j F")},
            code="menu_incomplete",
        )
    menu.status = MenuStatus.PUBLISHED
    menu.published_at = timezone.now()
    menu.published_by = by
    menu.save(update_fields=["status", "published_at", "published_by"])
    audit.record(action=events.MENU_PUBLISHED, actor=by, obj=menu, detail={"week": menu.week_start.isoformat()})
    return menu


@transaction.atomic
def meal_settings_save(
    *, by: User, establishment: Establishment, cutoff_weekday: int, cutoff_time: dt.time
) -> MealSettings:
    """Set when choices for the following week close (a weekday and a time, local)."""
    ensure_can(by, MANAGE_MENUS)
    _ensure_acts_in(by, establishment)
    if not 0 <= cutoff_weekday <= 6:
        raise InvalidInput(_("Choose a day."), code="weekday_invalid", field="cutoff_weekday")
    found, _created = MealSettings.objects.update_or_create(
        establishment=establishment, defaults={"cutoff_weekday": cutoff_weekday, "cutoff_time": cutoff_time}
    )
    audit.record(
        action=events.MEAL_SETTINGS_SAVED,
        actor=by,
        obj=found,
        detail={"weekday": cutoff_weekday, "time": cutoff_time.strftime("%H:%M")},
    )
    return found


# --- Staff: diets --------------------------------------------------------------------------------------------


@transaction.atomic
def diet_record(
    *, by: User, establishment: Establishment | None, person: Person, needs: Iterable[str], reason: str, note: str = ""
) -> RecordedDiet | None:
    """Record a person's diet (what every dish they pick must be). No needs removes the record: they may pick any
    dish again. Their picks that no longer suit are served as their default instead."""
    ensure_can(by, RECORD_DIETS)
    establishment = _ensure_acts_in(by, establishment)
    if person.establishment_id != establishment.pk:
        raise NotVisible(_("No person with that prison number was found"))
    codes = clean_markers(needs, field="needs")
    text = (note or "").strip()
    if len(text) > 200:
        raise InvalidInput(_("Use 200 characters or fewer."), code="too_long", field="note")
    if not codes:
        RecordedDiet.objects.filter(person=person).delete()
        audit.record(
            action=events.DIET_RECORDED, actor=by, subject=person.prison_number, obj=person, detail={"needs": []}
        )
        return None
    if reason not in DietReason.values:
        raise InvalidInput(_("Choose why the person has this diet."), code="reason_required", field="reason")
    diet, _created = RecordedDiet.objects.update_or_create(
        person=person,
        defaults={"needs": codes, "reason": reason, "note": text, "recorded_at": timezone.now(), "recorded_by": by},
    )
    audit.record(
        action=events.DIET_RECORDED,
        actor=by,
        subject=person.prison_number,
        obj=person,
        detail={"needs": codes, "reason": reason},
    )
    return diet
