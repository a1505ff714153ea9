"""Writes of the access app: one function per use case. Each checks permission and scope, changes state in one
transaction, writes the audit row, and moves the policy version on so the Squid helper rebuilds its snapshot."""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from time import monotonic
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.access import events, snapshot
from throughgate.access.models import (
    AccessGroup,
    AccessWindow,
    Category,
    DeviceAddress,
    DeviceInTwoPlaces,
    DeviceKind,
    DeviceStatus,
    EstablishmentNetwork,
    InternetUsage,
    LevelAccess,
    NetworkDevice,
    ObservationKind,
    ObservationStatus,
    Outcome,
    RequestStatus,
    Risk,
    Sanction,
    Site,
    SiteRequest,
    UnapprovedDevice,
    WindowKind,
)
from throughgate.core import activity, audit
from throughgate.core.errors import InvalidInput, InvalidTransition, NotVisible
from throughgate.identity.models import Establishment, Location, User
from throughgate.identity.selectors import establishments_for
from throughgate.people.models import IncentiveLevel, Person

logger = logging.getLogger(__name__)

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")
MAC_RE = re.compile(r"^[0-9a-f]{12}$")


def ensure_can(user: User, permission: str) -> None:
    if not user.is_active or not user.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))


def ensure_in_scope(user: User, establishment: Establishment | None) -> None:
    """Staff act only in establishments they may act in; a record elsewhere looks like one that does not exist."""
    if establishment is None or not establishments_for(user=user).filter(pk=establishment.pk).exists():
        raise NotVisible(_("Not found"))


def normalise_mac(raw: str) -> str:
    """``AA-BB-CC-DD-EE-FF``, ``aabb.ccdd.eeff`` and friends become ``aa:bb:cc:dd:ee:ff``; InvalidInput otherwise."""
    digits = re.sub(r"[^0-9a-fA-F]", "", raw or "").lower()
    if not MAC_RE.match(digits) or len(re.sub(r"[0-9a-fA-F:.\- ]", "", raw or "")) > 0:
        raise InvalidInput(_("Enter a MAC address like aa:bb:cc:dd:ee:ff"), code="invalid_mac", field="mac")
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def is_randomised(mac: str) -> bool:
    """A locally administered address (second-lowest bit of the first octet): phones randomise these per network."""
    return bool(int(mac[:2], 16) & 0x02)


def normalise_address(raw: str) -> tuple[str, str]:
    """A web address typed by a person, as (domain, path prefix)."""
    text = (raw or "").strip().lower()
    text = re.sub(r"^[a-z]+://", "", text)
    host, slash, path = text.partition("/")
    host = host.split(":", 1)[0].rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if not DOMAIN_RE.match(host):
        raise InvalidInput(_("Enter a web address like www.gov.uk"), code="invalid_address", field="address")
    prefix = ("/" + path.split("?", 1)[0].split("#", 1)[0]).rstrip("/") if slash and path.strip("/") else ""
    return host, prefix


# --- site catalogue --------------------------------------------------------------------------------------------


@transaction.atomic
def site_add(
    *,
    by: User,
    name: str,
    address: str,
    category: str,
    risk: int = Risk.LOW,
    include_subdomains: bool = True,
    description: str = "",
) -> Site:
    ensure_can(by, "access.manage_policy")
    domain, prefix = normalise_address(address)
    if category not in Category.values:
        raise InvalidInput(_("Choose a category"), code="invalid_category", field="category")
    if risk not in Risk.values:
        raise InvalidInput(_("Choose a risk rating"), code="invalid_risk", field="risk")
    if Site.objects.filter(domain=domain, path_prefix=prefix).exists():
        raise InvalidInput(_("That site is already in the catalogue"), code="duplicate_site", field="address")
    site = Site.objects.create(
        name=name.strip()[:200] or domain,
        domain=domain,
        path_prefix=prefix,
        include_subdomains=include_subdomains,
        category=category,
        risk=risk,
        description=description[:300],
    )
    audit.record(action=events.SITE_ADDED, actor=by, obj=site, detail={"site": str(site), "category": category})
    snapshot.bump(snapshot.CATALOGUE)
    return site


@transaction.atomic
def site_set_active(*, by: User, site: Site, active: bool, reason: str) -> Site:
    ensure_can(by, "access.manage_policy")
    if not reason.strip():
        raise InvalidInput(_("Give a reason"), code="reason_required", field="reason")
    site.active = active
    site.save(update_fields=["active"])
    audit.record(action=events.SITE_CHANGED, actor=by, obj=site, detail={"active": active, "reason": reason[:500]})
    snapshot.bump(snapshot.CATALOGUE)
    return site


@transaction.atomic
def site_update(
    *,
    by: User,
    site: Site,
    name: str,
    category: str,
    risk: int,
    include_subdomains: bool,
    description: str = "",
    groups: Iterable[AccessGroup] = (),
) -> Site:
    """Change a site's name, category, risk rating, subdomains and the groups it is limited to (its address stays:
    a different address is a different site)."""
    ensure_can(by, "access.manage_policy")
    if category not in Category.values:
        raise InvalidInput(_("Choose a category"), code="invalid_category", field="category")
    if risk not in Risk.values:
        raise InvalidInput(_("Choose a risk rating"), code="invalid_risk", field="risk")
    if not name.strip():
        raise InvalidInput(_("Enter a name"), code="name_required", field="name")
    chosen = sorted({group.code for group in groups})
    before = {
        "name": site.name,
        "category": site.category,
        "risk": site.risk,
        "include_subdomains": site.include_subdomains,
        "groups": sorted(site.groups.values_list("code", flat=True)),
    }
    site.name = name.strip()[:200]
    site.category = category
    site.risk = risk
    site.include_subdomains = include_subdomains
    site.description = description.strip()[:300]
    site.save(update_fields=["name", "category", "risk", "include_subdomains", "description"])
    site.groups.set(AccessGroup.objects.filter(code__in=chosen))
    after = {"name": site.name, "category": category, "risk": risk, "include_subdomains": include_subdomains}
    audit.record(
        action=events.SITE_CHANGED,
        actor=by,
        obj=site,
        detail={"site": str(site), "before": before, "after": {**after, "groups": chosen}},
    )
    snapshot.bump(snapshot.CATALOGUE)
    return site


# --- groups that sites can be limited to -------------------------------------------------------------------------


@transaction.atomic
def group_create(*, by: User, code: str, name: str) -> AccessGroup:
    ensure_can(by, "access.manage_policy")
    code = code.strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", code):
        raise InvalidInput(
            _("Use lower-case letters, digits and hyphens, up to 40 characters"), code="invalid_code", field="code"
        )
    if not name.strip():
        raise InvalidInput(_("Enter a name"), code="name_required", field="name")
    if AccessGroup.objects.filter(code=code).exists():
        raise InvalidInput(_("A group with this code exists"), code="duplicate", field="code")
    group = AccessGroup.objects.create(code=code, name=name.strip()[:100])
    audit.record(action=events.GROUP_CHANGED, actor=by, obj=group, detail={"change": "created", "code": code})
    return group


@transaction.atomic
def group_add_member(*, by: User, group: AccessGroup, person: Person) -> AccessGroup:
    ensure_can(by, "access.manage_policy")
    ensure_in_scope(by, person.establishment)
    if group.members.filter(pk=person.pk).exists():
        raise InvalidInput(_("This person is already in the group"), code="duplicate", field="prison_number")
    group.members.add(person)
    audit.record(
        action=events.GROUP_CHANGED,
        actor=by,
        subject=person.prison_number,
        obj=group,
        detail={"change": "member_added", "code": group.code},
    )
    snapshot.bump(snapshot.POLICY)
    return group


@transaction.atomic
def group_remove_member(*, by: User, group: AccessGroup, person: Person) -> AccessGroup:
    ensure_can(by, "access.manage_policy")
    ensure_in_scope(by, person.establishment)
    group.members.remove(person)
    audit.record(
        action=events.GROUP_CHANGED,
        actor=by,
        subject=person.prison_number,
        obj=group,
        detail={"change": "member_removed", "code": group.code},
    )
    snapshot.bump(snapshot.POLICY)
    return group


@dataclass
class ImportResult:
    added: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def sites_import(*, by: User, lines: Iterable[str], default_category: str = "", risk: int = Risk.LOW) -> ImportResult:
    """Bulk import: CSV lines ``address,category[,risk[,name]]`` (or bare addresses with a default category).
    Existing sites are skipped; bad lines are reported by number. One audit row for the whole import."""
    ensure_can(by, "access.manage_policy")
    result = ImportResult()
    existing = set(Site.objects.values_list("domain", "path_prefix"))
    fresh: list[Site] = []
    for number, row in enumerate(csv.reader(lines), start=1):
        if not row or not row[0].strip() or row[0].strip().startswith("#"):
            continue
        try:
            domain, prefix = normalise_address(row[0])
        except InvalidInput as exc:
            result.problems.append(f"line {number}: {exc.message}")
            continue
        category = (row[1].strip() if len(row) > 1 else "") or default_category
        if category not in Category.values:
            result.problems.append(f"line {number}: unknown category {category!r}")
            continue
        try:
            site_risk = int(row[2]) if len(row) > 2 and row[2].strip() else risk
        except ValueError:
            site_risk = -1
        if site_risk not in Risk.values:
            result.problems.append(f"line {number}: risk must be 1, 2 or 3")
            continue
        if (domain, prefix) in existing:
            result.skipped += 1
            continue
        existing.add((domain, prefix))
        name = row[3].strip()[:200] if len(row) > 3 and row[3].strip() else domain
        fresh.append(Site(name=name, domain=domain, path_prefix=prefix, category=category, risk=site_risk))
    with transaction.atomic():
        Site.objects.bulk_create(fresh, batch_size=2000)
        result.added = len(fresh)
        audit.record(
            action=events.SITES_IMPORTED,
            actor=by,
            detail={"added": result.added, "skipped": result.skipped, "problems": len(result.problems)},
        )
        snapshot.bump(snapshot.CATALOGUE)
    return result


def sites_import_text(*, by: User, text: str, default_category: str = "") -> ImportResult:
    return sites_import(by=by, lines=io.StringIO(text), default_category=default_category)


# --- site requests ---------------------------------------------------------------------------------------------


def _own_person(user: User) -> Person:
    person = Person.objects.select_related("establishment").filter(user=user).first()
    if person is None or not user.is_resident:
        raise NotVisible(_("No record found"))
    return person


def site_request_submit(*, by: User, address: str, reason: str, idempotency_key: str = "") -> SiteRequest:
    """A resident asks for a site. A retried submission (same key) is stored once."""
    ensure_can(by, "access.request_site")
    person = _own_person(by)
    normalise_address(address)
    if not reason.strip():
        raise InvalidInput(_("Say why you need this site"), code="reason_required", field="reason")
    if idempotency_key:
        existing = SiteRequest.objects.filter(idempotency_key=idempotency_key, person=person).first()
        if existing is not None:
            return existing
    if SiteRequest.objects.filter(person=person, status=RequestStatus.NEW).count() >= 5:
        raise InvalidInput(
            _("You already have 5 requests waiting. Wait for an answer first."), code="too_many", field="address"
        )
    try:
        with transaction.atomic():
            request = SiteRequest.objects.create(
                person=person,
                address=address.strip()[:300],
                reason=reason.strip()[:500],
                idempotency_key=idempotency_key or None,
            )
            audit.record(
                action=events.SITE_REQUESTED,
                actor=by,
                subject=person.prison_number,
                obj=request,
                detail={"address": request.address},
            )
    except IntegrityError:
        return SiteRequest.objects.get(idempotency_key=idempotency_key)
    return request


@transaction.atomic
def site_request_review(
    *,
    by: User,
    request: SiteRequest,
    approve: bool,
    reason: str,
    category: str = "",
    risk: int = Risk.LOW,
    name: str = "",
) -> SiteRequest:
    """Approve (adding the site to the catalogue if it is not there) or decline, always with a reason."""
    ensure_can(by, "access.review_requests")
    ensure_in_scope(by, request.person.establishment)
    if request.status != RequestStatus.NEW:
        raise InvalidTransition(_("This request has already been answered"))
    if not reason.strip():
        raise InvalidInput(_("Give a reason the person will see"), code="reason_required", field="reason")
    if approve:
        domain, prefix = normalise_address(request.address)
        site = Site.objects.filter(domain=domain, path_prefix=prefix).first()
        if site is None:
            site = site_add(by=by, name=name or domain, address=request.address, category=category, risk=risk)
        elif not site.active:
            site_set_active(by=by, site=site, active=True, reason=reason)
        request.site = site
    request.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    request.reviewed_by = by
    request.reviewed_at = timezone.now()
    request.review_reason = reason.strip()[:500]
    request.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason", "site"])
    audit.record(
        action=events.SITE_REQUEST_REVIEWED,
        actor=by,
        subject=request.person.prison_number,
        obj=request,
        detail={"status": request.status, "reason": request.review_reason},
    )
    return request


# --- establishment policy --------------------------------------------------------------------------------------


@transaction.atomic
def level_access_set(
    *, by: User, establishment: Establishment, level: str, categories: list[str], max_risk: int
) -> LevelAccess:
    ensure_can(by, "access.manage_policy")
    ensure_in_scope(by, establishment)
    if level not in IncentiveLevel.values:
        raise InvalidInput(_("Choose a level"), code="invalid_level", field="level")
    unknown = [c for c in categories if c not in Category.values]
    if unknown:
        raise InvalidInput(_("Unknown category"), code="invalid_category", field="categories")
    rule, _created = LevelAccess.objects.update_or_create(
        establishment=establishment,
        level=level,
        defaults={"categories": sorted(set(categories)), "max_risk": max_risk},
    )
    audit.record(
        action=events.LEVEL_RULE_CHANGED,
        actor=by,
        obj=rule,
        detail={
            "establishment": establishment.code,
            "level": level,
            "categories": rule.categories,
            "max_risk": max_risk,
        },
    )
    snapshot.bump(snapshot.POLICY)
    return rule


@transaction.atomic
def window_add(
    *, by: User, establishment: Establishment, name: str, kind: str, days: list[int], starts: time, ends: time
) -> AccessWindow:
    ensure_can(by, "access.manage_policy")
    ensure_in_scope(by, establishment)
    if kind not in WindowKind.values or not days or any(d not in range(7) for d in days) or ends <= starts:
        raise InvalidInput(_("Check the days and times"), code="invalid_window")
    window = AccessWindow.objects.create(
        establishment=establishment, name=name[:100], kind=kind, days=sorted(set(days)), starts=starts, ends=ends
    )
    audit.record(action=events.WINDOW_CHANGED, actor=by, obj=window, detail={"added": str(window), "kind": kind})
    snapshot.bump(snapshot.POLICY)
    return window


@transaction.atomic
def window_remove(*, by: User, window: AccessWindow) -> None:
    ensure_can(by, "access.manage_policy")
    ensure_in_scope(by, window.establishment)
    audit.record(action=events.WINDOW_CHANGED, actor=by, obj=window, detail={"removed": str(window)})
    window.delete()
    snapshot.bump(snapshot.POLICY)


# --- sanctions -------------------------------------------------------------------------------------------------


@transaction.atomic
def sanction_impose(
    *, by: User, person: Person, ends_at: datetime, reason: str, starts_at: datetime | None = None
) -> Sanction:
    """Suspend a person's internet access until ``ends_at``. Officers may do so only in their own prison."""
    ensure_can(by, "access.impose_sanction")
    ensure_in_scope(by, person.establishment)
    starts_at = starts_at or timezone.now()
    if not reason.strip():
        raise InvalidInput(
            _("Give a reason, such as the adjudication it follows"), code="reason_required", field="reason"
        )
    if ends_at <= starts_at:
        raise InvalidInput(_("The end must be after the start"), code="invalid_period", field="ends_at")
    if ends_at - starts_at > timedelta(days=84):
        raise InvalidInput(_("A suspension can last at most 84 days"), code="too_long", field="ends_at")
    sanction = Sanction.objects.create(
        person=person, starts_at=starts_at, ends_at=ends_at, reason=reason.strip()[:500], imposed_by=by
    )
    audit.record(
        action=events.SANCTION_IMPOSED,
        actor=by,
        subject=person.prison_number,
        obj=sanction,
        detail={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(), "reason": sanction.reason},
    )
    snapshot.bump(snapshot.POLICY)
    return sanction


@transaction.atomic
def sanction_lift(*, by: User, sanction: Sanction, reason: str) -> Sanction:
    ensure_can(by, "access.impose_sanction")
    ensure_in_scope(by, sanction.person.establishment)
    if sanction.lifted_at is not None:
        raise InvalidTransition(_("This suspension was already lifted"))
    if not reason.strip():
        raise InvalidInput(_("Give a reason"), code="reason_required", field="reason")
    sanction.lifted_at = timezone.now()
    sanction.lifted_by = by
    sanction.lift_reason = reason.strip()[:500]
    sanction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit.record(
        action=events.SANCTION_LIFTED,
        actor=by,
        subject=sanction.person.prison_number,
        obj=sanction,
        detail={"reason": sanction.lift_reason},
    )
    snapshot.bump(snapshot.POLICY)
    return sanction


# --- device registry -------------------------------------------------------------------------------------------

TRANSITIONS: dict[str, set[str]] = {
    DeviceStatus.IN_STOCK: {DeviceStatus.ISSUED, DeviceStatus.RETIRED, DeviceStatus.LOST},
    DeviceStatus.ISSUED: {DeviceStatus.IN_STOCK, DeviceStatus.SUSPENDED, DeviceStatus.LOST, DeviceStatus.ISSUED},
    DeviceStatus.SUSPENDED: {DeviceStatus.ISSUED, DeviceStatus.IN_STOCK, DeviceStatus.LOST, DeviceStatus.RETIRED},
    DeviceStatus.LOST: {DeviceStatus.IN_STOCK, DeviceStatus.RETIRED},
    DeviceStatus.RETIRED: set(),
}


@transaction.atomic
def device_add(*, by: User, serial: str, mac: str, kind: str, establishment: Establishment) -> NetworkDevice:
    ensure_can(by, "access.manage_devices")
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
    ensure_can(by, "access.manage_devices")
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
    ensure_can(by, "access.manage_devices")
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


# --- RADIUS: admission and accounting --------------------------------------------------------------------------


@dataclass(frozen=True)
class Admission:
    accept: bool
    vlan: str = ""
    message: str = ""
    device_id: int | None = None
    quarantined: bool = False


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
    ensure_can(by, "access.manage_devices")
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


def device_admit(*, mac: str, nas: str = "", nas_establishment: str = "", ssid: str = "") -> Admission:
    """The RADIUS authorize decision for a MAC address: an issued device joins its VLAN; a suspended or lost one
    the quarantine VLAN (or is rejected when there is none); anything else is rejected, and an unknown MAC is
    recorded as an unapproved device."""
    try:
        mac = normalise_mac(mac)
    except InvalidInput:
        return Admission(False, message="Not a MAC address")
    # Answers for registered devices are kept until the policy version moves on (any device, network or block
    # change moves it), so a busy RADIUS server costs one small query per request.
    version = snapshot.policy_version()
    if _ADMISSIONS.get("version") != version:
        _ADMISSIONS.clear()
        _ADMISSIONS["version"] = version
    cached = _ADMISSIONS.get(mac)
    if isinstance(cached, Admission):
        return cached
    admission = _device_admit(mac=mac, nas=nas, nas_establishment=nas_establishment, ssid=ssid)
    if admission.device_id is not None and len(_ADMISSIONS) < 100_000:
        _ADMISSIONS[mac] = admission
    return admission


_ADMISSIONS: dict[str, Any] = {}


def _device_admit(*, mac: str, nas: str, nas_establishment: str, ssid: str) -> Admission:
    blocked, device_id, kind, status, vlans = _admission_row(mac)
    if blocked:
        return Admission(False, message="Blocked")
    if device_id is None:
        establishment = Establishment.objects.filter(code=nas_establishment).first() if nas_establishment else None
        if establishment is not None:
            observation_record(
                establishment=establishment,
                mac=mac,
                kind=ObservationKind.UNKNOWN_CLIENT,
                source="radius",
                where=nas,
                ssid=ssid,
                seen_at=timezone.now(),
            )
        return Admission(False, message="Unknown device")
    if vlans is None:  # the prison's network settings were never saved: made with the defaults, as the page does
        device = NetworkDevice.objects.select_related("establishment").get(pk=device_id)
        network = network_for(device.establishment)
        vlans = (network.kiosk_vlan, network.laptop_vlan, network.tablet_vlan, network.quarantine_vlan)
    kiosk_vlan, laptop_vlan, tablet_vlan, quarantine_vlan = vlans
    if status == DeviceStatus.ISSUED:
        vlan = {DeviceKind.KIOSK: kiosk_vlan, DeviceKind.LAPTOP: laptop_vlan, DeviceKind.TABLET: tablet_vlan}[
            DeviceKind(kind)
        ]
        return Admission(True, vlan=vlan, device_id=device_id)
    if status in (DeviceStatus.SUSPENDED, DeviceStatus.LOST) and quarantine_vlan:
        return Admission(True, vlan=quarantine_vlan, device_id=device_id, quarantined=True, message="Quarantined")
    return Admission(False, message=f"Device is {status}", device_id=device_id)


def _admission_row(mac: str) -> tuple[bool, int | None, str, str, tuple[str, str, str, str] | None]:
    """Whether the MAC is blocked, and its device (id, kind, status) with its prison's VLANs (kiosk, laptop, tablet,
    quarantine; None when the prison has no network settings yet), in one plain query: the ORM's query building
    was most of an uncached answer's time (about 1 ms against 0.1 ms), and every answer is uncached after a policy
    change."""
    blocked_table = UnapprovedDevice._meta.db_table
    device_table = NetworkDevice._meta.db_table
    network_table = EstablishmentNetwork._meta.db_table
    sql = (
        f"SELECT EXISTS (SELECT 1 FROM {blocked_table} WHERE mac = %s AND blocked = %s),"  # noqa: S608 - our tables
        " d.id, d.kind, d.status, n.id, n.kiosk_vlan, n.laptop_vlan, n.tablet_vlan, n.quarantine_vlan"
        f" FROM (SELECT 1 AS one) AS q LEFT JOIN {device_table} d ON d.mac = %s"
        f" LEFT JOIN {network_table} n ON n.establishment_id = d.establishment_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [mac, True, mac])
        blocked, device_id, kind, status, network_id, *vlans = cursor.fetchone()
    if device_id is None:
        return bool(blocked), None, "", "", None
    found = (vlans[0], vlans[1], vlans[2], vlans[3]) if network_id is not None else None
    return bool(blocked), int(device_id), str(kind), str(status), found


TWO_PLACES_WINDOW = timedelta(seconds=60)


def _note_two_places(device: NetworkDevice, nas: str, now: datetime) -> None:
    """A device that shows up on another wing's access point within a minute of the last is in two places."""
    if not nas or not device.last_nas or nas == device.last_nas or device.last_seen_at is None:
        return
    if now - device.last_seen_at > TWO_PLACES_WINDOW:
        return
    wings = network_for(device.establishment).nas_wings or {}
    before, after = wings.get(device.last_nas, ""), wings.get(nas, "")
    if before and after and before != after:
        DeviceInTwoPlaces.objects.create(device=device, first_wing=before, second_wing=after, seen_at=now)


def radius_post_auth(*, mac: str, nas: str) -> None:
    """After an accept: the device was seen now, at this access point or switch."""
    try:
        mac = normalise_mac(mac)
    except InvalidInput:
        return
    nas = nas[:100]
    moment = monotonic()
    seen = _SEEN.get(mac)
    if seen is not None and seen[1] == nas and moment - seen[0] < SEEN_EVERY.total_seconds():
        return  # seen here a moment ago: the same place, nothing new to write
    device = NetworkDevice.objects.select_related("establishment").filter(mac=mac).first()
    if device is None:
        return
    now = timezone.now()
    _note_two_places(device, nas, now)
    NetworkDevice.objects.filter(pk=device.pk).update(last_seen_at=now, last_nas=nas)
    if len(_SEEN) > 100_000:
        _SEEN.clear()
    _SEEN[mac] = (moment, nas)


# Post-auth comes with every accept: "last seen" is written at most every SEEN_EVERY per device and place (a move
# to another access point is always written, so the two-wings alert is not delayed).
SEEN_EVERY = timedelta(seconds=10)
_SEEN: dict[str, tuple[float, str]] = {}


def forget_seen() -> None:
    """Drop the in-memory admission and last-seen caches (tests; a worker that wants to start afresh)."""
    _SEEN.clear()
    _ADMISSIONS.clear()


@transaction.atomic
def accounting_record(*, status: str, mac: str, ip: str, session_id: str = "", nas: str = "") -> bool:
    """RADIUS accounting: Start and Interim-Update bind the IP address to the device; Stop releases it. Only a
    change to the map moves the policy version on. Returns whether the packet was for a known device."""
    try:
        mac = normalise_mac(mac)
    except InvalidInput:
        return False
    device = NetworkDevice.objects.select_related("establishment").filter(mac=mac).first()
    if device is None:
        return False
    now = timezone.now()
    _note_two_places(device, nas[:100], now)
    status = status.lower().replace("_", "-")
    if status in ("start", "interim-update", "alive"):
        if not ip:
            return True
        current = DeviceAddress.objects.filter(ip=ip).first()
        if current is None or current.device_id != device.pk:
            DeviceAddress.objects.filter(ip=ip).delete()
            DeviceAddress.objects.filter(device=device).delete()
            DeviceAddress.objects.create(ip=ip, device=device, session_id=session_id[:100], nas=nas[:100])
            snapshot.bump(snapshot.POLICY)
        else:
            DeviceAddress.objects.filter(pk=current.pk).update(updated_at=now)
        NetworkDevice.objects.filter(pk=device.pk).update(last_seen_at=now, last_ip=ip, last_nas=nas[:100])
    elif status == "stop":
        removed, _detail = DeviceAddress.objects.filter(device=device).delete()
        if removed:
            snapshot.bump(snapshot.POLICY)
        NetworkDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    return True


# --- unapproved devices ----------------------------------------------------------------------------------------


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
    ensure_can(by, "access.manage_observations")
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
    ensure_can(by, "access.manage_observations")
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


# --- usage -----------------------------------------------------------------------------------------------------


def usage_record(*, counts: Iterable[dict[str, Any]], now: datetime | None = None) -> int:
    """Add the helper's decision counts ({person, establishment, hour, outcome, category, host, count,
    outside_hours}) to the hourly rows, then emit activity events for the hours that have ended."""
    stored = 0
    for row in counts:
        try:
            person = str(row["person"])[:16]
            outcome = str(row["outcome"])
            hour = datetime.fromisoformat(str(row["hour"]))
            count = int(row["count"])
        except (KeyError, TypeError, ValueError):
            continue
        if not person or outcome not in Outcome.values or count <= 0 or timezone.is_naive(hour):
            continue
        hour = hour.replace(minute=0, second=0, microsecond=0)
        with transaction.atomic():
            usage, _created = InternetUsage.objects.select_for_update().get_or_create(
                person=person,
                hour=hour,
                outcome=outcome,
                category=str(row.get("category", ""))[:20],
                defaults={"establishment": str(row.get("establishment", ""))[:3]},
            )
            usage.count += count
            usage.outside_hours += int(row.get("outside_hours", 0) or 0)
            given = row.get("sites")
            hosts: dict[str, Any] = dict(given) if isinstance(given, dict) else {}
            if row.get("host"):
                hosts = {**hosts, str(row["host"]): count}
            if hosts:
                sites = dict(usage.sites)
                for host, n in list(hosts.items())[:50]:
                    host = str(host)[:253]
                    if host in sites or len(sites) < 50:
                        sites[host] = int(sites.get(host, 0)) + int(n)
                usage.sites = sites
            usage.save()
        stored += 1
    usage_emit_finished(now=now or timezone.now())
    return stored


EMIT_GRACE = timedelta(minutes=5)


def usage_emit_finished(*, now: datetime) -> int:
    """One activity event per finished (person, hour, outcome, category) row; idempotent."""
    # An hour is emitted once it ended more than EMIT_GRACE ago, so the helpers' last reports (every 15 s) are in.
    this_hour = (now - EMIT_GRACE).replace(minute=0, second=0, microsecond=0)
    emitted = 0
    for usage in InternetUsage.objects.filter(emitted=False, hour__lt=this_hour)[:5000]:
        kind = events.INTERNET_ALLOWED if usage.outcome == Outcome.ALLOWED else events.INTERNET_DENIED
        with transaction.atomic():
            activity.emit(
                person=usage.person,
                kind=kind,
                occurred_at=usage.hour,
                source="access.squid",
                value=float(usage.count),
                payload={"category": usage.category, "outside_hours": usage.outside_hours},
                idempotency_key=f"access:{kind}:{usage.person}:{usage.hour.isoformat()}:{usage.category}",
            )
            InternetUsage.objects.filter(pk=usage.pk).update(emitted=True)
        emitted += 1
    return emitted
