"""What the demo's internet access is made of (the site catalogue, groups, what each level opens, the open
windows, the requests and suspensions to make), the records of one prison as the step builds it, and small helpers.
See ``throughgate.demo.access``."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import NamedTuple

from django.utils import timezone

from throughgate.access.models import (
    Category,
    NetworkDevice,
    Risk,
    WindowKind,
)
from throughgate.identity.models import Establishment, User
from throughgate.people.models import IncentiveLevel, Person

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


def staff_member(establishment: Establishment, role: str) -> User | None:
    """The demo's member of staff with this role in the prison (``security.mdi``, ``governor.mdi``, ...)."""
    return (
        User.objects.filter(roles__code=role, is_active=True, assignments__establishment=establishment)
        .order_by("username")
        .first()
    )


def local_at(day: date, at: clock) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def daytime(rng: random.Random, now: datetime, days_ago: int, hours: tuple[float, float] = (8.5, 21.5)) -> datetime:
    """A moment ``days_ago`` days before ``now``, in the waking day (local time), never later than ``now``."""
    day = timezone.localdate(now) - timedelta(days=days_ago)
    return min(now, local_at(day, clock(0)) + timedelta(hours=rng.uniform(*hours)))


def new_mac(rng: random.Random, taken: set[str], randomised: bool = False) -> str:
    """A unicast MAC: a fixed (vendor) address, or a locally administered one as phones randomise."""
    while True:
        octets = [rng.randrange(256) for _ in range(6)]
        octets[0] = (octets[0] & 0xFC) | (0x02 if randomised else 0)
        mac = ":".join(f"{o:02x}" for o in octets)
        if mac not in taken:
            taken.add(mac)
            return mac


def is_open_hour(local: datetime) -> bool:
    """Whether the demo's windows open the internet at this local time (as the policy reads them)."""
    opened = closed = False
    for _name, kind, days, starts, ends in WINDOWS:
        if local.weekday() in days and starts <= local.time() < ends:
            closed = closed or kind == WindowKind.CLOSED
            opened = opened or kind == WindowKind.OPEN
    return opened and not closed
