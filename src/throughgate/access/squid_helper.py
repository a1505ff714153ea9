"""The Squid external ACL helper: reads ``channel-ID client-IP method URL`` lines (Squid's concurrency protocol),
answers ``channel-ID OK|ERR key=value...`` from an in-memory policy snapshot, one flushed line per request.

Standard library only, so that Squid's ``proxy`` user can run it with the system Python from a copy written by
``throughgate access squid-conf`` (next to a copy of policy.py). ``throughgate access squid-helper`` runs the same
loop inside Django. A background thread asks the source for the policy versions every few seconds and fetches
only the sections that changed; while the source cannot be reached, every answer is ERR (fail closed). A line
that cannot be read gets ERR (or BH when even its channel ID is unreadable); nothing on the input crashes it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, BinaryIO, Protocol
from urllib.parse import unquote, urlencode

try:
    from throughgate.access import policy
except ImportError:  # pragma: no cover - the standalone copy, next to policy.py
    import policy  # type: ignore[no-redef]

MAX_LINE = 16384
HOSTS_PER_ROW = 20
UNAVAILABLE = "Internet access is not available right now. Try again later."
SECRET_HEADER = "X-Throughgate-Secret"  # noqa: S105 - a header name, not a secret


class Source(Protocol):
    def fetch(self, versions: dict[str, int]) -> dict[str, Any]: ...

    def report(self, counts: list[dict[str, Any]]) -> None: ...


class HttpSource:
    """Throughgate over HTTP(S): GET /squid/snapshot, POST /squid/usage, with the shared secret header."""

    def __init__(self, base_url: str, secret: str, timeout: float = 10.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("the Throughgate URL must start with http:// or https://")
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.timeout = timeout

    def _open(self, request: urllib.request.Request) -> bytes:
        request.add_header(SECRET_HEADER, self.secret)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - URL from config
            body: bytes = response.read()
            return body

    def fetch(self, versions: dict[str, int]) -> dict[str, Any]:
        query = urlencode({key: str(value) for key, value in versions.items()})
        request = urllib.request.Request(f"{self.base_url}/squid/snapshot?{query}")  # noqa: S310
        data = json.loads(self._open(request))
        if not isinstance(data, dict) or "versions" not in data:
            raise ValueError("not a snapshot")
        return data

    def report(self, counts: list[dict[str, Any]]) -> None:
        body = json.dumps({"counts": counts}).encode()
        request = urllib.request.Request(  # noqa: S310 - the base URL comes from the configuration
            f"{self.base_url}/squid/usage", data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        self._open(request)


_QUOTE_TABLE = str.maketrans({"\r": " ", "\n": " ", "\t": " ", "\\": "/", '"': "'"})


def quote(value: str) -> str:
    """A value for a ``key="..."`` pair: no quotes, backslashes or line breaks inside."""
    cleaned = value.translate(_QUOTE_TABLE)
    return f'"{cleaned[:300]}"'


class Helper:
    """The decision loop's state: the snapshot, whether it is current, and decision counts to report."""

    def __init__(self, source: Source | None, clock: Callable[[], datetime] | None = None) -> None:
        self.source = source
        self.snapshot = policy.Snapshot()
        self.ready = False  # True once a snapshot was loaded and the last refresh succeeded
        self.clock = clock or (lambda: datetime.now(tz=UTC))
        self.lock = threading.Lock()
        self.counts: dict[tuple[str, str, str, bool, str], Count] = {}
        self._hour_for: datetime | None = None
        self._gates: dict[str, policy.Gate] = {}
        self._gate_second = -1
        self._gate_snapshot: policy.Snapshot | None = None
        self._suffixes: dict[tuple[bool, str, str, str, str], bytes] = {}
        self._hour = ""

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
        self.snapshot = fresh
        self.ready = True

    # -- answers ----------------------------------------------------------------------------------------------

    def answer(self, raw: bytes, now: datetime | None = None) -> bytes:
        """One request line in, one reply line out. Never raises, never OK unless the policy allows."""
        try:
            return self._answer(raw, now)
        except Exception:  # noqa: BLE001 - a bug must not crash Squid's helper or allow anything
            channel = _channel(raw)
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
        if "%" in url or "%" in ip:
            ip, method, url = unquote(ip), unquote(method), unquote(url)
        if not self.ready:
            return f"{channel} ERR message={quote(UNAVAILABLE)} log=policy_unavailable\n".encode()
        now = now or self.clock()
        snapshot = self.snapshot
        second = int(now.timestamp())
        if second != self._gate_second or snapshot is not self._gate_snapshot:
            self._gates, self._gate_second, self._gate_snapshot = {}, second, snapshot
        gate = self._gates.get(ip)
        if gate is None:  # the URL-independent rules, once per client address and second
            gate = self._gates[ip] = policy.device_gate(snapshot, ip=ip, now=now, explain=False)
        decision = policy.decide_site(gate, snapshot, url, method, explain=False)
        self.count(decision, now)
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
        return head + suffix

    def count(self, decision: policy.Decision, now: datetime) -> None:
        """Count decisions per person, hour, outcome and category; for refusals also the hosts (at most
        HOSTS_PER_ROW per row, for the monitoring page's top refused sites)."""
        if not decision.person:
            return
        if now is not self._hour_for:
            self._hour_for, self._hour = now, now.replace(minute=0, second=0, microsecond=0).isoformat()
        key = (decision.person, decision.establishment, self._hour, decision.allowed, decision.category)
        with self.lock:
            entry = self.counts.get(key)
            if entry is None:
                entry = self.counts[key] = Count()
            entry.n += 1
            if decision.outside_hours:
                entry.outside += 1
            if not decision.allowed and decision.host:
                hosts = entry.hosts
                if decision.host in hosts or len(hosts) < HOSTS_PER_ROW:
                    hosts[decision.host] = hosts.get(decision.host, 0) + 1

    def take_counts(self) -> list[dict[str, Any]]:
        with self.lock:
            counts, self.counts = self.counts, {}
        return [
            {
                "person": person,
                "establishment": estab,
                "hour": hour,
                "outcome": "allowed" if allowed else "denied",
                "category": category,
                "count": entry.n,
                "outside_hours": entry.outside,
                "sites": entry.hosts,
            }
            for (person, estab, hour, allowed, category), entry in counts.items()
        ]

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
                        for host, n in row["sites"].items():
                            entry.hosts[host] = entry.hosts.get(host, 0) + n


class Count:
    __slots__ = ("hosts", "n", "outside")

    def __init__(self) -> None:
        self.n = 0
        self.outside = 0
        self.hosts: dict[str, int] = {}


def _channel(line: bytes) -> str | None:
    head = line.split(None, 1)[0] if line.strip() else b""
    if head.isdigit() and len(head) <= 10:
        return head.decode()
    return None


def background(helper: Helper, refresh_seconds: float, report_seconds: float, stop: threading.Event) -> None:
    last_report = time.monotonic()
    while not stop.wait(refresh_seconds):
        helper.refresh()
        if time.monotonic() - last_report >= report_seconds:
            helper.report()
            last_report = time.monotonic()


def serve(helper: Helper, stdin: BinaryIO, stdout: BinaryIO, refresh_seconds: float, report_seconds: float) -> None:
    """The loop Squid talks to: first snapshot, then one answer per line until end of input. Lines are taken as
    they arrive; the answers to everything read so far are written and flushed together before the next read, so
    Squid never waits for the answer to a line it has sent (and a busy helper is not one system call per line)."""
    helper.refresh()
    stop = threading.Event()
    worker = threading.Thread(
        target=background, args=(helper, refresh_seconds, report_seconds, stop), daemon=True, name="tg-refresh"
    )
    worker.start()
    read = getattr(stdin, "read1", stdin.read)
    pending = b""
    skipping = False  # inside an over-long line that was already answered: drop bytes up to its end
    try:
        while True:
            chunk = read(65536)
            if not chunk:
                break
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            if skipping:
                if not lines:
                    pending = b""
                    continue
                lines.pop(0)
                skipping = False
            answers = []
            if lines:
                now = helper.clock()
                answers = [helper.answer(line, now) for line in lines]
            if len(pending) > MAX_LINE:
                channel = _channel(pending)
                prefix = f"{channel} ERR" if channel else "BH"
                answers.append(f'{prefix} message="Request could not be read." log=too_long\n'.encode())
                pending, skipping = b"", True
            if answers:
                stdout.write(b"".join(answers))
                stdout.flush()
        if pending and not skipping:
            stdout.write(helper.answer(pending))
            stdout.flush()
    finally:
        stop.set()
        worker.join(timeout=5)
        helper.report()  # what was counted since the last report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Throughgate external ACL helper for Squid")
    parser.add_argument("--url", required=True, help="Throughgate base URL, e.g. https://throughgate.internal")
    parser.add_argument("--secret-file", help="File holding the shared secret (else THROUGHGATE_NETWORK_SECRET)")
    parser.add_argument("--refresh", type=float, default=2.0, help="Seconds between policy version checks")
    parser.add_argument("--report", type=float, default=15.0, help="Seconds between usage reports")
    args = parser.parse_args(argv)
    secret = os.environ.get("THROUGHGATE_NETWORK_SECRET", "")
    if args.secret_file:
        with open(args.secret_file, encoding="utf-8") as handle:
            secret = handle.read().strip()
    helper = Helper(HttpSource(args.url, secret))
    serve(helper, sys.stdin.buffer, sys.stdout.buffer, args.refresh, args.report)


if __name__ == "__main__":  # pragma: no cover
    main()
