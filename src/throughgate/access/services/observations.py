"""Unapproved devices: sightings from Kismet, Mist and RADIUS merged into one record per device, triage and
mitigation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.access import events, snapshot
from throughgate.access.models import (
    NetworkDevice,
    ObservationKind,
    ObservationStatus,
    UnapprovedDevice,
)
from throughgate.access.permissions import MANAGE_OBSERVATIONS
from throughgate.access.services.checks import ensure_in_scope
from throughgate.access.services.devices import is_randomised, normalise_mac
from throughgate.access.services.network import network_for
from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput
from throughgate.identity.models import Establishment, Location, User


@transaction.atomic
def observation_record(
    *,
    establishment: Establishment,
    mac: str,
    kind: str,
    source: str,
    seen_at: datetime,
    where: str = "",
    ssid: str = "",
    signal_dbm: int | None = None,
    location: Location | None = None,
    group_key: str = "",
) -> UnapprovedDevice:
    """One sighting, merged into the record of that MAC/BSSID (per establishment and kind)."""
    mac = normalise_mac(mac)
    group_key = group_key[:120] if is_randomised(mac) else ""
    found = UnapprovedDevice.objects.select_for_update().filter(establishment=establishment, mac=mac, kind=kind).first()
    if found is None:
        return UnapprovedDevice.objects.create(
            establishment=establishment,
            mac=mac,
            kind=kind,
            randomised=is_randomised(mac),
            group_key=group_key,
            ssid=ssid[:64],
            where=where[:100],
            location=location,
            sources=[source],
            first_seen=seen_at,
            last_seen=seen_at,
            signal_dbm=signal_dbm,
        )
    found.sightings += 1
    found.first_seen = min(found.first_seen, seen_at)
    found.last_seen = max(found.last_seen, seen_at)
    if source not in found.sources:
        found.sources = [*found.sources, source]
    if signal_dbm is not None:
        found.signal_dbm = signal_dbm
    found.where = where[:100] or found.where
    found.ssid = ssid[:64] or found.ssid
    found.location = location or found.location
    found.group_key = group_key or found.group_key
    if found.status in (ObservationStatus.FALSE_POSITIVE,):
        found.status = ObservationStatus.NEW  # seen again after being dismissed: look again
    found.save()
    return found


def observations_ingest(*, establishment: Establishment, sightings: Iterable[Any]) -> list[UnapprovedDevice]:
    """Merge normalised sightings (observations.Sighting) into the establishment's unapproved-device records.
    Registered devices and allow-listed neighbours are not unapproved; bad MACs are skipped."""
    network = network_for(establishment)
    allowed = {m.lower() for m in network.allowed_neighbours or []}
    registered = set(NetworkDevice.objects.values_list("mac", flat=True))
    stored = []
    for sighting in sightings:
        try:
            mac = normalise_mac(sighting.mac)
        except InvalidInput:
            continue
        if mac in allowed or (mac in registered and sighting.kind == ObservationKind.UNKNOWN_CLIENT):
            continue
        stored.append(
            observation_record(
                establishment=establishment,
                mac=mac,
                kind=sighting.kind,
                source=sighting.source,
                seen_at=sighting.seen_at,
                where=sighting.where,
                ssid=sighting.ssid,
                signal_dbm=sighting.signal_dbm,
                group_key=group_key_for(mac, sighting),
            )
        )
    return stored


def group_key_for(mac: str, sighting: Any) -> str:
    """What ties the randomised addresses of one device together, from what the source gives: the probe
    fingerprint or probed network names (Kismet), the name a phone hotspot beacons, or the rogue access point a
    client joined (Mist). Empty for a fixed address, or when the data shows nothing to tie it to."""
    if not is_randomised(mac):
        return ""
    fingerprint = str(getattr(sighting, "fingerprint", "") or "")
    if fingerprint:
        return fingerprint[:120]
    ssid = str(getattr(sighting, "ssid", "") or "").strip().lower()
    if ssid and sighting.kind != ObservationKind.UNKNOWN_CLIENT:
        return f"ssid:{ssid}"[:120]
    via = str(getattr(sighting, "via", "") or "")
    if via:
        try:
            return f"via:{normalise_mac(via)}"
        except InvalidInput:
            return ""
    return ""


TRIAGE = {
    ObservationStatus.INVESTIGATING,
    ObservationStatus.SEARCHING,
    ObservationStatus.ALLOW_LISTED,
    ObservationStatus.FALSE_POSITIVE,
}
MITIGATIONS = ("block_radius", "disconnect_coa", "mist_disconnect")


@transaction.atomic
def observation_triage(*, by: User, observation: UnapprovedDevice, status: str, note: str) -> UnapprovedDevice:
    """Investigate, search for the device, allow-list a known neighbour, or dismiss as a false positive."""
    ensure_can(by, MANAGE_OBSERVATIONS)
    ensure_in_scope(by, observation.establishment)
    if status not in TRIAGE:
        raise InvalidInput(_("Choose what to do"), code="invalid_status", field="status")
    if not note.strip():
        raise InvalidInput(_("Add a note"), code="note_required", field="note")
    before = observation.status
    observation.status = status
    observation.notes = (observation.notes + "\n" if observation.notes else "") + note.strip()[:500]
    observation.save(update_fields=["status", "notes"])
    if status == ObservationStatus.ALLOW_LISTED:
        network = network_for(observation.establishment)
        if observation.mac not in network.allowed_neighbours:
            network.allowed_neighbours = [*network.allowed_neighbours, observation.mac]
            network.save(update_fields=["allowed_neighbours"])
    audit.record(
        action=events.OBSERVATION_TRIAGED,
        actor=by,
        obj=observation,
        detail={"mac": observation.mac, "from": before, "to": status, "note": note.strip()[:500]},
    )
    return observation


def observation_mitigate(
    *, by: User, observation: UnapprovedDevice, action: str, note: str = "", mist: Any = None
) -> UnapprovedDevice:
    """Act against the device: block its MAC at RADIUS, send a RADIUS Disconnect to the access point that saw it,
    or ask Mist to disconnect it. The time from first sight to mitigation is kept."""
    ensure_can(by, MANAGE_OBSERVATIONS)
    ensure_in_scope(by, observation.establishment)
    if action not in MITIGATIONS:
        raise InvalidInput(_("Choose an action"), code="invalid_action", field="action")
    sent: bool | None = None
    if action == "disconnect_coa":
        from throughgate.access import radius

        sent = radius.disconnect_mac(mac=observation.mac, nas=observation.where)
    elif action == "mist_disconnect":
        try:
            sent = bool(mist.disconnect(observation.mac)) if mist is not None else False
        except OSError:
            sent = False
    with transaction.atomic():
        now = timezone.now()
        if action == "block_radius":
            observation.blocked = True
            snapshot.bump(snapshot.POLICY)  # RADIUS answers kept in memory must be made again
        observation.status = ObservationStatus.MITIGATED
        observation.mitigation = action
        observation.mitigated_at = observation.mitigated_at or now
        observation.save(update_fields=["blocked", "status", "mitigation", "mitigated_at"])
        audit.record(
            action=events.OBSERVATION_MITIGATED,
            actor=by,
            obj=observation,
            detail={
                "mac": observation.mac,
                "action": action,
                "sent": sent,
                "note": note[:500],
                "seconds_from_first_sight": observation.seconds_to_mitigation,
            },
        )
    return observation
