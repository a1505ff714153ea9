"""A small estate for the access tests: one prison's policy, a catalogue, the personas of the issue and their
devices with addresses. Synthetic people only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tests.factories import EstablishmentFactory, PersonFactory, cell_in, make_staff
from throughgate.access import services
from throughgate.access.models import AccessWindow, Category, LevelAccess, Site
from throughgate.identity.models import Establishment, User
from throughgate.people.models import Alert, Person

ALL_DAY = (dt.time(0, 0), dt.time(23, 59, 59))


@dataclass
class World:
    establishment: Establishment
    security: User
    officer: User
    people: dict[str, Person] = field(default_factory=dict)
    ips: dict[str, str] = field(default_factory=dict)
    devices: dict[str, Any] = field(default_factory=dict)


def build(
    *,
    code: str = "MDI",
    open_hours: tuple[dt.time, dt.time] = ALL_DAY,
    catalogue: bool = True,
    first_ip: int = 1,
    ip_prefix: str = "10.30.0.",
) -> World:
    establishment = EstablishmentFactory(code=code, name=f"HMP {code}")
    security = make_staff("security_it", [establishment])
    officer = make_staff("wing_officer", [establishment])
    LevelAccess.objects.create(
        establishment=establishment, level="Basic", categories=["education", "legal"], max_risk=1
    )
    LevelAccess.objects.create(
        establishment=establishment,
        level="Standard",
        categories=["education", "legal", "employment", "government"],
        max_risk=2,
    )
    LevelAccess.objects.create(
        establishment=establishment, level="Enhanced", categories=list(Category.values), max_risk=3
    )
    AccessWindow.objects.create(
        establishment=establishment,
        name="In-cell hours",
        kind="open",
        days=list(range(7)),
        starts=open_hours[0],
        ends=open_hours[1],
    )
    if catalogue:
        add_catalogue()
    world = World(establishment=establishment, security=security, officer=officer)
    _personas(world, code, first_ip, ip_prefix)
    return world


def add_catalogue() -> None:
    Site.objects.create(name="Learning", domain="learning.test", category="education", risk=1)
    Site.objects.create(name="Jobs", domain="jobs.test", category="employment", risk=1)
    Site.objects.create(name="Government", domain="gov.test", path_prefix="/benefits", category="government", risk=1)


def _personas(world: World, code: str, first_ip: int, ip_prefix: str) -> None:
    establishment, security, officer = world.establishment, world.security, world.officer
    personas = {
        "enhanced": {"incentive_level": "Enhanced"},
        "basic": {"incentive_level": "Basic"},
        "sanctioned": {"incentive_level": "Enhanced"},
        "alert": {"incentive_level": "Enhanced"},
    }
    for n, (name, fields) in enumerate(personas.items(), start=1):
        person = PersonFactory(
            establishment=establishment, location=cell_in(establishment, "A", "1", f"{n:03d}"), **fields
        )
        world.people[name] = person
        device = services.device_add(
            by=security,
            serial=f"LAP-{code}-{n}",
            mac=f"02:00:00:00:{first_ip:02x}:{n:02x}",
            kind="laptop",
            establishment=establishment,
        )
        services.device_issue(by=security, device=device, person=person)
        ip = f"{ip_prefix}{first_ip + n - 1}"
        services.accounting_record(status="Start", mac=device.mac, ip=ip, session_id=f"s{n}")
        world.ips[name] = ip
        world.devices[name] = device
    now = timezone.now()
    services.sanction_impose(
        by=officer, person=world.people["sanctioned"], ends_at=now + dt.timedelta(days=7), reason="Adjudication 123"
    )
    Alert.objects.create(person=world.people["alert"], code="PVN", active_from=dt.date(2025, 1, 1))
    # A device issued to the enhanced person but used from an address nobody holds: the "wrong device" persona is
    # an address with no registered device.
    world.ips["wrong_device"] = f"{ip_prefix}200"
