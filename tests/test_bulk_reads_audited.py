"""Staff lists that show people's own words in bulk (apps, complaints) leave one audit row per read, with how many
rows were shown and the prison (issue 15, finding 7: the API apps queue returned 50 apps with health texts and wrote
no audit row)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_resident, make_staff, sign_in_staff
from throughgate.core.models import AuditEntry
from throughgate.selfservice import events
from throughgate.selfservice.complaints import services as complaint_services
from throughgate.selfservice.tests.factories import key, raise_app, staff_in

pytestmark = pytest.mark.django_db


def _queue_rows(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


@pytest.fixture
def healthcare_apps(establishment: Any) -> Any:
    for _ in range(3):
        raise_app(make_resident(establishment), code="doctor", body="My tooth hurts and I cannot eat.")
    return staff_in(establishment, "healthcare", role="healthcare")


@pytest.mark.parametrize("name", ["api:queue", "selfservice:queue"])
def test_reading_an_apps_queue_is_audited_with_the_count(
    client: Client, establishment: Any, healthcare_apps: Any, name: str
) -> None:
    sign_in_staff(client, healthcare_apps)
    response = client.get(reverse(name))
    assert response.status_code == 200
    (row,) = _queue_rows(events.APP_QUEUE_VIEWED)
    assert row.actor_id == healthcare_apps.pk
    assert row.establishment == establishment.code
    assert row.detail["count"] == 3
    assert row.detail["establishment"] == establishment.code


@pytest.mark.parametrize("name", ["api:complaint_queue", "selfservice:complaint_queue"])
def test_reading_the_complaints_queue_is_audited_with_the_count(client: Client, establishment: Any, name: str) -> None:
    for stage in ("COMP1", "COMP2"):
        person = make_resident(establishment)
        complaint_services.complaint_submit(
            user=person.user, stage=stage, body="My letter was opened.", idempotency_key=key()
        )
    governor = make_staff("governor", [establishment])
    sign_in_staff(client, governor)
    assert client.get(reverse(name)).status_code == 200
    (row,) = _queue_rows(events.COMPLAINT_QUEUE_VIEWED)
    assert row.actor_id == governor.pk
    assert row.establishment == establishment.code
    assert row.detail["count"] == 2
