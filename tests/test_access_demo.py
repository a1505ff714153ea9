"""The demo estate's internet access (demo.access): made through the access services (each change audited), use of the
internet decided by the policy and flushed into activity events, the same rows for the same seed and moment,
``demo_estate`` running the step and ``--reset`` deleting what it made; and the canteen orders of the demo's last week
waiting for delivery (demo.selfservice)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Max, Sum
from django.test import Client
from django.utils import timezone

from tests.factories import sign_in_staff
from throughgate.access import selectors
from throughgate.access.models import (
    AccessGroup,
    DeviceAddress,
    DeviceInTwoPlaces,
    EstablishmentNetwork,
    InternetUsage,
    LevelAccess,
    NetworkDevice,
    Sanction,
    Site,
    SiteRequest,
    UnapprovedDevice,
)
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.demo import access as demo
from throughgate.demo import estate as people_demo
from throughgate.identity.models import User
from throughgate.people import demo_hooks
from throughgate.people.models import Person

pytestmark = pytest.mark.django_db

SEED = 5


@pytest.fixture
def estate() -> None:
    people_demo.save(people_demo.generate(people_demo.DemoOptions(prisons=2, people=200, days=14, seed=SEED)))


def _rows() -> dict[str, list[Any]]:
    """What the demo made, without database ids or the moments the services stamp themselves."""
    return {
        "sites": sorted(Site.objects.values_list("domain", "path_prefix", "category", "risk", "groups__code")),
        "levels": sorted(LevelAccess.objects.values_list("establishment__code", "level", "categories", "max_risk")),
        "members": sorted(
            AccessGroup.members.through.objects.values_list("accessgroup__code", "person__prison_number")
        ),
        "devices": sorted(
            NetworkDevice.objects.values_list("serial", "mac", "kind", "status", "person__prison_number")
        ),
        "addresses": sorted(DeviceAddress.objects.values_list("ip", "device__serial", "nas")),
        "unapproved": sorted(
            UnapprovedDevice.objects.values_list("mac", "kind", "sightings", "first_seen", "status", "group_key")
        ),
        "requests": sorted(
            SiteRequest.objects.values_list("person__prison_number", "address", "status", "submitted_at")
        ),
        "sanctions": sorted(Sanction.objects.values_list("person__prison_number", "starts_at", "ends_at", "reason")),
        "usage": sorted(
            InternetUsage.objects.values_list("person", "hour", "outcome", "category", "count", "outside_hours")
        ),
        "refused": sorted(str(sites) for sites in InternetUsage.objects.values_list("sites", flat=True)),
    }


def test_built_through_the_services_with_use_flushed_into_activity_events(estate: None) -> None:
    said: list[str] = []
    counts = demo.populate(seed=SEED, say=said.append)
    rows = counts.as_rows()
    assert all(rows[label] > 0 for label in rows), rows
    assert any("policy decisions" in line for line in said)

    # Every change was made by a service: one audit row each, by the prison's own Security and IT officer.
    audited = Counter(AuditEntry.objects.filter(action__startswith="access.").values_list("action", flat=True))
    assert audited["access.site.added"] == Site.objects.count() == counts.sites
    assert audited["access.device.added"] == NetworkDevice.objects.count() == counts.devices
    assert audited["access.level.changed"] == LevelAccess.objects.count() == 6  # three levels in two prisons
    assert audited["access.network.changed"] == 2
    assert audited["access.request.submitted"] == SiteRequest.objects.count()
    assert audited["access.request.reviewed"] == SiteRequest.objects.exclude(status="NEW").count() > 0
    assert audited["access.sanction.imposed"] == Sanction.objects.count() == 6
    assert audited["access.sanction.lifted"] == Sanction.objects.filter(lifted_at__isnull=False).count() == 2
    assert audited["access.observation.triaged"] == 8
    assert audited["access.observation.mitigated"] == 2
    assert set(AuditEntry.objects.filter(action="access.device.added").values_list("actor_username", flat=True)) == {
        "security.mdi",
        "security.lei",
    }
    assert all(reason for reason in Sanction.objects.values_list("reason", flat=True))

    # Sightings came in through the ingest: merged per device, from the three sources, some tied to one phone.
    assert set().union(*UnapprovedDevice.objects.values_list("sources", flat=True)) == {"kismet", "mist", "radius"}
    assert UnapprovedDevice.objects.filter(sightings__gt=1).exists()
    assert UnapprovedDevice.objects.filter(randomised=True).exclude(group_key="").exists()
    assert UnapprovedDevice.objects.filter(blocked=True).count() == 2
    for network in EstablishmentNetwork.objects.all():  # a tablet seen on two wings, where there are two
        assert len(set(network.nas_wings.values()) - {"Segregation unit"}) > 1
        assert DeviceInTwoPlaces.objects.filter(device__establishment=network.establishment_id).count() == 1

    # Use: every finished hour became one activity event, the hour of now (if any) waits for the next flush.
    now = timezone.now()
    usage = InternetUsage.objects.all()
    assert usage.filter(outcome="allowed").exists()
    assert usage.filter(outcome="denied").exists()
    assert not usage.filter(emitted=False, hour__lt=now - timedelta(hours=1, minutes=5)).exists()
    events = ActivityEvent.objects.filter(source="access.squid")
    assert events.count() == usage.filter(emitted=True).count() == counts.events
    assert events.aggregate(n=Sum("value"))["n"] == usage.filter(emitted=True).aggregate(n=Sum("count"))["n"]
    oldest = usage.order_by("hour").first()
    assert oldest is not None
    assert oldest.hour >= now - timedelta(days=demo.DAYS)
    # Nobody is issued a device while an alert removes their internet, and nobody without a device uses it.
    users = set(usage.values_list("person", flat=True))
    holders = set(NetworkDevice.objects.filter(person__isnull=False).values_list("person__prison_number", flat=True))
    assert users <= holders
    barred = Person.objects.filter(alerts__code__in=["PVN", "XCYB"], alerts__active_to__isnull=True)
    assert not NetworkDevice.objects.filter(person__in=barred).exists()

    # Monitoring, as the security officer sees it: use per hour, refusals, the alerts the demo plants.
    security = User.objects.get(username="security.mdi")
    place = security.assignments.get().establishment
    seen = selectors.monitoring(user=security, establishment=place, now=now)
    assert sum(allowed for _hour, allowed, _refused in seen.per_hour) > 0
    assert seen.top_denied_sites
    assert seen.requests_waiting == 3
    assert any("blocked categories (job search)" in alert for alert in seen.alerts)
    assert any("outside permitted hours" in alert for alert in seen.alerts)
    assert any("within a minute" in alert for alert in seen.alerts)


def test_the_same_seed_and_moment_give_the_same_rows(estate: None) -> None:
    now = timezone.now().replace(hour=21, minute=10, second=0, microsecond=0) - timedelta(days=1)
    demo.populate(seed=SEED, now=now)
    before = _rows()
    assert before["usage"]
    deleted = demo.reset()
    assert deleted["internet access rows"] > 0
    for model in (Site, NetworkDevice, UnapprovedDevice, SiteRequest, Sanction, InternetUsage, AccessGroup):
        assert not model.objects.exists(), model
    demo.populate(seed=SEED, now=now)
    assert _rows() == before
    assert demo.populate(seed=SEED, now=now).as_rows() == {}  # already there: nothing added


def test_demo_estate_runs_the_step_and_reset_deletes_what_it_made(estate: None) -> None:
    assert "internet access" in demo_hooks.STEPS
    assert "internet access" in demo_hooks.RESETS
    demo.populate(seed=SEED)
    out = StringIO()
    call_command(
        "demo_estate",
        *("--prisons", "1", "--people", "40", "--days", "14", "--seed", "3"),
        "--reset",
        "--no-progress",
        stdout=out,
    )
    output = out.getvalue()
    assert "internet access rows" in output.split("\n", 1)[0]  # the reset line
    assert "internet sites" in output
    assert set(NetworkDevice.objects.values_list("establishment__code", flat=True)) == {"MDI"}
    assert SiteRequest.objects.filter(status="NEW").exists()


def test_the_canteen_orders_of_the_last_week_wait_for_delivery() -> None:
    from throughgate.demo import selfservice as selfservice_demo

    people_demo.save(people_demo.generate(people_demo.DemoOptions(prisons=1, people=60, days=28, seed=SEED)))
    selfservice_demo.populate(seed=SEED, other_areas=False)
    orders = apps.get_model("selfservice", "CanteenOrder").objects.all()
    last: datetime = orders.aggregate(last=Max("placed_at"))["last"]
    since = min(timezone.now(), last) - selfservice_demo.NOT_YET_DELIVERED
    waiting = orders.filter(status="PLACED")
    assert waiting.exists()
    assert not waiting.filter(placed_at__lte=since, delivered_at__isnull=False).exists()
    assert set(orders.filter(placed_at__gt=since).values_list("status", flat=True)) == {"PLACED"}
    assert orders.filter(status="DELIVERED", placed_at__lte=since).exists()
    assert not orders.filter(status="DELIVERED", delivered_at__isnull=True).exists()

    governor = sign_in_staff(Client(), User.objects.get(username="governor.mdi"))
    page = governor.get("/selfservice/canteen/deliveries/").content.decode()
    assert "There are no orders to deliver." not in page
    assert page.count("Deliver order") == min(waiting.count(), 200)
