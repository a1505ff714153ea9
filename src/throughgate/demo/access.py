"""Internet access for the demo estate, so that Security and IT, a governor and a resident trying the demo find every
internet page with something in it (``demo_estate`` runs this after the estate is saved: one of the demo app's steps).
The data it is made of is in ``access_data``, the unapproved devices in ``access_sightings``, the use of the internet
in ``access_use``.

- **Through the services.** Each prison's security officer builds it as they would on the pages: a site catalogue of
  real public services (GOV.UK, the National Careers Service, Citizens Advice, the NHS, Samaritans, ...) with
  categories and risk ratings, groups some sites are limited to (education learners, Open University students,
  people close to release), what each incentive level opens and when the internet is open, the prison's VLANs,
  Wi-Fi names and access points, and the in-cell tablets, laptops and wing kiosks (registered with MAC addresses and
  issued). RADIUS accounting gives the devices that are on now their addresses (one tablet shows up on two wings
  within a minute: a monitoring alert). Unapproved Wi-Fi devices come in through the observations ingest, as Kismet,
  Mist and RADIUS rejects would send them, and are triaged and dealt with. Residents ask for sites and security
  answers some; a wing officer, the governor and security suspend a few people's access, with reasons (one is
  lifted early).
- **Use of the internet over the last ``DAYS`` days** is decided by the same policy function as the Squid helper,
  on the snapshot built from the database (per day, so suspensions and alerts of that day count), counted per person,
  hour, outcome and category as the helper counts, handed to ``services.usage_record`` as its reports are, and
  turned into activity events by ``services.usage_emit_finished`` (the usage flush). People use the sites their
  level opens in the open windows, now and then try a site that is not listed; one person on Basic keeps trying job
  sites in one hour and one person tries outside the permitted hours in the last day (both monitoring alerts).
- **Times are those of the demo's past.** Sightings, suspensions and usage carry their own times; a site request's
  ``submitted_at`` and ``reviewed_at`` are set to that past after the service call. The audit rows keep the real time
  they were written.

The same seed and the same ``now`` give the same rows. Nothing is added when the database already has network devices
or sites.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.test.utils import override_settings
from django.utils import timezone

from throughgate.access import services, snapshot
from throughgate.access.models import (
    AccessGroup,
    AccessWindow,
    DeviceAddress,
    DeviceInTwoPlaces,
    DeviceKind,
    DeviceStatus,
    EstablishmentNetwork,
    InternetUsage,
    LevelAccess,
    NetworkDevice,
    Risk,
    Sanction,
    Site,
    SiteRequest,
    UnapprovedDevice,
)
from throughgate.demo.access_data import (
    ANSWERED,
    CATALOGUE,
    DAYS,
    GOVERNOR_ROLE,
    GROUPS,
    IN_STOCK,
    LEVELS,
    MEMBERS,
    NO_INTERNET,
    OFFICER_ROLE,
    SANCTIONS,
    SECURITY_ROLE,
    TABLET_SHARE,
    WAITING,
    WINDOWS,
    Counts,
    Holder,
    Prison,
    daytime,
    new_mac,
    staff_member,
)
from throughgate.demo.access_sightings import observe
from throughgate.demo.access_use import simulate
from throughgate.identity.models import Establishment, Location, LocationLevel, User
from throughgate.people.models import Alert, IncentiveLevel, Person

# --- set-up through the services -----------------------------------------------------------------------------------


def add_catalogue(by: User) -> int:
    """The groups and the site catalogue, as security staff add them on the catalogue pages."""
    groups = {code: services.group_create(by=by, code=code, name=name) for code, name in GROUPS}
    for spec in CATALOGUE:
        site = services.site_add(
            by=by,
            name=spec.name,
            address=spec.address,
            category=spec.category,
            risk=spec.risk,
            description=spec.description,
        )
        if spec.groups:
            services.site_update(
                by=by,
                site=site,
                name=site.name,
                category=site.category,
                risk=site.risk,
                include_subdomains=site.include_subdomains,
                description=site.description,
                groups=[groups[code] for code in spec.groups],
            )
    return len(CATALOGUE)


def set_policy(prison: Prison) -> None:
    """What each level opens, the time windows and the network settings of one prison."""
    by, place = prison.security, prison.establishment
    for level, (categories, max_risk) in LEVELS.items():
        services.level_access_set(
            by=by, establishment=place, level=level, categories=list(categories), max_risk=max_risk
        )
    for name, kind, days, starts, ends in WINDOWS:
        services.window_add(by=by, establishment=place, name=name, kind=kind, days=days, starts=starts, ends=ends)
    wings = {loc.pk: loc.code for loc in Location.objects.filter(establishment=place, level=LocationLevel.WING)}
    code = place.code.lower()
    nas_wings: dict[str, str] = {}
    for landing in Location.objects.filter(establishment=place, level=LocationLevel.LANDING).order_by("key"):
        wing = wings.get(landing.parent_id or 0, "")
        ap = f"ap-{code}-{wing.lower()}{landing.code}"
        prison.aps[landing.key] = ap
        nas_wings[ap] = prison.wings[ap] = "Segregation unit" if wing == "SEG" else f"{wing} wing"
    base = 100 * (prison.index + 1)
    services.network_update(
        by=by,
        establishment=place,
        kiosk_vlan=str(base + 30),
        laptop_vlan=str(base + 40),
        tablet_vlan=str(base + 41),
        quarantine_vlan=str(base + 99),
        ssids=[f"HMP{place.code}-Learning", f"HMP{place.code}-InCell"],
        nas_wings=nas_wings,
    )


def add_members(prison: Prison, groups: dict[str, AccessGroup]) -> dict[str, list[Person]]:
    """People in the groups some sites are limited to, chosen among those on Standard and Enhanced."""
    rng = prison.rng
    pool = [p for p in prison.residents if p.incentive_level != IncentiveLevel.BASIC]
    chosen: dict[str, list[Person]] = {}
    taken: set[int] = set()
    for code, count in MEMBERS.items():
        picks = [p for p in rng.sample(pool, min(len(pool), count * 2)) if p.pk not in taken][:count]
        taken.update(p.pk for p in picks)
        for person in picks:
            services.group_add_member(by=prison.security, group=groups[code], person=person)
        chosen[code] = picks
    return chosen


def add_devices(prison: Prison, members: dict[str, list[Person]], macs: set[str]) -> int:
    """Wing kiosks, in-cell laptops for Open University students, tablets for about a third of the people (more on
    Enhanced), two tablets shared by a double cell, some in stock, and one each suspended, lost and retired."""
    rng, by, place = prison.rng, prison.security, prison.establishment
    code = place.code
    added = 0

    def add(serial: str, kind: str) -> NetworkDevice:
        nonlocal added
        added += 1
        return services.device_add(by=by, serial=serial, mac=new_mac(rng, macs), kind=kind, establishment=place)

    for wing in Location.objects.filter(establishment=place, level=LocationLevel.WING).exclude(code="SEG"):
        kiosk = add(f"KSK-{code}-{wing.code}", DeviceKind.KIOSK)
        services.device_issue(by=by, device=kiosk, location=wing, reason=f"Installed on {wing.code} wing")
    students = {p.pk for p in members.get("open-university", [])}
    tablets = laptops = 0
    for person in prison.residents:
        if person.pk in students:
            laptops += 1
            device = add(f"LAP-{code}-{laptops:04d}", DeviceKind.LAPTOP)
            services.device_issue(by=by, device=device, person=person, reason="Open University course")
        elif rng.random() < TABLET_SHARE.get(person.incentive_level, 0.0):
            tablets += 1
            device = add(f"TAB-{code}-{tablets:04d}", DeviceKind.TABLET)
            services.device_issue(by=by, device=device, person=person, reason="In-cell tablet roll-out")
        else:
            continue
        prison.holders.append(Holder(person, device))
    on_basic = [p for p in prison.residents if p.incentive_level == IncentiveLevel.BASIC]
    if on_basic and not any(h.person.incentive_level == IncentiveLevel.BASIC for h in prison.holders):
        person = rng.choice(on_basic)  # someone on Basic has a tablet too (for learning and legal help)
        tablets += 1
        device = add(f"TAB-{code}-{tablets:04d}", DeviceKind.TABLET)
        services.device_issue(by=by, device=device, person=person, reason="In-cell tablet roll-out")
        prison.holders.append(Holder(person, device))
    doubles = (
        Location.objects.filter(establishment=place, level=LocationLevel.CELL)
        .annotate(occupied=Count("people"))
        .filter(occupied__gte=2)
        .order_by("key")
    )
    for cell in doubles[:2]:
        tablets += 1
        device = add(f"TAB-{code}-{tablets:04d}", DeviceKind.TABLET)
        services.device_issue(by=by, device=device, location=cell, reason="Shared by the two people in the cell")
    for _ in range(IN_STOCK):
        tablets += 1
        add(f"TAB-{code}-{tablets:04d}", DeviceKind.TABLET)
    changes = (
        (DeviceStatus.SUSPENDED, "Cell search: the tablet's case had been opened. Sent to IT to check."),
        (DeviceStatus.LOST, "Not found after a cell move; reported to security."),
    )
    for holder, (status, reason) in zip(rng.sample(prison.holders, min(2, len(prison.holders))), changes, strict=False):
        services.device_set_status(by=by, device=holder.device, status=status, reason=reason)
        prison.holders.remove(holder)
    tablets += 1
    broken = add(f"TAB-{code}-{tablets:04d}", DeviceKind.TABLET)
    services.device_set_status(by=by, device=broken, status=DeviceStatus.RETIRED, reason="Cracked screen, not repaired")
    return added


def connect(prison: Prison) -> int:
    """RADIUS accounting for the issued devices that are on the network now (kiosks, and most tablets and laptops):
    their addresses, when and where they were last seen; then one tablet is seen on another wing's access point
    within the minute."""
    rng, place = prison.rng, prison.establishment
    code = place.code.lower()
    first_ap = min(prison.aps.values(), default="")
    connected = 0
    issued = (
        NetworkDevice.objects.filter(establishment=place, status=DeviceStatus.ISSUED)
        .select_related("person__location", "location")
        .order_by("serial")
    )
    for n, device in enumerate(issued):
        if device.kind == DeviceKind.KIOSK:
            nas = f"sw-{code}-{device.location.code.lower() if device.location else 'wings'}"
        elif rng.random() < 0.15:
            continue  # switched off, or out of range
        else:
            cell = device.location or (device.person.location if device.person else None)
            nas = prison.aps.get(cell.key.rsplit("-", 1)[0], first_ap) if cell else first_ap
        ip = f"10.{20 + prison.index}.{n // 250}.{10 + n % 250}"
        services.accounting_record(status="start", mac=device.mac, ip=ip, session_id=f"{code}{n:06X}", nas=nas)
        connected += 1
    with_address = set(DeviceAddress.objects.values_list("device", flat=True))
    on_wifi = [holder for holder in prison.holders if holder.device.pk in with_address]
    if on_wifi:
        moved = NetworkDevice.objects.get(pk=rng.choice(on_wifi).device.pk)
        here = prison.wings.get(moved.last_nas, "")
        elsewhere = sorted(ap for ap, wing in prison.wings.items() if wing != here and wing != "Segregation unit")
        if here and elsewhere:
            services.radius_post_auth(mac=moved.mac, nas=rng.choice(elsewhere))
    return connected


# --- residents' requests and suspensions -------------------------------------------------------------------------


def add_sanctions(prison: Prison, now: datetime) -> int:
    """Two suspensions in force (after adjudications) and one lifted early, by an officer, the governor and security;
    the person whose suspension was lifted is left out of the use (it was in force until now)."""
    rng = prison.rng
    by_role = {OFFICER_ROLE: prison.officer, GOVERNOR_ROLE: prison.governor, SECURITY_ROLE: prison.security}
    people = [h.person for h in prison.holders if h.person.prison_number not in prison.quiet]
    made = 0
    for (role, ago, days, reason, lifted), person in zip(
        SANCTIONS, rng.sample(people, min(3, len(people))), strict=False
    ):
        starts = daytime(rng, now, ago, (10, 16))  # after the adjudication hearing
        sanction = services.sanction_impose(
            by=by_role[role], person=person, ends_at=starts + timedelta(days=days), reason=reason, starts_at=starts
        )
        Sanction.objects.filter(pk=sanction.pk).update(imposed_at=starts)
        prison.sanctioned.add(person.prison_number)
        if lifted:
            services.sanction_lift(by=prison.security, sanction=sanction, reason=lifted)
            prison.quiet.add(person.prison_number)
        made += 1
    return made


def add_requests(prison: Prison, now: datetime) -> int:
    """Residents with a device ask for sites: three waiting, two approved (added to the catalogue if not there) and
    two declined, each with the answer the person sees."""
    rng = prison.rng
    specs = [*rng.sample(ANSWERED[:3], 2), *rng.sample(ANSWERED[3:], 2), *rng.sample(WAITING, 3)]
    people = [h.person for h in prison.holders if h.person.user is not None]
    made = 0
    for n, (spec, person) in enumerate(zip(specs, rng.sample(people, min(len(specs), len(people))), strict=False)):
        if person.user is None:
            continue
        request = services.site_request_submit(
            by=person.user,
            address=spec.address,
            reason=spec.reason,
            idempotency_key=f"demo-access-{prison.establishment.code}-{n}",
        )
        made += 1
        if spec.approve is None:
            SiteRequest.objects.filter(pk=request.pk).update(submitted_at=daytime(rng, now, rng.randint(0, 3)))
            continue
        ago = rng.randint(4, 12)
        submitted = daytime(rng, now, ago)
        services.site_request_review(
            by=prison.security,
            request=request,
            approve=spec.approve,
            reason=spec.answer,
            category=spec.category,
            risk=Risk.LOW,
            name=spec.name,
        )
        answered = daytime(rng, now, ago - rng.randint(1, 3), (9, 17))  # in office hours, a day or three later
        reviewed = min(now, max(submitted + timedelta(hours=1), answered))
        SiteRequest.objects.filter(pk=request.pk).update(submitted_at=submitted, reviewed_at=reviewed)
    return made


# --- the step -------------------------------------------------------------------------------------------------------


def _prisons(seed: int) -> list[Prison]:
    """Every prison with its security officer, governor and wing officer, and its people who could be issued a
    device (no alert that removes internet)."""
    no_internet = Alert.objects.filter(code__in=NO_INTERNET).filter(
        Q(active_to__isnull=True) | Q(active_to__gte=timezone.localdate())
    )
    barred = set(no_internet.values_list("person_id", flat=True))
    prisons: list[Prison] = []
    for place in Establishment.objects.order_by("pk"):
        security, governor, officer = (
            staff_member(place, role) for role in (SECURITY_ROLE, GOVERNOR_ROLE, OFFICER_ROLE)
        )
        if security is None:
            continue
        prison = Prison(
            establishment=place,
            index=len(prisons),
            security=security,
            governor=governor or security,
            officer=officer or security,
            rng=random.Random(f"access:{seed}:{place.code}"),  # noqa: S311 (demo data)
        )
        prison.residents = [
            person
            for person in Person.objects.filter(establishment=place, user__isnull=False, location__isnull=False)
            .select_related("user", "location")
            .order_by("prison_number")
            if person.pk not in barred
        ]
        prisons.append(prison)
    return prisons


def populate(
    *,
    seed: int = 1,
    say: Callable[[str], None] = lambda _line: None,
    days: int = DAYS,
    now: datetime | None = None,
) -> Counts:
    """Internet access for every prison of the demo estate, and the last ``days`` days of use (nothing when there
    are already sites or network devices)."""
    started, cpu = time.monotonic(), time.process_time()
    if Site.objects.exists() or NetworkDevice.objects.exists():
        say("  internet: nothing to add (the catalogue or the devices are already there)")
        return Counts()
    prisons = _prisons(seed)
    if not prisons:
        say("  internet: no prison has a Security and IT officer, nothing added")
        return Counts()
    now = now or timezone.now()
    counts = Counts()
    services.forget_seen()  # RADIUS's memory of where devices were seen a moment ago (of an earlier build)
    with override_settings(DEBUG=False), transaction.atomic():
        add_catalogue(prisons[0].security)
        groups = {group.code: group for group in AccessGroup.objects.all()}
        macs: set[str] = set()
        for prison in prisons:
            set_policy(prison)
            members = add_members(prison, groups)
            counts.devices += add_devices(prison, members, macs)
            connect(prison)
            counts.unapproved += observe(prison, macs, now)
            counts.sanctions += add_sanctions(prison, now)
            counts.requests += add_requests(prison, now)
        set_up_in = time.monotonic() - started
        use = simulate(prisons, seed=seed, now=now, days=days)
        counts.decisions = use.decisions
        counts.usage_rows = services.usage_record(counts=use.rows(), now=now)
        counts.events = InternetUsage.objects.filter(emitted=True).count()
        while flushed := services.usage_emit_finished(now=now):  # the usage flush, until every finished hour is out
            counts.events += flushed
    counts.sites = Site.objects.count()
    counts.groups = AccessGroup.objects.count()
    counts.level_rules = LevelAccess.objects.count()
    counts.windows = AccessWindow.objects.count()
    counts.addresses = DeviceAddress.objects.count()
    counts.waiting = SiteRequest.objects.filter(status="NEW").count()
    say(
        f"  internet: {counts.sites} sites, {counts.devices} devices, {counts.unapproved} unapproved devices, "
        f"{counts.requests} site requests, {counts.sanctions} suspensions in {set_up_in:.1f} s"
    )
    say(
        f"  internet: {days} days of use, {counts.decisions:,} policy decisions, {counts.usage_rows:,} hourly rows, "
        f"{counts.events:,} activity events in {time.monotonic() - started - set_up_in:.1f} s "
        f"(step: {time.monotonic() - started:.1f} s wall, {time.process_time() - cpu:.1f} s CPU)"
    )
    return counts


def reset() -> dict[str, int]:
    """Delete every internet access row, for ``demo_estate --reset`` (devices, suspensions, requests and sightings
    refer to the people, users and prisons it deletes; run inside its transaction). Audit rows and activity events
    stay; the policy versions move on so a running Squid helper fetches the empty policy."""
    deleted = 0
    for model in (
        InternetUsage,
        DeviceInTwoPlaces,
        DeviceAddress,
        NetworkDevice,
        UnapprovedDevice,
        Sanction,
        SiteRequest,
        Site,
        AccessGroup,
        LevelAccess,
        AccessWindow,
        EstablishmentNetwork,
    ):
        deleted += model.objects.all().delete()[0]
    snapshot.bump(snapshot.CATALOGUE, snapshot.POLICY)
    services.forget_seen()
    return {"internet access rows": deleted}
