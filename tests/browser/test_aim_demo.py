"""AIM in the demo estate, in a real browser: after `demo_estate` (a small one), the safer custody officer signs in
with the demo's password and code and finds red and amber flags with their reasons on the daily list, in English
and in Welsh; axe-core finds no serious or critical violation; no JavaScript errors or failed assets."""

from __future__ import annotations

from io import StringIO
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.browser.support import (
    STAFF_VIEWPORT,
    current_code,
    describe,
    run_axe,
    set_language,
    submit,
    watch_errors,
)
from throughgate.demo import estate as people_demo
from throughgate.identity.models import User
from throughgate.welfare.models import Colour, Flag
from throughgate.welfare.reasons import reason_text

pytestmark = pytest.mark.browser

# One prison of 150 people, 60 days (seed 4): on the last day the list has red and amber flags.
DEMO_ARGS = ("--prisons", "1", "--people", "150", "--days", "60", "--seed", "4", "--end-date", "2026-03-31")


@pytest.fixture
def demo_estate(transactional_db: Any) -> list[Flag]:
    call_command("demo_estate", *DEMO_ARGS, "--no-progress", stdout=StringIO())
    last = Flag.objects.order_by("-as_of").first()
    assert last is not None
    alerts = list(Flag.objects.filter(as_of=last.as_of, colour__in=[Colour.RED, Colour.AMBER]).select_related("person"))
    assert {flag.colour for flag in alerts} == {Colour.RED, Colour.AMBER}
    return alerts


def sign_in_demo_staff(page: Any, username: str) -> None:
    """The demo's password, then the code of the demo's authenticator, through the real pages."""
    page.goto("/sign-in/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(people_demo.DEMO_PASSWORD)
    submit(page)
    page.locator("#id_token").fill(current_code(User.objects.get(username=username)))
    response = submit(page)
    assert response.status == 200, f"sign-in for {username} ended on {page.url} ({response.status})"
    assert urlparse(page.url).path == "/", page.url


def test_the_safer_custody_officer_sees_red_and_amber_flags_with_reasons(
    new_context: Any, live_server: Any, demo_estate: list[Flag]
) -> None:
    context = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    page = watch_errors(context.new_page())
    sign_in_demo_staff(page, "safercustody.mdi")
    problems: list[str] = []
    for language in ("en", "cy"):
        set_language(context, live_server.url, language)
        response = page.goto(reverse("welfare:daily"))
        assert response is not None
        assert response.status == 200
        assert page.locator("html").get_attribute("lang") == language
        rows = page.locator("table.govuk-table tbody tr")
        assert rows.locator(".govuk-tag--red").count() >= 1, f"[{language}] no red flag on the list"
        assert rows.locator(".govuk-tag--orange").count() >= 1, f"[{language}] no amber flag on the list"
        with translation.override(language):
            for flag in demo_estate:
                row = rows.filter(has_text=flag.person.prison_number)
                assert row.count() == 1, f"[{language}] {flag.person.prison_number} is not on the list"
                tag = ".govuk-tag--red" if flag.colour == Colour.RED else ".govuk-tag--orange"
                assert row.locator(tag).count() == 1
                shown = row.locator("td ul li").all_inner_texts()
                assert shown == [reason_text(reason) for reason in flag.reasons[:3]], (language, shown)
        problems += [f"[{language}] daily list: {line}" for line in describe(run_axe(page))]
    assert not problems, "\n".join(problems)
    assert not page.js_errors, page.js_errors
