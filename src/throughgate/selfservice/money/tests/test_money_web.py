"""Money and canteen pages: balances, moving money, ordering canteen once however often it is sent, the new balance,
and nobody else's money."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import make_resident, make_staff, sign_in_resident
from throughgate.selfservice import defaults
from throughgate.selfservice.money import services
from throughgate.selfservice.money.models import CanteenItem, CanteenOrder, LedgerEntry
from throughgate.selfservice.tests.factories import key

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(establishment: Any) -> Any:
    defaults.install_money_defaults(establishment=establishment)
    return establishment


def rich(shop: Any, pence: int = 2000, kind: str = "spends", **fields: Any) -> Any:
    person = make_resident(shop, **fields)
    services.money_credit(by=None, person=person, kind=kind, amount=pence, description="in", idempotency_key=key())
    return person


def _key_in(html: str) -> str:
    match = re.search(r'name="key" value="([A-Za-z0-9_-]+)"', html)
    assert match
    return match.group(1)


def test_balances_and_statement(client: Client, shop: Any) -> None:
    person = rich(shop, 1234)
    sign_in_resident(client, person)
    home = client.get(reverse("identity:home")).content.decode()
    assert "You have £12.34 to spend." in home
    page = client.get(reverse("selfservice:money")).content.decode()
    assert 'data-account="spends">£12.34' in page
    statement = client.get(reverse("selfservice:statement", args=["spends"]))
    assert statement.status_code == 200
    assert "£12.34" in statement.content.decode()
    assert client.get(reverse("selfservice:statement", args=["nonsense"])).status_code == 404


def test_moving_money_on_the_page(client: Client, shop: Any) -> None:
    person = rich(shop, 3000, "private_cash")
    sign_in_resident(client, person)
    form = client.get(reverse("selfservice:money")).content.decode()
    data = {"key": _key_in(form), "move": "private_cash>spends", "amount": "7.50"}
    first = client.post(reverse("selfservice:money"), data)
    again = client.post(reverse("selfservice:money"), data)  # a double tap
    assert first.status_code == again.status_code == 302
    assert LedgerEntry.objects.filter(kind="transfer_out").count() == 1
    page = client.get(reverse("selfservice:money")).content.decode()
    assert 'data-account="spends">£7.50' in page
    # Savings to spends is not offered to residents, and a made-up move is refused.
    assert "savings&gt;spends" not in page
    assert 'value="savings>spends"' not in page
    refused = client.post(reverse("selfservice:money"), {**data, "key": key(), "move": "savings>spends"})
    assert refused.status_code == 400
    too_much = client.post(reverse("selfservice:money"), {**data, "key": key(), "amount": "13.00"})
    assert too_much.status_code == 409
    assert "£12.50 more this week" in too_much.content.decode()


def test_ordering_canteen_once_and_seeing_the_new_balance(client: Client, shop: Any) -> None:
    person = rich(shop, 2000)
    sign_in_resident(client, person)
    tea = CanteenItem.objects.get(establishment=shop, code="tea")
    noodles = CanteenItem.objects.get(establishment=shop, code="noodles")
    page = client.get(reverse("selfservice:canteen"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Tea bags (40)" in body
    data = {"key": _key_in(body), f"item_{tea.pk}": "2", f"item_{noodles.pk}": "3"}
    first = client.post(reverse("selfservice:canteen"), data)
    again = client.post(reverse("selfservice:canteen"), data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert CanteenOrder.objects.count() == 1
    order_page = client.get(first["Location"]).content.decode()
    assert "Your canteen order has been sent." in order_page
    assert "£3.85" in order_page  # 2 x £1.25 + 3 x £0.45
    assert "data-tg-spends>£16.15" in order_page


def test_canteen_refusals_say_why(client: Client, shop: Any) -> None:
    person = rich(shop, 5000, incentive_level="Basic")
    sign_in_resident(client, person)
    stamps = CanteenItem.objects.get(establishment=shop, code="stamps")
    over = client.post(reverse("selfservice:canteen"), {"key": key(), f"item_{stamps.pk}": "3"})
    assert over.status_code == 409
    assert "You can spend £10.00 more this week" in over.content.decode()
    empty = client.post(reverse("selfservice:canteen"), {"key": key()})
    assert empty.status_code == 422
    assert "Choose at least one thing to buy." in empty.content.decode()
    silly = client.post(reverse("selfservice:canteen"), {"key": key(), f"item_{stamps.pk}": "many"})
    assert silly.status_code == 400
    assert CanteenOrder.objects.count() == 0


def test_nobody_elses_order_or_money(client: Client, shop: Any) -> None:
    mine, theirs = rich(shop), rich(shop)
    tea = CanteenItem.objects.get(establishment=shop, code="tea")
    order = services.canteen_order_place(user=theirs.user, quantities={tea.pk: 1}, idempotency_key=key()).order
    sign_in_resident(client, mine)
    assert client.get(reverse("selfservice:canteen_order", args=[order.pk])).status_code == 404
    assert client.get(reverse("api:canteen_order", args=[order.pk])).status_code == 404
    officer = make_staff("wing_officer", [shop])
    from tests.factories import sign_in_staff

    staff = sign_in_staff(Client(), officer)
    assert staff.get(reverse("selfservice:canteen")).status_code == 403


def test_the_in_cell_app_orders_canteen(client: Client, shop: Any) -> None:
    person = rich(shop, 2000)
    sign_in_resident(client, person)
    canteen = client.get(reverse("api:canteen")).json()
    tea = next(i for i in canteen["items"] if i["code"] == "tea")
    payload = {"items": {str(tea["id"]): 2}, "idempotency_key": key()}
    first = client.post(reverse("api:canteen"), payload, content_type="application/json")
    second = client.post(reverse("api:canteen"), payload, content_type="application/json")
    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    balances = client.get(reverse("api:money")).json()
    assert {b["kind"]: b["pence"] for b in balances}["spends"] == 2000 - 250
    statement = client.get(reverse("api:statement", args=["spends"])).json()
    assert [e["amount"] for e in statement] == [-250, 2000]
    over = client.post(
        reverse("api:canteen"),
        {"items": {str(tea["id"]): 20}, "idempotency_key": key()},
        content_type="application/json",
    )
    assert over.status_code == 409
    assert over.json()["code"] in {"weekly_limit", "insufficient_funds"}


def test_canteen_staff_deliver_and_refund_from_the_page(client: Client, shop: Any) -> None:
    from tests.factories import sign_in_staff

    person = rich(shop, 2000)
    tea = CanteenItem.objects.get(establishment=shop, code="tea")
    fruit = CanteenItem.objects.get(establishment=shop, code="fruit")
    order = services.canteen_order_place(
        user=person.user, quantities={tea.pk: 1, fruit.pk: 1}, idempotency_key=key()
    ).order
    canteen = make_staff("governor", [shop])
    sign_in_staff(client, canteen)
    page = client.get(reverse("selfservice:canteen_deliveries"))
    assert page.status_code == 200
    assert person.prison_number in page.content.decode()
    done = client.post(reverse("selfservice:canteen_deliver", args=[order.pk]), {"unavailable": [fruit.pk]})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == "DELIVERED"
    assert order.refunded == 120
    assert "Refunded: £1.20" in client.get(done["Location"]).content.decode()
    # Staff of another prison cannot deliver it.
    other = make_staff("governor", [])
    assert (
        sign_in_staff(Client(), other).post(reverse("selfservice:canteen_deliver", args=[order.pk])).status_code == 404
    )


def test_the_home_page_shows_what_is_true_now_for_each_person(client: Client, shop: Any) -> None:
    """The home page's content is rendered once per value it shows ({% memo %}): a new balance, a new name, or
    another person must each show their own figures, never a kept rendering of someone else's."""
    first = rich(shop, 1234, first_name="Ash")
    second = rich(shop, 1234, first_name="Bryn")
    sign_in_resident(client, first)
    home = client.get(reverse("identity:home")).content.decode()
    assert "Hello, Ash" in home
    assert "You have £12.34 to spend." in home
    services.money_credit(by=None, person=first, kind="spends", amount=100, description="in", idempotency_key=key())
    home = client.get(reverse("identity:home")).content.decode()
    assert "You have £13.34 to spend." in home
    first.user.first_name = "Ashley"
    first.user.save(update_fields=["first_name"])
    assert "Hello, Ashley" in client.get(reverse("identity:home")).content.decode()
    client.logout()
    other = Client()
    sign_in_resident(other, second)
    home = other.get(reverse("identity:home")).content.decode()
    assert "Hello, Bryn" in home
    assert "You have £12.34 to spend." in home
    assert "Ash" not in home


def test_the_kept_home_page_carries_each_sessions_own_csrf_token_and_its_messages(shop: Any) -> None:
    """The whole resident home page is kept once rendered (identity/home_resident_page.html). Two kiosk sessions of one
    person get the same page, each with a CSRF token its own sign-out accepts; Welsh is its own page; a page with a
    message shows it, and the next one does not."""
    person = rich(shop, 500, first_name="Cai")
    home, logout = reverse("identity:home"), reverse("identity:logout")
    sessions = []
    for _ in range(2):
        browser = sign_in_resident(Client(enforce_csrf_checks=True), person)
        html = browser.get(home).content.decode()
        assert "Hello, Cai" in html
        assert "You have £5.00 to spend." in html
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="(\w+)"', html))
        assert len(tokens) == 1, tokens  # one token for every form on the page
        sessions.append((browser, tokens.pop(), html))
    (first, first_token, first_html), (second, second_token, second_html) = sessions
    assert first_token != second_token
    assert first_html.replace(first_token, "") == second_html.replace(second_token, "")  # the same kept page
    first.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    welsh = first.get(home).content.decode()
    assert 'lang="cy"' in welsh
    assert "Hello, Cai" not in welsh
    first.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse
    from django.test import RequestFactory

    storage, carrier = CookieStorage(RequestFactory().get(home)), HttpResponse()
    storage.add(constants.SUCCESS, "Your app was sent.")
    storage.update(carrier)
    first.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value
    assert "Your app was sent." in first.get(home).content.decode()
    assert "Your app was sent." not in first.get(home).content.decode()
    for browser, token in ((first, first_token), (second, second_token)):
        assert browser.post(logout, {"csrfmiddlewaretoken": token}).status_code == 302
