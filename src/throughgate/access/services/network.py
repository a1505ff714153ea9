"""A prison's network settings: VLANs per device kind, the quarantine VLAN, its Wi-Fi names and which wing each
access point serves."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from throughgate.access import events, snapshot
from throughgate.access.models import (
    EstablishmentNetwork,
)
from throughgate.access.permissions import MANAGE_DEVICES
from throughgate.access.services.checks import ensure_in_scope
from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput
from throughgate.identity.models import Establishment, User


def network_for(establishment: Establishment) -> EstablishmentNetwork:
    found, _created = EstablishmentNetwork.objects.get_or_create(establishment=establishment)
    return found


VLAN_ID = re.compile(r"[0-9]{1,4}")


@transaction.atomic
def network_update(
    *,
    by: User,
    establishment: Establishment,
    kiosk_vlan: str,
    laptop_vlan: str,
    tablet_vlan: str,
    quarantine_vlan: str,
    ssids: list[str],
    nas_wings: dict[str, str],
) -> EstablishmentNetwork:
    """A prison's VLAN per device kind, its quarantine VLAN (empty: suspended and lost devices are refused), its
    own Wi-Fi names (an access point copying one is a spoof) and which wing each access point serves."""
    ensure_can(by, MANAGE_DEVICES)
    ensure_in_scope(by, establishment)
    vlans = {"kiosk_vlan": kiosk_vlan, "laptop_vlan": laptop_vlan, "tablet_vlan": tablet_vlan}
    for name, value in [*vlans.items(), ("quarantine_vlan", quarantine_vlan)]:
        value = value.strip()
        if (value or name != "quarantine_vlan") and not (VLAN_ID.fullmatch(value) and 1 <= int(value) <= 4094):
            raise InvalidInput(_("Enter a VLAN number from 1 to 4094"), code="invalid_vlan", field=name)
    network = network_for(establishment)
    before = {
        "vlans": [network.kiosk_vlan, network.laptop_vlan, network.tablet_vlan, network.quarantine_vlan],
        "ssids": network.ssids,
        "nas_wings": network.nas_wings,
    }
    network.kiosk_vlan, network.laptop_vlan = kiosk_vlan.strip(), laptop_vlan.strip()
    network.tablet_vlan, network.quarantine_vlan = tablet_vlan.strip(), quarantine_vlan.strip()
    network.ssids = sorted({ssid.strip()[:32] for ssid in ssids if ssid.strip()})
    network.nas_wings = {nas.strip()[:100]: wing.strip()[:40] for nas, wing in nas_wings.items() if nas.strip()}
    network.save()
    after = {
        "vlans": [network.kiosk_vlan, network.laptop_vlan, network.tablet_vlan, network.quarantine_vlan],
        "ssids": network.ssids,
        "nas_wings": network.nas_wings,
    }
    audit.record(action=events.NETWORK_CHANGED, actor=by, obj=network, detail={"before": before, "after": after})
    snapshot.bump(snapshot.POLICY)  # RADIUS answers kept in memory carry the old VLANs
    return network
