"""Internet access for the demo estate, so that Security and IT, a governor and a resident trying the demo find every
internet page with something in it (``demo_estate`` runs this after the estate is saved, through the people demo hook).

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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Count, Q
from django.test.utils import override_settings
from django.utils import timezone

from throughgate.access import services, snapshot
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
    Risk,
    Sanction,
    Site,
    SiteRequest,
    UnapprovedDevice,
    WindowKind,
)
from throughgate.access.observations import Sighting
from throughgate.identity.models import Establishment, Location, LocationLevel, User
from throughgate.people.models import Alert, IncentiveLevel, Person
from throughgate_squid_helper import policy

DAYS = 7  # days of internet use
SECURITY_ROLE, GOVERNOR_ROLE, OFFICER_ROLE = "security_it", "governor", "wing_officer"


class SiteSpec(NamedTuple):
    name: str
    address: str
    category: str
    risk: int = Risk.LOW
    description: str = ""
    groups: tuple[str, ...] = ()


# Public services and charities (organisations, not people), by category.
CATALOGUE: tuple[SiteSpec, ...] = (
    SiteSpec("BBC Bitesize", "www.bbc.co.uk/bitesize", Category.EDUCATION, Risk.LOW,
             "Lessons and revision in English, maths and science"),
    SiteSpec("OpenLearn", "www.open.edu/openlearn", Category.EDUCATION, Risk.LOW,
             "Free short courses from the Open University"),
    SiteSpec("The Open University", "www.open.ac.uk", Category.EDUCATION, Risk.MEDIUM,
             "Student home and course materials for Open University students", ("open-university",)),
    SiteSpec("Khan Academy", "www.khanacademy.org", Category.EDUCATION, Risk.LOW,
             "Maths practice with short videos, from number work upwards"),
    SiteSpec("Learn My Way", "www.learnmyway.com", Category.EDUCATION, Risk.LOW,
             "Courses in using a computer and staying safe online", ("education-learners",)),
    SiteSpec("FutureLearn", "www.futurelearn.com", Category.EDUCATION, Risk.MEDIUM,
             "Online courses from universities", ("education-learners",)),
    SiteSpec("Prisoners' Education Trust", "www.prisonerseducation.org.uk", Category.EDUCATION, Risk.LOW,
             "Distance learning courses and grants for people in prison"),
    SiteSpec("Shannon Trust", "www.shannontrust.org.uk", Category.EDUCATION, Risk.LOW,
             "Learning to read with a peer mentor"),
    SiteSpec("National Careers Service", "nationalcareers.service.gov.uk", Category.EMPLOYMENT, Risk.LOW,
             "Careers advice, a skills health check and a CV builder"),
    SiteSpec("Find a job", "findajob.dwp.gov.uk", Category.EMPLOYMENT, Risk.LOW,
             "Jobs advertised through the Department for Work and Pensions"),
    SiteSpec("Find an apprenticeship", "www.findapprenticeship.service.gov.uk", Category.EMPLOYMENT, Risk.LOW,
             "Apprenticeships in England"),
    SiteSpec("Working Chance", "workingchance.org", Category.EMPLOYMENT, Risk.LOW,
             "Help into work for women with convictions"),
    SiteSpec("CSCS", "www.cscs.uk.com", Category.EMPLOYMENT, Risk.MEDIUM,
             "Construction skills cards and the health, safety and environment test"),
    SiteSpec("Ban the Box (Business in the Community)", "www.bitc.org.uk", Category.EMPLOYMENT, Risk.LOW,
             "Employers who welcome applicants with convictions"),
    SiteSpec("LinkedIn", "www.linkedin.com", Category.EMPLOYMENT, Risk.HIGH,
             "Professional profiles and job adverts; members can message each other"),
    SiteSpec("Citizens Advice", "www.citizensadvice.org.uk", Category.LEGAL, Risk.LOW,
             "Advice on debt, benefits, housing and your rights"),
    SiteSpec("Prisoners' Advice Service", "www.prisonersadvice.org.uk", Category.LEGAL, Risk.LOW,
             "Free legal advice about your rights in prison"),
    SiteSpec("Prison Reform Trust advice", "prisonreformtrust.org.uk", Category.LEGAL, Risk.LOW,
             "Information on prison rules, sentences and parole"),
    SiteSpec("Prisons and Probation Ombudsman", "www.ppo.gov.uk", Category.LEGAL, Risk.LOW,
             "Complaints about prisons and probation, after the prison's own process"),
    SiteSpec("Criminal Cases Review Commission", "ccrc.gov.uk", Category.LEGAL, Risk.LOW,
             "Applying for a conviction or sentence to be looked at again"),
    SiteSpec("Law Centres Network", "www.lawcentres.org.uk", Category.LEGAL, Risk.LOW,
             "Find a law centre for free legal advice"),
    SiteSpec("Find a solicitor", "solicitors.lawsociety.org.uk", Category.LEGAL, Risk.LOW,
             "The Law Society's list of solicitors"),
    SiteSpec("NHS", "www.nhs.uk", Category.HEALTH, Risk.LOW, "Health conditions, medicines and services"),
    SiteSpec("Samaritans", "www.samaritans.org", Category.HEALTH, Risk.LOW, "Support when things are getting to you"),
    SiteSpec("Mind", "www.mind.org.uk", Category.HEALTH, Risk.LOW, "Information about mental health"),
    SiteSpec("Talk to FRANK", "www.talktofrank.com", Category.HEALTH, Risk.LOW, "Honest information about drugs"),
    SiteSpec("Alcoholics Anonymous", "www.alcoholics-anonymous.org.uk", Category.HEALTH, Risk.LOW,
             "Meetings and help with drinking"),
    SiteSpec("The Hepatitis C Trust", "www.hepctrust.org.uk", Category.HEALTH, Risk.LOW,
             "Testing and treatment for hepatitis C"),
    SiteSpec("GOV.UK", "www.gov.uk", Category.GOVERNMENT, Risk.LOW, "Government services and information"),
    SiteSpec("General Register Office", "www.gro.gov.uk", Category.GOVERNMENT, Risk.LOW,
             "Ordering a birth certificate, for ID on release"),
    SiteSpec("Universal Credit account", "www.universal-credit.service.gov.uk", Category.GOVERNMENT, Risk.MEDIUM,
             "Starting a Universal Credit claim before release", ("pre-release",)),
    SiteSpec("Shelter England", "england.shelter.org.uk", Category.RESETTLEMENT, Risk.LOW,
             "Housing advice, including when you leave prison"),
    SiteSpec("Shelter Cymru", "sheltercymru.org.uk", Category.RESETTLEMENT, Risk.LOW, "Housing advice in Wales"),
    SiteSpec("MoneyHelper", "www.moneyhelper.org.uk", Category.RESETTLEMENT, Risk.LOW,
             "Free guidance on money, debt and pensions"),
    SiteSpec("Unlock", "unlock.org.uk", Category.RESETTLEMENT, Risk.LOW,
             "Criminal records: what you must tell employers and insurers"),
    SiteSpec("St Giles Trust", "www.stgilestrust.org.uk", Category.RESETTLEMENT, Risk.LOW,
             "Peer advisers for housing, work and money after release"),
    SiteSpec("Storybook Dads", "www.storybookdads.org.uk", Category.FAMILY_LEARNING, Risk.LOW,
             "Recording bedtime stories for your children"),
    SiteSpec("Oxford Owl for Home", "home.oxfordowl.co.uk", Category.FAMILY_LEARNING, Risk.LOW,
             "Free e-books and reading tips for children"),
    SiteSpec("BBC Tiny Happy People", "www.bbc.co.uk/tiny-happy-people", Category.FAMILY_LEARNING, Risk.LOW,
             "Ideas for talking and playing with young children"),
    SiteSpec("Pact", "www.prisonadvice.org.uk", Category.FAMILY_LEARNING, Risk.LOW,
             "Keeping in touch with your family; family days and parenting courses"),
)  # fmt: skip
GROUPS = (
    ("education-learners", "Education department learners"),
    ("open-university", "Open University students"),
    ("pre-release", "Release in the next 12 weeks"),
)
LEVELS: dict[str, tuple[list[str], int]] = {
    IncentiveLevel.BASIC: ([Category.EDUCATION, Category.LEGAL, Category.HEALTH, Category.GOVERNMENT], Risk.LOW),
    IncentiveLevel.STANDARD: (
        [
            Category.EDUCATION,
            Category.EMPLOYMENT,
            Category.LEGAL,
            Category.HEALTH,
            Category.GOVERNMENT,
            Category.RESETTLEMENT,
            Category.FAMILY_LEARNING,
        ],
        Risk.MEDIUM,
    ),
    IncentiveLevel.ENHANCED: (list(Category.values), Risk.HIGH),
}
WEEKDAYS, WEEKEND, EVERY_DAY = [0, 1, 2, 3, 4], [5, 6], list(range(7))
# (name, kind, days, starts, ends): in-cell hours every evening, and the daytime when people are not at work or in
# education; closed for the evening roll check.
WINDOWS = (
    ("Morning education and work", WindowKind.OPEN, WEEKDAYS, clock(8, 30), clock(11, 45)),
    ("Afternoon education and work", WindowKind.OPEN, WEEKDAYS, clock(13, 45), clock(16, 45)),
    ("Weekend daytime", WindowKind.OPEN, WEEKEND, clock(9, 0), clock(16, 30)),
    ("In-cell evening", WindowKind.OPEN, EVERY_DAY, clock(17, 30), clock(21, 30)),
    ("Evening roll check", WindowKind.CLOSED, EVERY_DAY, clock(19, 45), clock(20, 0)),
)
NO_INTERNET = ("PVN", "XCYB")  # alerts that remove internet: nobody with one is issued a device
TABLET_SHARE: dict[str, float] = {
    IncentiveLevel.BASIC: 0.15,
    IncentiveLevel.STANDARD: 0.3,
    IncentiveLevel.ENHANCED: 0.5,
}
USE_ON_A_DAY: dict[str, float] = {
    IncentiveLevel.BASIC: 0.5,
    IncentiveLevel.STANDARD: 0.7,
    IncentiveLevel.ENHANCED: 0.85,
}
MEMBERS = {"education-learners": 12, "open-university": 4, "pre-release": 8}  # per prison
IN_STOCK = 6
# Sites people try that are not in the catalogue, with how often.
NOT_LISTED = (
    ("www.google.com", 30),
    ("www.youtube.com", 25),
    ("www.facebook.com", 15),
    ("www.bbc.co.uk", 12),
    ("web.whatsapp.com", 8),
    ("www.instagram.com", 8),
    ("www.amazon.co.uk", 6),
    ("www.tiktok.com", 5),
    ("www.bet365.com", 3),
)
# What people use, by category (weights).
CATEGORY_USE: dict[str, int] = {
    Category.EDUCATION: 30,
    Category.EMPLOYMENT: 20,
    Category.LEGAL: 10,
    Category.HEALTH: 10,
    Category.GOVERNMENT: 8,
    Category.RESETTLEMENT: 12,
    Category.FAMILY_LEARNING: 10,
}


class RequestSpec(NamedTuple):
    address: str
    reason: str
    approve: bool | None = None  # None: waiting
    answer: str = ""
    category: str = ""
    name: str = ""


WAITING: tuple[RequestSpec, ...] = (
    RequestSpec("www.duolingo.com", "I want to learn Spanish. My partner's family speak it."),
    RequestSpec(
        "www.cityandguilds.com", "To see which qualifications I can do in the workshop and what they are worth."
    ),
    RequestSpec("www.citb.co.uk", "I need to revise for the CSCS test before I get out."),
    RequestSpec("www.gingerbread.org.uk", "I will be bringing up my daughter on my own when I am released."),
    RequestSpec("www.bbc.co.uk/news", "I want to keep up with the news."),
    RequestSpec("www.highwaycodeuk.co.uk", "I am going to take my driving theory test after release."),
)
ANSWERED: tuple[RequestSpec, ...] = (
    RequestSpec(
        "www.stepchange.org",
        "I have debts from before I came in and need a plan for when I get out.",
        True,
        "Added under housing, money and resettlement: StepChange gives free debt advice.",
        Category.RESETTLEMENT,
        "StepChange Debt Charity",
    ),
    RequestSpec(
        "www.nacro.org.uk",
        "My probation officer said Nacro can help me find somewhere to live.",
        True,
        "Added under housing, money and resettlement.",
        Category.RESETTLEMENT,
        "Nacro",
    ),
    RequestSpec(
        "www.familylives.org.uk",
        "Parenting advice. My son is having a hard time at school.",
        True,
        "Added under family learning.",
        Category.FAMILY_LEARNING,
        "Family Lives",
    ),
    RequestSpec(
        "www.facebook.com",
        "To keep in touch with my family.",
        False,
        "Social media cannot be used on prison devices. Ask your key worker about video calls and secure messages.",
    ),
    RequestSpec(
        "www.autotrader.co.uk",
        "I want to look at vans for my business when I get out.",
        False,
        "We do not add shopping sites. The National Careers Service has advice on starting a business.",
    ),
    RequestSpec(
        "www.youtube.com",
        "There are guitar lessons on there.",
        False,
        "Video sites let people post and message, so they cannot be added. Ask education about music courses.",
    ),
)
SANCTIONS = (
    # (who imposes, days ago it started, days long, reason, lifted with this reason, or "")
    (OFFICER_ROLE, 2, 14, "Adjudication proven: used another person's tablet to get round the site list.", ""),
    (GOVERNOR_ROLE, 5, 28, "Adjudication proven: damaged the wing kiosk on purpose.", ""),
    (
        SECURITY_ROLE,
        3,
        21,
        "Security information: tablet passed between cells on the landing; suspended while it is looked into.",
        "Looked into: the wing orderly was charging it with staff permission. No misuse found.",
    ),
)


@dataclass
class Counts:
    sites: int = 0
    groups: int = 0
    level_rules: int = 0
    windows: int = 0
    devices: int = 0
    addresses: int = 0
    unapproved: int = 0
    requests: int = 0
    waiting: int = 0
    sanctions: int = 0
    usage_rows: int = 0
    events: int = 0
    decisions: int = 0

    def as_rows(self) -> dict[str, int]:
        if not self.sites:
            return {}
        return {
            "internet sites": self.sites,
            "internet site groups": self.groups,
            "internet level rules": self.level_rules,
            "internet time windows": self.windows,
            "network devices": self.devices,
            "device addresses (RADIUS)": self.addresses,
            "unapproved devices": self.unapproved,
            "site requests": self.requests,
            "site requests waiting": self.waiting,
            "internet suspensions": self.sanctions,
            "internet usage rows": self.usage_rows,
            "internet activity events": self.events,
        }


@dataclass
class Holder:
    """Someone with a device issued to them, who uses the internet."""

    person: Person
    device: NetworkDevice


@dataclass
class Prison:
    """One prison as the step builds it: the staff who act, its own seeded random numbers, its people and devices."""

    establishment: Establishment
    index: int
    security: User
    governor: User
    officer: User
    rng: random.Random
    residents: list[Person] = field(default_factory=list)
    holders: list[Holder] = field(default_factory=list)
    aps: dict[str, str] = field(default_factory=dict)  # landing key -> its access point
    wings: dict[str, str] = field(default_factory=dict)  # access point -> the wing it serves
    quiet: set[str] = field(default_factory=set)  # prison numbers whose use is not simulated
    sanctioned: set[str] = field(default_factory=set)


def _staff(establishment: Establishment, role: str) -> User | None:
    """The demo's member of staff with this role in the prison (``security.mdi``, ``governor.mdi``, ...)."""
    return (
        User.objects.filter(roles__code=role, is_active=True, assignments__establishment=establishment)
        .order_by("username")
        .first()
    )


def _local(day: date, at: clock) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _daytime(rng: random.Random, now: datetime, days_ago: int, hours: tuple[float, float] = (8.5, 21.5)) -> datetime:
    """A moment ``days_ago`` days before ``now``, in the waking day (local time), never later than ``now``."""
    day = timezone.localdate(now) - timedelta(days=days_ago)
    return min(now, _local(day, clock(0)) + timedelta(hours=rng.uniform(*hours)))


def _mac(rng: random.Random, taken: set[str], randomised: bool = False) -> str:
    """A unicast MAC: a fixed (vendor) address, or a locally administered one as phones randomise."""
    while True:
        octets = [rng.randrange(256) for _ in range(6)]
        octets[0] = (octets[0] & 0xFC) | (0x02 if randomised else 0)
        mac = ":".join(f"{o:02x}" for o in octets)
        if mac not in taken:
            taken.add(mac)
            return mac


def _is_open(local: datetime) -> bool:
    """Whether the demo's windows open the internet at this local time (as the policy reads them)."""
    opened = closed = False
    for _name, kind, days, starts, ends in WINDOWS:
        if local.weekday() in days and starts <= local.time() < ends:
            closed = closed or kind == WindowKind.CLOSED
            opened = opened or kind == WindowKind.OPEN
    return opened and not closed


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
        return services.device_add(by=by, serial=serial, mac=_mac(rng, macs), kind=kind, establishment=place)

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

    hotspots = [_mac(rng, macs, randomised=True) for _ in range(2)]
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
            _mac(rng, macs, randomised=True),
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
            _mac(rng, macs, randomised=True),
            ObservationKind.UNKNOWN_CLIENT,
            "kismet",
            rng.randint(1, 4),
            rng.uniform(1, 9),
            where=rng.choice(sensors),
            fingerprint=fingerprint,
            signal_dbm=rng.randint(-82, -58),
        )
    spoof = _mac(rng, macs)
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
    rejected = [_mac(rng, macs) for _ in range(2)]
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
    neighbour = _mac(rng, macs)
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
    printer = _mac(rng, macs)
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
        starts = _daytime(rng, now, ago, (10, 16))  # after the adjudication hearing
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
            SiteRequest.objects.filter(pk=request.pk).update(submitted_at=_daytime(rng, now, rng.randint(0, 3)))
            continue
        ago = rng.randint(4, 12)
        submitted = _daytime(rng, now, ago)
        services.site_request_review(
            by=prison.security,
            request=request,
            approve=spec.approve,
            reason=spec.answer,
            category=spec.category,
            risk=Risk.LOW,
            name=spec.name,
        )
        answered = _daytime(rng, now, ago - rng.randint(1, 3), (9, 17))  # in office hours, a day or three later
        reviewed = min(now, max(submitted + timedelta(hours=1), answered))
        SiteRequest.objects.filter(pk=request.pk).update(submitted_at=submitted, reviewed_at=reviewed)
    return made


# --- internet use --------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """The decision counts of one person, hour, outcome and category, as the Squid helper keeps them."""

    n: int = 0
    outside: int = 0
    hosts: dict[str, int] = field(default_factory=dict)


HOSTS_PER_ROW = 20  # the helper keeps at most this many refused hosts per row


class Use:
    """Internet use decided by the policy, on the snapshot of each day, and counted as the helper counts it."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.seed = seed
        self.now = now
        self.tallies: dict[tuple[str, str, str, bool, str], Tally] = {}
        self.decisions = 0
        self.snap = policy.Snapshot()  # the policy of the day being played
        self.addresses: dict[str, list[tuple[str, str]]] = {}  # category -> (method, url)
        self.category_of: dict[str, str] = {}  # url -> category
        self.limited_to: dict[str, set[str]] = {}  # url -> the groups a site is limited to
        groups: dict[int, set[str]] = {}
        for site_id, code in Site.groups.through.objects.values_list("site_id", "accessgroup__code"):
            groups.setdefault(site_id, set()).add(code)
        addresses = [spec.address for spec in CATALOGUE] + [spec.address for spec in (*ANSWERED, *WAITING)]
        hosts = sorted({address.split("/", 1)[0] for address in addresses})
        for pk, domain, prefix, category in Site.objects.filter(active=True).values_list(
            "pk", "domain", "path_prefix", "category"
        ):
            host = next((h for h in hosts if h == domain or h == f"www.{domain}"), domain)
            url = ("GET", f"http://{host}{prefix}/") if prefix else ("CONNECT", f"{host}:443")
            self.addresses.setdefault(category, []).append(url)
            self.category_of[url[1]] = category
            if pk in groups:
                self.limited_to[url[1]] = groups[pk]
        for urls in self.addresses.values():
            urls.sort()

    def visit(self, number: str, moment: datetime, method: str, url: str, requests: int, persist: bool = False) -> None:
        """``requests`` requests to one site at one moment: one decision (the same for each), counted for each. Told
        no, most people give up after a try or three; ``persist``: they keep trying."""
        if moment > self.now or requests <= 0:
            return
        decision = policy.decide_for_person(
            self.snap, prison_number=number, url=url, method=method, now=moment, explain=False
        )
        self.decisions += 1
        if not decision.allowed and not persist:
            requests = 1 + requests % 3
        hour = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0).isoformat()
        key = (decision.person, decision.establishment, hour, decision.allowed, decision.category)
        tally = self.tallies.setdefault(key, Tally())
        tally.n += requests
        if decision.outside_hours:
            tally.outside += requests
        if (
            not decision.allowed
            and decision.host
            and (decision.host in tally.hosts or len(tally.hosts) < HOSTS_PER_ROW)
        ):
            tally.hosts[decision.host] = tally.hosts.get(decision.host, 0) + requests

    def site(self, rng: random.Random, person: str, level: str, category: str = "") -> tuple[str, str]:
        """A catalogue site someone goes to (of ``category``, if given): mostly one their level opens and, if it is
        limited to some groups, one of theirs; sometimes one they may not use."""
        urls = self.addresses
        if rng.random() < 0.9:
            found = self.snap.people.get(person)
            groups = found.groups if found is not None else frozenset()
            opened = LEVELS.get(level, ([], 0))[0]
            urls = {
                kind: [url for url in listed if url[1] not in self.limited_to or self.limited_to[url[1]] & groups]
                for kind, listed in self.addresses.items()
                if kind in opened or kind == category
            }
        if not urls.get(category):
            choices = [c for c in CATEGORY_USE if urls.get(c)]
            category = rng.choices(choices, weights=[CATEGORY_USE[c] for c in choices])[0]
        return rng.choice(urls[category])

    @staticmethod
    def not_listed(rng: random.Random) -> tuple[str, str]:
        host = rng.choices([h for h, _w in NOT_LISTED], weights=[w for _h, w in NOT_LISTED])[0]
        return "CONNECT", f"{host}:443"

    def day_of(self, person: Person, day: date, sanctioned: bool) -> None:
        """One person's use on one day: a session or two in the open windows (evenings most), each on a few sites
        of one kind, now and then a try at a site that is not listed; rarely a try late at night."""
        number, level = person.prison_number, person.incentive_level
        engagement = random.Random(f"access:{self.seed}:{number}").uniform(0.25, 1.0)  # noqa: S311 (demo data)
        rng = random.Random(f"access:{self.seed}:{number}:{day.isoformat()}")  # noqa: S311 (demo data)
        chance = engagement * USE_ON_A_DAY.get(level, 0.5) * (0.2 if sanctioned else 1)
        if rng.random() < 0.03:
            at = _local(day, clock(22, 0)) + timedelta(minutes=rng.uniform(0, 90))
            self.visit(number, at, *self.site(rng, number, level), rng.randint(1, 4))
        if rng.random() >= chance:
            return
        windows = [w for w in WINDOWS if w[1] == WindowKind.OPEN and day.weekday() in w[2]]
        for _ in range(1 if rng.random() < 0.75 else 2):
            _name, _kind, _days, starts, ends = rng.choices(
                windows, weights=[3 if w[3].hour >= 17 else 1 for w in windows]
            )[0]
            first, last = _local(day, starts), _local(day, ends)
            at = first + timedelta(seconds=rng.uniform(0, (last - first).total_seconds() * 0.8))
            method, url = self.site(rng, number, level)
            for _visit in range(rng.randint(1, 3)):
                if at >= last:
                    break
                self.visit(number, at, method, url, rng.randint(3, 30))
                at += timedelta(minutes=rng.uniform(3, 12))
                method, url = self.site(rng, number, level, self.category_of[url])
            if rng.random() < 0.12 and at < last:
                self.visit(number, at, *self.not_listed(rng), rng.randint(1, 6))

    def planted(self, prison: Prison) -> None:
        """In the last day: someone on Basic keeps trying job sites in one hour (refused: their level does not open
        them), and someone tries again and again outside the permitted hours."""
        rng = prison.rng
        usable = [h.person for h in prison.holders if h.person.prison_number not in prison.quiet | prison.sanctioned]
        basic = [p for p in usable if p.incentive_level == IncentiveLevel.BASIC]
        # 20 to 28 minutes past an hour of the last day: never within 8 minutes before a window opens or closes
        hours = [self.now.replace(minute=20, second=0, microsecond=0) - timedelta(hours=h) for h in range(1, 23)]
        open_at = next((m for m in hours if _is_open(timezone.localtime(m))), None)
        closed_at = next((m for m in hours if not _is_open(timezone.localtime(m))), None)
        jobs = [url for url in self.addresses.get(Category.EMPLOYMENT, []) if "linkedin" not in url[1]]
        if basic and open_at is not None and jobs:
            who = rng.choice(basic).prison_number
            for url in rng.sample(jobs, min(2, len(jobs))):
                self.visit(who, open_at + timedelta(minutes=rng.uniform(0, 8)), *url, rng.randint(18, 26), persist=True)
        others = [p for p in usable if p.incentive_level != IncentiveLevel.BASIC]
        if others and closed_at is not None:
            who = rng.choice(others).prison_number
            for _ in range(rng.randint(3, 4)):
                self.visit(
                    who,
                    closed_at + timedelta(minutes=rng.uniform(0, 8)),
                    *self.site(rng, who, IncentiveLevel.STANDARD),
                    2,
                    persist=True,
                )

    def rows(self) -> list[dict[str, Any]]:
        """The counts as the helper reports them (``POST /squid/usage``)."""
        return [
            {
                "person": person,
                "establishment": establishment,
                "hour": hour,
                "outcome": "allowed" if allowed else "denied",
                "category": category,
                "count": tally.n,
                "outside_hours": tally.outside,
                "sites": dict(tally.hosts),
            }
            for (person, establishment, hour, allowed, category), tally in sorted(self.tallies.items())
        ]


def simulate(prisons: list[Prison], *, seed: int, now: datetime, days: int) -> Use:
    """Each day's use, decided on the policy snapshot built for that day."""
    use = Use(seed, now)
    today = timezone.localdate(now)
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        use.snap = snapshot.build(min(now, _local(day, clock(12))))
        for prison in prisons:
            for holder in prison.holders:
                person = holder.person
                if person.prison_number not in prison.quiet:
                    use.day_of(person, day, person.prison_number in prison.sanctioned)
    use.snap = snapshot.build(now)
    for prison in prisons:
        use.planted(prison)
    return use


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
        security, governor, officer = (_staff(place, role) for role in (SECURITY_ROLE, GOVERNOR_ROLE, OFFICER_ROLE))
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


def step(*, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    """The ``demo_estate`` step (registered with people.demo_hooks): internet access for the saved estate."""
    return populate(seed=seed, say=say).as_rows()


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
