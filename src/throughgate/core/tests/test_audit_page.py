"""The audit log search page: who may use it, what it finds, and that searching is itself audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

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
