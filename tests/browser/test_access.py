"""axe-core on every page of the access app, in English and Welsh, signed in through the real pages; no JavaScript
errors or failed assets. With THROUGHGATE_SCREENSHOTS=1 (scripts/screenshots) it also refreshes
docs/screenshots/access-*.png for the security staff guide."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.support import (
    KIOSK_VIEWPORT,
    STAFF_VIEWPORT,
    describe,
    guide_screenshot,
    run_axe,
    set_device,
    set_language,
    sign_in_resident,
    sign_in_staff,
    watch_errors,
)
from tests.factories import make_device, make_resident
from throughgate.access import observations, services
from throughgate.access.models import AccessGroup, Site, SiteRequest
from throughgate.access.tests import world as world_module

pytestmark = pytest.mark.browser


@pytest.fixture
def access_world(transactional_db: Any) -> dict[str, Any]:
    world = world_module.build()
    now = timezone.now()
    hour = (now - dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    basic = world.people["basic"].prison_number
    services.usage_record(
        counts=[
            {
                "person": basic,
                "establishment": "MDI",
                "hour": hour.isoformat(),
                "outcome": "denied",
                "category": "employment",
                "host": "jobs.test",
                "count": 60,
                "outside_hours": 6,
            },
            {
                "person": basic,
                "establishment": "MDI",
                "hour": hour.isoformat(),
                "outcome": "allowed",
                "category": "education",
                "host": "learning.test",
                "count": 25,
            },
        ]
    )
    observation = services.observation_record(
        establishment=world.establishment,
        mac="5e:11:22:33:44:55",
        kind="rogue_ap",
        source="kismet",
        seen_at=now - dt.timedelta(minutes=40),
        ssid="Galaxy A14",
        signal_dbm=-63,
        where="kismet-a-wing",
    )
    kismet = observations.Kismet(sensor="kismet-b-wing")
    fixtures = Path(world_module.__file__).resolve().parents[1] / "fixtures"
    random_clients = json.loads((fixtures / "kismet_random_clients.json").read_text())
    services.observations_ingest(
        establishment=world.establishment, sightings=kismet.sightings(random_clients, our_ssids=[])
    )
    services.observation_mitigate(by=world.security, observation=observation, action="block_radius", note="Found")
    resident = make_resident(world.establishment, first_name="Sam", last_name="Jones", incentive_level="Standard")
    group = AccessGroup.objects.create(code="open-university", name="Open University students")
    group.members.add(world.people["enhanced"])
    site = Site.objects.get(domain="learning.test")
    site.groups.add(group)
    request = SiteRequest.objects.create(person=resident, address="www.open.ac.uk", reason="For my course")
    return {
        "world": world,
        "observation": observation,
        "resident": resident,
        "request": request,
        "device": world.devices["enhanced"],
        "subject": world.people["basic"],
        "site": site,
        "group": group,
        "sanctioned": world.people["sanctioned"],
    }


def staff_pages(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    subject = data["subject"].prison_number
    return [
        ("check", reverse("access:check") + f"?prison_number={subject}&url=http://jobs.test/", "#rule-chain"),
        ("check-error", reverse("access:check") + "?prison_number=&url=", ".govuk-error-summary"),
        ("monitoring", reverse("access:monitoring"), "#risk-alerts"),
        ("devices", reverse("access:devices"), "#devices"),
        ("network", reverse("access:network"), "#network"),
        ("device", reverse("access:device_detail", args=[data["device"].pk]), "#device-status"),
        ("requests", reverse("access:requests"), "#requests"),
        ("request-review", reverse("access:request_review", args=[data["request"].pk]), "form"),
        ("sanction", reverse("access:sanction", args=[subject]), "#sanctions"),
        ("sanction-lift", reverse("access:sanction", args=[data["sanctioned"].prison_number]), "#lift"),
        ("site", reverse("access:site_detail", args=[data["site"].pk]), "#site-summary"),
        ("groups", reverse("access:groups"), "#groups"),
        ("group", reverse("access:group_detail", args=[data["group"].pk]), "#members"),
        ("catalogue", reverse("access:catalogue"), "#sites"),
        ("policy", reverse("access:policy"), "#levels"),
        ("unapproved", reverse("access:observations"), "#observations"),
        (
            "unapproved-device",
            reverse("access:observation_detail", args=[data["observation"].pk]),
            "#observation-status",
        ),
    ]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_security_pages_pass_axe(
    new_context: Any, live_server: Any, access_world: dict[str, Any], language: str
) -> None:
    context = new_context(viewport=STAFF_VIEWPORT, bypass_csp=True)
    set_language(context, live_server.url, language)
    page = watch_errors(context.new_page())
    sign_in_staff(page, access_world["world"].security)
    problems = []
    for name, path, expect in staff_pages(access_world):
        response = page.goto(path)
        assert response is not None
        assert response.status in (200, 400), f"{name}: {response.status}"
        assert page.locator(expect).count() > 0, f"{name}: {expect} not on the page"
        violations = run_axe(page)
        if violations:
            problems.append(f"{language} {name}: " + "; ".join(describe(violations)))
        guide_screenshot(page, f"access-{name}", language)
    assert not problems, "\n".join(problems)
    assert not page.js_errors, page.js_errors


@pytest.mark.parametrize("language", ["en", "cy"])
def test_resident_internet_page_passes_axe(
    new_context: Any, live_server: Any, access_world: dict[str, Any], language: str
) -> None:
    resident = access_world["resident"]
    _device, token = make_device(resident.establishment)
    context = new_context(viewport=KIOSK_VIEWPORT, bypass_csp=True)
    set_device(context, live_server.url, token)
    set_language(context, live_server.url, language)
    page = watch_errors(context.new_page())
    sign_in_resident(page, resident)
    assert page.locator('a[href="/internet/"]').count() == 1  # the tile on the home page
    page.goto(reverse("access:my_sites"))
    assert page.locator("#my-sites").count() == 1
    assert page.locator("#my-requests").count() == 1
    violations = run_axe(page)
    assert not violations, describe(violations)
    guide_screenshot(page, "access-resident-internet", language)
    # A request from the kiosk, with an error first.
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").count() == 1
    assert not run_axe(page)
    page.locator("#id_address").fill("www.nationalcareers.service.gov.uk")
    page.locator("#id_reason").fill("To look for work before I leave")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "nationalcareers" in page.locator("#my-requests").inner_text()
    assert not page.js_errors, page.js_errors
