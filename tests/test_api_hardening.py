"""API input that once gave a 500 (issue 15, finding 8) and the API's contract (finding 9): every refusal is a 4xx
with the API's error envelope {code, message, fields}."""

from __future__ import annotations

import json
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


def _schemas_by_name() -> dict[str, set[str]]:
    """Every schema the API's operations use (bodies, parameters, responses and what they contain), by name."""
    from config.api import api

    shapes: dict[str, set[str]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                models = [*operation.models, *(m for m in operation.response_models.values() if m is not None)]
                for model in models:
                    definitions = model.model_json_schema().get("$defs", {})
                    for name, shape in definitions.items():
                        shapes.setdefault(name, set()).add(json.dumps(shape, sort_keys=True))
    return shapes


def test_no_two_api_schemas_of_different_shapes_share_a_name() -> None:
    """Two schemas called WeekOut (timetable and meals) once collided: /timetable/week was documented as meals."""
    shapes = _schemas_by_name()
    assert "MealWeekOut" in shapes
    assert "TimetableWeekOut" in shapes
    assert {name: len(found) for name, found in shapes.items() if len(found) > 1} == {}


def test_the_openapi_document_describes_the_timetable_week_with_its_own_schema(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    week = document["paths"]["/api/v1/selfservice/timetable/week"]["get"]["responses"]["200"]["content"]
    assert week["application/json"]["schema"]["items"]["$ref"] == "#/components/schemas/TimetableWeekOut"
    assert "days" in document["components"]["schemas"]["TimetableWeekOut"]["properties"]
    assert "slots" in document["components"]["schemas"]["MealWeekOut"]["properties"]


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/apps/mine/abc",
        f"{API}/apps/abc/respond",
        f"{API}/complaints/mine/1.5",
        f"{API}/canteen/orders/%20",
        "/api/v1/no-such-thing",
    ],
)
def test_an_address_no_api_route_matches_gets_the_json_envelope(resident_client: Client, path: str) -> None:
    response = resident_client.get(path)
    assert response.status_code == 404
    assert _envelope(response) == {"code": "not_found", "message": "Not found.", "fields": {}}


def test_a_page_no_route_matches_is_still_the_html_page(resident_client: Client) -> None:
    response = resident_client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("amount", [True, "100", 1.5, None])
def test_a_money_amount_must_be_a_json_integer(establishment: Any, amount: Any) -> None:
    """``amount: true`` was read as 1p."""
    defaults.install_money_defaults(establishment=establishment)
    resident_client = sign_in_resident(_session_client(), make_resident(establishment))
    response = resident_client.post(
        f"{API}/money/transfer",
        {"from_kind": "private", "to_kind": "spends", "amount": amount, "idempotency_key": "e" * 32},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content[:300]
    assert "amount" in _envelope(response)["fields"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (f"{API}/canteen", {"items": {"1": True}, "idempotency_key": "f" * 32}),
        (f"{API}/apps/mine", {"app_type": True, "body": "x", "idempotency_key": "f" * 32}),
        (f"{API}/apps/mine", {"app_type": 2**70, "body": "x", "idempotency_key": "f" * 32}),
        (f"{API}/meals/weeks/2026-03-02", {"choices": {"mon-lunch": True}, "idempotency_key": "f" * 32}),
    ],
)
def test_ids_and_quantities_are_json_integers_that_fit(resident_client: Client, path: str, body: Any) -> None:
    response = resident_client.post(path, body, content_type="application/json")
    assert response.status_code == 422, response.content[:300]
    assert _envelope(response)["code"] == "invalid_input"


def test_staff_assigning_apps_by_ids_too_large_get_a_422(establishment: Any) -> None:
    client = sign_in_staff(_session_client(), make_staff("governor", [establishment]))
    response = client.post(f"{API}/apps/assign", {"app_ids": [2**70], "assignee": "x"}, content_type="application/json")
    assert response.status_code == 422, response.content[:300]


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/timetable/sessions?day=0",
        f"{API}/timetable/hours?week=1700000000",
        f"{API}/meals/kitchen?week=0",
        f"{API}/meals/weeks/0",
        f"{API}/meals/weeks/2026-3-2",
    ],
)
def test_an_api_date_is_written_yyyy_mm_dd_not_seconds_since_1970(establishment: Any, path: str) -> None:
    """Schemathesis found ``?day=0`` answered as 1 January 1970: pydantic reads a number as a Unix time."""
    client = sign_in_staff(_session_client(), make_staff("governor", [establishment]))
    response = client.get(path)
    assert response.status_code == 422, response.content[:300]
    field = path.rsplit("?", 1)[-1].split("=")[0] if "?" in path else "week_start"
    assert _envelope(response)["fields"] == {field: ["Enter a date as YYYY-MM-DD."]}


def test_an_api_date_in_yyyy_mm_dd_is_still_read(establishment: Any) -> None:
    client = sign_in_staff(_session_client(), make_staff("governor", [establishment]))
    assert client.get(f"{API}/timetable/sessions?day=2026-03-02").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/timetable/sessions?day=9999-12-31",
        f"{API}/timetable/hours?week=0001-01-01",
        f"{API}/meals/kitchen?week=9999-12-27",
        f"{API}/meals/weeks/0001-01-01",
    ],
)
def test_an_api_date_nobody_means_is_a_422_not_a_500(establishment: Any, path: str) -> None:
    """The days around 9999-12-31 or 0001-01-01 cannot be worked out (OverflowError): such dates are refused."""
    client = sign_in_staff(_session_client(), make_staff("governor", [establishment]))
    response = client.get(path)
    assert response.status_code == 422, response.content[:300]
    field = path.rsplit("?", 1)[-1].split("=")[0] if "?" in path else "week_start"
    assert _envelope(response)["fields"] == {field: ["Enter a date between 1900-01-01 and 2199-12-31."]}
