"""Meals pages read easily for residents (Flesch reading ease at least 70) and are all Welsh when the person or the
member of staff chooses Welsh."""

from __future__ import annotations

from typing import Any

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import cell_in, make_resident, make_staff, sign_in_resident, sign_in_staff
from tests.test_readability import (  # noqa: F401  (the fixture patches syllable counting)
    MINIMUM_READING_EASE,
    _syllables_from_pyphen,
    main_text,
    reading_ease,
)
from throughgate.core.tests.test_translations import WELSH_PO, assert_welsh
from throughgate.demo import meals as demo
from throughgate.selfservice.meals.models import Menu, MenuOption, MenuStatus
from throughgate.selfservice.meals.tests.factories import (
    closed_since_monday,
    next_monday,
    open_until_sunday,
    set_diet,
    slot,
)
from throughgate.selfservice.tests.factories import key

pytestmark = pytest.mark.django_db


def standard_menu(establishment: Any, *, published: bool = True) -> Menu:
    """Next week's menu with the demo's dishes (English and Welsh names)."""
    from django.utils import timezone

    menu = Menu.objects.create(
        establishment=establishment,
        week_start=next_monday(),
        status=MenuStatus.PUBLISHED if published else MenuStatus.DRAFT,
        published_at=timezone.now() if published else None,
    )
    MenuOption.objects.bulk_create(demo.fill_menu(menu))
    return menu


def _first(menu: Menu, meal: str = "lunch") -> MenuOption:
    return MenuOption.objects.filter(menu=menu, day=menu.week_start, meal=meal).order_by("order").first()  # type: ignore[return-value]


def resident_pages(client: Client, establishment: Any) -> dict[str, Any]:
    person = make_resident(establishment, prison_number="A1234BC", first_name="Sam", last_name="Jones")
    set_diet(person, "halal")
    sign_in_resident(client, person)
    nothing = client.get(reverse("selfservice:meals"))
    open_until_sunday(establishment)
    menu = standard_menu(establishment)
    pages = {"meals, no menu yet": nothing, "meals": client.get(reverse("selfservice:meals"))}
    chosen = client.post(
        reverse("selfservice:meals"), {"key": key(), f"meal_{slot(menu.week_start)}": str(_first(menu).pk)}, follow=True
    )
    pages["my meals, just sent"] = chosen
    pages["meals, after sending"] = client.get(reverse("selfservice:meals"))
    closed_since_monday(establishment)
    pages["meals, a late change"] = client.post(
        reverse("selfservice:meals"),
        {"key": key(), f"meal_{slot(menu.week_start, 'dinner')}": str(_first(menu, "dinner").pk)},
    )
    pages["meals, closed"] = client.get(reverse("selfservice:meals"))
    pages["my meals, closed"] = client.get(reverse("selfservice:meal_week", args=[menu.week_start.isoformat()]))
    return pages


def test_resident_meal_pages_are_easy_to_read(client: Client, establishment: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    failures = []
    pages = resident_pages(client, establishment)
    assert pages["meals, a late change"].status_code == 409
    for name, response in pages.items():
        assert response.status_code in (200, 409), name
        html = response.content.decode()
        assert "tg-layout-kiosk" in html, name
        text = main_text(html)
        score = reading_ease(text)
        print(f"\nFlesch reading ease {score:5.1f}  {name}: {text[:300]}")
        if score < MINIMUM_READING_EASE:
            failures.append(f"{name} scores {score:.1f}: {text}")
    assert not failures, "\n".join(failures)


def test_resident_meal_pages_in_welsh(client: Client, establishment: Any) -> None:
    welsh = polib.pofile(str(WELSH_PO))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    pages = resident_pages(client, establishment)
    for name, response in pages.items():
        assert_welsh(response.content.decode(), name, welsh)
    assert "Cyri cyw iâr halal gyda reis" in pages["meals"].content.decode()
    assert "Mae'n rhy hwyr i newid hyn." in pages["meals, a late change"].content.decode().replace("&#x27;", "'")


def test_staff_meal_pages_in_welsh(client: Client, establishment: Any) -> None:
    welsh = polib.pofile(str(WELSH_PO))
    person = make_resident(establishment, location=cell_in(establishment, "A"))
    set_diet(person, "vegan", "diabetic", reason="medical")
    menu = standard_menu(establishment)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    sign_in_staff(client, make_staff("governor", [establishment]))
    add = reverse("selfservice:menu_action", args=[menu.pk, "add"])
    pages = {
        "menus": client.get(reverse("selfservice:menus")),
        "menus, errors": client.post(reverse("selfservice:menu_new"), {"week_start": ""}),
        "a menu": client.get(reverse("selfservice:menu", args=[menu.pk])),
        "a menu, errors": client.post(add, {"meal": "", "name": ""}),
        "kitchen totals": client.get(reverse("selfservice:kitchen"), {"week": menu.week_start.isoformat()}),
        "diets": client.get(reverse("selfservice:diets")),
        "a diet": client.get(reverse("selfservice:diet", args=[person.prison_number])),
        "a diet, errors": client.post(reverse("selfservice:diet", args=[person.prison_number]), {"needs": ["halal"]}),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        assert_welsh(response.content.decode(), name, welsh)
    assert "Cyfansymiau'r gegin" in pages["kitchen totals"].content.decode().replace("&#x27;", "'")
