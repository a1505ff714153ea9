"""Meals pages: residents pick next week's meals on the kiosk layout; staff build and publish menus, set the cut-off,
record diets, and print or download the kitchen totals."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from throughgate.core.access import requires
from throughgate.core.errors import DomainError, NotVisible
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.selfservice.meals import rules, selectors, services
from throughgate.selfservice.meals.models import Menu, MenuStatus
from throughgate.selfservice.meals.web.forms import (
    DietFindForm,
    DietForm,
    MealSettingsForm,
    MealsForm,
    MenuNewForm,
    MenuOptionForm,
    field_name,
    next_mondays,
)
from throughgate.selfservice.permissions import MANAGE_MENUS, RECORD_DIETS, USE_MEALS, VIEW_KITCHEN_TOTALS


def _week(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return None


# --- Residents -----------------------------------------------------------------------------------------------


def _meals_page(
    request: HttpRequest, week: selectors.MealWeek | None, form: MealsForm | None, status: int = 200
) -> HttpResponse:
    user = acting_user(request)
    context = {
        "week": week,
        "form": form,
        "rows": _rows(week, form) if week else [],
        "closes": services.when(week.closes_at) if week else "",
        "this_week": selectors.this_week_of_resident(user=user),
    }
    return render(request, "selfservice/meals/meals.html", context, status=status)


def _rows(week: selectors.MealWeek, form: MealsForm | None) -> list[dict[str, Any]]:
    """Per day, its meals with the form field (when the week is open)."""
    return [
        {
            "day": day.day,
            "slots": [
                {"slot": slot, "field": form[field_name(slot.name)] if form is not None else None} for slot in day.slots
            ],
        }
        for day in week.days
    ]


@requires(USE_MEALS)
@require_http_methods(["GET", "POST"])
def meals(request: HttpRequest) -> HttpResponse:
    """Next week's menu: pick a dish for each meal before the cut-off. A meal left empty gets the default."""
    user = acting_user(request)
    week = selectors.week_to_choose(user=user)
    if week is None:
        return _meals_page(request, None, None)
    form = MealsForm(request.POST or None, week=week, request=request)
    if request.method != "POST":
        return _meals_page(request, week, form)
    if not form.is_valid():
        return _meals_page(request, week, form, status=400)
    try:
        services.meals_choose(
            user=user,
            week_start=week.menu.week_start,
            choices=form.choices(),
            idempotency_key=form.cleaned_data["key"],
        )
    except services.MealsClosed as exc:
        fields = [field_name(slot) for slot in exc.changed if field_name(slot) in form.fields]
        for name in fields:
            form.add_error(name, exc.message)
        if not fields:
            form.add_error(None, exc.message)
        return _meals_page(request, week, form, status=exc.status)
    except DomainError as exc:
        name = field_name(exc.field or "")
        form.add_error(name if name in form.fields else None, exc.message)
        return _meals_page(request, week, form, status=exc.status)
    messages.success(request, _("Your meal choices have been sent."))
    return HttpResponseRedirect(reverse("selfservice:meal_week", args=[week.menu.week_start.isoformat()]))


@requires(USE_MEALS)
def meal_week(request: HttpRequest, week_start: str) -> HttpResponse:
    """What the resident gets in one week: their picks, and their default where they did not pick."""
    day = _week(week_start)
    if day is None:
        raise Http404
    week = selectors.week_of_resident(user=acting_user(request), week_start=day)
    context = {"week": week, "closes": services.when(week.closes_at)}
    return render(request, "selfservice/meals/meal_week.html", context)


# --- Staff: menus --------------------------------------------------------------------------------------------


def _menus_page(
    request: HttpRequest,
    *,
    new_form: MenuNewForm | None = None,
    settings_form: MealSettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    menus = selectors.menus_for_staff(user=user, establishment=establishment)
    weeks = next_mondays(timezone.localdate(), {menu.week_start for menu in menus})
    current = selectors.settings_of(establishment) if establishment else None
    if settings_form is None:
        initial = {"cutoff_weekday": current.cutoff_weekday, "cutoff_time": current.cutoff_time} if current else {}
        settings_form = MealSettingsForm(initial=initial, auto_id="settings_%s")
    context = {
        "menus": [{"menu": menu, "closes": services.when(selectors.closes_at(menu, current))} for menu in menus],
        "new_form": new_form or MenuNewForm(weeks=weeks, auto_id="new_%s"),
        "settings_form": settings_form,
        "forms": [form for form in (new_form, settings_form) if form is not None and form.errors],
    }
    return render(request, "selfservice/meals/menus.html", context, status=status)


@requires(MANAGE_MENUS)
def menus(request: HttpRequest) -> HttpResponse:
    return _menus_page(request)


@requires(MANAGE_MENUS)
@require_POST
def menu_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    taken = {menu.week_start for menu in selectors.menus_for_staff(user=user, establishment=establishment)}
    form = MenuNewForm(request.POST, weeks=next_mondays(timezone.localdate(), taken), auto_id="new_%s")
    if not form.is_valid() or establishment is None:
        return _menus_page(request, new_form=form, status=400)
    try:
        menu = services.menu_create(
            by=user,
            establishment=establishment,
            week_start=form.cleaned_data["week_start"],
            copy=form.cleaned_data["copy"],
        )
    except DomainError as exc:
        form.add_error("week_start" if exc.field == "week_start" else None, exc.message)
        return _menus_page(request, new_form=form, status=exc.status)
    messages.success(request, _("Menu started. Add the dishes, then publish it."))
    return HttpResponseRedirect(reverse("selfservice:menu", args=[menu.pk]))


@requires(MANAGE_MENUS)
@require_POST
def meal_settings(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    form = MealSettingsForm(request.POST, auto_id="settings_%s")
    if not form.is_valid() or establishment is None:
        return _menus_page(request, settings_form=form, status=400)
    try:
        services.meal_settings_save(
            by=user,
            establishment=establishment,
            cutoff_weekday=form.cleaned_data["cutoff_weekday"],
            cutoff_time=form.cleaned_data["cutoff_time"],
        )
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _menus_page(request, settings_form=form, status=exc.status)
    messages.success(request, _("Saved. Choices now close at the new time."))
    return HttpResponseRedirect(reverse("selfservice:menus"))


def _menu_page(
    request: HttpRequest, menu: Menu, *, form: MenuOptionForm | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "menu": menu,
        "grid": selectors.menu_grid(menu),
        "form": form or MenuOptionForm(days=menu.days, auto_id="dish_%s"),
        "error": error,
        "closes": services.when(selectors.closes_at(menu)),
        "published": menu.status == MenuStatus.PUBLISHED,
    }
    return render(request, "selfservice/meals/menu.html", context, status=status)


@requires(MANAGE_MENUS)
def menu(request: HttpRequest, menu_id: int) -> HttpResponse:
    found = selectors.menu_for_staff(
        user=acting_user(request), establishment=acting_establishment(request), menu_id=menu_id
    )
    return _menu_page(request, found)


MENU_ACTIONS = ("add", "remove", "publish")


@requires(MANAGE_MENUS)
@require_POST
def menu_action(request: HttpRequest, menu_id: int, action: str) -> HttpResponse:
    """Add a dish, take one off, or publish the week. A rule that refuses it is shown on the menu page."""
    if action not in MENU_ACTIONS:
        raise Http404
    user = acting_user(request)
    found = selectors.menu_for_staff(user=user, establishment=acting_establishment(request), menu_id=menu_id)
    form = MenuOptionForm(request.POST, days=found.days, auto_id="dish_%s") if action == "add" else None
    try:
        if form is not None:
            if not form.is_valid():
                return _menu_page(request, found, form=form, status=400)
            data = form.cleaned_data
            services.menu_option_add(
                by=user,
                menu=found,
                days=data["days"],
                meal=data["meal"],
                name=data["name"],
                name_cy=data["name_cy"],
                markers=data["markers"],
            )
            done = _("Dish added.")
        elif action == "remove":
            option_id = request.POST.get("option", "")
            if not option_id.isdigit():
                raise Http404
            services.menu_option_remove(by=user, menu=found, option_id=int(option_id))
            done = _("Dish taken off the menu.")
        else:
            services.menu_publish(by=user, menu=found)
            done = _("Menu published. People can now pick their meals.")
    except DomainError as exc:
        if form is not None and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
            return _menu_page(request, found, form=form, status=exc.status)
        return _menu_page(request, found, error=exc.message, status=exc.status)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("selfservice:menu", args=[found.pk]))


# --- Staff: kitchen totals -----------------------------------------------------------------------------------


def _totals(request: HttpRequest) -> tuple[selectors.KitchenTotals | None, list[Menu], dt.date | None]:
    user = acting_user(request)
    establishment = acting_establishment(request)
    weeks = selectors.menus_for_staff(user=user, establishment=establishment)
    wanted = _week(request.GET.get("week"))
    if wanted is None and "week" in request.GET:
        raise Http404
    if wanted is None:
        next_monday = rules.monday_of(timezone.localdate()) + dt.timedelta(days=7)
        available = {menu.week_start for menu in weeks}
        wanted = next(
            (w for w in (next_monday, next_monday - dt.timedelta(days=7)) if w in available),
            weeks[0].week_start if weeks else None,
        )
    if wanted is None:
        return None, weeks, None
    return selectors.kitchen_totals(user=user, establishment=establishment, week_start=wanted), weeks, wanted


@requires(VIEW_KITCHEN_TOTALS)
def kitchen(request: HttpRequest) -> HttpResponse:
    """How many of each dish to make, per wing and per day, to print for the kitchen and the serveries."""
    totals, weeks, chosen = _totals(request)
    context = {
        "totals": totals,
        "weeks": [(menu.week_start.isoformat(), formats.date_format(menu.week_start, "j F Y")) for menu in weeks],
        "chosen": chosen.isoformat() if chosen else "",
    }
    return render(request, "selfservice/meals/kitchen.html", context)


@requires(VIEW_KITCHEN_TOTALS)
def kitchen_csv(request: HttpRequest) -> HttpResponse:
    """The same totals as a CSV file: one row per day, meal, dish and wing."""
    totals, _weeks, chosen = _totals(request)
    if totals is None or chosen is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    code = totals.menu.establishment.code
    response["Content-Disposition"] = f'attachment; filename="kitchen-totals-{code}-{chosen.isoformat()}.csv"'
    writer = csv.writer(response)
    writer.writerow(["date", "day", "meal", "dish", "markers", "wing", "people", "by_default"])
    for day in totals.days:
        for meal in day.meals:
            for row in meal.rows:
                for wing, count in zip(totals.wings, row.per_wing, strict=True):
                    if count:
                        writer.writerow(
                            [
                                day.day.isoformat(),
                                formats.date_format(day.day, "l"),
                                meal.meal_label,
                                _csv_safe(row.label),
                                "; ".join(row.marker_labels),
                                wing,
                                count,
                                "",
                            ]
                        )
                writer.writerow(
                    [
                        day.day.isoformat(),
                        formats.date_format(day.day, "l"),
                        meal.meal_label,
                        _csv_safe(row.label),
                        "; ".join(row.marker_labels),
                        _("All wings"),
                        row.total,
                        row.by_default,
                    ]
                )
    return response


def _csv_safe(text: str) -> str:
    """A dish name cannot start a formula when the file is opened in a spreadsheet."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


# --- Staff: recorded diets -----------------------------------------------------------------------------------


@requires(RECORD_DIETS)
def diets(request: HttpRequest) -> HttpResponse:
    """The recorded diets of people held here (audited), and finding a person to record one."""
    form = DietFindForm(request.GET or None)
    if form.is_bound and form.is_valid():
        number = form.cleaned_data["prison_number"].strip().upper()
        try:
            selectors.person_for_diet(
                user=acting_user(request), establishment=acting_establishment(request), prison_number=number
            )
        except NotVisible as exc:
            form.add_error("prison_number", exc.message)
        else:
            return HttpResponseRedirect(reverse("selfservice:diet", args=[number]))
    found = selectors.diets_for_staff(user=acting_user(request), establishment=acting_establishment(request))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "selfservice/meals/diets.html", {"form": form, "diets": found}, status=status)


@requires(RECORD_DIETS)
@require_http_methods(["GET", "POST"])
def diet(request: HttpRequest, prison_number: str) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    person = selectors.person_for_diet(user=user, establishment=establishment, prison_number=prison_number)
    current = selectors.diet_of(person)
    initial = {"needs": current.needs, "reason": current.reason, "note": current.note} if current else {}
    form = DietForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.diet_record(
                    by=user,
                    establishment=establishment,
                    person=person,
                    needs=form.cleaned_data["needs"],
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Diet saved for %(name)s.") % {"name": person.full_name})
                return HttpResponseRedirect(reverse("selfservice:diets"))
        else:
            status = 400
    return render(
        request, "selfservice/meals/diet.html", {"form": form, "person": person, "current": current}, status=status
    )
