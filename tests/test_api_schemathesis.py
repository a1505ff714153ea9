"""Schemathesis against the whole OpenAPI document of /api/v1/, as a resident, a governor and a partner system
(issue 15, build item 3): no server errors, every response (errors included, in the one envelope
{code, message, fields}) matches the schema and status codes the document declares.

The app is called in-process through Django's WSGI handler, in the test's own thread and database transaction, so
nothing written by one operation's examples is seen by another test. Generation is deterministic and bounded (the
examples and fuzzing phases, ``MAX_EXAMPLES`` per operation and identity)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, settings

from config.api import api
from tests.factories import make_partner, make_resident, make_staff, sign_in_resident, sign_in_staff
from throughgate.selfservice import defaults
from throughgate.selfservice.tests.factories import raise_app

MAX_EXAMPLES = 15
CSRF = "s" * 32

CONFIG = schemathesis.Config.from_dict(
    {
        "phases": {
            "examples": {"enabled": True},
            "fuzzing": {"enabled": True},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        },
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            # Credentials are the identity's, sent by the test; generated ones would only ever be refused.
            "with-security-parameters": False,
        },
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
_django_app = get_wsgi_application()


def _in_test_transaction(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Django's WSGI handler, called as the test client calls it: without closing the database connection at the
    start and end of the request (on PostgreSQL that would end the test's transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = _django_app(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema.app = _in_test_transaction

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    # A request the document says is invalid must be refused (a 4xx), not read some other way.
    schemathesis.checks.negative_data_rejection,
]


def _cookies(client: Client) -> dict[str, str]:
    return {name: morsel.value for name, morsel in client.cookies.items()}


def _session(client: Client) -> dict[str, Any]:
    """A browser's session, as the in-cell app and staff pages send it: its cookies and the CSRF header."""
    return {"cookies": {**_cookies(client), "csrftoken": CSRF}, "headers": {"X-CSRFToken": CSRF}}


def _resident(establishment: Any) -> dict[str, Any]:
    person = make_resident(establishment)
    raise_app(person, body="Can I see the dentist?")
    return _session(sign_in_resident(Client(), person))


def _governor(establishment: Any) -> dict[str, Any]:
    return _session(sign_in_staff(Client(), make_staff("governor", [establishment])))


def _partner(establishment: Any) -> dict[str, Any]:
    make_resident(establishment)
    _user, secret = make_partner(establishments=[establishment])
    return {"cookies": {}, "headers": {"Authorization": f"Bearer {secret}"}}


IDENTITIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "resident": _resident,
    "governor": _governor,
    "partner": _partner,
}


@pytest.fixture(params=sorted(IDENTITIES))
def credentials(request: pytest.FixtureRequest, establishment: Any) -> dict[str, Any]:
    defaults.install_defaults(establishment=establishment)
    defaults.install_money_defaults(establishment=establishment)
    return IDENTITIES[request.param](establishment)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_openapi_document(case: schemathesis.Case, credentials: dict[str, Any]) -> None:
    case.call_and_validate(headers=credentials["headers"], cookies=credentials["cookies"], checks=CHECKS)


def test_every_operation_declares_the_error_envelope_for_every_refusal_it_can_give() -> None:
    """Any request can be refused before its operation runs (400 for a NUL character in the query string, 401, 403),
    so every operation documents each of those, and 404 and 422, with the one envelope (schemathesis found a 400 that
    /people/lookup did not declare)."""
    document = json.loads(json.dumps(api.get_openapi_schema()))  # as served: status codes are strings
    envelope = {"$ref": "#/components/schemas/ErrorOut"}
    missing = [
        f"{method.upper()} {path} {status}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status in ("400", "401", "403", "404", "422")
        if operation["responses"].get(status, {}).get("content", {}).get("application/json", {}).get("schema")
        != envelope
    ]
    assert missing == []


def test_the_document_lists_the_accounts_and_complaint_stages_the_api_accepts() -> None:
    """Schemathesis sent schema-valid accounts and stages (any text) that were refused: the document now lists them."""
    document = json.loads(json.dumps(api.get_openapi_schema()))
    accounts = ["spends", "private_cash", "savings"]
    (kind,) = document["paths"]["/api/v1/selfservice/money/{kind}"]["get"]["parameters"]
    assert kind["schema"]["enum"] == accounts
    transfer = document["components"]["schemas"]["TransferIn"]["properties"]
    assert transfer["from_kind"]["enum"] == transfer["to_kind"]["enum"] == accounts
    assert document["components"]["schemas"]["ComplaintIn"]["properties"]["stage"]["enum"] == ["COMP1", "COMP2"]
