"""Sources of unapproved-device observations, behind one small interface: each adapter turns what its source
gives (RADIUS rejects, Kismet device and alert records, Juniper Mist rogue insights) into normalised sightings.
Deduplication, triage and mitigation live in services.

The JSON shapes are those documented by each product; recorded examples are in access/fixtures/ (see its README).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlparse

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
    fingerprint: str = ""  # what the device probes for (Kismet's probe fingerprint, or the probed network names)
    via: str = ""  # the rogue access point (BSSID) a client was seen joined to


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
            fingerprint=_probe_fingerprint(dot11) if isinstance(dot11, dict) else "",
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


def _probe_fingerprint(dot11: dict[str, Any]) -> str:
    """Kismet's probe fingerprint of a client (a hash of what its probe requests carry, stable across randomised
    addresses), else the set of network names it probed for."""
    fingerprint = dot11.get("dot11.device.probe_fingerprint")
    if isinstance(fingerprint, int | str) and str(fingerprint) not in ("", "0"):
        return f"fp:{fingerprint}"
    probed = dot11.get("dot11.device.probed_ssid_map")
    records = probed.values() if isinstance(probed, dict) else probed if isinstance(probed, list) else []
    names = sorted(
        {
            str(item.get("dot11.probedssid.ssid"))
            for item in records
            if isinstance(item, dict) and item.get("dot11.probedssid.ssid")
        }
    )
    return "probes:" + "|".join(names)[:110] if names else ""


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
                        via=str(item.get("bssid") or ""),
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

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}", "Accept": "application/json"}

    def disconnect(self, mac: str, timeout: float = 5.0) -> bool:
        """Ask Mist to disconnect (deauthenticate) a client from our access points. False when not configured
        or Mist refuses; OSError (SourceUnavailable) when it cannot be reached."""
        if not (self.site_id and self.token and _allowed_url(self.base_url)):
            return False
        try:
            fetch_json(
                f"{self.base_url}/api/v1/sites/{self.site_id}/clients/disconnect",
                headers=self._headers(),
                body={"macs": [mac.replace(":", "").lower()]},
                timeout=timeout,
            )
        except SourceRefused:
            return False
        return True

    def fetch(self, *, our_ssids: Iterable[str], timeout: float = 10.0, max_rogues: int = 50) -> list[Sighting]:
        """Poll Mist: rogue and spoofing access points (insights/rogues, types others, spoof and honeypot), then
        the clients seen joined to each of them."""
        if not (self.site_id and self.token and _allowed_url(self.base_url)):
            raise SourceUnavailable("Mist needs an https URL, a site id and a token")
        ours = list(our_ssids)
        base = f"{self.base_url}/api/v1/sites/{self.site_id}/insights/rogues"
        found: list[Sighting] = []
        for rogue_type in ("others", "spoof", "honeypot"):
            payload = fetch_json(f"{base}?type={rogue_type}&limit=100", headers=self._headers(), timeout=timeout)
            found.extend(self.sightings(payload, our_ssids=ours, rogue_type=rogue_type))
        rogues = sorted({s.mac.replace(":", "").lower() for s in found if s.kind != UNKNOWN_CLIENT})
        for bssid in rogues[:max_rogues]:
            payload = fetch_json(f"{base}/{bssid}/clients?limit=100", headers=self._headers(), timeout=timeout)
            found.extend(self.sightings(payload, our_ssids=ours))
        return found


class SourceUnavailable(OSError):
    """The source could not be reached or gave something that is not JSON."""


class SourceRefused(SourceUnavailable):
    """The source answered with an HTTP error (bad token, unknown site, ...)."""


def _allowed_url(url: str) -> bool:
    """https, or plain http to this machine only (a local sensor or a test server): tokens never cross a network
    in clear."""
    parsed = urlparse(url)
    return parsed.scheme == "https" or (
        parsed.scheme == "http" and parsed.hostname in ("127.0.0.1", "localhost", "::1")
    )


def fetch_json(url: str, *, headers: dict[str, str], body: Any = None, timeout: float = 10.0) -> Any:
    """GET (or POST ``body`` as JSON) and parse the JSON answer. Raises SourceRefused on an HTTP error status and
    SourceUnavailable when the source cannot be reached, times out or does not answer JSON."""
    if not _allowed_url(url):
        raise SourceUnavailable("only https URLs (or http to this machine)")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=dict(headers), method="POST" if data else "GET")  # noqa: S310 - scheme checked
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            raw = response.read(50_000_000)
    except urllib.error.HTTPError as exc:
        raise SourceRefused(f"{urlparse(url).path}: HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SourceUnavailable(f"{urlparse(url).netloc}: {exc}") from exc
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise SourceUnavailable(f"{urlparse(url).path}: not JSON") from exc


def kismet_fetch(
    *, base_url: str, token: str, sensor: str, our_ssids: Iterable[str], since: int, timeout: float = 10.0
) -> list[Sighting]:
    """Poll Kismet's REST API for devices and alerts changed since ``since`` (epoch seconds; negative: that many
    seconds ago). The API key goes in the KISMET cookie, as Kismet's API expects."""
    base = base_url.rstrip("/")
    headers = {"Cookie": f"KISMET={token}", "Accept": "application/json"}
    devices = fetch_json(f"{base}/devices/last-time/{since}/devices.json", headers=headers, timeout=timeout)
    alerts = fetch_json(f"{base}/alerts/last-time/{since}/alerts.json", headers=headers, timeout=timeout)
    if isinstance(alerts, dict):  # last-time wraps the list with the server's timestamp
        alerts = alerts.get("kismet.alert.list", [])
    records = [*(devices if isinstance(devices, list) else []), *(alerts if isinstance(alerts, list) else [])]
    return Kismet(sensor=sensor).sightings(records, our_ssids=our_ssids)


ADAPTERS: dict[str, type[RadiusRejects] | type[Kismet] | type[Mist]] = {
    "radius": RadiusRejects,
    "kismet": Kismet,
    "mist": Mist,
}
