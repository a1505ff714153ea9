"""The device registry: MAC addresses, adding devices, issuing them to a person or a cell, and their status."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from throughgate.access import events, snapshot
from throughgate.access.models import (
    DeviceKind,
    DeviceStatus,
    NetworkDevice,
)
from throughgate.access.permissions import MANAGE_DEVICES
from throughgate.access.services.checks import ensure_in_scope
from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition
from throughgate.identity.models import Establishment, Location, User
from throughgate.people.models import Person

MAC_RE = re.compile(r"^[0-9a-f]{12}$")


def normalise_mac(raw: str) -> str:
    """``AA-BB-CC-DD-EE-FF``, ``aabb.ccdd.eeff`` and friends become ``aa:bb:cc:dd:ee:ff``; InvalidInput otherwise."""
    digits = re.sub(r"[^0-9a-fA-F]", "", raw or "").lower()
    if not MAC_RE.match(digits) or len(re.sub(r"[0-9a-fA-F:.\- ]", "", raw or "")) > 0:
        raise InvalidInput(_("Enter a MAC address like aa:bb:cc:dd:ee:ff"), code="invalid_mac", field="mac")
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def is_randomised(mac: str) -> bool:
    """A locally administered address (second-lowest bit of the first octet): phones randomise these per network."""
    return bool(int(mac[:2], 16) & 0x02)


TRANSITIONS: dict[str, set[str]] = {
    DeviceStatus.IN_STOCK: {DeviceStatus.ISSUED, DeviceStatus.RETIRED, DeviceStatus.LOST},
    DeviceStatus.ISSUED: {DeviceStatus.IN_STOCK, DeviceStatus.SUSPENDED, DeviceStatus.LOST, DeviceStatus.ISSUED},
    DeviceStatus.SUSPENDED: {DeviceStatus.ISSUED, DeviceStatus.IN_STOCK, DeviceStatus.LOST, DeviceStatus.RETIRED},
    DeviceStatus.LOST: {DeviceStatus.IN_STOCK, DeviceStatus.RETIRED},
    DeviceStatus.RETIRED: set(),
}


@transaction.atomic
def device_add(*, by: User, serial: str, mac: str, kind: str, establishment: Establishment) -> NetworkDevice:
    ensure_can(by, MANAGE_DEVICES)
    ensure_in_scope(by, establishment)
    mac = normalise_mac(mac)
    serial = serial.strip()
    if not serial:
        raise InvalidInput(_("Enter the serial number"), code="serial_required", field="serial")
    if kind not in DeviceKind.values:
        raise InvalidInput(_("Choose a kind of device"), code="invalid_kind", field="kind")
    if NetworkDevice.objects.filter(serial=serial).exists():
        raise InvalidInput(_("A device with this serial number is registered"), code="duplicate", field="serial")
    if NetworkDevice.objects.filter(mac=mac).exists():
        raise InvalidInput(_("A device with this MAC address is registered"), code="duplicate", field="mac")
    device = NetworkDevice.objects.create(serial=serial, mac=mac, kind=kind, establishment=establishment)
    audit.record(action=events.DEVICE_ADDED, actor=by, obj=device, detail={"serial": serial, "mac": mac, "kind": kind})
    snapshot.bump(snapshot.POLICY)
    return device


def _device_change(device: NetworkDevice, by: User, change: str, reason: str, before: dict[str, Any]) -> None:
    after = {"status": device.status, "person": device.person_id, "location": device.location_id}
    audit.record(
        action=events.DEVICE_CHANGED,
        actor=by,
        subject=device.person.prison_number if device.person else "",
        obj=device,
        detail={"change": change, "reason": reason[:500], "before": before, "after": after},
    )
    snapshot.bump(snapshot.POLICY)


@transaction.atomic
def device_issue(
    *, by: User, device: NetworkDevice, person: Person | None = None, location: Location | None = None, reason: str = ""
) -> NetworkDevice:
    """Issue a device to one person, or to a cell (then everyone in the cell shares it)."""
    ensure_can(by, MANAGE_DEVICES)
    ensure_in_scope(by, device.establishment)
    if (person is None) == (location is None):
        raise InvalidInput(_("Issue the device to a person or to a cell"), code="holder_required", field="person")
    if person is not None and person.establishment_id != device.establishment_id:
        raise InvalidInput(_("That person is not in this prison"), code="wrong_establishment", field="person")
    if location is not None and location.establishment_id != device.establishment_id:
        raise InvalidInput(_("That cell is not in this prison"), code="wrong_establishment", field="location")
    if DeviceStatus.ISSUED not in TRANSITIONS[device.status]:
        raise InvalidTransition(
            _("A device that is %(status)s cannot be issued") % {"status": device.get_status_display()}
        )
    before = {"status": device.status, "person": device.person_id, "location": device.location_id}
    device.status = DeviceStatus.ISSUED
    device.person = person
    device.location = location
    device.save(update_fields=["status", "person", "location"])
    _device_change(device, by, "issued", reason, before)
    return device


@transaction.atomic
def device_set_status(*, by: User, device: NetworkDevice, status: str, reason: str) -> NetworkDevice:
    """Suspend, report lost, return to stock or retire. Suspending or losing a device also disconnects it from
    the network (a RADIUS Disconnect-Request, sent after the change is committed)."""
    ensure_can(by, MANAGE_DEVICES)
    ensure_in_scope(by, device.establishment)
    if status == DeviceStatus.ISSUED:
        raise InvalidInput(_("Use issue to give a device to someone"), code="use_issue")
    if status not in TRANSITIONS.get(device.status, set()):
        raise InvalidTransition(
            _("A device that is %(from)s cannot become %(to)s")
            % {"from": device.get_status_display(), "to": DeviceStatus(status).label}
        )
    if not reason.strip():
        raise InvalidInput(_("Give a reason"), code="reason_required", field="reason")
    before = {"status": device.status, "person": device.person_id, "location": device.location_id}
    device.status = status
    if status in (DeviceStatus.IN_STOCK, DeviceStatus.RETIRED):
        device.person = None
        device.location = None
    device.save(update_fields=["status", "person", "location"])
    _device_change(device, by, status, reason, before)
    if status in (DeviceStatus.SUSPENDED, DeviceStatus.LOST, DeviceStatus.RETIRED):
        from throughgate.access import radius

        device_id = device.pk
        transaction.on_commit(lambda: radius.disconnect_device(device_id))
    return device
