"""Resident pages of the learning app, for tests/test_readability.py: each makes what the page shows (through the
services), signs the same resident in, and returns the page's HTML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.factories import make_resident, make_staff, sign_in_resident
from throughgate.learning.courses import services
from throughgate.learning.tests.factories import issued, make_course


def _resident(establishment: Any) -> Any:
    return make_resident(establishment, prison_number="A1234BC", first_name="Sam", last_name="Jones")


def _get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content.decode()


def _set_up(client: Client, establishment: Any) -> Any:
    person = _resident(establishment)
    staff = make_staff("education", [establishment])
    english = make_course(establishment, title="English skills", level="E3", qualification="")
    maths = make_course(establishment, code="maths", title="Maths skills", area="MATHS", level="E3", qualification="")
    issued(person, english, staff)
    services.course_request(user=person.user, course=maths, idempotency_key="readability-1")
    sign_in_resident(client, person)
    return person


def _courses(client: Client, establishment: Any) -> str:
    _set_up(client, establishment)
    return _get(client, reverse("learning:courses"))


def _course(client: Client, establishment: Any) -> str:
    person = _set_up(client, establishment)
    waiting = person.enrolments.get(status="REQUESTED")
    return _get(client, reverse("learning:course", args=[waiting.course_id]))


def _passport(client: Client, establishment: Any) -> str:
    _set_up(client, establishment)
    return _get(client, reverse("learning:passport"))


def _badge(client: Client, establishment: Any) -> str:
    person = _set_up(client, establishment)
    return _get(client, reverse("learning:my_badge", args=[person.credentials.get().public_id]))


LEARNING_PAGES: dict[str, Callable[[Client, Any], str]] = {
    "courses": _courses,
    "a course (waiting)": _course,
    "skills passport": _passport,
    "a badge to share": _badge,
}
