"""The audit log search page: who may use it, what it finds, and that searching is itself audited."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import PersonFactory, make_staff, sign_in_staff
from throughgate.core import audit
from throughgate.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_security_staff_find_who_opened_a_record(client: Client, establishment: Any) -> None:
    person = PersonFactory(establishment=establishment)
    officer = make_staff("wing_officer", [establishment], username="nosy.officer")
    viewer = Client()
    sign_in_staff(viewer, officer)
    viewer.get(reverse("people:detail", args=[person.prison_number]), {"purpose": "welfare_check"})

    sign_in_staff(client, make_staff("security_it", [establishment]))
    response = client.get(reverse("core:audit"), {"subject": person.prison_number.lower()})
    assert response.status_code == 200
    entries = list(response.context["page"].object_list)
    assert [(e.actor_username, e.action, e.purpose) for e in entries] == [
        ("nosy.officer", "people.record.viewed", "welfare_check")
    ]
    assert AuditEntry.objects.filter(action=audit.AUDIT_SEARCHED).count() == 1


def test_wing_officers_cannot_search_the_audit_log(client: Client, establishment: Any) -> None:
    sign_in_staff(client, make_staff("wing_officer", [establishment]))
    assert client.get(reverse("core:audit")).status_code == 403


def test_a_bad_date_range_is_explained_next_to_the_field(client: Client, establishment: Any) -> None:
    sign_in_staff(client, make_staff("governor", [establishment]))
    response = client.get(reverse("core:audit"), {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert response.status_code == 400
    assert "The to date must be the same as or after the from date" in response.content.decode()
    nonsense = client.get(reverse("core:audit"), {"date_from": "yesterday-ish"})
    assert nonsense.status_code == 400
    assert 'id="id_date_from-error"' in nonsense.content.decode()


def test_unregistered_audit_actions_are_refused() -> None:
    with pytest.raises(ValueError, match="Unregistered audit action"):
        audit.record(action="made.up.action")


def _action_options(body: str) -> list[tuple[str, str]]:
    select = body.split('name="action"', 1)[1].split("</select>", 1)[0]
    return [
        (code, html.unescape(label))
        for code, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    ]


def test_results_show_the_description_with_the_code_beneath(client: Client, establishment: Any) -> None:
    audit.record(action=audit.LOGIN_FAILED, subject="A1234BC", establishment="MDI")
    sign_in_staff(client, make_staff("security_it", [establishment]))
    body = client.get(reverse("core:audit"), {"subject": "A1234BC"}).content.decode()
    assert 'Failed sign-in attempt<br><code class="tg-small">identity.login.failed</code>' in body


def test_an_action_no_longer_registered_shows_its_code_alone(client: Client, establishment: Any) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(audit.ACTIONS, "identity.login.renamed_long_ago", "Since renamed")
        audit.record(action="identity.login.renamed_long_ago", subject="A1234BC", establishment="MDI")
    sign_in_staff(client, make_staff("security_it", [establishment]))
    response = client.get(reverse("core:audit"), {"subject": "A1234BC"})
    assert response.status_code == 200
    assert '<td class="govuk-table__cell"><code>identity.login.renamed_long_ago</code>' in re.sub(
        r"\s+(?=<)", "", response.content.decode()
    )


def test_a_plain_english_description_still_works(
    client: Client, establishment: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(audit.ACTIONS, "test.plain", "Did a plain thing")
    audit.record(action="test.plain", subject="A1234BC", establishment="MDI")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    sign_in_staff(client, make_staff("security_it", [establishment]))
    response = client.get(reverse("core:audit"), {"subject": "A1234BC", "action": "test.plain"})
    assert response.status_code == 200
    assert ("test.plain", "Did a plain thing") in _action_options(response.content.decode())
    assert 'Did a plain thing<br><code class="tg-small">test.plain</code>' in response.content.decode()


def test_the_audit_page_in_welsh_describes_actions_in_welsh(client: Client, establishment: Any) -> None:
    audit.record(action=audit.LOGIN_FAILED, subject="A1234BC", establishment="MDI")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    sign_in_staff(client, make_staff("security_it", [establishment]))
    response = client.get(reverse("core:audit"), {"subject": "A1234BC"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'Ymgais i fewngofnodi a fethodd<br><code class="tg-small">identity.login.failed</code>' in body
    assert "Failed sign-in attempt" not in body

    options = _action_options(body)
    assert ("identity.login.failed", "Ymgais i fewngofnodi a fethodd") in options
    assert (audit.AUDIT_SEARCHED, "Wedi chwilio’r log archwilio") in options
    # Sorted as they read in Welsh, after "any action".
    assert options[0][0] == ""
    assert [label for _code, label in options[1:]] == sorted((label for _code, label in options[1:]), key=str.casefold)
    # No description registered for translation is left in English (access's plain ones are, until it turns them).
    with translation.override("en"):
        english = {str(text) for text in audit.ACTIONS.values() if not isinstance(text, str)}
    with translation.override("cy"):
        welsh = {str(text) for text in audit.ACTIONS.values() if not isinstance(text, str)}
    shown = {label for _code, label in options}
    assert not (english - welsh) & shown


def test_the_audit_search_shows_only_the_viewers_prison(client: Client, establishment: Any) -> None:
    """Security staff and governors of one prison never see another prison's rows, whatever they search for."""
    from tests.factories import EstablishmentFactory

    leeds = EstablishmentFactory(code="LEI", name="HMP Leeds Demo")
    theirs = PersonFactory(establishment=leeds)
    ours = PersonFactory(establishment=establishment)
    for place, person, username in ((leeds, theirs, "governor.lei"), (establishment, ours, "officer.mdi")):
        viewer = Client()
        sign_in_staff(viewer, make_staff("governor", [place], username=username))
        assert (
            viewer.get(reverse("people:detail", args=[person.prison_number]), {"purpose": "welfare_check"}).status_code
            == 200
        )
    assert AuditEntry.objects.get(subject=theirs.prison_number, action="people.record.viewed").establishment == "LEI"

    for role in ("security_it", "governor"):
        searcher = Client()
        sign_in_staff(searcher, make_staff(role, [establishment]))
        for query in ({"subject": theirs.prison_number}, {"actor": "governor.lei"}, {"action": "people.record.viewed"}):
            found = list(searcher.get(reverse("core:audit"), query).context["page"].object_list)
            assert theirs.prison_number not in {entry.subject for entry in found}, (role, query)
            assert "governor.lei" not in {entry.actor_username for entry in found}, (role, query)
        mine = searcher.get(reverse("core:audit"), {"subject": ours.prison_number}).context["page"].object_list
        assert [entry.actor_username for entry in mine] == ["officer.mdi"]


def test_rows_written_outside_a_request_belong_to_their_records_prison(establishment: Any) -> None:
    person = PersonFactory(establishment=establishment)
    entry = audit.record(action=audit.ACTIVITY_IMPORTED, obj=person)
    assert entry.establishment == "MDI"
    assert audit.record(action=audit.ACTIVITY_IMPORTED).establishment == ""
