"""Sources of unapproved-device observations, behind one small interface: each adapter turns what its source
gives (RADIUS rejects, Kismet device and alert records, Juniper Mist rogue insights) into normalised sightings.
Deduplication, triage and mitigation live in services.

The JSON shapes are those documented by each product; recorded examples are in access/fixtures/ (see its README).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

ROGUE_AP = "rogue_ap"
UNKNOWN_CLIENT = "unknown_client"
SPOOFED_SSID = "spoofed_ssid"


@dataclass(frozen=True)
class Sighting:
    """One normalised observation: what was seen, when, where and how strongly."""

    mac: str
    kind: str
    seen_at: datetime
    source: str
    where: str = ""
    ssid: str = ""
    signal_dbm: int | None = None


class Adapter(Protocol):
    name: str

    def sightings(self, payload: Any, *, our_ssids: Iterable[str]) -> list[Sighting]: ...


def _when(value: Any) -> datetime:
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.now(tz=UTC)


def _signal(value: Any) -> int | None:
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        return None
    if number > 0:  # some sources report RSSI as a positive number
        number = -number
    return number if -120 <= number <= 0 else None


class RadiusRejects:
    """Our own RADIUS: rejected MAC authentications, as rlm_rest bodies (``Calling-Station-Id``, ``NAS-Identifier``,
    ``Event-Timestamp``)."""

    name = "radius"

    def sightings(self, payload: Any, *, our_ssids: Iterable[str]) -> list[Sighting]:
        found = []
        for body in payload if isinstance(payload, list) else []:
            if not isinstance(body, dict):
                continue

            def value(key: str, body: dict[str, Any] = body) -> str:
                entry = body.get(key)
                if isinstance(entry, dict) and isinstance(entry.get("value"), list) and entry["value"]:
                    return str(entry["value"][0])
                return str(entry) if isinstance(entry, str | int | float) else ""

            mac = value("Calling-Station-Id") or value("User-Name")
            if mac:
                found.append(
                    Sighting(
                        mac=mac,
                        kind=UNKNOWN_CLIENT,
                        seen_at=_when(value("Event-Timestamp") or None),
                        source=self.name,
                        where=value("NAS-Identifier"),
                        ssid=value("Called-Station-Id").partition(":")[2],
                    )
                )
        return found


class Kismet:
    """Kismet's REST API: device records (``/devices/views/.../devices.json``, or from the eventbus) and alert
    records (``/alerts/all_alerts.json``). An access point beaconing one of our own network names is a spoof; any
    other access point is a rogue; any other Wi-Fi device is an unknown client. An ``APSPOOF`` alert is a spoof."""

    name = "kismet"

    def __init__(self, sensor: str = "") -> None:
        self.sensor = sensor

    def sightings(self, payload: Any, *, our_ssids: Iterable[str]) -> list[Sighting]:
        ours = {ssid.lower() for ssid in our_ssids}
        found = []
        for record in payload if isinstance(payload, list) else [payload]:
            if not isinstance(record, dict):
                continue
            alert = "kismet.alert.header" in record
            sighting = self._alert(record) if alert else self._device(record, ours)
            if sighting is not None:
                found.append(sighting)
        return found

    def _device(self, record: dict[str, Any], ours: set[str]) -> Sighting | None:
        mac = str(record.get("kismet.device.base.macaddr", ""))
        kind_text = str(record.get("kismet.device.base.type", ""))
        if not mac or not kind_text.startswith("Wi-Fi"):
            return None
        dot11 = record.get("dot11.device") or {}
        ssid = str(
            (dot11.get("dot11.device.last_beaconed_ssid") if isinstance(dot11, dict) else "")
            or record.get("kismet.device.base.name", "")
            or ""
        )
        signal = record.get("kismet.device.base.signal") or {}
        kind = UNKNOWN_CLIENT
        if kind_text == "Wi-Fi AP":
            kind = SPOOFED_SSID if ssid.lower() in ours else ROGUE_AP
        return Sighting(
            mac=mac,
            kind=kind,
            seen_at=_when(record.get("kismet.device.base.last_time")),
            source=self.name,
            where=self.sensor,
            ssid=ssid if kind != UNKNOWN_CLIENT else "",
            signal_dbm=_signal(signal.get("kismet.common.signal.last_signal") if isinstance(signal, dict) else None),
        )

    def _alert(self, record: dict[str, Any]) -> Sighting | None:
        header = str(record.get("kismet.alert.header", "")).upper()
        if header not in ("APSPOOF", "SSIDCONFLICT", "BSSTIMESTAMP"):
            return None  # other alerts (deauth floods, ...) are not about one device to find
        mac = str(record.get("kismet.alert.transmitter_mac") or record.get("kismet.alert.source_mac") or "")
        if not mac or mac == "00:00:00:00:00:00":
            return None
        return Sighting(
            mac=mac,
            kind=SPOOFED_SSID,
            seen_at=_when(record.get("kismet.alert.timestamp")),
            source=self.name,
            where=self.sensor,
            ssid="",
        )


class Mist:
    """Juniper Mist: rogue access points (``GET /api/v1/sites/{site_id}/insights/rogues?type=...``, results with
    ``bssid``, ``ssid``, ``ap_mac``, ``avg_rssi``, ``num_aps``, ``times_heard``) and the clients of a rogue
    (``.../insights/rogues/{bssid}/clients``, with ``client_mac``). ``spoof`` and ``honeypot`` types are spoofs.
    Mitigation: ``POST /api/v1/sites/{site_id}/clients/disconnect`` with ``{"macs": [...]}``."""

    name = "mist"

    def __init__(self, *, base_url: str = "https://api.eu.mist.com", site_id: str = "", token: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.site_id = site_id
        self.token = token

    def sightings(self, payload: Any, *, our_ssids: Iterable[str], rogue_type: str = "others") -> list[Sighting]:
        ours = {ssid.lower() for ssid in our_ssids}
        results = payload.get("results", []) if isinstance(payload, dict) else payload
        found = []
        seen_at = _when(payload.get("end")) if isinstance(payload, dict) and payload.get("end") else _when(None)
        for item in results if isinstance(results, list) else []:
            if not isinstance(item, dict):
                continue
            if "client_mac" in item:
                found.append(
                    Sighting(
                        mac=str(item["client_mac"]),
                        kind=UNKNOWN_CLIENT,
                        seen_at=seen_at,
                        source=self.name,
                        where=str(item.get("ap_mac", "")),
                        ssid="",
                        signal_dbm=_signal(item.get("avg_rssi")),
                    )
                )
                continue
            bssid = str(item.get("bssid", ""))
            if not bssid:
                continue
            ssid = str(item.get("ssid") or "")
            spoof = rogue_type in ("spoof", "honeypot") or ssid.lower() in ours
            found.append(
                Sighting(
                    mac=bssid,
                    kind=SPOOFED_SSID if spoof else ROGUE_AP,
                    seen_at=seen_at,
                    source=self.name,
                    where=str(item.get("ap_mac", "")),
                    ssid=ssid,
                    signal_dbm=_signal(item.get("avg_rssi")),
                )
            )
        return found

    def disconnect(self, mac: str, timeout: float = 5.0) -> bool:
        """Ask Mist to disconnect a client from our access points."""
        if not (self.site_id and self.token and self.base_url.startswith("https://")):
            return False
        request = urllib.request.Request(  # noqa: S310 - https only, checked above
            f"{self.base_url}/api/v1/sites/{self.site_id}/clients/disconnect",
            data=json.dumps({"macs": [mac.replace(":", "")]}).encode(),
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return 200 <= int(response.status) < 300


ADAPTERS: dict[str, type[RadiusRejects] | type[Kismet] | type[Mist]] = {
    "radius": RadiusRejects,
    "kismet": Kismet,
    "mist": Mist,
}
