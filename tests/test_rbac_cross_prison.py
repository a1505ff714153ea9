"""Cross-prison leaks (issue 15, finding 11): the RBAC matrix checks who may open each route; this checks what comes
back. Prison B (LEI) holds a person with records in every app, each carrying a marker that appears nowhere else.
Every role working in prison A (MDI) visits every route that takes no path arguments (lists, queues, searches,
dashboards, exports, the API) with B's identifiers in the usual query parameters, and every route keyed by a prison
number with B's person, and must never get back B's person: not their prison number, their name or the marker.

Roles that see every prison by design (HQ analyst, data protection officer) are left out; so are routes that are
public (sign-in pages) and signing out."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    EstablishmentFactory,
    make_partner,
    make_resident,
    make_staff,
    sign_in_resident,
    sign_in_staff,
)
from tests.test_rbac_matrix import all_routes, api_operations
from throughgate.core.access import rule_for
from throughgate.identity.middleware import is_api_operation
from throughgate.identity.models import Role, RoleKind
from throughgate.identity.roles import DEFAULT_ROLES
from throughgate.people import data_protection as registry

pytestmark = pytest.mark.django_db

MARKER = "Quixotic-Marker-7319"
SKIP = {"identity:logout"}
PRISON_A_ACTORS = [
    spec.code for spec in DEFAULT_ROLES if not spec.sees_all_establishments and spec.kind != RoleKind.PROBATION
]


@pytest.fixture
def two_prisons(db: Any) -> dict[str, Any]:
    from throughgate.access import services as access_services
    from throughgate.people.selectors import person_record
    from throughgate.selfservice.complaints.services import complaint_submit
    from throughgate.selfservice.meals.tests.factories import set_diet
    from throughgate.selfservice.tests.factories import key, raise_app
    from throughgate.welfare.models import Triage
    from throughgate.welfare.tests.factories import make_flag

    mdi = EstablishmentFactory(code="MDI", name="HMP Moorland Demo")
    lei = EstablishmentFactory(code="LEI", name="HMP Leeds Demo")
    mine = make_resident(mdi, first_name="Alex", last_name="Homeprison")
    theirs = make_resident(lei, first_name="Zephyrine", last_name="Farawaysson")
    lei_officer = make_staff("wing_officer", [lei], username="officer.lei.cross")
    raise_app(theirs, body=f"Please help {MARKER}")
    complaint_submit(user=theirs.user, stage="COMP2", body=f"Confidential {MARKER}", idempotency_key=key())
    set_diet(theirs, "halal")
    flag = make_flag(theirs, wing="LEI-A")
    Triage.objects.create(flag=flag, by=lei_officer, by_username=lei_officer.username, action="spoke", note=MARKER)
    access_services.site_request_submit(by=theirs.user, address="https://www.gov.uk/", reason=f"Job {MARKER}")
    person_record(user=lei_officer, establishment=lei, prison_number=theirs.prison_number, purpose="daily_care")
    return {"mdi": mdi, "lei": lei, "mine": mine, "theirs": theirs, "lei_officer": lei_officer}


def test_prison_b_holds_data_in_every_app_to_leak(two_prisons: dict[str, Any]):
    """The test below is only worth something if B's person has records to leak: in most parts of the registry."""
    filled = {s.key for s in registry.sections() if s.export(two_prisons["theirs"])}
    assert {
        "selfservice.apps",
        "selfservice.complaints",
        "selfservice.meals",
        "welfare.aim",
        "access.internet",
    } <= filled
    assert {"core.audit", "core.activity"} <= filled


def signed_in(actor: str, world: dict[str, Any]) -> tuple[Client, dict[str, str]]:
    client = Client()
    role = Role.objects.get(code=actor)
    if role.kind == RoleKind.RESIDENT:
        return sign_in_resident(client, world["mine"]), {}
    if role.kind == RoleKind.PARTNER:
        _user, secret = make_partner(scopes=list(role.permissions), establishments=[world["mdi"]])
        return client, {"Authorization": f"Bearer {secret}"}
    return sign_in_staff(client, make_staff(actor, [world["mdi"]])), {}


def leaks(body: str, world: dict[str, Any], *, echoed: bool) -> list[str]:
    """B's person in a page: their first name and the marker (never asked for), and, when the request did not name
    them (a search box shows back what was asked), their prison number, last name and B's officer."""
    theirs = world["theirs"]
    texts = [theirs.first_name, MARKER]
    if not echoed:
        texts += [theirs.prison_number, theirs.last_name, world["lei_officer"].username]
    return [text for text in texts if text in body]


@pytest.mark.parametrize("actor", PRISON_A_ACTORS)
def test_no_route_shows_prison_b_to_prison_a(actor: str, two_prisons: dict[str, Any]) -> None:
    world = two_prisons
    theirs = world["theirs"]
    client, headers = signed_in(actor, world)
    # The usual names of search and filter parameters, all pointing at B.
    query = {
        "query": theirs.prison_number,
        "q": theirs.last_name,
        "subject": theirs.prison_number,
        "prison_number": theirs.prison_number,
        "person": theirs.prison_number,
        "actor": world["lei_officer"].username,
        "establishment": "LEI",
        "wing": "LEI-A",
    }
    problems, checked = [], 0
    for route in all_routes():
        if route.name in SKIP:
            continue
        args = route.route.count("<")
        if args and not (args == 1 and "<str:prison_number>" in route.route):
            continue
        url = reverse(route.name, kwargs={"prison_number": theirs.prison_number}) if args else reverse(route.name)
        if route.is_api and is_api_operation(route.callback):
            methods = [op.method for op in api_operations(route) if op.method == "GET" and op.rule is not None]
        else:
            rule = rule_for(route.callback)
            methods = ["GET"] if rule is not None and rule.kind != "public" else []
        for method in methods:
            for params in ({}, query):
                response = client.get(url, params, headers=headers)
                checked += 1
                if response.status_code >= 300:
                    continue
                found = leaks(response.content.decode(errors="replace"), world, echoed=bool(params or args))
                if found:
                    problems.append(f"{method} {url} {'with B query ' if params else ''}as {actor}: shows {found}")
    assert checked > 50
    assert not problems, "\n".join(problems)
