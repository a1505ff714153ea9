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


def quote(value: str) -> str:
    """A value for a ``key="..."`` pair: no quotes, backslashes or line breaks inside."""
    cleaned = "".join(" " if ch in "\r\n\t" else ch for ch in value).replace("\\", "/").replace('"', "'")
    return f'"{cleaned[:300]}"'


class Helper:
    """The decision loop's state: the snapshot, whether it is current, and decision counts to report."""

    def __init__(self, source: Source | None, clock: Callable[[], datetime] | None = None) -> None:
        self.source = source
        self.snapshot = policy.Snapshot()
        self.ready = False  # True once a snapshot was loaded and the last refresh succeeded
        self.clock = clock or (lambda: datetime.now(tz=UTC))
        self.lock = threading.Lock()
        self.counts: dict[tuple[str, str, str, str, str, str], list[int]] = {}

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

    def answer(self, raw: bytes) -> bytes:
        """One request line in, one reply line out. Never raises, never OK unless the policy allows."""
        try:
            return self._answer(raw)
        except Exception:  # noqa: BLE001 - a bug must not crash Squid's helper or allow anything
            channel = _channel(raw)
            return f"{channel + ' ' if channel else ''}BH message={quote(UNAVAILABLE)} log=helper_error\n".encode()

    def _answer(self, raw: bytes) -> bytes:
        line = raw.rstrip(b"\r\n")
        channel = _channel(line)
        if channel is None:
            return b'BH message="Request could not be read." log=malformed\n'
        fields = line.decode("utf-8", errors="replace").split()[1:]
        if len(fields) < 3 or len(line) > MAX_LINE:
            return f"{channel} ERR message={quote('Request could not be read.')} log=malformed\n".encode()
        ip, method, url = (unquote(field) for field in fields[:3])
        if not self.ready:
            return f"{channel} ERR message={quote(UNAVAILABLE)} log=policy_unavailable\n".encode()
        now = self.clock()
        decision = policy.decide_for_device(self.snapshot, ip=ip, url=url, method=method, now=now)
        self.count(decision, now)
        log = decision.code.replace(" ", "_")
        if decision.allowed:
            tag = f" tag={decision.category}" if decision.category else ""
            return f"{channel} OK{tag} user={decision.person} log={log}\n".encode()
        return f"{channel} ERR message={quote(decision.reason)} log={log}\n".encode()

    def count(self, decision: policy.Decision, now: datetime) -> None:
        if not decision.person:
            return
        hour = now.replace(minute=0, second=0, microsecond=0).isoformat()
        key = (
            decision.person,
            decision.establishment,
            hour,
            "allowed" if decision.allowed else "denied",
            decision.category,
            decision.host,
        )
        with self.lock:
            entry = self.counts.setdefault(key, [0, 0])
            entry[0] += 1
            entry[1] += int(decision.outside_hours)

    def take_counts(self) -> list[dict[str, Any]]:
        with self.lock:
            counts, self.counts = self.counts, {}
        return [
            {
                "person": person,
                "establishment": estab,
                "hour": hour,
                "outcome": outcome,
                "category": category,
                "host": host,
                "count": n,
                "outside_hours": outside,
            }
            for (person, estab, hour, outcome, category, host), (n, outside) in counts.items()
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
                            row["outcome"],
                            row["category"],
                            row["host"],
                        )
                        entry = self.counts.setdefault(key, [0, 0])
                        entry[0] += row["count"]
                        entry[1] += row["outside_hours"]


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
    """The loop Squid talks to: first snapshot, then one answer per line, flushed, until end of input."""
    helper.refresh()
    stop = threading.Event()
    worker = threading.Thread(
        target=background, args=(helper, refresh_seconds, report_seconds, stop), daemon=True, name="tg-refresh"
    )
    worker.start()
    try:
        while True:
            raw = stdin.readline(MAX_LINE + 2)
            if not raw:
                break
            if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                while True:  # discard the rest of an over-long line
                    rest = stdin.readline(MAX_LINE)
                    if not rest or rest.endswith(b"\n"):
                        break
            stdout.write(helper.answer(raw))
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
