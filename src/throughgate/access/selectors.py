"""Reads of the access app, scoped to the acting user: staff see their establishment; a resident only their own
allowed sites and requests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.access import events, snapshot
from throughgate.access.models import (
    AccessGroup,
    AccessWindow,
    DeviceInTwoPlaces,
    InternetUsage,
    LevelAccess,
    NetworkDevice,
    Outcome,
    RequestStatus,
    Sanction,
    Site,
    SiteRequest,
    UnapprovedDevice,
)
from throughgate.access.permissions import (
    CHECK_ACCESS,
    MANAGE_DEVICES,
    MANAGE_OBSERVATIONS,
    REVIEW_REQUESTS,
    VIEW_MONITORING,
)
from throughgate.core import audit
from throughgate.core.errors import NotVisible
from throughgate.core.models import AuditEntry
from throughgate.identity import selectors as identity_selectors
from throughgate.identity.models import Establishment, Location, LocationLevel, User
from throughgate.people.models import Person
from throughgate.people.selectors import own_record, people_visible_to
from throughgate_squid_helper import policy


def devices_visible_to(*, user: User, establishment: Establishment | None) -> QuerySet[NetworkDevice]:
    base = NetworkDevice.objects.select_related("establishment", "person", "location")
    if establishment is None or not user.has_perm(MANAGE_DEVICES):
        return base.none()
    if not people_visible_to(user=user, establishment=establishment).exists() and not (
        user.sees_all_establishments or user.assignments.filter(establishment=establishment).exists()
    ):
        return base.none()
    return base.filter(establishment=establishment)


def device_history(*, device: NetworkDevice) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=NetworkDevice._meta.label, object_id=str(device.pk)).order_by("-at")


def requests_waiting(*, user: User, establishment: Establishment | None) -> QuerySet[SiteRequest]:
    if establishment is None or not user.has_perm(REVIEW_REQUESTS):
        return SiteRequest.objects.none()
    people = people_visible_to(user=user, establishment=establishment)
    return SiteRequest.objects.select_related("person").filter(person__in=people, status=RequestStatus.NEW)


def sanctions_for(*, person: Person, now: datetime) -> QuerySet[Sanction]:
    return Sanction.objects.filter(person=person, lifted_at__isnull=True, ends_at__gt=now).order_by("starts_at")


@dataclass(frozen=True)
class OwnSites:
    person: Person
    sites: list[Site]
    requests: list[SiteRequest]
    decision_now: policy.Decision | None
    blocked_code: str  # the rule that closes the internet to them now ("" when it is open)
    blocked_until: datetime | None  # the end of a suspension in force


def own_sites(*, user: User, now: datetime) -> OwnSites:
    """A resident's view: the catalogue sites their level opens (in their prison), their own requests, and (if
    the internet is closed to them now) why, in plain words."""
    person = own_record(user=user)
    snap = snapshot.for_person(person, now)
    person_policy = snap.people.get(person.prison_number)
    establishment = snap.establishments.get(person.establishment.code) if person.establishment else None
    sites: list[Site] = []
    if person_policy is not None and establishment is not None:
        categories, max_risk = establishment.levels.get(person_policy.level, (frozenset(), 0))
        candidates = Site.objects.filter(active=True, category__in=categories, risk__lte=max_risk).prefetch_related(
            "groups"
        )
        sites = [
            site
            for site in candidates.order_by("category", "name")[:500]
            if not site.groups.all() or {g.code for g in site.groups.all()} & person_policy.groups
        ]
    # The policy's own words are English (the Squid helper runs without Django); the page says it in the
    # person's language from the rule that refused.
    probe = policy.decide_for_person(snap, prison_number=person.prison_number, url="http://probe.invalid/", now=now)
    blocked = "" if probe.code == "site.not_listed" else probe.code
    until = None
    if blocked == "sanction.active" and person_policy is not None:
        until = max((s.ends_at for s in person_policy.sanctions if s.starts_at <= now < s.ends_at), default=None)
    requests = list(SiteRequest.objects.filter(person=person).order_by("-submitted_at")[:20])
    return OwnSites(person, sites, requests, probe, blocked, until)


def access_check(
    *, user: User, establishment: Establishment | None, prison_number: str, url: str, now: datetime
) -> tuple[Person, policy.Decision, list[NetworkDevice]]:
    """Can this person reach this URL now, and why: the same decision the Squid helper makes, with every step.
    Audited (it reveals a person's alerts and sanctions)."""
    person = (
        people_visible_to(user=user, establishment=establishment).filter(prison_number=prison_number.upper()).first()
    )
    if person is None or not user.has_perm(CHECK_ACCESS):
        raise NotVisible(_("No person with that prison number was found"))
    snap = snapshot.for_person(person, now)
    address = policy.parse_address(url)
    if address is not None:
        snap.set_sites(snapshot.sites_for_host(address.host))
    devices = list(
        NetworkDevice.objects.filter(person=person)
        | NetworkDevice.objects.filter(location__isnull=False, location=person.location)
    )
    issued = [d for d in devices if d.status == "issued"]
    steps: list[policy.Step] = []
    if issued:
        steps.append(
            policy.Step(
                "device.issued",
                True,
                _("Issued device: %(serials)s") % {"serials": ", ".join(d.serial for d in issued)},
            )
        )
        decision = policy.decide_for_person(snap, prison_number=person.prison_number, url=url, now=now, steps=steps)
    else:
        steps.append(policy.Step("device.none", False, _("No device is issued to this person or their cell.")))
        decision = policy.Decision(False, tuple(steps), person=person.prison_number)
    audit.record(
        action=events.ACCESS_CHECKED,
        actor=user,
        subject=person.prison_number,
        obj=person,
        purpose="security",
        detail={"url": url[:300], "allowed": decision.allowed, "rule": decision.code},
    )
    return person, decision, devices


@dataclass(frozen=True)
class Monitoring:
    per_hour: list[tuple[datetime, int, int]]
    top_denied_sites: list[tuple[str, int]]
    top_denied_categories: list[tuple[str, int]]
    requests_waiting: int
    alerts: list[str]
    unapproved: list[UnapprovedDevice]


BURST_PER_HOUR = 30  # refusals to blocked categories by one person within one hour that make an alert
OUTSIDE_HOURS_ALERT = 5  # attempts outside permitted hours (in the period shown) that make an alert


def monitoring(*, user: User, establishment: Establishment | None, now: datetime, hours: int = 24) -> Monitoring:
    """The security page: decisions per hour, top denied sites and categories, requests waiting, risk alerts."""
    if establishment is None or not user.has_perm(VIEW_MONITORING):
        return Monitoring([], [], [], 0, [], [])
    since = now - timedelta(hours=hours)
    rows = InternetUsage.objects.filter(establishment=establishment.code, hour__gte=since)
    per_hour: dict[datetime, list[int]] = {}
    denied_sites: Counter[str] = Counter()
    denied_categories: Counter[str] = Counter()
    blocked: dict[tuple[str, datetime], Counter[str]] = {}  # (person, hour) -> refusals per closed category
    outside: Counter[str] = Counter()
    for usage in rows:
        bucket = per_hour.setdefault(usage.hour, [0, 0])
        bucket[0 if usage.outcome == Outcome.ALLOWED else 1] += usage.count
        if usage.outcome == Outcome.DENIED:
            denied_sites.update({host: int(n) for host, n in usage.sites.items()})
            denied_categories[usage.category or "not listed"] += usage.count
            if usage.category:  # a listed site of a category their level (or group) does not open
                blocked.setdefault((usage.person, usage.hour), Counter())[usage.category] += usage.count
        outside[usage.person] += usage.outside_hours
    bursts: dict[str, tuple[int, datetime, list[str]]] = {}  # person -> their worst hour
    for (person, hour), categories in blocked.items():
        total = sum(categories.values())
        if total >= BURST_PER_HOUR and total > bursts.get(person, (0, hour, []))[0]:
            bursts[person] = (total, hour, [name for name, _n in categories.most_common(3)])
    alerts = [
        _("%(person)s had %(count)s requests to blocked categories (%(categories)s) refused in the hour from %(time)s")
        % {
            "person": person,
            "count": count,
            "categories": ", ".join(policy.CATEGORY_WORDS.get(c, c) for c in categories),
            "time": timezone.localtime(hour).strftime("%H:%M"),
        }
        for person, (count, hour, categories) in sorted(bursts.items(), key=lambda item: -item[1][0])[:10]
    ]
    alerts += [
        _("%(person)s tried to use the internet outside permitted hours %(count)s times")
        % {"person": person, "count": count}
        for person, count in outside.most_common(10)
        if count >= OUTSIDE_HOURS_ALERT
    ]
    for seen in DeviceInTwoPlaces.objects.filter(
        device__establishment=establishment, seen_at__gte=since
    ).select_related("device")[:10]:
        alerts.append(
            _("Device %(serial)s was seen on %(first)s and %(second)s within a minute, at %(time)s")
            % {
                "serial": seen.device.serial,
                "first": seen.first_wing,
                "second": seen.second_wing,
                "time": timezone.localtime(seen.seen_at).strftime("%H:%M"),
            }
        )
    waiting = requests_waiting(user=user, establishment=establishment).count()
    unapproved = list(
        UnapprovedDevice.objects.filter(establishment=establishment).exclude(status__in=["allow_listed"])[:50]
    )
    return Monitoring(
        per_hour=sorted((hour, counts[0], counts[1]) for hour, counts in per_hour.items()),
        top_denied_sites=denied_sites.most_common(10),
        top_denied_categories=denied_categories.most_common(10),
        requests_waiting=waiting,
        alerts=alerts,
        unapproved=unapproved,
    )


def observations_visible_to(*, user: User, establishment: Establishment | None) -> QuerySet[UnapprovedDevice]:
    """Unapproved devices seen in the establishment the user acts in (security staff only)."""
    base = UnapprovedDevice.objects.select_related("establishment", "location")
    if establishment is None or not user.has_perm(MANAGE_OBSERVATIONS):
        return base.none()
    if not (user.sees_all_establishments or user.assignments.filter(establishment=establishment).exists()):
        return base.none()
    return base.filter(establishment=establishment).order_by("status", "-last_seen")


def object_history(*, obj: Any) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).order_by("-at")


def catalogue_search(*, query: str) -> QuerySet[Site]:
    sites = Site.objects.order_by("domain", "path_prefix")
    if query:
        sites = sites.filter(Q(domain__icontains=query) | Q(name__icontains=query))
    return sites


def levels_for(*, establishment: Establishment) -> QuerySet[LevelAccess]:
    return LevelAccess.objects.filter(establishment=establishment).order_by("level")


def windows_for(*, establishment: Establishment) -> QuerySet[AccessWindow]:
    return AccessWindow.objects.filter(establishment=establishment).order_by("kind", "starts")


def groups_listed() -> QuerySet[AccessGroup]:
    return AccessGroup.objects.annotate(
        member_count=Count("members", distinct=True), site_count=Count("sites", distinct=True)
    )


def group_members(*, user: User, group: AccessGroup, establishment: Establishment | None) -> QuerySet[Person]:
    """The members of a group that this user may see (people in their establishment)."""
    if establishment is None:
        return Person.objects.none()
    return people_visible_to(user=user, establishment=establishment).filter(access_groups=group).order_by("last_name")


def cells_of(*, establishment: Establishment) -> QuerySet[Location]:
    return identity_selectors.locations_in(establishment=establishment, level=LocationLevel.CELL)


@dataclass(frozen=True)
class ObservationRow:
    """One line of the unapproved-devices dashboard: a device, or a group of randomised addresses that the source
    data ties to one device (same probe fingerprint, probed networks, hotspot name or rogue joined)."""

    item: UnapprovedDevice  # the member seen last (its page has the triage and mitigation forms)
    members: list[UnapprovedDevice]
    first_seen: datetime
    last_seen: datetime
    sightings: int
    signal_dbm: int | None

    @property
    def is_group(self) -> bool:
        return len(self.members) > 1


@dataclass(frozen=True)
class ObservationBoard:
    rows: list[ObservationRow]
    mitigated: int
    median_to_mitigation: timedelta | None  # from first sight to being dealt with, over the listed devices


def observation_board(*, items: list[UnapprovedDevice]) -> ObservationBoard:
    """Group randomised addresses that belong together (keeping the list's order: the first member decides where
    the group stands) and time the mitigations."""
    rows: list[ObservationRow] = []
    grouped: dict[str, list[UnapprovedDevice]] = {}
    order: list[tuple[str, UnapprovedDevice]] = []
    for item in items:
        key = item.group_key if item.randomised and item.group_key else ""
        if key:
            if key not in grouped:
                order.append((key, item))
            grouped.setdefault(key, []).append(item)
        else:
            order.append(("", item))
    for key, item in order:
        members = grouped[key] if key else [item]
        latest = max(members, key=lambda m: m.last_seen)
        signals = [m.signal_dbm for m in members if m.signal_dbm is not None]
        rows.append(
            ObservationRow(
                item=latest,
                members=members,
                first_seen=min(m.first_seen for m in members),
                last_seen=latest.last_seen,
                sightings=sum(m.sightings for m in members),
                signal_dbm=max(signals) if signals else None,
            )
        )
    times = sorted(s for s in (m.seconds_to_mitigation for m in items) if s is not None)
    median = None
    if times:
        middle = len(times) // 2
        seconds = times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2
        median = timedelta(seconds=seconds)
    return ObservationBoard(rows=rows, mitigated=len(times), median_to_mitigation=median)
