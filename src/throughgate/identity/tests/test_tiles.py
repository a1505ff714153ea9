"""Home-page tiles are worked out once per set of permissions and rendered once per language (identity.tiles);
the cache must never show one language's tiles in another, nor one role's tiles to another."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_resident, make_staff, sign_in_resident, sign_in_staff

pytestmark = pytest.mark.django_db


def test_tiles_follow_the_language(client, establishment):
    sign_in_resident(client, make_resident(establishment))
    assert "My details" in client.get(reverse("identity:home")).content.decode()
    client.get(reverse("set_language"), {"language": "cy", "next": "/"})
    welsh = client.get(reverse("identity:home")).content.decode()
    assert "Fy manylion" in welsh
    assert "My details" not in welsh
    client.get(reverse("set_language"), {"language": "en", "next": "/"})
    assert "My details" in client.get(reverse("identity:home")).content.decode()


def href(name: str) -> str:
    return f'href="{reverse(name)}"'


def test_tiles_follow_the_role(client, establishment):
    sign_in_resident(client, make_resident(establishment))
    resident_page = client.get(reverse("identity:home")).content.decode()
    assert href("people:me") in resident_page
    assert href("people:search") not in resident_page
    client.logout()
    sign_in_staff(client, make_staff("wing_officer", [establishment]))
    staff_page = client.get(reverse("identity:home")).content.decode()
    assert href("people:search") in staff_page
    assert href("people:me") not in staff_page
