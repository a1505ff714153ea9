"""Unapproved Wi-Fi devices for the demo's internet access: sightings through the observations ingest, as Kismet,
Mist and RADIUS rejects would send them, then triaged and dealt with. See ``throughgate.demo.access``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from throughgate.access import services
from throughgate.access.models import (
    ObservationKind,
    ObservationStatus,
    UnapprovedDevice,
)
from throughgate.access.observations import Sighting
from throughgate.demo.access_data import (
    Prison,
    new_mac,
)

# --- unapproved devices -------------------------------------------------------------------------------------------

HOTSPOTS = ("iPhone", "Galaxy A15", "Redmi Note 12", "Nokia G21", "moto g54", "OPPO A78")


def observe(prison: Prison, macs: set[str], now: datetime) -> int:
    """What the sensors reported over the last fortnight, through the observations ingest (Kismet: phone hotspots, a
    phone with randomised addresses, a neighbour's router, a printer; Mist: an access point copying our network name
    and clients joined to a hotspot; RADIUS: unknown devices that tried to join); then security triages them."""
    rng, place = prison.rng, prison.establishment
    code = place.code.lower()
    wings = sorted({ap.rsplit("-", 1)[1][:-1] for ap in prison.wings if prison.wings[ap] != "Segregation unit"})
    sensors = [f"kismet-{code}-{wing}" for wing in wings] or [f"kismet-{code}"]
    aps = sorted(prison.wings) or [f"ap-{code}"]
    network = services.network_for(place)
    ours = list(network.ssids or [f"HMP{place.code}-Learning"])
    found: list[Sighting] = []

    def seen(mac: str, kind: str, source: str, times: int, days: float, **extra: Any) -> None:
        first = now - timedelta(days=days)
        span = (now - first).total_seconds()
        for _ in range(times):
            at = first + timedelta(seconds=rng.uniform(0, span))
            found.append(Sighting(mac=mac, kind=kind, seen_at=at, source=source, **extra))

    hotspots = [new_mac(rng, macs, randomised=True) for _ in range(2)]
    for bssid, name in zip(hotspots, rng.sample(HOTSPOTS, 2), strict=True):
        where, signal = rng.choice(sensors), rng.randint(-75, -50)
        seen(
            bssid,
            ObservationKind.ROGUE_AP,
            "kismet",
            rng.randint(4, 12),
            rng.uniform(2, 12),
            where=where,
            ssid=name,
            signal_dbm=signal,
        )
    for _ in range(2):  # clients joined to the first hotspot, as Mist reports them
        seen(
            new_mac(rng, macs, randomised=True),
            ObservationKind.UNKNOWN_CLIENT,
            "mist",
            rng.randint(2, 5),
            rng.uniform(1, 6),
            where=rng.choice(aps),
            via=hotspots[0],
            signal_dbm=rng.randint(-80, -60),
        )
    fingerprint = f"{rng.getrandbits(32):08x}"
    for _ in range(3):  # one phone, three randomised addresses, the same probe fingerprint
        seen(
            new_mac(rng, macs, randomised=True),
            ObservationKind.UNKNOWN_CLIENT,
            "kismet",
            rng.randint(1, 4),
            rng.uniform(1, 9),
            where=rng.choice(sensors),
            fingerprint=fingerprint,
            signal_dbm=rng.randint(-82, -58),
        )
    spoof = new_mac(rng, macs)
    seen(
        spoof,
        ObservationKind.SPOOFED_SSID,
        "mist",
        rng.randint(3, 8),
        rng.uniform(1, 4),
        where=rng.choice(aps),
        ssid=ours[0],
        signal_dbm=rng.randint(-70, -55),
    )
    rejected = [new_mac(rng, macs) for _ in range(2)]
    for mac in rejected:
        seen(
            mac,
            ObservationKind.UNKNOWN_CLIENT,
            "radius",
            rng.randint(3, 15),
            rng.uniform(1, 8),
            where=rng.choice(aps),
            ssid=ours[-1],
        )
    neighbour = new_mac(rng, macs)
    seen(
        neighbour,
        ObservationKind.ROGUE_AP,
        "kismet",
        rng.randint(10, 20),
        13.5,
        where=sensors[0],
        ssid=f"BT-Hub6-{rng.getrandbits(16):04X}",
        signal_dbm=rng.randint(-90, -84),
    )
    printer = new_mac(rng, macs)
    seen(
        printer,
        ObservationKind.ROGUE_AP,
        "kismet",
        rng.randint(5, 10),
        rng.uniform(6, 13),
        where=sensors[-1],
        ssid="DIRECT-4C-HP OfficeJet Pro",
        signal_dbm=rng.randint(-68, -60),
    )
    found.sort(key=lambda sighting: sighting.seen_at)
    stored = services.observations_ingest(establishment=place, sightings=found)

    def record(mac: str, kind: str) -> UnapprovedDevice:
        return UnapprovedDevice.objects.get(establishment=place, mac=mac, kind=kind)

    by = prison.security
    services.observation_triage(
        by=by,
        observation=record(spoof, ObservationKind.SPOOFED_SSID),
        status=ObservationStatus.INVESTIGATING,
        note="Our network name from an access point that is not ours. IT checking the controller; wing search next.",
    )
    services.observation_triage(
        by=by,
        observation=record(hotspots[0], ObservationKind.ROGUE_AP),
        status=ObservationStatus.SEARCHING,
        note="Phone hotspot, strongest at the sensor on this wing. Cell search of the landing requested.",
    )
    services.observation_mitigate(
        by=by,
        observation=record(rejected[0], ObservationKind.UNKNOWN_CLIENT),
        action="block_radius",
        note="Not one of ours and kept trying to join the in-cell network. Blocked.",
    )
    services.observation_triage(
        by=by,
        observation=record(neighbour, ObservationKind.ROGUE_AP),
        status=ObservationStatus.ALLOW_LISTED,
        note="The router of the house next to the car park: weak, only at the gate sensor.",
    )
    services.observation_triage(
        by=by,
        observation=record(printer, ObservationKind.ROGUE_AP),
        status=ObservationStatus.FALSE_POSITIVE,
        note="The education block's printer with Wi-Fi Direct on. IT switched it off.",
    )
    return len({item.pk for item in stored})
