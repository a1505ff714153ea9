"""Resident app pages read easily (Flesch reading ease at least 70, as core's test measures it) and every new page
is all Welsh when the person chooses Welsh."""

from __future__ import annotations

from typing import Any

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import make_resident, sign_in_resident, sign_in_staff
from tests.test_readability import (  # noqa: F401  (the fixture patches syllable counting)
    MINIMUM_READING_EASE,
    _syllables_from_pyphen,
    main_text,
    reading_ease,
)
from throughgate.core.tests.test_translations import WELSH_PO, assert_welsh
from throughgate.selfservice import defaults
from throughgate.selfservice.applications import services
from throughgate.selfservice.complaints import services as complaint_services
from throughgate.selfservice.money import services as money
from throughgate.selfservice.money.models import CanteenItem
from throughgate.selfservice.tests.factories import app_type, key, raise_app, staff_in

pytestmark = pytest.mark.django_db


# What people write is shown as they wrote it: on the Welsh pages, they wrote in Welsh.
WRITTEN = {
    "en": ("Can I have a new kettle?", "We are looking.", "Yes. You will get it on Friday.", "My tooth hurts."),
    "cy": (
        "Ga i degell newydd?",
        "Rydyn ni’n edrych.",
        "Cewch. Bydd e gyda chi ddydd Gwener.",
        "Mae fy nant yn brifo.",
    ),
}


def _resident_with_history(establishment: Any, language: str = "en") -> tuple[Any, Any]:
    body, comment, reply, other = WRITTEN[language]
    person = make_resident(establishment, prison_number="A1234BC", first_name="Sam", last_name="Jones")
    officer = staff_in(establishment, "wing")
    answered = raise_app(person, "wing", body=body)
    services.app_comment(app=answered, by=officer, text=comment, shared=True)
    services.app_forward(app=answered, by=officer, department=app_type(establishment, "money").department)
    services.app_respond(
        app=answered,
        by=staff_in(establishment, "finance"),
        decision="APPROVED",
        reply=reply,
    )
    raise_app(person, "doctor", body=other)
    return person, answered


def _money(person: Any, establishment: Any) -> Any:
    """Money in, a move, and a canteen order, so every money page has something on it."""
    defaults.install_money_defaults(establishment=establishment)
    money.money_credit(
        by=None, person=person, kind="private_cash", amount=3000, description="in", idempotency_key=key()
    )
    money.money_transfer(
        by=person.user, person=person, from_kind="private_cash", to_kind="spends", amount=1500, idempotency_key=key()
    )
    tea = CanteenItem.objects.get(establishment=establishment, code="tea")
    return money.canteen_order_place(user=person.user, quantities={tea.pk: 2}, idempotency_key=key()).order


def resident_pages(client: Client, establishment: Any, language: str = "en") -> dict[str, Any]:
    person, answered = _resident_with_history(establishment, language)
    order = _money(person, establishment)
    sign_in_resident(client, person)
    stamps = CanteenItem.objects.get(establishment=establishment, code="stamps")
    complaint = complaint_services.complaint_submit(
        user=person.user, stage="COMP1", body=WRITTEN[language][0], idempotency_key=key()
    ).complaint
    complaint = complaint_services.complaint_answer(
        by=staff_in(establishment, "wing"), complaint=complaint, reply=WRITTEN[language][2]
    )
    waiting = complaint_services.complaint_submit(
        user=person.user, stage="COMP2", body=WRITTEN[language][3], idempotency_key=key()
    ).complaint
    doctor = app_type(establishment, "doctor")
    wing = app_type(establishment, "wing")
    return {
        "home with open apps": client.get(reverse("identity:home")),
        "my apps": client.get(reverse("selfservice:my_apps")),
        "choose a kind of app": client.get(reverse("selfservice:app_new")),
        "write an app": client.get(reverse("selfservice:app_write", args=[wing.pk])),
        "write an app, with errors": client.post(
            reverse("selfservice:app_write", args=[wing.pk]), {"key": key(), "body": ""}
        ),
        "one waiting already": client.post(
            reverse("selfservice:app_write", args=[doctor.pk]), {"key": key(), "body": "Again"}
        ),
        "an answered app": client.get(reverse("selfservice:my_app", args=[answered.pk])),
        "my money": client.get(reverse("selfservice:money")),
        "move money, with errors": client.post(reverse("selfservice:money"), {"key": key(), "amount": "lots"}),
        "statement": client.get(reverse("selfservice:statement", args=["spends"])),
        "canteen": client.get(reverse("selfservice:canteen")),
        "canteen, over the limit": client.post(
            reverse("selfservice:canteen"), {"key": key(), f"item_{stamps.pk}": "9"}
        ),
        "a canteen order": client.get(reverse("selfservice:canteen_order", args=[order.pk])),
        "my complaints": client.get(reverse("selfservice:my_complaints")),
        "make a complaint": client.get(reverse("selfservice:complaint_new")),
        "make a complaint, with errors": client.post(reverse("selfservice:complaint_new"), {"key": key()}),
        "an answered complaint": client.get(reverse("selfservice:my_complaint", args=[complaint.pk])),
        "a complaint waiting": client.get(reverse("selfservice:my_complaint", args=[waiting.pk])),
    }


def test_resident_app_pages_are_easy_to_read(client: Client, establishment: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    failures = []
    for name, response in resident_pages(client, establishment).items():
        assert response.status_code in (200, 400, 409, 422), name
        html = response.content.decode()
        assert "tg-layout-kiosk" in html, name
        text = main_text(html)
        score = reading_ease(text)
        print(f"\nFlesch reading ease {score:5.1f}  {name}: {text}")
        if score < MINIMUM_READING_EASE:
            failures.append(f"{name} scores {score:.1f}: {text}")
    assert not failures, "\n".join(failures)


def test_resident_app_pages_in_welsh(client: Client, establishment: Any) -> None:
    welsh = polib.pofile(str(WELSH_PO))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    pages = resident_pages(client, establishment, "cy")
    for name, response in pages.items():
        assert_welsh(response.content.decode(), name, welsh)
    assert "Gweld meddyg neu nyrs" in pages["choose a kind of app"].content.decode()
    assert "Mae eich cais wedi’i anfon." not in pages["my apps"].content.decode()


def test_staff_app_pages_in_welsh(client: Client, establishment: Any) -> None:
    welsh = polib.pofile(str(WELSH_PO))
    person, _answered = _resident_with_history(establishment, "cy")
    open_app = raise_app(person, "wing", body="Un arall")
    officer = staff_in(establishment, "wing")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    sign_in_staff(client, officer)
    pages = {
        "queue": client.get(reverse("selfservice:queue")),
        "queue, filtered": client.get(reverse("selfservice:queue"), {"status": "all", "overdue": "on"}),
        "an app": client.get(reverse("selfservice:staff_app", args=[open_app.pk])),
        "an answer with errors": client.post(
            reverse("selfservice:staff_app_action", args=[open_app.pk, "respond"]), {"key": key()}
        ),
        "history": client.get(reverse("selfservice:person_history", args=[person.prison_number])),
        "complaints to answer": client.get(reverse("selfservice:complaint_queue")),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        assert_welsh(response.content.decode(), name, welsh)


def test_canteen_deliveries_page_in_welsh(client: Client, establishment: Any) -> None:
    from tests.factories import make_staff

    welsh = polib.pofile(str(WELSH_PO))
    person = make_resident(establishment, first_name="Sam", last_name="Jones")
    _money(person, establishment)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    sign_in_staff(client, make_staff("governor", [establishment]))
    page = client.get(reverse("selfservice:canteen_deliveries"))
    assert page.status_code == 200
    assert_welsh(page.content.decode(), "canteen deliveries", welsh)
    assert "Bagiau te (40)" in page.content.decode()
