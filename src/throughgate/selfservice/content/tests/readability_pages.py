"""Resident pages of the content library and notices, for tests/test_readability.py: each makes what the page shows
(through the services), signs the same resident in, and returns the page's HTML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.factories import make_resident, make_staff, sign_in_resident
from throughgate.selfservice.content import services
from throughgate.selfservice.content.tests.factories import article, notice, pdf_upload, recording


def _resident(establishment: Any) -> Any:
    return make_resident(establishment, prison_number="A1234BC", first_name="Sam", last_name="Jones")


def _get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content.decode()


def _library(client: Client, establishment: Any) -> str:
    educator = make_staff("education", [establishment])
    article(educator, establishment)
    services.content_add(
        by=educator,
        establishment=establishment,
        new=services.NewContent(kind="pdf", category="faith", title="Chapel times", file=pdf_upload()),
    )
    person = _resident(establishment)
    recording(educator, establishment, members=[person.prison_number])
    sign_in_resident(client, person)
    return _get(client, reverse("selfservice:content_library"))


def _article(client: Client, establishment: Any) -> str:
    item = article(make_staff("education", [establishment]), establishment)
    sign_in_resident(client, _resident(establishment))
    return _get(client, reverse("selfservice:content_item", args=[item.pk]))


def _pdf(client: Client, establishment: Any) -> str:
    item = services.content_add(
        by=make_staff("education", [establishment]),
        establishment=establishment,
        new=services.NewContent(kind="pdf", category="faith", title="Chapel times", file=pdf_upload()),
    )
    sign_in_resident(client, _resident(establishment))
    return _get(client, reverse("selfservice:content_item", args=[item.pk]))


def _recording(client: Client, establishment: Any) -> str:
    person = _resident(establishment)
    item = recording(make_staff("education", [establishment]), establishment, members=[person.prison_number])
    sign_in_resident(client, person)
    return _get(client, reverse("selfservice:content_item", args=[item.pk]))


def _sessions(client: Client, establishment: Any) -> str:
    person = _resident(establishment)
    recording(make_staff("education", [establishment]), establishment, members=[person.prison_number])
    sign_in_resident(client, person)
    return _get(client, reverse("selfservice:content_sessions"))


def _notices(client: Client, establishment: Any) -> str:
    notice(make_staff("governor", [establishment]), establishment)
    sign_in_resident(client, _resident(establishment))
    return _get(client, reverse("selfservice:notices"))


def _no_notices(client: Client, establishment: Any) -> str:
    sign_in_resident(client, _resident(establishment))
    return _get(client, reverse("selfservice:notices"))


CONTENT_PAGES: dict[str, Callable[[Client, Any], str]] = {
    "library": _library,
    "library article": _article,
    "library document": _pdf,
    "group session recording": _recording,
    "group sessions": _sessions,
    "notices": _notices,
    "notices, none today": _no_notices,
}
