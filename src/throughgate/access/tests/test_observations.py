"""Unapproved devices: the three adapters on recorded payloads, deduplication, triage and mitigation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

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
