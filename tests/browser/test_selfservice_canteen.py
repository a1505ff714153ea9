"""Canteen in Chromium, in English and in Welsh: a resident at a kiosk sees their money, orders from the canteen
list, and sees the new balance. axe-core on every page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import (
    KIOSK_VIEWPORT,
    axe_problems,
    guide_screenshot,
    set_device,
    set_language,
    sign_in_resident,
    watch_errors,
)
from tests.factories import make_device, make_resident
from throughgate.selfservice import defaults
from throughgate.selfservice.money import services
from throughgate.selfservice.money.models import CanteenItem, CanteenOrder
from throughgate.selfservice.tests.factories import key

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "cy"])
def test_resident_orders_canteen_and_sees_the_new_balance(
    language: str, new_context: Any, live_server: Any, establishment: Any
) -> None:
    defaults.install_money_defaults(establishment=establishment)
    person = make_resident(establishment, first_name="Sam", last_name="Jones")
    services.money_credit(
        by=None, person=person, kind="spends", amount=2000, description="Wages", idempotency_key=key()
    )
    services.money_credit(
        by=None, person=person, kind="private_cash", amount=1000, description="Postal order", idempotency_key=key()
    )
    tea = CanteenItem.objects.get(establishment=establishment, code="tea")
    fruit = CanteenItem.objects.get(establishment=establishment, code="fruit")
    _device, token = make_device(establishment)
    context = new_context(viewport=KIOSK_VIEWPORT, bypass_csp=True)
    set_device(context, live_server.url, token)
    set_language(context, live_server.url, language)
    page = watch_errors(context.new_page())
    problems: list[str] = []

    def check(where: str) -> None:
        problems.extend(axe_problems(page, where))

    def shot(name: str) -> None:
        guide_screenshot(page, f"selfservice-{name}", language)

    sign_in_resident(page, person)
    assert page.locator(".tg-home-panel").first.inner_text().count("£20.00") == 1
    page.locator('.tg-tile__link[href="/selfservice/money/"]').click()
    page.wait_for_url("**/selfservice/money/")
    assert page.locator('[data-account="spends"]').inner_text() == "£20.00"
    check("my money")
    shot("money")
    page.locator('a[href="/selfservice/money/spends/"]').click()
    page.wait_for_url("**/selfservice/money/spends/")
    check("statement")

    page.goto("/selfservice/canteen/")
    assert page.locator("[data-tg-spends]").inner_text() == "£20.00"
    check("canteen")
    page.locator(f"#id_item_{tea.pk}").fill("2")
    page.locator(f"#id_item_{fruit.pk}").fill("1")
    shot("canteen")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".govuk-notification-banner--success").is_visible()
    assert page.locator("[data-tg-spends]").inner_text() == "£16.30"  # £20 - 2 x £1.25 - £1.20
    check("canteen order")
    shot("canteen-order")
    assert CanteenOrder.objects.count() == 1

    # The canteen page now counts this order against the week.
    page.locator('a[href="/selfservice/canteen/"]').click()
    page.wait_for_url("**/selfservice/canteen/")
    assert page.locator("[data-tg-spends]").inner_text() == "£16.30"

    page.goto("/")
    assert "£16.30" in page.locator(".tg-home-panel").first.inner_text()
    assert not problems, "\n".join(problems)
    assert page.js_errors == []
