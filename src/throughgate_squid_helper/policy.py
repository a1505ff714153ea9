"""The internet decision: a pure function of a policy snapshot, a time, a device (or person) and a web address.

Standard library only: the Squid helper, this package, runs from a copy (``throughgate access squid-conf``) under
the system Python as the ``proxy`` user, without Django. Throughgate builds its snapshots with the same classes,
and the staff "can this person reach this URL" page calls the same function on a snapshot built for one person,
so both always agree.

Rules, in order (the first refusal ends the chain; every step is kept, in plain words):
device known and issued -> who it is issued to -> no alert that removes internet -> no sanction now ->
inside an open time window and no closed one -> the site is in the catalogue -> its category is open at the
person's incentive level in their prison -> its risk is not above the level's limit -> its groups include them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

# Alerts that remove internet access entirely (NOMIS codes, see people.models.ALERT_CODES).
NO_INTERNET_ALERTS = {"PVN": "a public protection alert", "XCYB": "a cyber-crime risk alert"}
LEVELS = ("Basic", "Standard", "Enhanced")
CATEGORY_WORDS = {
    "education": "learning",
    "employment": "job search",
    "legal": "legal help",
    "health": "health",
    "government": "government services",
    "family_learning": "family learning",
    "resettlement": "housing, money and resettlement",
}


@dataclass(frozen=True)
class SiteRule:
    site_id: int
    name: str
    domain: str
    include_subdomains: bool
    path_prefix: str
    category: str
    risk: int
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Window:
    name: str
    open: bool
    days: frozenset[int]
    starts: time
    ends: time

    def covers(self, local: datetime) -> bool:
        return local.weekday() in self.days and self.starts <= local.time() < self.ends


@dataclass(frozen=True)
class EstablishmentPolicy:
    code: str
    timezone: str
    levels: dict[str, tuple[frozenset[str], int]]  # level -> (open categories, highest risk)
    windows: tuple[Window, ...]


@dataclass(frozen=True)
class Alert:
    code: str
    active_from: date
    active_to: date | None

    def active_on(self, day: date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


@dataclass(frozen=True)
class Suspension:
    starts_at: datetime
    ends_at: datetime
    reason: str


@dataclass(frozen=True)
class PersonPolicy:
    prison_number: str
    establishment: str
    level: str
    alerts: tuple[Alert, ...] = ()
    sanctions: tuple[Suspension, ...] = ()
    groups: frozenset[str] = frozenset()
    location: str = ""


@dataclass(frozen=True)
class Device:
    device_id: int
    serial: str
    kind: str
    status: str
    establishment: str
    person: str = ""  # prison number it is issued to
    location: str = ""  # or the cell it is issued to


@dataclass
class Snapshot:
    """Everything a decision needs, indexed for speed. Two sections move independently: the catalogue (large,
    rarely changed) and the policy (people, devices, addresses, establishments)."""

    catalogue_version: int = 0
    policy_version: int = 0
    sites: dict[str, list[SiteRule]] = field(default_factory=dict)  # domain -> rules (longest prefix first)
    people: dict[str, PersonPolicy] = field(default_factory=dict)
    establishments: dict[str, EstablishmentPolicy] = field(default_factory=dict)
    devices: dict[int, Device] = field(default_factory=dict)
    addresses: dict[str, int] = field(default_factory=dict)  # IP -> device id
    occupants: dict[str, tuple[str, ...]] = field(default_factory=dict)  # cell key -> prison numbers
    # For the helper's fast path, domains none of whose rules has a path prefix: domain (bytes) -> a flat tuple
    # (category, risk, groups or None, rule) for the domain itself followed by the same four for its subdomains
    # (all None when no rule covers subdomains); a domain with a path-prefixed rule maps to PREFIXED.
    plain: dict[bytes, tuple[Any, ...]] = field(default_factory=dict)
    depths: frozenset[int] = frozenset()  # how many labels the catalogue's domains have (e.g. {2, 3})

    def set_sites(self, rules: list[SiteRule]) -> None:
        index: dict[str, list[SiteRule]] = {}
        for rule in rules:
            index.setdefault(rule.domain, []).append(rule)
        plain: dict[bytes, tuple[Any, ...]] = {}
        for name, entries in index.items():
            if len(entries) > 1:
                entries.sort(key=lambda r: len(r.path_prefix), reverse=True)
            key = name.encode("utf-8", errors="replace")
            if entries[0].path_prefix:  # the longest prefix comes first
                plain[key] = PREFIXED
                continue
            first = entries[0]
            sub = first if first.include_subdomains else next((r for r in entries if r.include_subdomains), None)
            plain[key] = _flat(first) + (_flat(sub) if sub is not None else (None, None, None, None))
        self.sites = index
        self.plain = plain
        self.depths = frozenset(name.count(".") + 1 for name in index)


PREFIXED: tuple[Any, ...] = ()  # in Snapshot.plain: the domain has a path-prefixed rule


def _flat(rule: SiteRule) -> tuple[Any, ...]:
    return (rule.category, rule.risk, rule.groups or None, rule)


@dataclass(slots=True)
class Step:
    rule: str
    passed: bool
    words: str


@dataclass(slots=True)
class Decision:
    allowed: bool
    steps: tuple[Step, ...]
    person: str = ""
    establishment: str = ""
    category: str = ""
    host: str = ""
    outside_hours: bool = False

    @property
    def reason(self) -> str:
        """What the person is told: the words of the step that refused (or of the last step)."""
        return self.steps[-1].words if self.steps else "No decision was made."

    @property
    def code(self) -> str:
        return self.steps[-1].rule if self.steps else "undecided"


_BAD_HOST = re.compile(r"[\s/\\?#%]")
# http(s)://host[:port][/path][?query]: a host of letters, digits, dots and hyphens (no user part, no IPv6).
_PLAIN_HTTP = re.compile(r"(?i)https?://([a-z0-9.-]+)(?::\d{1,5})?(/[^?#\s]*)?(?:[?#]\S*)?\Z")

# --- addresses -------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Address:
    host: str
    path: str
    tunnel: bool  # a CONNECT: only the host is known (no TLS inspection)


# What a CONNECT target (host:port) can never hold: a path, a user part, or an escape.
_NOT_IN_A_TUNNEL = re.compile(r"[/@%]")


def decode_request_url(url: str, method: str = "GET") -> str | None:
    """Undo Squid's escaping of the URL field without letting an escaped character change the URL's structure:
    the URL is split first and only its path is decoded. ``None`` when it cannot be read safely (a CONNECT target
    with ``/``, ``@`` or ``%`` in it, an escape in the host part): such a request is refused."""
    if "%" not in url:
        return url
    if method == "CONNECT" or method.upper() == "CONNECT":
        target = unquote(url)  # host%3A443, as Squid may send it, is host:443; anything more is refused
        return None if _NOT_IN_A_TUNNEL.search(target) else target
    scheme, separator, rest = url.partition("://")
    if not separator:
        # The whole URL escaped (http%3A%2F%2Fhost%2Fpath): one layer off gives its structure; an escape still in
        # the host after that is refused by parse_address.
        return unquote(url)
    authority, slash, path = rest.partition("/")
    if "%" in authority:
        return None  # www.gov.uk%2F@evil.example: the host is not what it looks like once decoded
    return f"{scheme}://{authority}{slash}{unquote(path)}"


def parse_address(url: str, method: str = "GET") -> Address | None:
    """The host and path of what Squid asks about: ``http://host:port/path?q`` or ``host:443`` for CONNECT."""
    if not url or len(url) > 8192:
        return None
    tunnel = method == "CONNECT" or method.upper() == "CONNECT"
    if tunnel and _NOT_IN_A_TUNNEL.search(url):
        return None  # a CONNECT target is host:port, nothing else
    match = _PLAIN_HTTP.match(url) if not tunnel else None
    if match is not None:  # the common case, in one regular expression: http://host[:port][/path]
        host = match.group(1).lower()
        if len(host) > 253:
            return None
        return Address(host=host.rstrip("."), path=match.group(2) or "/", tunnel=False)
    url = url.strip()
    rest = url
    if "://" in rest:
        scheme, _, rest = rest.partition("://")
        if scheme.lower() not in ("http", "https"):
            return None
    elif not tunnel:
        tunnel = True  # an authority without a scheme is a tunnel target
    authority, slash, path = rest.partition("/")
    authority = authority.rpartition("@")[2]
    if authority.startswith("["):
        return None  # bare IPv6 addresses are never in the catalogue
    host = authority.split(":", 1)[0].strip().rstrip(".").lower()
    if not host or len(host) > 253 or _BAD_HOST.search(host):
        return None
    path = "/" + path.split("?", 1)[0].split("#", 1)[0] if slash else "/"
    return Address(host=host, path=path, tunnel=tunnel)


def find_site(snapshot: Snapshot, address: Address) -> SiteRule | None:
    """The most specific catalogue entry for the address: longest matching domain, then longest path prefix."""
    host = address.host
    sites = snapshot.sites
    start = 0
    while start >= 0:
        rules = sites.get(host[start:] if start else host)
        parent = start > 0
        next_dot = host.find(".", start)
        start = next_dot + 1 if next_dot >= 0 else -1
        if not rules:
            continue
        for rule in rules:
            if parent and not rule.include_subdomains:
                continue
            if not rule.path_prefix:
                return rule
            if address.tunnel:
                continue  # the path of a tunnel is not visible, so a prefix-limited entry cannot match
            if address.path == rule.path_prefix or address.path.startswith(rule.path_prefix.rstrip("/") + "/"):
                return rule
    return None


# --- the decision ----------------------------------------------------------------------------------------------


def _when(moment: datetime, tz: str) -> str:
    local = moment.astimezone(ZoneInfo(tz))
    return f"{local:%H:%M} on {local.day} {local:%B}"


_LOCAL: dict[tuple[str, int], datetime] = {}
_LAST_LOCAL: list[Any] = [None, "", None]  # the helper passes one ``now`` for a whole batch of lines


def local_time(now: datetime, tz: str) -> datetime:
    """``now`` in the establishment's time zone, to the second (cached: the helper decides thousands a second)."""
    last = _LAST_LOCAL
    if last[0] is now and last[1] == tz:
        cached: datetime = last[2]
        return cached
    key = (tz, int(now.timestamp()))
    local = _LOCAL.get(key)
    if local is None:
        if len(_LOCAL) > 256:
            _LOCAL.clear()
        local = _LOCAL[key] = now.astimezone(ZoneInfo(tz)).replace(microsecond=0)
    _LAST_LOCAL[:] = [now, tz, local]
    return local


@dataclass(slots=True)
class Holder:
    """A person a device is issued to, once the URL-independent rules have let them through."""

    person: PersonPolicy
    categories: frozenset[str]
    max_risk: int


@dataclass(slots=True)
class Gate:
    """The part of a decision that does not depend on the web address: who holds the device and whether they may
    use the internet at all now. The helper keeps it per client address for the second it was made in."""

    refused: Decision | None
    holders: tuple[Holder, ...] = ()
    chain: list[Step] = field(default_factory=list)


def decide_for_device(
    snapshot: Snapshot, *, ip: str, url: str, method: str, now: datetime, explain: bool = True
) -> Decision:
    """What Squid asks: may the device at this IP address fetch this URL now? With ``explain`` off (the helper)
    only the deciding step is kept, which is all Squid needs and much faster."""
    return decide_site(device_gate(snapshot, ip=ip, now=now, explain=explain), snapshot, url, method, explain)


def device_gate(snapshot: Snapshot, *, ip: str, now: datetime, explain: bool = True) -> Gate:
    steps: list[Step] = []
    device_id = snapshot.addresses.get(ip)
    device = snapshot.devices.get(device_id) if device_id is not None else None
    if device is None:
        steps.append(Step("device.unknown", False, "This device is not registered for internet use."))
        return Gate(Decision(False, tuple(steps)))
    if device.status != "issued":
        words = {
            "suspended": "This device is suspended. Ask an officer.",
            "lost": "This device is reported lost.",
            "retired": "This device is no longer in use.",
            "in_stock": "This device has not been issued to anyone.",
        }.get(device.status, "This device may not use the internet.")
        steps.append(Step(f"device.{device.status}", False, words))
        return Gate(Decision(False, tuple(steps), establishment=device.establishment))
    numbers = (device.person,) if device.person else snapshot.occupants.get(device.location, ())
    if explain:
        where = f"issued to {device.person}" if device.person else f"issued to cell {device.location}"
        steps.append(Step("device.issued", True, f"Device {device.serial} is {where}."))
    if not numbers:
        steps.append(Step("device.no_holder", False, "Nobody lives in the cell this device is issued to."))
        return Gate(Decision(False, tuple(steps), establishment=device.establishment))
    # A device shared by a cell may only reach what every person in the cell may reach.
    holders: list[Holder] = []
    for number in numbers:
        gate = person_gate(snapshot, prison_number=number, now=now, steps=steps, explain=explain)
        if gate.refused is not None:
            return gate
        holders.extend(gate.holders)
        steps = gate.chain
    return Gate(None, tuple(holders), steps)


def _refuse(
    chain: list[Step],
    prison_number: str,
    person: PersonPolicy | None,
    rule: str,
    words: str,
    host: str = "",
    category: str = "",
    outside_hours: bool = False,
) -> Decision:
    chain.append(Step(rule, False, words))
    return Decision(
        False,
        tuple(chain),
        person=prison_number,
        establishment=person.establishment if person else "",
        category=category,
        host=host,
        outside_hours=outside_hours,
    )


def decide_for_person(
    snapshot: Snapshot,
    *,
    prison_number: str,
    url: str,
    method: str = "GET",
    now: datetime,
    steps: list[Step] | None = None,
    explain: bool = True,
) -> Decision:
    """May this person fetch this URL now (on a device issued to them)? The device steps, if any, come first."""
    gate = person_gate(snapshot, prison_number=prison_number, now=now, steps=steps, explain=explain)
    return decide_site(gate, snapshot, url, method, explain)


def person_gate(
    snapshot: Snapshot, *, prison_number: str, now: datetime, steps: list[Step] | None = None, explain: bool = True
) -> Gate:
    """The rules about the person, in order: known here, no alert that removes internet, no sanction, inside an
    open time window and no closed one."""
    chain = list(steps or [])
    person = snapshot.people.get(prison_number)
    if person is None:
        return Gate(_refuse(chain, prison_number, None, "person.unknown", f"{prison_number} is not in custody here."))
    establishment = snapshot.establishments.get(person.establishment)
    if establishment is None:
        return Gate(
            _refuse(chain, prison_number, person, "establishment.no_policy", "This prison has no internet policy yet.")
        )
    if explain:
        chain.append(Step("person.found", True, f"{prison_number} is at {person.establishment}, level {person.level}."))
    local = local_time(now, establishment.timezone)
    for alert in person.alerts:
        if alert.code in NO_INTERNET_ALERTS and alert.active_on(local.date()):
            words = f"Internet access is removed by {NO_INTERNET_ALERTS[alert.code]} ({alert.code})."
            return Gate(_refuse(chain, prison_number, person, f"alert.{alert.code}", words))
    if explain:
        chain.append(Step("alerts.none", True, "No alert removes internet access."))
    for sanction in person.sanctions:
        if sanction.starts_at <= now < sanction.ends_at:
            words = f"Internet access is suspended until {_when(sanction.ends_at, establishment.timezone)}."
            return Gate(_refuse(chain, prison_number, person, "sanction.active", words))
    if explain:
        chain.append(Step("sanction.none", True, "No suspension is in force."))
    closed = opened = None
    for window in establishment.windows:
        if window.covers(local):
            if not window.open:
                closed = window
                break
            opened = opened or window
    if closed is not None:
        words = f"The internet is closed now ({closed.name})."
        return Gate(_refuse(chain, prison_number, person, "time.closed", words, outside_hours=True))
    if opened is None:
        words = "The internet is not open at this time."
        return Gate(_refuse(chain, prison_number, person, "time.outside", words, outside_hours=True))
    if explain:
        chain.append(Step("time.open", True, f"The internet is open now ({opened.name})."))
    categories, max_risk = establishment.levels.get(person.level, (frozenset(), 0))
    return Gate(None, (Holder(person, categories, max_risk),), chain)


NOT_LISTED = "This site is not on the list of approved sites. You can ask for it to be added."


def decide_site(gate: Gate, snapshot: Snapshot, url: str, method: str, explain: bool = True) -> Decision:
    """The rules about the web address, for everyone the gate let through: the site is in the catalogue, its
    category is open at their level, its risk is not above the level's limit, and its groups include them."""
    if gate.refused is not None:
        return gate.refused
    first = gate.holders[0].person
    chain = list(gate.chain) if explain else []
    address = parse_address(url, method)
    if address is None:
        return _refuse(chain, first.prison_number, first, "address.invalid", "That web address could not be read.")
    site = find_site(snapshot, address)
    if site is None:
        words = f"{address.host} is not on the list of approved sites. You can ask for it to be added."
        return _refuse(
            chain, first.prison_number, first, "site.not_listed", words if explain else NOT_LISTED, host=address.host
        )
    category = site.category
    words = CATEGORY_WORDS.get(category, category)
    if explain:
        chain.append(Step("site.listed", True, f"{site.name} is an approved {words} site."))
    for holder in gate.holders:
        person = holder.person
        number = person.prison_number
        if category not in holder.categories:
            text = f"Sites for {words} are not open at {person.level} level."
            return _refuse(chain, number, person, "level.category", text, host=address.host, category=category)
        if explain:
            chain.append(Step("level.category", True, f"Sites for {words} are open at {person.level} level."))
        if site.risk > holder.max_risk:
            text = f"{site.name} needs a higher level than {person.level}."
            return _refuse(chain, number, person, "level.risk", text, host=address.host, category=category)
        if site.groups and not (site.groups & person.groups):
            text = f"{site.name} is only for some groups, such as {sorted(site.groups)[0]}."
            return _refuse(chain, number, person, "site.group", text, host=address.host, category=category)
    chain.append(Step("allowed", True, f"{site.name} is allowed now." if explain else "allowed"))
    return Decision(
        True,
        tuple(chain),
        person=first.prison_number,
        establishment=first.establishment,
        category=category,
        host=address.host,
    )


# --- JSON form (for the helper, which fetches its snapshot over HTTP) --------------------------------------------


def catalogue_to_json(rules: list[SiteRule]) -> list[list[Any]]:
    return [
        [r.site_id, r.name, r.domain, int(r.include_subdomains), r.path_prefix, r.category, r.risk, sorted(r.groups)]
        for r in rules
    ]


def catalogue_from_json(rows: list[list[Any]]) -> list[SiteRule]:
    return [
        SiteRule(int(a), str(b), str(c), bool(d), str(e), str(f), int(g), frozenset(h))
        for a, b, c, d, e, f, g, h in rows
    ]


def policy_to_json(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "people": [
            [
                p.prison_number,
                p.establishment,
                p.level,
                [
                    [a.code, a.active_from.isoformat(), a.active_to.isoformat() if a.active_to else None]
                    for a in p.alerts
                ],
                [[s.starts_at.isoformat(), s.ends_at.isoformat(), s.reason] for s in p.sanctions],
                sorted(p.groups),
                p.location,
            ]
            for p in snapshot.people.values()
        ],
        "establishments": [
            {
                "code": e.code,
                "timezone": e.timezone,
                "levels": {level: [sorted(cats), risk] for level, (cats, risk) in e.levels.items()},
                "windows": [
                    [w.name, w.open, sorted(w.days), w.starts.isoformat(), w.ends.isoformat()] for w in e.windows
                ],
            }
            for e in snapshot.establishments.values()
        ],
        "devices": [
            [d.device_id, d.serial, d.kind, d.status, d.establishment, d.person, d.location]
            for d in snapshot.devices.values()
        ],
        "addresses": snapshot.addresses,
    }


def load_policy(snapshot: Snapshot, data: dict[str, Any]) -> None:
    """Replace the policy section of ``snapshot`` from its JSON form."""
    people = {}
    occupants: dict[str, list[str]] = {}
    for number, estab, level, alerts, sanctions, groups, location in data["people"]:
        people[number] = PersonPolicy(
            prison_number=number,
            establishment=estab,
            level=level,
            alerts=tuple(
                Alert(code, date.fromisoformat(start), date.fromisoformat(end) if end else None)
                for code, start, end in alerts
            ),
            sanctions=tuple(
                Suspension(datetime.fromisoformat(s), datetime.fromisoformat(e), reason) for s, e, reason in sanctions
            ),
            groups=frozenset(groups),
            location=location,
        )
        if location:
            occupants.setdefault(location, []).append(number)
    establishments = {
        e["code"]: EstablishmentPolicy(
            code=e["code"],
            timezone=e["timezone"],
            levels={level: (frozenset(cats), int(risk)) for level, (cats, risk) in e["levels"].items()},
            windows=tuple(
                Window(name, bool(is_open), frozenset(days), time.fromisoformat(s), time.fromisoformat(t))
                for name, is_open, days, s, t in e["windows"]
            ),
        )
        for e in data["establishments"]
    }
    devices = {
        int(d[0]): Device(int(d[0]), str(d[1]), str(d[2]), str(d[3]), str(d[4]), str(d[5]), str(d[6]))
        for d in data["devices"]
    }
    snapshot.people = people
    snapshot.occupants = {key: tuple(numbers) for key, numbers in occupants.items()}
    snapshot.establishments = establishments
    snapshot.devices = devices
    snapshot.addresses = {str(ip): int(device) for ip, device in data["addresses"].items()}


def dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()
