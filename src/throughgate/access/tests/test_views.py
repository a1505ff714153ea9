"""Wiring, permissions and scoping of the access pages (services are tested directly elsewhere)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import EstablishmentFactory, make_resident, make_staff, sign_in_resident, sign_in_staff
from throughgate.access.models import Sanction, SiteRequest
from throughgate.access.tests import world as world_module
from throughgate.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return world_module.build()


def test_a_resident_sees_their_sites_and_only_their_own_requests(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    resident = make_resident(world.establishment, incentive_level="Basic")
    other = make_resident(world.establishment)
    SiteRequest.objects.create(person=other, address="secret.test", reason="theirs")
    sign_in_resident(client, resident)
    response = client.post(reverse("access:my_sites"), {"address": "www.open.ac.uk", "reason": "For my course"})
    assert response.status_code == 302
    page = client.get(reverse("access:my_sites"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Learning" in text  # Basic opens learning
    assert "Jobs" not in text  # but not job search
    assert '<td class="govuk-table__cell">open.ac.uk</td>' in text  # the address as stored: without www.
    assert "secret.test" not in text


def test_an_officer_suspends_access_in_their_prison_only(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    sign_in_staff(client, world.officer)
    person = world.people["enhanced"]
    url = reverse("access:sanction", args=[person.prison_number])
    response = client.post(url, {"days": "3", "reason": "Adjudication 789"})
    assert response.status_code == 302
    assert Sanction.objects.filter(person=person, reason="Adjudication 789").exists()
    assert AuditEntry.objects.filter(action="access.sanction.imposed", subject=person.prison_number).exists()
    elsewhere = world_module.build(code="LEI", catalogue=False, first_ip=50)
    stranger = elsewhere.people["basic"]
    refused = client.post(reverse("access:sanction", args=[stranger.prison_number]), {"days": "3", "reason": "x"})
    assert refused.status_code == 404
    assert not Sanction.objects.filter(person=stranger).exists()


def test_only_security_staff_manage_devices(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    sign_in_staff(client, world.officer)
    assert client.get(reverse("access:devices")).status_code == 403
    sign_in_staff(client, world.security)
    added = client.post(reverse("access:devices"), {"serial": "TAB-9", "mac": "AA-BB-CC-00-11-22", "kind": "tablet"})
    assert added.status_code == 302
    detail = client.get(added["Location"])
    assert detail.status_code == 200
    assert "aa:bb:cc:00:11:22" in detail.content.decode()


def test_the_check_page_explains_the_decision(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    sign_in_staff(client, world.security)
    response = client.get(
        reverse("access:check"), {"prison_number": world.people["basic"].prison_number, "url": "http://jobs.test/"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Refused" in text
    assert "Sites for job search are not open at Basic level." in text
    other = EstablishmentFactory(code="BXI")
    stranger = make_resident(other)
    hidden = client.get(reverse("access:check"), {"prison_number": stranger.prison_number, "url": "http://jobs.test/"})
    assert hidden.status_code == 404


def test_monitoring_and_requests_pages_render(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    governor = make_staff("governor", [world.establishment])
    sign_in_staff(client, governor)
    assert client.get(reverse("access:monitoring")).status_code == 200
    assert client.get(reverse("access:requests")).status_code == 403
    sign_in_staff(client, world.security)
    assert client.get(reverse("access:requests")).status_code == 200


def test_network_endpoints_refuse_without_the_secret(client: Client, world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("THROUGHGATE_NETWORK_SECRET", "s3cret-value")
    assert client.get(reverse("access:squid_snapshot")).status_code == 401
    assert client.post(reverse("access:radius_authorize"), "{}", content_type="application/json").status_code == 401
    ok = client.get(reverse("access:squid_snapshot"), headers={"X-Throughgate-Secret": "s3cret-value"})
    assert ok.status_code == 200
    assert set(ok.json()) >= {"versions", "catalogue", "policy"}


def test_security_staff_manage_the_catalogue_and_policy(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    from throughgate.access.models import AccessWindow, LevelAccess, Site

    sign_in_staff(client, world.officer)
    assert client.get(reverse("access:catalogue")).status_code == 403
    assert client.get(reverse("access:policy")).status_code == 403
    sign_in_staff(client, world.security)
    url = reverse("access:catalogue")
    added = client.post(
        url,
        {
            "form": "add",
            "add-name": "Open University",
            "add-address": "https://www.open.ac.uk/courses",
            "add-category": "education",
            "add-risk": "1",
        },
    )
    assert added.status_code == 302
    assert Site.objects.filter(domain="open.ac.uk", path_prefix="/courses").exists()
    bulk = client.post(
        url,
        {"form": "import", "import-lines": "nhs.test,health\nbad line,\nlibrary.test", "import-category": "education"},
    )
    assert bulk.status_code == 302
    assert Site.objects.filter(domain__in=["nhs.test", "library.test"]).count() == 2
    assert "open.ac.uk" in client.get(url, {"q": "open"}).content.decode()
    policy_url = reverse("access:policy")
    assert client.get(policy_url).status_code == 200
    saved = client.post(
        policy_url,
        {"form": "level", "level-level": "Basic", "level-categories": ["education", "health"], "level-max_risk": "1"},
    )
    assert saved.status_code == 302
    assert LevelAccess.objects.get(establishment=world.establishment, level="Basic").categories == [
        "education",
        "health",
    ]
    window = client.post(
        policy_url,
        {
            "form": "window",
            "window-name": "Roll check",
            "window-kind": "closed",
            "window-days": ["0", "1"],
            "window-starts": "12:00",
            "window-ends": "12:30",
        },
    )
    assert window.status_code == 302
    roll = AccessWindow.objects.get(name="Roll check")
    assert client.post(policy_url, {"form": "remove_window", "window": roll.pk}).status_code == 302
    assert not AccessWindow.objects.filter(pk=roll.pk).exists()


def test_unapproved_devices_pages(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from throughgate.access import services
    from throughgate.access.models import UnapprovedDevice

    item = services.observation_record(
        establishment=world.establishment,
        mac="5e:11:22:33:44:55",
        kind="rogue_ap",
        source="kismet",
        seen_at=dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC),
        ssid="Galaxy",
    )
    sign_in_staff(client, world.officer)
    assert client.get(reverse("access:observations")).status_code == 403
    sign_in_staff(client, world.security)
    listing = client.get(reverse("access:observations"))
    assert "5e:11:22:33:44:55" in listing.content.decode()
    url = reverse("access:observation_detail", args=[item.pk])
    assert client.get(url).status_code == 200
    triaged = client.post(url, {"form": "triage", "triage-status": "searching", "triage-note": "Search A wing"})
    assert triaged.status_code == 302
    blocked = client.post(url, {"form": "mitigate", "mitigate-action": "block_radius", "mitigate-note": ""})
    assert blocked.status_code == 302
    item = UnapprovedDevice.objects.get(pk=item.pk)
    assert item.blocked
    assert item.status == "mitigated"
    assert "after it was first seen" in client.get(url).content.decode()


def test_lean_radius_entry_point_answers_like_the_views(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io
    import json
    from wsgiref.util import setup_testing_defaults

    from throughgate.access.wsgi import application

    monkeypatch.setenv("THROUGHGATE_NETWORK_SECRET", "s3cret-value")
    mac = world.devices["enhanced"].mac.replace(":", "-")
    body = json.dumps({"Calling-Station-Id": {"type": "string", "value": [mac]}}).encode()

    def call(path: str, secret: str = "") -> tuple[str, bytes]:
        environ: dict[str, object] = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        if secret:
            environ["HTTP_X_THROUGHGATE_SECRET"] = secret
        setup_testing_defaults(environ)
        seen: list[str] = []
        chunks = application(environ, lambda status, headers: seen.append(status))
        return seen[0], b"".join(chunks)

    status, _ = call("/radius/authorize")
    assert status.startswith("401")
    status, content = call("/radius/authorize", "s3cret-value")
    assert status.startswith("200")
    assert json.loads(content)["reply:Tunnel-Private-Group-Id"] == "40"


def test_a_device_on_two_wings_within_a_minute_is_an_alert(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from throughgate.access import selectors, services
    from throughgate.access.models import DeviceInTwoPlaces, NetworkDevice

    network = services.network_for(world.establishment)
    network.nas_wings = {"ap-a1": "A wing", "ap-b1": "B wing", "ap-a2": "A wing"}
    network.save()
    device = world.devices["enhanced"]
    services.radius_post_auth(mac=device.mac, nas="ap-a1")
    services.radius_post_auth(mac=device.mac, nas="ap-a2")  # same wing: fine
    assert not DeviceInTwoPlaces.objects.exists()
    services.radius_post_auth(mac=device.mac, nas="ap-b1")
    seen = DeviceInTwoPlaces.objects.get()
    assert (seen.first_wing, seen.second_wing) == ("A wing", "B wing")
    NetworkDevice.objects.filter(pk=device.pk).update(last_seen_at=timezone.now() - dt.timedelta(minutes=5))
    services.radius_post_auth(mac=device.mac, nas="ap-a1")  # minutes later: it moved, not cloned
    assert DeviceInTwoPlaces.objects.count() == 1
    data = selectors.monitoring(user=world.security, establishment=world.establishment, now=timezone.now())
    assert any("was seen on A wing and B wing within a minute" in alert for alert in data.alerts)


def test_a_site_is_edited_limited_to_a_group_and_taken_out_of_use(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    from throughgate.access import snapshot
    from throughgate.access.models import AccessGroup, Site

    site = Site.objects.get(domain="learning.test")
    sign_in_staff(client, world.officer)
    assert client.get(reverse("access:site_detail", args=[site.pk])).status_code == 403
    sign_in_staff(client, world.security)
    made = client.post(reverse("access:groups"), {"name": "Open University students", "code": "open-university"})
    assert made.status_code == 302
    assert client.post(reverse("access:groups"), {"name": "Again", "code": "open-university"}).status_code == 400
    assert client.post(reverse("access:groups"), {"name": "Bad", "code": "Not A Code"}).status_code == 400
    group = AccessGroup.objects.get(code="open-university")
    url = reverse("access:site_detail", args=[site.pk])
    before = snapshot.versions()["catalogue"]
    data = {
        "form": "edit",
        "edit-name": "Open learning",
        "edit-category": "education",
        "edit-risk": "2",
        "edit-include_subdomains": "no",
        "edit-description": "Courses",
        "edit-groups": ["open-university"],
    }
    assert client.post(url, data).status_code == 302
    site.refresh_from_db()
    assert (site.name, site.risk, site.include_subdomains) == ("Open learning", 2, False)
    assert list(site.groups.all()) == [group]
    assert snapshot.versions()["catalogue"] > before
    assert AuditEntry.objects.filter(action="access.site.changed", object_id=str(site.pk)).exists()
    bad = client.post(url, {**data, "edit-risk": "9"})
    assert bad.status_code == 400
    assert "govuk-error-summary" in bad.content.decode()
    assert client.post(url, {"form": "active", "active-reason": ""}).status_code == 400
    assert client.post(url, {"form": "active", "active-reason": "Closed down"}).status_code == 302
    site.refresh_from_db()
    assert not site.active
    assert "Closed down" in client.get(url).content.decode()
    assert client.post(url, {"form": "active", "active-reason": "Open again"}).status_code == 302
    site.refresh_from_db()
    assert site.active


def test_group_members_are_added_and_removed_within_the_prison(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    from throughgate.access.models import AccessGroup

    group = AccessGroup.objects.create(code="release", name="Close to release")
    sign_in_staff(client, world.security)
    url = reverse("access:group_detail", args=[group.pk])
    person = world.people["basic"]
    assert client.post(url, {"form": "add", "prison_number": person.prison_number.lower()}).status_code == 302
    assert list(group.members.all()) == [person]
    assert person.prison_number in client.get(url).content.decode()
    assert client.post(url, {"form": "add", "prison_number": person.prison_number}).status_code == 400  # already in
    elsewhere = world_module.build(code="LEI", catalogue=False, first_ip=50)
    stranger = elsewhere.people["basic"]
    assert client.post(url, {"form": "add", "prison_number": stranger.prison_number}).status_code == 400
    assert client.post(url, {"form": "remove", "person": str(stranger.pk)}).status_code == 404
    assert client.post(url, {"form": "remove", "person": str(person.pk)}).status_code == 302
    assert not group.members.exists()
    assert AuditEntry.objects.filter(action="access.group.changed", subject=person.prison_number).count() == 2


def test_an_officer_lifts_a_suspension_early_with_a_reason(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    person = world.people["sanctioned"]
    sanction = Sanction.objects.get(person=person, lifted_at__isnull=True)
    sign_in_staff(client, world.officer)
    url = reverse("access:sanction", args=[person.prison_number])
    assert "Lift a suspension early" in client.get(url).content.decode()
    missing = client.post(url, {"form": "lift", "lift-sanction": str(sanction.pk), "lift-reason": ""})
    assert missing.status_code == 400
    assert "govuk-error-message" in missing.content.decode()
    wrong = client.post(url, {"form": "lift", "lift-sanction": "999999", "lift-reason": "Appeal"})
    assert wrong.status_code == 400
    done = client.post(url, {"form": "lift", "lift-sanction": str(sanction.pk), "lift-reason": "Appeal upheld"})
    assert done.status_code == 302
    sanction.refresh_from_db()
    assert sanction.lifted_at is not None
    assert sanction.lifted_at <= timezone.now()
    assert sanction.lift_reason == "Appeal upheld"
    assert AuditEntry.objects.filter(action="access.sanction.lifted", subject=person.prison_number).exists()


def test_a_device_is_issued_to_a_cell(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import cell_in
    from throughgate.access.models import NetworkDevice

    cell = cell_in(world.establishment, "B", "2", "007")
    sign_in_staff(client, world.security)
    added = client.post(reverse("access:devices"), {"serial": "LAP-CELL", "mac": "02-aa-00-00-00-07", "kind": "laptop"})
    url = added["Location"]
    bad = client.post(url, {"action": "issue_cell", "cell": "NOPE-1", "reason": "Shared laptop"})
    assert bad.status_code == 400
    assert "No cell with that code" in bad.content.decode()
    done = client.post(url, {"action": "issue_cell", "cell": cell.key.lower(), "reason": "Shared laptop"})
    assert done.status_code == 302
    device = NetworkDevice.objects.get(serial="LAP-CELL")
    assert (device.status, device.location, device.person) == ("issued", cell, None)
    assert "Shared laptop" in client.get(url).content.decode()  # who changed what


def test_monitoring_alerts_on_bursts_to_blocked_categories_and_use_outside_hours(world) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from throughgate.access import selectors, services

    now = timezone.now()
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    basic = world.people["basic"].prison_number
    enhanced = world.people["enhanced"].prison_number

    def row(person: str, hour: dt.datetime, category: str, count: int, outside: int = 0) -> dict[str, object]:
        return {
            "person": person,
            "establishment": "MDI",
            "hour": hour.isoformat(),
            "outcome": "denied",
            "category": category,
            "count": count,
            "outside_hours": outside,
            "sites": {"jobs.test": count},
        }

    services.usage_record(
        counts=[
            row(basic, this_hour, "employment", 25),
            row(basic, this_hour, "health", 10),  # 35 refusals to closed categories within one hour: a burst
            row(enhanced, this_hour, "", 80),  # many sites that are simply not listed: not a burst
            row(enhanced, this_hour - dt.timedelta(hours=2), "employment", 20),
            row(enhanced, this_hour - dt.timedelta(hours=3), "employment", 20),  # spread over hours: not a burst
            row(enhanced, this_hour - dt.timedelta(hours=1), "", 2, outside=6),  # outside permitted hours
            row(basic, this_hour - dt.timedelta(hours=1), "", 1, outside=4),  # below the threshold
        ]
    )
    alerts = selectors.monitoring(user=world.security, establishment=world.establishment, now=now).alerts
    bursts = [alert for alert in alerts if "blocked categories" in alert]
    assert len(bursts) == 1
    assert bursts[0].startswith(f"{basic} had 35 requests to blocked categories (job search, health)")
    outside = [alert for alert in alerts if "outside permitted hours" in alert]
    assert outside == [f"{enhanced} tried to use the internet outside permitted hours 6 times"]


def test_security_staff_set_the_prisons_network(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    from throughgate.access import services, snapshot

    sign_in_staff(client, world.officer)
    assert client.get(reverse("access:network")).status_code == 403
    sign_in_staff(client, world.security)
    url = reverse("access:network")
    assert client.get(url).status_code == 200
    data = {
        "kiosk_vlan": "31",
        "laptop_vlan": "42",
        "tablet_vlan": "43",
        "quarantine_vlan": "",
        "ssids": "HMP-Residents\n\nHMP-Staff\n",
        "nas_wings": "ap-a1 = A wing\nap-b1=B wing",
    }
    bad = client.post(url, {**data, "nas_wings": "ap-a1 A wing"})
    assert bad.status_code == 400
    assert "write it as access point = wing" in bad.content.decode()
    assert client.post(url, {**data, "laptop_vlan": "5000"}).status_code == 400
    before = snapshot.versions()["policy"]
    assert client.post(url, data).status_code == 302
    network = services.network_for(world.establishment)
    assert (network.kiosk_vlan, network.laptop_vlan, network.quarantine_vlan) == ("31", "42", "")
    assert network.ssids == ["HMP-Residents", "HMP-Staff"]
    assert network.nas_wings == {"ap-a1": "A wing", "ap-b1": "B wing"}
    assert snapshot.versions()["policy"] > before
    assert AuditEntry.objects.filter(action="access.network.changed").exists()
    assert services.device_admit(mac=world.devices["enhanced"].mac).vlan == "42"  # the new VLAN at once
