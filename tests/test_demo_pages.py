"""The demo estate shows every internet page and the canteen deliveries with something in them (issue 21): after
``demo_estate`` (a small estate, all its steps), Security and IT, the governor and a resident each find their pages
filled, and none shows its empty-state message."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import make_device, sign_in_resident, sign_in_staff
from throughgate.access.models import SiteRequest
from throughgate.identity.models import User
from throughgate.people.models import Person

pytestmark = pytest.mark.django_db


def _text(client: Client, url: str) -> str:
    """The page's words (no tags), after checking it answered 200."""
    page = client.get(url)
    assert page.status_code == 200, url
    html = page.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_internet_page_and_the_canteen_deliveries_have_content() -> None:
    out = StringIO()
    call_command("demo_estate", prisons=1, people=150, days=30, seed=4, no_progress=True, stdout=out)
    output = out.getvalue()
    assert "Adding internet access to the estate" in output
    assert "internet sites" in output

    security = sign_in_staff(Client(), User.objects.get(username="security.mdi"))
    pages = {
        "/internet/catalogue/": ("No sites found.", ["National Careers Service", "Citizens Advice", "Samaritans"]),
        "/internet/policy/": ("No level opens anything yet.", ["Basic", "Enhanced", "In-cell evening", "roll check"]),
        "/internet/groups/": ("No groups yet.", ["Education department learners", "Open University students"]),
        "/internet/devices/": ("No devices registered.", ["KSK-MDI-A", "TAB-MDI-0001", "Issued", "Suspended"]),
        "/internet/unapproved-devices/": (
            "No unapproved devices seen.",
            ["Rogue access point", "Access point copying our network name", "random MAC"],
        ),
        "/internet/requests/": ("No requests waiting.", []),
        "/internet/monitoring/": (
            "No internet use recorded.",
            [
                "requests to blocked categories (job search) refused",
                "outside permitted hours",
                "within a minute",
                "Most refused sites",
            ],
        ),
    }
    for url, (empty, shown) in pages.items():
        text = _text(security, url)
        assert empty not in text, url
        for words in shown:
            assert words in text, (url, words)
    waiting = _text(security, "/internet/requests/")
    addresses = SiteRequest.objects.filter(status="NEW").values_list("address", flat=True)
    assert addresses
    assert all(address in waiting for address in addresses)
    monitoring = _text(security, "/internet/monitoring/")
    assert re.search(r"[1-9]\d* site requests? waiting", monitoring)
    network = security.get("/internet/network/").content.decode()
    assert re.search(r'name="kiosk_vlan"[^>]*value="130"', network)
    assert "HMPMDI-Learning" in network
    assert "ap-mdi-a1 = A wing" in network

    governor = sign_in_staff(Client(), User.objects.get(username="governor.mdi"))
    text = _text(governor, "/internet/monitoring/")
    assert "No internet use recorded." not in text
    assert "requests to blocked categories" in text
    text = _text(governor, "/selfservice/canteen/deliveries/")
    assert "There are no orders to deliver." not in text
    assert "Deliver order" in text

    person = Person.objects.filter(network_devices__status="issued").order_by("prison_number").first()
    assert person is not None
    device, token = make_device(person.establishment)
    resident = sign_in_resident(Client(), person, device, token)
    text = _text(resident, "/internet/")
    assert "There are no sites for you yet." not in text
    assert "Citizens Advice" in text  # legal help: open at every level
