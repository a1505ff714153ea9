"""The web shell: error pages, language toggle, establishment switcher, kiosk layout, home tiles, API docs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import EstablishmentFactory, make_resident, make_staff, sign_in_resident, sign_in_staff
from throughgate.identity.models import StaffAssignment

pytestmark = pytest.mark.django_db


def test_404_is_a_govuk_page(client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "govuk-frontend.min.css" in body


def test_500_is_a_govuk_page_even_without_a_request_context(rf: Any) -> None:
    from throughgate.core.web.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_language_link_switches_to_welsh_and_back_only_to_this_site(client: Client) -> None:
    response = client.get(reverse("set_language"), {"language": "cy", "next": "/sign-in/"})
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"
    assert client.get("/sign-in/").content.decode().count('lang="cy"') >= 1
    offsite = client.get(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert offsite["Location"] == "/"
    unknown = client.get(reverse("set_language"), {"language": "xx", "next": "/sign-in/"})
    assert unknown.cookies.get("django_language") is None


def test_every_page_has_a_language_toggle(client: Client) -> None:
    body = client.get("/sign-in/").content.decode()
    assert "govuk-language-navigation" in body
    assert "Cymraeg" in body


def test_staff_with_two_prisons_can_switch_between_them(client: Client, establishment: Any) -> None:
    second = EstablishmentFactory(code="BXI", name="HMP Brixton Demo")
    officer = make_staff("wing_officer", [establishment, second])
    sign_in_staff(client, officer)
    home = client.get(reverse("identity:home"))
    assert 'id="establishment-switcher"' in home.content.decode()
    client.post(reverse("identity:switch_establishment"), {"establishment": "MDI", "next": "/"})
    assert client.get(reverse("identity:home")).context["request"].establishment.code == "MDI"
    client.post(reverse("identity:switch_establishment"), {"establishment": "BXI", "next": "/"})
    assert client.get(reverse("identity:home")).context["request"].establishment.code == "BXI"
    StaffAssignment.objects.filter(user=officer, establishment=second).delete()
    assert client.get(reverse("identity:home")).context["request"].establishment.code == "MDI"


def test_kiosk_pages_have_big_targets_and_no_outbound_links(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    sign_in_resident(client, person)
    for url in (reverse("identity:home"), reverse("people:me")):
        body = client.get(url).content.decode()
        assert "tg-layout-kiosk" in body
        assert not re.findall(r'href="(?:https?:)?//', body), f"outbound link on {url}"
        assert "data-tg-idle" in body  # the visible countdown


def test_home_tiles_follow_the_role(client: Client, establishment: Any) -> None:
    sign_in_staff(client, make_staff("security_it", [establishment]))
    # Only the foundation's tiles are checked here; each app tests its own.
    foundation = {"people:search", "core:audit", "people:me"}
    security = [tile.url_name for tile in client.get("/").context["tiles"] if tile.url_name in foundation]
    assert security == ["people:search", "core:audit"]
    officer = Client()
    sign_in_staff(officer, make_staff("wing_officer", [establishment]))
    tiles = [tile.url_name for tile in officer.get("/").context["tiles"] if tile.url_name in foundation]
    assert tiles == ["people:search"]
    resident = Client()
    sign_in_resident(resident, make_resident(establishment))
    tiles = [tile.url_name for tile in resident.get("/").context["tiles"] if tile.url_name in foundation]
    assert tiles == ["people:me"]


def test_openapi_document_is_served_and_describes_the_error_envelope(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/people/lookup" in paths
    errors = paths["/api/v1/people/lookup"]["get"]["responses"]["422"]["content"]["application/json"]["schema"]
    envelope = schema.json()["components"]["schemas"][errors["$ref"].rsplit("/", 1)[-1]]
    assert set(envelope["properties"]) == {"code", "message", "fields"}
    assert client.get("/api/v1/").status_code == 302
