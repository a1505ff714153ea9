"""Use of the internet over the demo's last days, decided by the Squid helper's own policy function and counted as
the helper counts. See ``throughgate.demo.access``."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

from django.utils import timezone

from throughgate.access import snapshot
from throughgate.access.models import (
    Category,
    Site,
    WindowKind,
)
from throughgate.demo.access_data import (
    ANSWERED,
    CATALOGUE,
    CATEGORY_USE,
    LEVELS,
    NOT_LISTED,
    USE_ON_A_DAY,
    WAITING,
    WINDOWS,
    Prison,
    is_open_hour,
    local_at,
)
from throughgate.people.models import IncentiveLevel, Person
from throughgate_squid_helper import policy

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
            at = local_at(day, clock(22, 0)) + timedelta(minutes=rng.uniform(0, 90))
            self.visit(number, at, *self.site(rng, number, level), rng.randint(1, 4))
        if rng.random() >= chance:
            return
        windows = [w for w in WINDOWS if w[1] == WindowKind.OPEN and day.weekday() in w[2]]
        for _ in range(1 if rng.random() < 0.75 else 2):
            _name, _kind, _days, starts, ends = rng.choices(
                windows, weights=[3 if w[3].hour >= 17 else 1 for w in windows]
            )[0]
            first, last = local_at(day, starts), local_at(day, ends)
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
        open_at = next((m for m in hours if is_open_hour(timezone.localtime(m))), None)
        closed_at = next((m for m in hours if not is_open_hour(timezone.localtime(m))), None)
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
        use.snap = snapshot.build(min(now, local_at(day, clock(12))))
        for prison in prisons:
            for holder in prison.holders:
                person = holder.person
                if person.prison_number not in prison.quiet:
                    use.day_of(person, day, person.prison_number in prison.sanctioned)
    use.snap = snapshot.build(now)
    for prison in prisons:
        use.planted(prison)
    return use
