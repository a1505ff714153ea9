"""Meals pages and API: a resident picks once however often the form is sent, sees only what suits their diet, and a
late change is refused next to the meal with a 409; staff build menus (errors next to the field), read the kitchen
totals (page and CSV), and record diets."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import cell_in, make_resident, make_staff, sign_in_resident, sign_in_staff
from throughgate.core.models import ActivityEvent
from throughgate.selfservice.meals.models import MealSheet, Menu, RecordedDiet
from throughgate.selfservice.meals.tests.factories import (
    closed_since_monday,
    make_menu,
    next_monday,
    open_until_sunday,
    option,
    set_diet,
    slot,
)
from throughgate.selfservice.tests.factories import key

pytestmark = pytest.mark.django_db


def _key_in(html: str) -> str:
    match = re.search(r'name="key" value="([A-Za-z0-9_-]+)"', html)
    assert match
    return match.group(1)


def field(day_slot: str) -> str:
    return f"meal_{day_slot}"


@pytest.fixture
def kitchen(establishment: Any) -> Menu:
    open_until_sunday(establishment)
    return make_menu(establishment)


def test_a_resident_picks_meals_once_and_sees_them_confirmed(client: Client, establishment: Any, kitchen: Menu) -> None:
    person = make_resident(establishment)
    sign_in_resident(client, person)
    page = client.get(reverse("selfservice:meals"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "If you do not choose a meal, you get the first one on its list." in html
    assert "If you do not choose: Beef stew" in html
    monday = kitchen.week_start
    pie = option(kitchen, "Cheese pie")
    data = {"key": _key_in(html), field(slot(monday)): str(pie.pk)}
    first = client.post(reverse("selfservice:meals"), data)
    again = client.post(reverse("selfservice:meals"), data)  # a double tap
    week_url = reverse("selfservice:meal_week", args=[monday.isoformat()])
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == week_url
    assert MealSheet.objects.count() == 1
    assert ActivityEvent.objects.filter(kind="meal.chosen").count() == 1
    confirmed = client.get(week_url).content.decode()
    assert "Your meal choices have been sent." in confirmed
    row = re.search(rf'data-slot="{slot(monday)}">.*?</tr>', confirmed, re.S)
    assert row
    assert "Cheese pie" in row.group(0)
    assert "Not chosen" not in row.group(0)
    dinner = re.search(rf'data-slot="{slot(monday, "dinner")}">.*?</tr>', confirmed, re.S)
    assert dinner
    assert "Beef stew" in dinner.group(0)
    assert "Not chosen" in dinner.group(0)
    # The form now shows the pick.
    assert f'value="{pie.pk}" checked' in client.get(reverse("selfservice:meals")).content.decode()


def test_a_halal_diet_sees_only_halal_dishes(client: Client, establishment: Any, kitchen: Menu) -> None:
    person = make_resident(establishment)
    set_diet(person, "halal")
    sign_in_resident(client, person)
    html = client.get(reverse("selfservice:meals")).content.decode()
    assert "Your diet:" in html
    assert "Halal" in html
    assert "Halal chicken" in html
    assert "Bean chilli" in html
    assert "Beef stew" not in html
    assert "Cheese pie" not in html
    beef = option(kitchen, "Beef stew")
    refused = client.post(reverse("selfservice:meals"), {"key": key(), field(slot(kitchen.week_start)): str(beef.pk)})
    assert refused.status_code == 400  # not one of the choices offered
    assert f'id="id_{field(slot(kitchen.week_start))}-error"' in refused.content.decode()
    assert not MealSheet.objects.exists()


def test_a_late_change_is_refused_next_to_the_meal(client: Client, establishment: Any, kitchen: Menu) -> None:
    person = make_resident(establishment)
    sign_in_resident(client, person)
    html = client.get(reverse("selfservice:meals")).content.decode()
    closed_since_monday(establishment)
    monday = kitchen.week_start
    late = client.post(
        reverse("selfservice:meals"), {"key": _key_in(html), field(slot(monday)): str(option(kitchen, "Cheese pie").pk)}
    )
    assert late.status_code == 409
    body = late.content.decode()
    name = field(slot(monday))
    assert "govuk-error-summary" in body
    assert f'href="#id_{name}"' in body
    error = re.search(rf'<p id="id_{name}-error" class="govuk-error-message">(.*?)</p>', body, re.S)
    assert error
    assert "Too late to change this. Choices for this week closed on" in error.group(1)
    assert not MealSheet.objects.exists()
    # Without the form, the page says the week is closed.
    closed = client.get(reverse("selfservice:meals")).content.decode()
    assert "Choices for next week closed on" in closed
    assert "Send my meals" not in closed


def test_no_menu_yet(client: Client, establishment: Any) -> None:
    sign_in_resident(client, make_resident(establishment))
    page = client.get(reverse("selfservice:meals"))
    assert page.status_code == 200
    assert "There is no menu for next week yet." in page.content.decode()
    assert client.get(reverse("selfservice:meal_week", args=["2020-01-06"])).status_code == 404


def test_a_resident_cannot_see_another_prisons_menu(
    client: Client, establishment: Any, other_establishment: Any
) -> None:
    menu = make_menu(other_establishment)
    sign_in_resident(client, make_resident(establishment))
    assert client.get(reverse("selfservice:meal_week", args=[menu.week_start.isoformat()])).status_code == 404


# --- Staff ---------------------------------------------------------------------------------------------------


def test_building_a_menu_with_errors_next_to_the_fields(client: Client, establishment: Any) -> None:
    sign_in_staff(client, make_staff("governor", [establishment]))
    assert client.get(reverse("selfservice:menus")).status_code == 200
    empty = client.post(reverse("selfservice:menu_new"), {"week_start": ""})
    assert empty.status_code == 400
    assert 'id="new_week_start-error"' in empty.content.decode()
    monday = next_monday()
    made = client.post(reverse("selfservice:menu_new"), {"week_start": monday.isoformat(), "copy": "on"})
    menu = Menu.objects.get(establishment=establishment, week_start=monday)
    assert made["Location"] == reverse("selfservice:menu", args=[menu.pk])
    assert client.get(made["Location"]).status_code == 200
    add = reverse("selfservice:menu_action", args=[menu.pk, "add"])
    no_name = client.post(add, {"meal": "lunch", "days": [monday.isoformat()], "name": ""})
    assert no_name.status_code == 400
    assert re.search(r'id="dish_name-error"[^>]*>.*Enter the name of the dish', no_name.content.decode(), re.S)
    added = client.post(
        add, {"meal": "lunch", "days": [d.isoformat() for d in menu.days], "name": "Soup", "markers": ["vegan"]}
    )
    assert added.status_code == 302
    assert menu.options.count() == 7
    twice = client.post(add, {"meal": "lunch", "days": [monday.isoformat()], "name": "Soup"})
    assert twice.status_code == 422
    assert "That dish is already on the menu for that meal." in twice.content.decode()
    publish = client.post(reverse("selfservice:menu_action", args=[menu.pk, "publish"]))
    assert publish.status_code == 409
    assert "Add a dish for every meal first." in publish.content.decode()
    settings = client.post(reverse("selfservice:meal_settings"), {"cutoff_weekday": "3", "cutoff_time": "5pm"})
    assert settings.status_code == 400
    assert 'id="settings_cutoff_time-error"' in settings.content.decode()
    saved = client.post(reverse("selfservice:meal_settings"), {"cutoff_weekday": "3", "cutoff_time": "17:00"})
    assert saved.status_code == 302


def test_kitchen_totals_page_and_csv(client: Client, establishment: Any, kitchen: Menu) -> None:
    people = [make_resident(establishment, location=cell_in(establishment, wing)) for wing in ("A", "A", "B")]
    set_diet(people[2], "vegan", reason="ethical")
    sign_in_staff(client, make_staff("wing_officer", [establishment]))
    page = client.get(reverse("selfservice:kitchen"), {"week": kitchen.week_start.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Wing A" in html
    assert "Wing B" in html
    assert "selfservice/meals.css" in html  # the print stylesheet
    assert client.get(reverse("selfservice:kitchen"), {"week": "soon"}).status_code == 404
    download = client.get(reverse("selfservice:kitchen_csv"), {"week": kitchen.week_start.isoformat()})
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    totals = [row for row in rows if row["wing"] == "All wings"]
    per_wing = [row for row in rows if row["wing"] != "All wings"]
    assert sum(int(row["people"]) for row in totals) == 3 * 21
    assert sum(int(row["people"]) for row in per_wing) == 3 * 21
    assert {row["dish"] for row in per_wing if row["wing"] == "B"} == {"Bean chilli"}


def test_recording_a_diet(client: Client, establishment: Any) -> None:
    person = make_resident(establishment, religion="Muslim")
    sign_in_staff(client, make_staff("healthcare", [establishment]))
    find = client.get(reverse("selfservice:diets"), {"prison_number": person.prison_number.lower()})
    assert find["Location"] == reverse("selfservice:diet", args=[person.prison_number])
    unknown = client.get(reverse("selfservice:diets"), {"prison_number": "Z9999ZZ"})
    assert unknown.status_code == 400
    assert 'id="id_prison_number-error"' in unknown.content.decode()
    url = reverse("selfservice:diet", args=[person.prison_number])
    page = client.get(url).content.decode()
    assert "Religion on record: Muslim" in page
    no_reason = client.post(url, {"needs": ["halal"]})
    assert no_reason.status_code == 400
    assert 'id="id_reason-error"' in no_reason.content.decode()
    saved = client.post(url, {"needs": ["halal", "diabetic"], "reason": "religious"})
    assert saved.status_code == 302
    assert RecordedDiet.objects.get(person=person).needs == ["halal", "diabetic"]
    listed = client.get(reverse("selfservice:diets")).content.decode()
    assert person.prison_number in listed
    assert "Halal, Diabetic" in listed


# --- API -----------------------------------------------------------------------------------------------------


def test_api_picks_meals_once_and_refuses_late_changes(client: Client, establishment: Any, kitchen: Menu) -> None:
    person = make_resident(establishment)
    set_diet(person, "vegetarian", reason="ethical")
    sign_in_resident(client, person)
    week = client.get(reverse("api:meals_next")).json()
    monday = kitchen.week_start.isoformat()
    assert week["week_start"] == monday
    assert week["open"] is True
    assert week["diet"] == ["vegetarian"]
    lunch = next(s for s in week["slots"] if s["slot"] == f"{monday}_lunch")
    assert [o["name"] for o in lunch["options"]] == ["Cheese pie", "Bean chilli"]
    assert lunch["default"] == option(kitchen, "Cheese pie").pk
    url = reverse("api:meals_choose", args=[monday])
    body = {"choices": {f"{monday}_lunch": option(kitchen, "Bean chilli").pk}, "idempotency_key": key()}
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["sent_at"] == again.json()["sent_at"]
    assert MealSheet.objects.count() == 1
    chosen = next(s for s in again.json()["slots"] if s["slot"] == f"{monday}_lunch")
    assert chosen["chosen"] == option(kitchen, "Bean chilli").pk
    beef = {"choices": {f"{monday}_lunch": option(kitchen, "Beef stew").pk}, "idempotency_key": key()}
    unsuitable = client.post(url, beef, content_type="application/json")
    assert unsuitable.status_code == 422
    assert unsuitable.json()["code"] == "diet"
    assert f"{monday}_lunch" in unsuitable.json()["fields"]
    closed_since_monday(establishment)
    late_body = {"choices": {f"{monday}_lunch": option(kitchen, "Cheese pie").pk}, "idempotency_key": key()}
    late = client.post(url, late_body, content_type="application/json")
    assert late.status_code == 409
    assert late.json()["code"] == "meals_closed"
    assert late.json()["fields"] == {f"{monday}_lunch": [late.json()["message"]]}
    assert MealSheet.objects.count() == 1


def test_api_kitchen_totals_for_staff(client: Client, establishment: Any, kitchen: Menu) -> None:
    make_resident(establishment, location=cell_in(establishment, "A"))
    make_resident(establishment, location=cell_in(establishment, "B"))
    sign_in_staff(client, make_staff("governor", [establishment]))
    data = client.get(reverse("api:kitchen"), {"week": kitchen.week_start.isoformat()}).json()
    assert data["people"] == 2
    assert data["wings"] == ["A", "B"]
    assert len(data["meals"]) == 21
    assert all(meal["total"] == 2 for meal in data["meals"])
    assert data["meals"][0]["rows"][0]["per_wing"] == {"A": 1, "B": 1}
    missing = client.get(reverse("api:kitchen"), {"week": "2020-01-06"})
    assert missing.status_code == 404
