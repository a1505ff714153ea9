"""The helper's decisions: reads ``channel-ID client-IP method URL`` lines (Squid's concurrency protocol) and
answers ``channel-ID OK|ERR key=value...`` from an in-memory policy snapshot, and counts the decisions.

A background thread (serve.py) asks the source for the policy versions every few seconds and fetches only the
sections that changed; while the source cannot be reached, every answer is ERR (fail closed). A line that cannot
be read gets ERR (or BH when even its channel ID is unreadable); nothing on the input crashes it.

Batches of lines are answered by a compiled hot path when ``libfastpath.so`` (built from fastpath.c by squid-conf)
is next to fastpath.py, and by pure Python otherwise, with the same answers and counts (docs/adr/0009).
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from throughgate_squid_helper import fastpath, policy
from throughgate_squid_helper.source import Source

MAX_LINE = 16384
HOSTS_PER_ROW = 20
UNAVAILABLE = "Internet access is not available right now. Try again later."


_QUOTE_TABLE = str.maketrans({"\r": " ", "\n": " ", "\t": " ", "\\": "/", '"': "'"})


def quote(value: str) -> str:
    """A value for a ``key="..."`` pair: no quotes, backslashes or line breaks inside."""
    cleaned = value.translate(_QUOTE_TABLE)
    return f'"{cleaned[:300]}"'


_TO_CLEAN = re.compile('[\r\n\t\\\\"]')


def _clean(value: str) -> str:
    """What quote() does to a text before it cuts it (for the compiled path, which puts texts together)."""
    return value.translate(_QUOTE_TABLE) if _TO_CLEAN.search(value) else value


class Helper:
    """The decision loop's state: the snapshot, whether it is current, and decision counts to report."""

    def __init__(
        self,
        source: Source | None,
        clock: Callable[[], datetime] | None = None,
        compiled: fastpath.Library | str | None = "auto",
    ) -> None:
        """``compiled``: the compiled hot path to answer batches with; "auto" loads libfastpath.so from next to
        fastpath.py if it is there; None answers in pure Python."""
        self.source = source
        self.snapshot = policy.Snapshot()
        self.ready = False  # True once a snapshot was loaded and the last refresh succeeded
        self.clock = clock or (lambda: datetime.now(tz=UTC))
        self.lock = threading.RLock()  # the counts; held for a whole batch by answer_batch
        self.counts: dict[tuple[str, str, str, bool, str], Count] = {}
        self._hour_for: datetime | None = None
        self._gates: dict[str, policy.Gate] = {}
        self._fast: dict[bytes, FastGate | None] = {}
        self._fast_before: dict[bytes, FastGate | None] = {}  # the previous second's, to keep those unchanged
        self._heads: set[bytes] = set()  # channel IDs already seen to be well formed
        self._gate_second = -1
        self._gate_snapshot: policy.Snapshot | None = None
        self._suffixes: dict[tuple[bool, str, str, str, str], bytes] = {}
        self._hour = ""
        library = fastpath.load() if compiled == "auto" else compiled
        # The compiled path's tables (None: pure Python); with them the counts are kept in C (see count()).
        self.tables = (
            fastpath.Tables(library, NOT_LISTED_SUFFIX, _clean, self.lock)
            if isinstance(library, fastpath.Library)
            else None
        )
        self._compiled_catalogue: tuple[dict[bytes, tuple[Any, ...]], fastpath.Catalogue | None] | None = None
        self._compiled_stamp: tuple[int, policy.Snapshot | None] = (-1, None)

    # -- snapshot ---------------------------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Ask the source for changed sections; on any failure stop answering OK until the next success."""
        if self.source is None:
            self.ready = False
            return False
        try:
            data = self.source.fetch(
                {"catalogue": self.snapshot.catalogue_version, "policy": self.snapshot.policy_version}
                if self.ready
                else {}
            )
            self.apply(data)
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, the helper must fail closed
            if self.ready:
                print(f"throughgate-squid-helper: policy source unavailable: {exc!r}", file=sys.stderr, flush=True)
            self.ready = False
            return False
        return True

    def apply(self, data: dict[str, Any]) -> None:
        """Load a snapshot answer; build the new snapshot aside and swap it in whole."""
        versions = data["versions"]
        fresh = policy.Snapshot(
            catalogue_version=int(versions["catalogue"]),
            policy_version=int(versions["policy"]),
            sites=self.snapshot.sites,
            plain=self.snapshot.plain,
            depths=self.snapshot.depths,
            people=self.snapshot.people,
            establishments=self.snapshot.establishments,
            devices=self.snapshot.devices,
            addresses=self.snapshot.addresses,
            occupants=self.snapshot.occupants,
        )
        if "catalogue" in data:
            fresh.set_sites(policy.catalogue_from_json(data["catalogue"]))
        elif not self.ready and not self.snapshot.sites:
            raise ValueError("first snapshot without a catalogue")
        if "policy" in data:
            policy.load_policy(fresh, data["policy"])
        elif not self.ready and not self.snapshot.people:
            raise ValueError("first snapshot without a policy")
        if self.tables is not None and fresh.plain is not self.snapshot.plain:
            # The compiled catalogue is built here, beside the answering thread, not by the first batch that needs
            # it; the two are swapped in together.
            compiled = (fresh.plain, self._build_catalogue(self.tables, fresh))
            with self.lock:
                self._compiled_catalogue = compiled
                self.snapshot = fresh
                self.ready = True
            return
        self.snapshot = fresh
        self.ready = True

    # -- answers ----------------------------------------------------------------------------------------------

    def answer(self, raw: bytes, now: datetime | None = None) -> bytes:
        """One request line in, one reply line out. Never raises, never OK unless the policy allows."""
        try:
            return self._answer(raw, now)
        except Exception:  # noqa: BLE001 - a bug must not crash Squid's helper or allow anything
            channel = channel_of(raw)
            return f"{channel + ' ' if channel else ''}BH message={quote(UNAVAILABLE)} log=helper_error\n".encode()

    def _answer(self, raw: bytes, now: datetime | None = None) -> bytes:
        line = raw.rstrip(b"\r\n")
        parts = line.split()
        head = parts[0] if parts else b""
        if not (head.isdigit() and len(head) <= 10):
            return b'BH message="Request could not be read." log=malformed\n'
        channel = head.decode()
        if len(parts) < 4 or len(line) > MAX_LINE:
            return f"{channel} ERR message={quote('Request could not be read.')} log=malformed\n".encode()
        ip = parts[1].decode("ascii", errors="replace")
        method = parts[2].decode("ascii", errors="replace")
        url = parts[3].decode("utf-8", errors="replace")
        if "%" in ip or "%" in method:
            ip, method = unquote(ip), unquote(method)
        # Squid escapes the URL field; it is split before anything is decoded (policy.decode_request_url), so an
        # escaped / or @ cannot move the host: CONNECT www.gov.uk%2F@evil.example:443 is refused, not www.gov.uk.
        url = policy.decode_request_url(url, method) or ""
        if not self.ready:
            return f"{channel} ERR message={quote(UNAVAILABLE)} log=policy_unavailable\n".encode()
        now = now or self.clock()
        snapshot = self.snapshot
        gate = self._gate(snapshot, ip, now)
        decision = policy.decide_site(gate, snapshot, url, method, explain=False)
        self.count(decision, now)
        return head + self._suffix(decision)

    def _gate(self, snapshot: policy.Snapshot, ip: str, now: datetime) -> policy.Gate:
        """The URL-independent rules, once per client address and second (and snapshot)."""
        second = int(now.timestamp())
        if second != self._gate_second or snapshot is not self._gate_snapshot:
            self._fast_before = self._fast if snapshot is self._gate_snapshot else {}
            self._gates, self._fast, self._gate_second, self._gate_snapshot = {}, {}, second, snapshot
        gate = self._gates.get(ip)
        if gate is None:
            gate = self._gates[ip] = policy.device_gate(snapshot, ip=ip, now=now, explain=False)
        return gate

    def _suffix(self, decision: policy.Decision) -> bytes:
        """Everything of the reply after the channel ID."""
        reason = decision.steps[-1].words if decision.steps else ""
        key = (decision.allowed, decision.code, reason, decision.person, decision.category)
        suffix = self._suffixes.get(key)
        if suffix is None:
            log = decision.code.replace(" ", "_")
            if decision.allowed:
                tag = f" tag={decision.category}" if decision.category else ""
                suffix = f" OK{tag} user={decision.person} log={log}\n".encode()
            else:
                suffix = f" ERR message={quote(reason)} log={log}\n".encode()
            if len(self._suffixes) > 50_000:
                self._suffixes.clear()
            self._suffixes[key] = suffix
        return suffix

    def answer_batch(self, lines: list[bytes], now: datetime) -> bytes:
        """The answers to a batch of lines read together, as one block. The same answers (and counts) as
        ``answer`` line by line, which it falls back to for anything but the common shapes: ``http(s)://host/...``
        or a CONNECT to ``host:port`` from a device issued to one person, for a host whose catalogue entries have
        no path prefix. Never raises."""
        if self.tables is not None:
            return self.answer_block(b"\n".join(lines), now, 0, len(lines))[0]
        return self._python_batch(lines, now)

    def answer_block(self, block: bytes, now: datetime, start: int = 0, limit: int = 1 << 62) -> tuple[bytes, int]:
        """The answers to at most ``limit`` of the newline-separated lines of ``block``, from byte ``start`` on, and
        where the next line starts (``len(block) + 1`` after the last). With the compiled path the C code answers
        the common lines and Python the others, in order; without it, or if anything goes wrong, the pure-Python
        batch path does. The same answers and counts as ``answer`` line by line. Never raises."""
        out: list[bytes] = []
        state = [start, limit]  # where the next line to answer starts, and how many more to answer
        with self.lock:
            try:
                if self.tables is not None and self.ready:
                    self._compiled_block(self.tables, block, now, state, out)
                    return b"".join(out), state[0]
            except Exception:  # noqa: BLE001, S110 - the rest of the lines in Python; answer() never raises
                pass
            start, limit = state
            lines = block[start:].split(b"\n", limit)[:limit] if start <= len(block) and limit > 0 else []
            out.append(self._python_batch(lines, now))
        return b"".join(out), start + sum(len(line) + 1 for line in lines)

    def _compiled_block(
        self, tables: fastpath.Tables, block: bytes, now: datetime, state: list[int], out: list[bytes]
    ) -> None:
        """answer_block's compiled path: C answers lines until one it leaves to Python (answered here with answer(),
        which counts it in the same C rows) or one from a client address it has no gate for in this second (worked
        out here, handed over, and the line answered by C). ``state`` always says what is left to answer."""
        snapshot = self.snapshot
        self._gate(snapshot, "", now)  # start a new second (or snapshot) if need be
        if self._gate_second != self._compiled_stamp[0] or snapshot is not self._compiled_stamp[1]:
            tables.generation += 1  # every client's gate is asked for again
            self._compiled_stamp = (self._gate_second, snapshot)
        compiled = self._compiled_catalogue
        if compiled is None or compiled[0] is not snapshot.plain:
            compiled = self._compiled_catalogue = (snapshot.plain, self._build_catalogue(tables, snapshot))
        catalogue = compiled[1]
        if catalogue is None:
            raise ValueError("no compiled catalogue for this snapshot")  # answer_block: the Python batch path
        if now is not self._hour_for:
            self._hour_for, self._hour = now, now.replace(minute=0, second=0, microsecond=0).isoformat()
        hour = self._hour
        answer = tables.answer
        asked = -1  # the line whose client gate was last handed over: C must answer it now
        while state[1] > 0:
            status, answers, state[0], done = answer(catalogue, block, state[0], state[1])
            state[1] -= done
            if answers:
                out.append(answers)
            if status == fastpath.DONE:
                return
            if status == fastpath.FULL:
                continue
            line_start, line_end, ip_start, ip_end = tables.stopped()
            if status == fastpath.GATE:
                if asked == line_start:
                    raise RuntimeError("the compiled path asked twice for the same gate")
                asked = line_start
                self._compiled_gate(tables, snapshot, block[ip_start:ip_end], now, hour)
                continue
            out.append(self.answer(block[line_start:line_end], now))  # SLOW
            state[0], state[1] = line_end + 1, state[1] - 1

    def _compiled_gate(
        self, tables: fastpath.Tables, snapshot: policy.Snapshot, ip: bytes, now: datetime, hour: str
    ) -> None:
        """Hand the C code a client address's URL-independent answer for this second (what _fast_gate finds)."""
        try:
            gate = self._gate(snapshot, ip.decode("ascii", errors="replace"), now)
            if gate.refused is not None:
                decision = gate.refused
                row = -1
                if decision.person:
                    row = tables.row((decision.person, decision.establishment, hour, False, decision.category))
                if (row >= 0 or not decision.person) and tables.gate_refused(
                    ip, self._suffix(decision), row, int(decision.outside_hours)
                ):
                    return
            elif len(gate.holders) == 1:  # a device shared by a cell: every occupant's rules apply (Python)
                holder = gate.holders[0]
                person = holder.person
                if tables.gate_person(
                    ip,
                    person=person.prison_number.encode(),
                    level=_clean(person.level).encode(),
                    categories=holder.categories,
                    max_risk=holder.max_risk,
                    groups=person.groups,
                    base=tables.block(person.prison_number, person.establishment, hour),
                ):
                    return
        except Exception:  # noqa: BLE001, S110 - whatever it is, answer() deals with this address's lines
            pass
        tables.gate_slow(ip)

    @staticmethod
    def _build_catalogue(tables: fastpath.Tables, snapshot: policy.Snapshot) -> fastpath.Catalogue | None:
        """The snapshot's catalogue for the C code, or None (then batches are answered by the Python path)."""
        try:
            return tables.catalogue(snapshot.plain, snapshot.depths)
        except Exception as exc:  # noqa: BLE001 - pure Python still answers correctly
            print(f"throughgate-squid-helper: compiled path not used for this catalogue: {exc!r}", file=sys.stderr)
            return None

    def _python_batch(self, lines: list[bytes], now: datetime) -> bytes:
        """The pure-Python batch path (answer_batch without the compiled path)."""
        out: list[bytes] = []
        done = 0
        with self.lock:
            try:
                self._answer_batch(lines, now, out)
                return b"".join(out)
            except Exception:  # noqa: BLE001 - finish the batch line by line; answer() never raises
                done = len(out)
        return b"".join(out[:done] + [self.answer(line, now) for line in lines[done:]])

    def _answer_batch(self, lines: list[bytes], now: datetime, out: list[bytes]) -> None:
        """Appends exactly one answer per line to ``out``; a line is counted only once its answer is appended.
        Called with the lock held, so the counts (and the Count objects the fast gates keep) stay this batch's."""
        append = out.append
        if not self.ready:
            for raw in lines:
                append(self.answer(raw, now))
            return
        snapshot = self.snapshot
        self._gate(snapshot, "", now)  # start a new second (or snapshot) if need be
        fast = self._fast
        heads = self._heads
        plain = snapshot.plain
        depths = snapshot.depths
        lowest = min(depths, default=1)
        prefixed = policy.PREFIXED
        if now is not self._hour_for:
            self._hour_for, self._hour = now, now.replace(minute=0, second=0, microsecond=0).isoformat()
        hour = self._hour
        not_listed = NOT_LISTED_SUFFIX
        table = HOST_TABLE
        slow = self.answer
        for raw in lines:
            parts = raw.split()
            if len(parts) != 4 or len(raw) > MAX_LINE:
                append(slow(raw, now))
                continue
            head, ip, method, url = parts
            entry = fast.get(ip, MISSING)
            if entry is MISSING:
                entry = fast[ip] = self._fast_gate(snapshot, ip, now, hour)
            if entry is None:
                append(slow(raw, now))
                continue
            if head not in heads:
                if not (head.isdigit() and len(head) <= 10):
                    append(slow(raw, now))
                    continue
                if len(heads) > 10_000:
                    heads.clear()
                heads.add(head)
            if entry.refused is not None:
                append(head)
                append(entry.refused)
                if entry.key is not None:
                    count = entry.count
                    if count is None:
                        count = entry.count = self.counts.get(entry.key) or self.counts.setdefault(entry.key, Count())
                    count.n += 1
                    count.outside += entry.outside
                continue
            # The host, only from the shapes whose meaning is plain: http(s)://host[:port][/...] and, for CONNECT,
            # host:port. Everything else goes through answer() and policy.parse_address.
            if method == b"GET" or not (method.upper() == b"CONNECT" or b"%" in method):
                pieces = url.split(b"/", 3)
                if len(pieces) < 3 or pieces[1] or not (pieces[0] == b"http:" or pieces[0] == b"https:"):
                    append(slow(raw, now))
                    continue
                host = pieces[2]
                tunnel = False
            else:
                host = url
                tunnel = True
            name = host.translate(table)  # lower case; anything a plain host cannot hold becomes non-ASCII
            if not name.isascii():
                host, colon, port = host.partition(b":")
                name = host.translate(table)
                if (
                    not colon
                    or not port.isdigit()
                    or not name.isascii()
                    or (len(port) > 5 and not tunnel)
                    or b"%" in method
                ):
                    append(slow(raw, now))
                    continue
            elif tunnel:
                append(slow(raw, now))  # CONNECT without a port
                continue
            if not name or len(name) > 253 or name[-1] == 46 or len(url) > 8192:  # 46: "."
                append(slow(raw, now))
                continue
            # the most specific catalogue entry: the host itself, then each parent domain (only those with as
            # many labels as some catalogue domain has)
            labels = name.count(b".") + 1
            rules = plain.get(name) if labels in depths else None
            at = 0  # where in ``rules`` the matching entry's (category, risk, groups, rule) are
            if rules is None:
                dot = name.find(b".")
                while labels > lowest:
                    labels -= 1
                    if labels in depths:
                        rules = plain.get(name[dot + 1 :])
                        if rules is not None and (rules is prefixed or rules[4] is not None):
                            at = 4
                            break
                        rules = None
                    dot = name.find(b".", dot + 1)
            if rules is prefixed:
                append(slow(raw, now))
                continue
            if rules is None:
                append(head)
                append(not_listed)
                count = entry.unlisted
                if count is None:
                    count = entry.unlisted = self._count_for(entry, hour, False, "")
            else:
                category = rules[at]
                groups = rules[at + 2]
                if (
                    category in entry.categories
                    and rules[at + 1] <= entry.max_risk
                    and (groups is None or groups & entry.groups)
                ):
                    known = entry.allowed.get(category)
                    if known is None:
                        tag = f" tag={category}" if category else ""
                        suffix = f" OK{tag} user={entry.person} log=allowed\n".encode()
                        known = entry.allowed[category] = (suffix, self._count_for(entry, hour, True, category))
                    append(head)
                    append(known[0])
                    known[1].n += 1
                    continue
                known = entry.closed.get(category)
                if known is None:
                    words = policy.CATEGORY_WORDS.get(category, category)
                    text = f"Sites for {words} are not open at {entry.level} level."
                    suffix = f" ERR message={quote(text)} log=level.category\n".encode()
                    known = entry.closed[category] = (suffix, self._count_for(entry, hour, False, category))
                append(head)
                if category in entry.categories:  # the risk or the groups, in words with the site's name
                    site = rules[at + 3]
                    if site.risk > entry.max_risk:
                        text = f"{site.name} needs a higher level than {entry.level}."
                        append(f" ERR message={quote(text)} log=level.risk\n".encode())
                    else:
                        text = f"{site.name} is only for some groups, such as {sorted(site.groups)[0]}."
                        append(f" ERR message={quote(text)} log=site.group\n".encode())
                else:
                    append(known[0])
                count = known[1]
            count.n += 1
            hosts = count.hosts
            if name in hosts or len(hosts) < HOSTS_PER_ROW:
                hosts[name] = hosts.get(name, 0) + 1

    def _count_for(self, entry: FastGate, hour: str, allowed: bool, category: str) -> Count:
        key = (entry.person, entry.establishment, hour, allowed, category)
        count = self.counts.get(key)
        if count is None:
            count = self.counts[key] = Count()
        return count

    def _fast_gate(self, snapshot: policy.Snapshot, ip: bytes, now: datetime, hour: str) -> FastGate | None:
        """What answer_batch needs to know about a client address for this second; None: use answer()."""
        if b"%" in ip:
            return None  # answer() decodes it
        gate = self._gate(snapshot, ip.decode("ascii", errors="replace"), now)
        if gate.refused is not None:
            decision = gate.refused
            key = (decision.person, decision.establishment, hour, False, decision.category) if decision.person else None
            fresh = FastGate(refused=self._suffix(decision), key=key, outside=int(decision.outside_hours), hour=hour)
        elif len(gate.holders) != 1:
            return None  # a device shared by a cell: every occupant's rules apply
        else:
            holder = gate.holders[0]
            person = holder.person
            fresh = FastGate(
                person=person.prison_number,
                establishment=person.establishment,
                level=person.level,
                categories=holder.categories,
                max_risk=holder.max_risk,
                groups=person.groups,
                hour=hour,
            )
        # The rules are asked again every second (a time window or a sanction may have begun or ended); when the
        # answer is the same as the second before, in the same hour, the address keeps its gate and with it the
        # reply texts and counts it found, which are the same, instead of making them again.
        before = self._fast_before.get(ip)
        if before is not None and before.signature == fresh.signature:
            return before
        return fresh

    def count(self, decision: policy.Decision, now: datetime) -> None:
        """Count decisions per person, hour, outcome and category; for refusals also the hosts (at most
        HOSTS_PER_ROW per row, for the monitoring page's top refused sites)."""
        if not decision.person:
            return
        if now is not self._hour_for:
            self._hour_for, self._hour = now, now.replace(minute=0, second=0, microsecond=0).isoformat()
        key = (decision.person, decision.establishment, self._hour, decision.allowed, decision.category)
        with self.lock:
            tables = self.tables
            if tables is not None:  # counted where the compiled path counts, so that the order is kept
                row = tables.row(key)
                if row >= 0:
                    host = None
                    if not decision.allowed and decision.host:
                        host = decision.host.encode("utf-8", errors="replace")
                    tables.count(row, int(decision.outside_hours), host)
                    return
            entry = self.counts.get(key)
            if entry is None:
                entry = self.counts[key] = Count()
            entry.n += 1
            if decision.outside_hours:
                entry.outside += 1
            if not decision.allowed and decision.host:
                hosts = entry.hosts
                host = decision.host.encode("utf-8", errors="replace")
                if host in hosts or len(hosts) < HOSTS_PER_ROW:
                    hosts[host] = hosts.get(host, 0) + 1

    def take_counts(self) -> list[dict[str, Any]]:
        with self.lock:
            counts, self.counts = self.counts, {}
            self._fast = {}  # the fast gates hold Count objects of the old dict
            self._fast_before = {}
            drained = self.tables.drain() if self.tables is not None else []
        if not counts:  # only what C counted (the usual case with the compiled path): no Count objects
            return [_row(key, n, outside, hosts.items()) for key, n, outside, hosts in drained]
        # What C counted comes after anything put back by a failed report.
        for key, n, outside, hosts in drained:
            entry = counts.get(key)
            if entry is None:
                entry = counts[key] = Count()
            entry.n += n
            entry.outside += outside
            kept = entry.hosts
            for host, hits in hosts.items():
                if host in kept or len(kept) < HOSTS_PER_ROW:
                    kept[host] = kept.get(host, 0) + hits
        return [_row(key, entry.n, entry.outside, entry.hosts.items()) for key, entry in counts.items()]

    def report(self) -> None:
        counts = self.take_counts()
        if not counts or self.source is None:
            return
        try:
            self.source.report(counts)
        except Exception:  # noqa: BLE001 - keep the counts for the next try (bounded)
            with self.lock:
                if len(self.counts) < 100_000:
                    for row in counts:
                        key = (
                            row["person"],
                            row["establishment"],
                            row["hour"],
                            row["outcome"] == "allowed",
                            row["category"],
                        )
                        entry = self.counts.get(key)
                        if entry is None:
                            entry = self.counts[key] = Count()
                        entry.n += row["count"]
                        entry.outside += row["outside_hours"]
                        for name, n in row["sites"].items():
                            host = name.encode("utf-8", errors="replace")
                            entry.hosts[host] = entry.hosts.get(host, 0) + n


NOT_LISTED_SUFFIX = f" ERR message={quote(policy.NOT_LISTED)} log=site.not_listed\n".encode()
# bytes.translate table: letters to lower case, digits, "." and "-" kept, anything else to a non-ASCII byte
HOST_TABLE = bytes(
    c + 32 if 65 <= c <= 90 else c if c in b"abcdefghijklmnopqrstuvwxyz0123456789.-" else 0x80 for c in range(256)
)
MISSING: Any = object()  # not yet looked at (None: use answer())


class FastGate:
    """A client address's URL-independent answer for one second: a refusal, or the one person it is issued to."""

    __slots__ = (
        "allowed",
        "categories",
        "closed",
        "count",
        "establishment",
        "groups",
        "key",
        "level",
        "max_risk",
        "outside",
        "person",
        "refused",
        "signature",
        "unlisted",
    )

    def __init__(
        self,
        *,
        refused: bytes | None = None,
        key: tuple[str, str, str, bool, str] | None = None,
        outside: int = 0,
        person: str = "",
        establishment: str = "",
        level: str = "",
        categories: frozenset[str] = frozenset(),
        max_risk: int = 0,
        groups: frozenset[str] = frozenset(),
        hour: str = "",
    ) -> None:
        self.refused = refused  # the reply suffix when the address may not use the internet now
        self.key = key  # ... and where that refusal is counted (None: nobody to count it for)
        self.count: Count | None = None  # the Count of that key, once there is one
        self.outside = outside
        self.person = person
        self.establishment = establishment
        self.level = level
        self.categories = categories
        self.max_risk = max_risk
        self.groups = groups
        # Count objects are the ones in Helper.counts; take_counts() drops the fast gates with the counts.
        self.allowed: dict[str, tuple[bytes, Count]] = {}  # category -> (reply suffix, count)
        self.closed: dict[str, tuple[bytes, Count]] = {}  # category not open at the level -> (reply, count)
        self.unlisted: Count | None = None
        # everything above that the caches depend on, and the hour they count in
        self.signature = (refused, key, outside, person, establishment, level, categories, max_risk, groups, hour)


class Count:
    __slots__ = ("hosts", "n", "outside")

    def __init__(self) -> None:
        self.n = 0
        self.outside = 0
        self.hosts: dict[bytes, int] = {}  # refused hosts (bytes: the helper reads bytes)


def _row(
    key: tuple[str, str, str, bool, str], n: int, outside: int, hosts: Iterable[tuple[bytes, int]]
) -> dict[str, Any]:
    """A count as reported to Throughgate."""
    person, establishment, hour, allowed, category = key
    return {
        "person": person,
        "establishment": establishment,
        "hour": hour,
        "outcome": "allowed" if allowed else "denied",
        "category": category,
        "count": n,
        "outside_hours": outside,
        "sites": {host.decode("utf-8", errors="replace"): hits for host, hits in hosts},
    }


def channel_of(line: bytes) -> str | None:
    head = line.split(None, 1)[0] if line.strip() else b""
    if head.isdigit() and len(head) <= 10:
        return head.decode()
    return None
