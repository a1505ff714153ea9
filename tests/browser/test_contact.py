"""Contact with family in Chromium, in English and in Welsh: a family member signs up on a 360-px phone (the code
comes by email), books a visit with their approved contact and sees it booked; the resident sees the visit and
their contacts on the kiosk; security and visits staff use their pages. axe-core (0 serious or critical) on every
page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from tests.browser.support import (
    KIOSK_VIEWPORT,
    STAFF_VIEWPORT,
    axe_problems,
    guide_screenshot,
    set_device,
    set_language,
    sign_in_resident,
    sign_in_staff,
    submit,
    watch_errors,
)
from tests.factories import make_device, make_resident, make_staff
from throughgate.contact.tests.factories import approved_contact, next_weekday, session
from throughgate.contact.visits.models import Visit

pytestmark = pytest.mark.browser
PHONE_VIEWPORT = {"width": 360, "height": 740}
PASSWORD = "a long family password 1"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_family_member_signs_up_books_a_visit_and_the_resident_sees_it(
    language: str, new_context: Any, live_server: Any, establishment: Any
) -> None:
    person = make_resident(establishment, first_name="Sam", last_name="Jones")
    email = f"dana.{language}@example.org"
    contact = approved_contact(person, "Dana", "Jones", email=email)
    approved_contact(person, "Kit", "Jones")
    visiting = session(establishment, open_capacity=5, closed=1)
    day = next_weekday(visiting.weekday)
    context = new_context(viewport=PHONE_VIEWPORT, bypass_csp=True)
    set_language(context, live_server.url, language)
    page = watch_errors(context.new_page())
    problems: list[str] = []

    def check(where: str) -> None:
        problems.extend(axe_problems(page, where, language))
        # Nothing wider than the phone: no sideways scrolling at 360 px.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"], where

    def shot(name: str) -> None:
        guide_screenshot(page, f"contact-{name}", language)

    page.goto("/family/")
    check("family welcome")
    shot("family-welcome")
    page.locator('a[href="/family/sign-up/"]').first.click()
    page.wait_for_url("**/family/sign-up/")
    submit(page)  # empty: every field says what is missing
    assert page.locator(".govuk-error-summary").is_visible()
    check("family sign-up with errors")
    page.locator("#id_first_name").fill("Dana")
    page.locator("#id_last_name").fill("Jones")
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    submit(page)
    page.wait_for_url("**/family/confirm/")
    check("family confirm")
    shot("family-confirm")
    sent = [m for m in mail.outbox if email in m.to]
    assert len(sent) == 1
    code = re.search(r"\b(\d{6})\b", sent[0].body).group(1)  # type: ignore[union-attr]
    page.locator("#id_code").fill(code)
    submit(page)
    page.wait_for_url("**/family/home/")
    check("family home")
    shot("family-home")
    page.locator(f'[data-testid="book-{contact.pk}"]').click()
    page.wait_for_url(f"**/family/book/{contact.pk}/")
    check("family book")
    shot("family-book")
    page.locator(f'input[name="slot"][value="{visiting.pk}_{day.isoformat()}"]').check()
    page.locator('input[name="visitors"]').first.check()
    page.locator('input[name="kind"][value="open"]').check()
    submit(page)
    page.wait_for_url("**/family/visits/*/")
    assert page.locator(".govuk-panel--confirmation").is_visible()
    check("family visit booked")
    shot("family-visit")
    visit = Visit.objects.get()
    assert {c.first_name for c in visit.visitors.all()} == {"Dana", "Kit"}

    # The resident sees the visit on the kiosk, and their contacts.
    _device, token = make_device(establishment)
    kiosk_context = new_context(viewport=KIOSK_VIEWPORT, bypass_csp=True)
    set_device(kiosk_context, live_server.url, token)
    set_language(kiosk_context, live_server.url, language)
    kiosk = watch_errors(kiosk_context.new_page())
    sign_in_resident(kiosk, person)
    kiosk.locator('.tg-tile__link[href="/visits/"]').click()
    kiosk.wait_for_url("**/visits/")
    assert kiosk.locator('[data-testid="visit"]').count() == 1
    assert "Dana Jones" in kiosk.locator('[data-testid="visit"]').inner_text()
    problems.extend(axe_problems(kiosk, "resident visits", language))
    guide_screenshot(kiosk, "contact-resident-visits", language, full_page=False)
    kiosk.goto("/contacts/")
    assert kiosk.locator('[data-testid="contact-row"]').count() == 2
    problems.extend(axe_problems(kiosk, "resident contacts", language))
    guide_screenshot(kiosk, "contact-resident-contacts", language, full_page=False)
    kiosk.goto("/contacts/new/")
    problems.extend(axe_problems(kiosk, "resident asks for a contact", language))

    assert not problems, "\n".join(problems)
    assert not page.js_errors, page.js_errors
    assert not kiosk.js_errors, kiosk.js_errors


@pytest.mark.parametrize("language", ["en", "cy"])
def test_staff_pages_for_contacts_and_visits(
    language: str, new_context: Any, live_server: Any, establishment: Any
) -> None:
    person = make_resident(establishment, first_name="Sam", last_name="Jones")
    waiting = approved_contact(person, "Rowan", "Jones", approve=False)
    contact = approved_contact(person, "Dana", "Jones")
    visiting = session(establishment)
    context = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(context, live_server.url, language)
    page = watch_errors(context.new_page())
    problems: list[str] = []

    def visit(path: str, where: str, shot: str = "") -> None:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, f"{where}: {response.status}"
        problems.extend(axe_problems(page, where, language))
        if shot:
            guide_screenshot(page, f"contact-{shot}", language)

    sign_in_staff(page, make_staff("governor", [establishment], username=f"gov-{language}"))
    security_context = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(security_context, live_server.url, language)
    security = watch_errors(security_context.new_page())
    sign_in_staff(security, make_staff("security_it", [establishment], username=f"sec-{language}"))
    for path, where, shot in (
        ("/contacts/approvals/", "contact checks", "staff-approvals"),
        (f"/contacts/approvals/{waiting.pk}/", "check a contact", "staff-approval"),
        (f"/contacts/people/{person.prison_number}/", "contacts and restrictions", "staff-restrictions"),
    ):
        response = security.goto(path)
        assert response is not None
        assert response.status == 200, where
        problems.extend(axe_problems(security, where, language))
        guide_screenshot(security, f"contact-{shot}", language)
    security.goto(f"/contacts/approvals/{waiting.pk}/")
    security.locator('button[name="action"][value="refuse"]').click()
    security.wait_for_load_state()
    assert security.locator(".govuk-error-summary").is_visible()  # a refusal needs its reason
    problems.extend(axe_problems(security, "refuse without a reason", language))

    visit("/visits/sessions/", "visiting sessions", "staff-sessions")
    visit("/visits/sessions/new/", "add a visiting session")
    visit(f"/visits/book/{person.prison_number}/", "book for a person", "staff-book")
    page.locator(f'input[name="slot"][value="{visiting.pk}_{next_weekday(visiting.weekday).isoformat()}"]').check()
    page.locator(f'input[name="visitors"][value="{contact.pk}"]').check()
    submit(page)
    page.wait_for_url("**/visits/bookings/**")
    assert page.locator('[data-testid="visit-row"]').count() == 1
    problems.extend(axe_problems(page, "bookings", language))
    guide_screenshot(page, "contact-staff-bookings", language)
    visit("/visits/hall/", "visits hall", "staff-hall")
    assert not problems, "\n".join(problems)
    assert not page.js_errors, page.js_errors


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_resident_reads_a_released_message_and_replies(
    language: str, new_context: Any, live_server: Any, establishment: Any
) -> None:
    from throughgate.contact.messages import services as message_services
    from throughgate.contact.tests.factories import family_user, key, security

    person = make_resident(establishment, first_name="Sam", last_name="Jones")
    email = f"dana.msg.{language}@example.org"
    contact = approved_contact(person, "Dana", "Jones", email=email)
    family = family_user(email)
    message_services.rule_add(
        by=security(establishment), establishment=establishment, pattern="parcel", is_regex=False, reason="Drop-offs"
    )
    message_services.message_send(
        user=family, contact=contact, body="We miss you. See you soon.", idempotency_key=key()
    )
    message_services.message_send(
        user=family, contact=contact, body="The parcel is at the gate.", idempotency_key=key()
    )
    _device, token = make_device(establishment)
    context = new_context(viewport=KIOSK_VIEWPORT, bypass_csp=True)
    set_device(context, live_server.url, token)
    set_language(context, live_server.url, language)
    kiosk = watch_errors(context.new_page())
    problems: list[str] = []
    sign_in_resident(kiosk, person)
    kiosk.locator('.tg-tile__link[href="/messages/"]').click()
    kiosk.wait_for_url("**/messages/")
    assert kiosk.locator('[data-testid="message"]').count() == 1  # the held one is not there
    assert "parcel" not in kiosk.content()
    problems.extend(axe_problems(kiosk, "resident messages", language))
    guide_screenshot(kiosk, "contact-resident-messages", language, full_page=False)
    kiosk.locator('[data-testid="message"] a').click()
    kiosk.wait_for_url("**/messages/*/")
    assert "We miss you. See you soon." in kiosk.locator('[data-testid="message-body"]').inner_text()
    problems.extend(axe_problems(kiosk, "resident reads a message", language))
    guide_screenshot(kiosk, "contact-resident-message", language, full_page=False)
    kiosk.locator("#id_body").fill("Thank you. See you on Saturday.")
    submit(kiosk)
    kiosk.wait_for_url("**/messages/")
    replies = [m for m in mail.outbox if email in m.to and "Thank you. See you on Saturday." in m.body]
    assert len(replies) == 1

    # The family reads the reply on the family site at 360 px; security sees the held message.
    phone_context = new_context(viewport=PHONE_VIEWPORT, bypass_csp=True)
    set_language(phone_context, live_server.url, language)
    phone = watch_errors(phone_context.new_page())
    phone.goto("/family/sign-in/")
    phone.locator("#id_email").fill(email)
    phone.locator("#id_password").fill(PASSWORD)
    submit(phone)
    phone.locator(f'[data-testid="messages-{contact.pk}"]').click()
    phone.wait_for_url(f"**/family/messages/{contact.pk}/")
    assert "Thank you. See you on Saturday." in phone.content()
    problems.extend(axe_problems(phone, "family messages", language))
    guide_screenshot(phone, "contact-family-messages", language)
    staff_context = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(staff_context, live_server.url, language)
    staff = watch_errors(staff_context.new_page())
    sign_in_staff(staff, make_staff("security_it", [establishment], username=f"mod-{language}"))
    staff.goto("/messages/moderation/")
    problems.extend(axe_problems(staff, "message checks", language))
    guide_screenshot(staff, "contact-staff-moderation", language)
    staff.locator("main table a").first.click()
    staff.wait_for_url("**/messages/moderation/*/")
    problems.extend(axe_problems(staff, "check a message", language))
    assert not problems, "\n".join(problems)
    assert not kiosk.js_errors, kiosk.js_errors
    assert not phone.js_errors, phone.js_errors
