"""Unapproved devices: the three adapters on recorded payloads, deduplication, triage and mitigation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from throughgate.access import observations, services
from throughgate.access.models import EstablishmentNetwork, UnapprovedDevice
from throughgate.access.tests import world as world_module
from throughgate.core.models import AuditEntry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OURS = ["HMP-Staff", "HMP-Residents"]


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def test_kismet_devices_are_normalised() -> None:
    found = observations.Kismet(sensor="kismet-a-wing").sightings(load("kismet_devices.json"), our_ssids=OURS)
    by_mac = {s.mac: s for s in found}
    assert by_mac["3C:22:FB:10:20:30"].kind == "spoofed_ssid"  # beacons our own network name
    assert by_mac["5E:11:22:33:44:55"].kind == "rogue_ap"
    assert by_mac["DA:A1:19:0C:7E:21"].kind == "unknown_client"
    assert by_mac["00:1A:7D:DA:71:13"].kind == "unknown_client"
    assert "C8:7B:23:00:11:22" not in by_mac  # Bluetooth is not a Wi-Fi device
    assert by_mac["3C:22:FB:10:20:30"].signal_dbm == -48
    assert by_mac["3C:22:FB:10:20:30"].where == "kismet-a-wing"


def test_kismet_alerts_keep_only_spoofs() -> None:
    found = observations.Kismet().sightings(load("kismet_alerts.json"), our_ssids=OURS)
    assert [(s.mac, s.kind) for s in found] == [("3C:22:FB:10:20:30", "spoofed_ssid")]


def test_mist_rogues_and_clients_are_normalised() -> None:
    mist = observations.Mist()
    others = mist.sightings(load("mist_rogues_others.json"), our_ssids=OURS)
    assert {s.kind for s in others} == {"rogue_ap"}
    spoof = mist.sightings(load("mist_rogues_spoof.json"), our_ssids=OURS, rogue_type="spoof")
    assert [s.kind for s in spoof] == ["spoofed_ssid"]
    assert spoof[0].signal_dbm == -51
    clients = mist.sightings(load("mist_rogue_clients.json"), our_ssids=OURS)
    assert [(s.mac, s.kind) for s in clients] == [("daa1190c7e21", "unknown_client")]


def test_radius_rejects_are_unknown_clients() -> None:
    found = observations.RadiusRejects().sightings(load("radius_rejects.json"), our_ssids=OURS)
    assert [(s.mac, s.kind, s.where, s.ssid) for s in found] == [
        ("00-1A-7D-DA-71-13", "unknown_client", "ap-a-wing-1", "HMP-Residents")
    ]


@pytest.mark.parametrize("payload", [None, 3, "x", [1, "a", None], {"results": "no"}, [{"kismet.device.base.type": 5}]])
def test_adapters_ignore_what_they_cannot_read(payload: Any) -> None:
    for adapter in (observations.Kismet(), observations.Mist(), observations.RadiusRejects()):
        assert adapter.sightings(payload, our_ssids=OURS) == []


@pytest.mark.django_db
def test_sightings_from_all_sources_are_deduplicated_by_mac() -> None:
    world = world_module.build()
    estab = world.establishment
    services.observations_ingest(
        establishment=estab,
        sightings=observations.Kismet().sightings(load("kismet_devices.json"), our_ssids=OURS)
        + observations.Kismet().sightings(load("kismet_alerts.json"), our_ssids=OURS),
    )
    mist = observations.Mist()
    services.observations_ingest(
        establishment=estab,
        sightings=mist.sightings(load("mist_rogues_spoof.json"), our_ssids=OURS, rogue_type="spoof")
        + mist.sightings(load("mist_rogues_others.json"), our_ssids=OURS)
        + mist.sightings(load("mist_rogue_clients.json"), our_ssids=OURS),
    )
    services.observations_ingest(
        establishment=estab,
        sightings=observations.RadiusRejects().sightings(load("radius_rejects.json"), our_ssids=OURS),
    )
    spoof = UnapprovedDevice.objects.get(mac="3c:22:fb:10:20:30", kind="spoofed_ssid")
    assert spoof.sightings == 3  # Kismet device, Kismet alert, Mist spoof insight
    assert spoof.sources == ["kismet", "mist"]
    phone = UnapprovedDevice.objects.get(mac="da:a1:19:0c:7e:21")
    assert phone.randomised
    assert phone.sightings == 2
    dongle = UnapprovedDevice.objects.get(mac="00:1a:7d:da:71:13")
    assert not dongle.randomised
    assert dongle.sources == ["kismet", "radius"]
    # A registered device seen as a client is not unapproved.
    registered = world.devices["enhanced"].mac
    services.observations_ingest(
        establishment=estab,
        sightings=[observations.Sighting(registered, "unknown_client", spoof.first_seen, "kismet")],
    )
    assert not UnapprovedDevice.objects.filter(mac=registered).exists()


@pytest.mark.django_db
def test_triage_and_mitigation_are_audited_and_timed() -> None:
    world = world_module.build()
    estab = world.establishment
    found = observations.Mist().sightings(load("mist_rogues_others.json"), our_ssids=OURS)
    services.observations_ingest(establishment=estab, sightings=found)
    farm = UnapprovedDevice.objects.get(mac="a0:b1:c2:d3:e4:f5")
    services.observation_triage(by=world.security, observation=farm, status="allow_listed", note="Farm next door")
    assert "a0:b1:c2:d3:e4:f5" in EstablishmentNetwork.objects.get(establishment=estab).allowed_neighbours
    services.observations_ingest(establishment=estab, sightings=found)
    farm.refresh_from_db()
    assert farm.sightings == 1  # allow-listed neighbours are no longer counted

    hotspot = UnapprovedDevice.objects.get(mac="5e:11:22:33:44:55")
    services.observation_triage(by=world.security, observation=hotspot, status="searching", note="Search A wing")

    class FakeMist:
        calls: list[str] = []

        def disconnect(self, mac: str) -> bool:
            self.calls.append(mac)
            return True

    fake = FakeMist()
    services.observation_mitigate(by=world.security, observation=hotspot, action="mist_disconnect", mist=fake)
    assert fake.calls == ["5e:11:22:33:44:55"]
    services.observation_mitigate(by=world.security, observation=hotspot, action="block_radius")
    hotspot.refresh_from_db()
    assert hotspot.blocked
    assert hotspot.status == "mitigated"
    assert hotspot.seconds_to_mitigation is not None
    assert services.device_admit(mac=hotspot.mac).accept is False
    actions = list(AuditEntry.objects.filter(object_id=str(hotspot.pk)).values_list("action", flat=True))
    assert actions.count("access.observation.mitigated") == 2
    assert "access.observation.triaged" in actions
    entry = AuditEntry.objects.filter(action="access.observation.mitigated").first()
    assert entry is not None
    assert "seconds_from_first_sight" in entry.detail


@pytest.mark.django_db
def test_only_security_staff_triage() -> None:
    from django.core.exceptions import PermissionDenied

    world = world_module.build()
    services.observations_ingest(
        establishment=world.establishment,
        sightings=observations.Mist().sightings(load("mist_rogues_others.json"), our_ssids=OURS),
    )
    item = UnapprovedDevice.objects.first()
    assert item is not None
    with pytest.raises(PermissionDenied):
        services.observation_triage(by=world.officer, observation=item, status="investigating", note="x")


@pytest.mark.django_db
def test_ingest_command_reads_a_recorded_file() -> None:
    from io import StringIO

    from django.core.management import call_command

    world_module.build()
    out = StringIO()
    call_command(
        "access",
        "ingest",
        str(FIXTURES / "kismet_devices.json"),
        "--source",
        "kismet",
        "--establishment",
        "MDI",
        "--sensor",
        "kismet-a-wing",
        stdout=out,
    )
    assert "4 sightings read, 4 recorded for MDI." in out.getvalue()
    assert UnapprovedDevice.objects.filter(where="kismet-a-wing").count() == 4


# --- randomised addresses, polling over HTTP, Mist deauth through the adapter ---------------------------------------


@pytest.mark.django_db
def test_randomised_addresses_of_one_phone_show_as_one_group() -> None:
    from throughgate.access import selectors

    world = world_module.build()
    found = observations.Kismet(sensor="kismet-b-wing").sightings(load("kismet_random_clients.json"), our_ssids=OURS)
    services.observations_ingest(establishment=world.establishment, sightings=found)
    assert UnapprovedDevice.objects.count() == 6  # every address is kept ...
    items = list(selectors.observations_visible_to(user=world.security, establishment=world.establishment))
    board = selectors.observation_board(items=items)
    groups = sorted(sorted(m.mac for m in row.members) for row in board.rows if row.is_group)
    assert groups == [  # ... but shown as one device per probe fingerprint / set of probed networks
        ["2e:c4:58:03:aa:03", "9a:3f:01:22:10:01", "d6:0b:77:41:9c:02"],
        ["b2:19:6d:e0:01:04", "f6:44:21:9e:0d:05"],
    ]
    assert len(board.rows) == 3  # the two groups and the address nothing ties to anything
    phone = next(row for row in board.rows if len(row.members) == 3)
    assert phone.sightings == 3
    assert phone.signal_dbm == -58  # the strongest of its addresses
    assert phone.first_seen < phone.last_seen


@pytest.mark.django_db
def test_a_fixed_address_is_never_grouped() -> None:
    world = world_module.build()
    sighting = observations.Sighting(
        mac="00:11:22:33:44:55",
        kind="unknown_client",
        seen_at=timezone.now(),
        source="kismet",
        fingerprint="fp:1",
    )
    (stored,) = services.observations_ingest(establishment=world.establishment, sightings=[sighting])
    assert stored.group_key == ""


class Recorded:
    """A local HTTP server answering like Kismet and Mist from the recorded JSON, checking the credentials."""

    def __init__(self, *, status: int = 200, delay: float = 0.0) -> None:
        import http.server
        import threading

        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                import time
                from urllib.parse import urlparse

                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                owner.requests.append((self.command, self.path, dict(self.headers), body))
                time.sleep(delay)
                path = urlparse(self.path).path
                payload: Any = None
                if "KISMET=kismet-key" in (self.headers.get("Cookie") or ""):
                    if path.endswith("/devices.json"):
                        payload = load("kismet_devices.json") + load("kismet_random_clients.json")
                    elif path.endswith("/alerts.json"):
                        payload = {
                            "kismet.alert.timestamp": 1795430700,
                            "kismet.alert.list": load("kismet_alerts.json"),
                        }
                elif self.headers.get("Authorization") == "Token mist-token" and path.startswith("/api/v1/sites/s1/"):
                    query = self.path.partition("?")[2]
                    if path.endswith("/clients/disconnect"):
                        payload = {}
                    elif path.endswith("/5e1122334455/clients"):
                        payload = load("mist_rogue_clients.json")
                    elif path.endswith("/clients"):
                        payload = {"results": []}
                    elif "type=others" in query:
                        payload = load("mist_rogues_others.json")
                    elif "type=spoof" in query:
                        payload = load("mist_rogues_spoof.json")
                    else:
                        payload = {"results": []}
                code = status if payload is not None else 401
                data = json.dumps(payload if payload is not None else {"detail": "bad token"}).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.handle_error = lambda *args: None  # type: ignore[method-assign]  # a client that gave up
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorded():  # type: ignore[no-untyped-def]
    server = Recorded()
    yield server
    server.close()


def poll(*args: str) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("access", "poll-observations", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_polling_kismet_over_http(recorded, tmp_path) -> None:  # type: ignore[no-untyped-def]
    world_module.build()
    token = tmp_path / "kismet.key"
    token.write_text("kismet-key\n")
    out = poll("--source", "kismet", "--url", recorded.url, "--token-file", str(token), "--establishment", "MDI",
               "--sensor", "kismet-a-wing", "--since", "-120")  # fmt: skip
    paths = [path for _, path, _, _ in recorded.requests]
    assert paths == ["/devices/last-time/-120/devices.json", "/alerts/last-time/-120/alerts.json"]
    assert "unapproved-device records" in out
    assert UnapprovedDevice.objects.filter(mac="5e:11:22:33:44:55", where="kismet-a-wing").exists()
    assert UnapprovedDevice.objects.filter(kind="spoofed_ssid").exists()  # from the alerts
    assert UnapprovedDevice.objects.exclude(group_key="").count() >= 5  # the random clients are tied together


@pytest.mark.django_db
def test_polling_mist_over_http(recorded, tmp_path) -> None:  # type: ignore[no-untyped-def]
    world_module.build()
    token = tmp_path / "mist.token"
    token.write_text("mist-token")
    poll("--source", "mist", "--url", recorded.url, "--token-file", str(token), "--establishment", "MDI",
         "--site-id", "s1")  # fmt: skip
    paths = [path for _, path, _, _ in recorded.requests]
    assert "/api/v1/sites/s1/insights/rogues?type=others&limit=100" in paths
    assert "/api/v1/sites/s1/insights/rogues/5e1122334455/clients?limit=100" in paths
    client = UnapprovedDevice.objects.get(mac="da:a1:19:0c:7e:21", kind="unknown_client")
    assert client.group_key == "via:5e:11:22:33:44:55"  # a client of the hotspot
    assert UnapprovedDevice.objects.filter(mac="5e:11:22:33:44:55", kind="rogue_ap").exists()


@pytest.mark.django_db
def test_polling_fails_with_a_clear_error_and_stores_nothing(recorded, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import socket

    from django.core.management.base import CommandError

    world_module.build()
    wrong = tmp_path / "wrong.key"
    wrong.write_text("not-the-key")
    with pytest.raises(CommandError, match="HTTP 401"):
        poll("--source", "kismet", "--url", recorded.url, "--token-file", str(wrong), "--establishment", "MDI")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    with pytest.raises(CommandError, match="could not be polled"):
        poll("--source", "mist", "--url", f"http://127.0.0.1:{closed}", "--token-file", str(wrong),
             "--establishment", "MDI", "--site-id", "s1")  # fmt: skip
    slow = Recorded(delay=2.0)
    try:
        key = tmp_path / "kismet.key"
        key.write_text("kismet-key")
        with pytest.raises(CommandError, match="could not be polled"):
            poll("--source", "kismet", "--url", slow.url, "--token-file", str(key), "--establishment", "MDI",
                 "--timeout", "0.3")  # fmt: skip
    finally:
        slow.close()
    with pytest.raises(CommandError, match="only https"):
        poll("--source", "kismet", "--url", "http://kismet.example.test:2501", "--token-file", str(wrong),
             "--establishment", "MDI")  # fmt: skip
    assert not UnapprovedDevice.objects.exists()


@pytest.mark.django_db
def test_mist_deauth_through_the_adapter_is_timed_and_audited(recorded) -> None:  # type: ignore[no-untyped-def]
    world = world_module.build()
    mist = observations.Mist(base_url=recorded.url, site_id="s1", token="mist-token")
    services.observations_ingest(establishment=world.establishment, sightings=mist.fetch(our_ssids=OURS))
    hotspot = UnapprovedDevice.objects.get(mac="5e:11:22:33:44:55", kind="rogue_ap")
    services.observation_mitigate(by=world.security, observation=hotspot, action="mist_disconnect", mist=mist)
    method, path, headers, body = recorded.requests[-1]
    assert (method, path) == ("POST", "/api/v1/sites/s1/clients/disconnect")
    assert json.loads(body) == {"macs": ["5e1122334455"]}
    assert headers["Authorization"] == "Token mist-token"
    hotspot.refresh_from_db()
    assert hotspot.status == "mitigated"
    assert hotspot.seconds_to_mitigation is not None
    entry = AuditEntry.objects.get(action="access.observation.mitigated", object_id=str(hotspot.pk))
    assert entry.detail["sent"] is True
    assert entry.detail["seconds_from_first_sight"] == hotspot.seconds_to_mitigation
    refused = observations.Mist(base_url=recorded.url, site_id="s1", token="wrong")
    assert refused.disconnect("5e:11:22:33:44:55") is False
