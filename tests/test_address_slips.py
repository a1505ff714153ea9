"""What users tripped on in addresses (issue 16, finding 6). Dates nobody means in a query string (the year 9999 or
the year 1) once gave a 500 (the day before or after cannot be worked out): they are refused next to the field with
a 400. A form's address opened directly showed an empty 405 page: it now says what to do."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import make_staff, sign_in_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/selfservice/timetable/registers/?date=31/12/9999", "date"),
        ("/selfservice/timetable/registers/?date=01/01/0001", "date"),
        ("/selfservice/timetable/hours/?week=01/01/0001", "week"),
        ("/selfservice/timetable/hours/?week=31/12/9999", "week"),
        ("/audit/?date_from=0001-01-01", "date_from"),
        ("/audit/?date_to=9999-12-31", "date_to"),
    ],
)
def test_a_date_nobody_means_is_refused_next_to_the_field(establishment: Any, path: str, field: str) -> None:
    client = sign_in_staff(Client(), make_staff("governor", [establishment]))
    response = client.get(path)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field] == ["Enter a date between 1900 and 2199."]
    assert "Enter a date between 1900 and 2199." in response.content.decode()


def test_an_ordinary_date_is_still_read(establishment: Any) -> None:
    client = sign_in_staff(Client(), make_staff("governor", [establishment]))
    assert client.get("/selfservice/timetable/registers/?date=31/03/2026").status_code == 200


def test_a_form_address_opened_directly_gets_a_page_that_says_what_to_do(establishment: Any) -> None:
    """Issue 16, finding 6: POST-only addresses opened with GET showed an empty 405 page."""
    client = sign_in_staff(Client(), make_staff("governor", [establishment]))
    response = client.get("/sign-out/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "This page cannot be opened directly" in response.content.decode()


def test_an_api_405_keeps_the_json_envelope_or_stays_empty(establishment: Any) -> None:
    client = sign_in_staff(Client(), make_staff("governor", [establishment]))
    response = client.delete("/api/v1/selfservice/timetable/sessions")
    assert response.status_code == 405
    assert b"This page cannot be opened directly" not in response.content
