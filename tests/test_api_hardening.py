"""API input that once gave a 500 (issue 15, finding 8) and the API's contract (finding 9): every refusal is a 4xx
with the API's error envelope {code, message, fields}."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_resident, make_staff, sign_in_resident, sign_in_staff
from throughgate.selfservice import defaults

pytestmark = pytest.mark.django_db

API = "/api/v1/selfservice"


def _envelope(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    return body


CSRF = "c" * 32


def _session_client() -> Client:
    """A browser's session: the CSRF cookie and header are checked, as for the in-cell app and staff pages."""
    client = Client(enforce_csrf_checks=True, HTTP_X_CSRFTOKEN=CSRF)
    client.cookies["csrftoken"] = CSRF
    return client


@pytest.fixture
def resident_client() -> Client:
    return sign_in_resident(_session_client(), make_resident())


@pytest.mark.parametrize(
    "path", ["/complaints/mine", "/money/transfer", "/canteen", "/apps/mine", "/meals/weeks/2026-03-02"]
)
def test_multipart_without_a_boundary_is_a_400_not_a_500(resident_client: Client, path: str) -> None:
    """The CSRF check reads the form body first, and an unreadable one was an unhandled error."""
    response = resident_client.generic("POST", API + path, b"x=1", content_type="multipart/form-data")
    assert response.status_code == 400, response.content[:300]
    assert _envelope(response)["code"] == "bad_request"


def test_multipart_without_a_boundary_is_a_400_for_staff_too(establishment: Any) -> None:
    client = sign_in_staff(_session_client(), make_staff("governor", [establishment]))
    response = client.generic("POST", f"{API}/apps/assign", b"x=1", content_type="multipart/form-data")
    assert response.status_code == 400, response.content[:300]
    assert _envelope(response)["code"] == "bad_request"


def test_a_nul_character_in_an_api_text_field_is_refused(resident_client: Client) -> None:
    """PostgreSQL cannot store NUL in text; the API says which field, rather than failing on the insert."""
    response = resident_client.post(
        f"{API}/complaints/mine",
        {"stage": "COMP1", "body": "The food\x00 was cold", "idempotency_key": "a" * 32},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content[:300]
    body = _envelope(response)
    assert body["code"] == "invalid_input"
    assert body["fields"] == {"body": ["Text must not contain NUL characters."]}


def test_a_nul_character_in_a_key_or_nested_value_is_refused(resident_client: Client) -> None:
    response = resident_client.post(
        f"{API}/canteen",
        {"items": {"1": 1, "2": 1}, "note\x00": "x", "idempotency_key": "b" * 32},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert _envelope(response)["fields"] == {"note": ["Text must not contain NUL characters."]}


@pytest.mark.parametrize("path", [f"{API}/money/cash%00", f"{API}/apps/mine?status=%00", "/audit/?subject=A%00"])
def test_a_nul_character_in_the_address_is_a_400(resident_client: Client, path: str) -> None:
    response = resident_client.get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert _envelope(response)["code"] == "bad_request"


def test_a_nul_character_in_a_web_form_is_a_400() -> None:
    response = _session_client().post(
        reverse("identity:login"), {"username": "governor\x00", "password": "x", "csrfmiddlewaretoken": CSRF}
    )
    assert response.status_code == 400


HUGE = 2**70


@pytest.mark.parametrize("items", [{str(HUGE): 1}, {str(-HUGE): 1}, {"0": 1}])
def test_an_item_id_too_large_for_the_database_is_refused(establishment: Any, items: Any) -> None:
    defaults.install_money_defaults(establishment=establishment)
    resident_client = sign_in_resident(_session_client(), make_resident(establishment))
    response = resident_client.post(
        f"{API}/canteen", {"items": items, "idempotency_key": "d" * 32}, content_type="application/json"
    )
    assert response.status_code == 422, response.content[:300]
    assert _envelope(response)["code"] == "invalid_input"


@pytest.mark.parametrize(
    "path", [f"{API}/apps/mine/{HUGE}", f"{API}/complaints/mine/{HUGE}", f"{API}/canteen/orders/{HUGE}"]
)
def test_a_path_id_too_large_for_the_database_is_a_404(resident_client: Client, path: str) -> None:
    response = resident_client.get(path)
    assert response.status_code == 404, response.content[:300]
    assert _envelope(response)["code"] == "not_found"
