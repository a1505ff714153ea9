"""The real Squid (Debian package) with the generated fragment and the standalone helper, against Django's live
server and a local origin server. Clients bind different loopback addresses, so each persona is its own device.

Skipped only when the squid binary is absent; scripts/test fails if none of these ran."""

from __future__ import annotations

import datetime as dt
import http.client
import http.server
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError
from django.utils import timezone

from throughgate.access import services, snapshot, squid_conf
from throughgate.access.tests import world as world_module
from throughgate_squid_helper import fastpath

SQUID = shutil.which("squid") or "/usr/sbin/squid"
PYTHON = "/usr/bin/python3"
SECRET = "squid-test-secret-0123456789"
TTL = 3
REFRESH = 0.5

pytestmark = [
    pytest.mark.squid,
    pytest.mark.skipif(not os.path.exists(SQUID), reason="squid is not installed (apt-get install -y squid)"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Origin(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"origin ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def origin() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


class Squid:
    def __init__(self, base_url: str, origin_port: int, command: str = "") -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="tg-squid-"))
        self.dir.chmod(0o755)
        self.port = free_port()
        self.origin_port = origin_port
        secret = self.dir / "secret"
        secret.write_text(SECRET)
        secret.chmod(0o644)
        fragment = squid_conf.write(
            self.dir / "throughgate",
            base_url=base_url,
            secret_file=secret,
            ttl=TTL,
            negative_ttl=TTL,
            python=PYTHON,
            refresh=REFRESH,
            command=command,
        )
        if not command:  # the real Squid runs the helper with its compiled fast path (CI installs gcc)
            assert (self.dir / "throughgate" / squid_conf.PACKAGE / fastpath.LIBRARY).exists()
        hosts = self.dir / "hosts"
        hosts.write_text("127.0.0.1 learning.test jobs.test gov.test elsewhere.test localhost\n")
        logs = self.dir / "logs"
        logs.mkdir()
        shutil.chown(logs, "proxy", "proxy")
        self.conf = self.dir / "squid.conf"
        self.conf.write_text(
            f"""http_port 127.0.0.1:{self.port}
pid_filename {logs}/squid.pid
cache_log {logs}/cache.log
access_log {logs}/access.log squid
cache deny all
cache_mem 8 MB
shutdown_lifetime 1 seconds
hosts_file {hosts}
dns_nameservers 127.0.0.1
coredump_dir {logs}
include {fragment}
"""
        )
        for path in self.dir.rglob("*"):
            path.chmod(path.stat().st_mode | 0o444 | (0o111 if path.is_dir() else 0))
        check = subprocess.run(  # noqa: S603
            [SQUID, "-k", "parse", "-f", str(self.conf)], capture_output=True, text=True, check=False
        )
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen(  # noqa: S603
            [SQUID, "-f", str(self.conf), "-N", "-d1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                assert self.process.poll() is None, self.process.stderr.read().decode() if self.process.stderr else ""
                time.sleep(0.1)

    def get(self, source_ip: str, host: str, path: str = "/") -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15, source_address=(source_ip, 0))
        try:
            conn.request("GET", f"http://{host}:{self.origin_port}{path}", headers={"Host": host})
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", errors="replace")
        finally:
            conn.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def network_secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("THROUGHGATE_NETWORK_SECRET", SECRET)
    return SECRET


@pytest.fixture
def personas(transactional_db: Any) -> world_module.World:
    """The personas on loopback addresses 127.0.0.11.., plus an establishment whose internet is closed now."""
    world = world_module.build(ip_prefix="127.0.0.", first_ip=11)
    now = timezone.localtime()
    closed_from = (now + dt.timedelta(hours=3)).time().replace(second=0, microsecond=0)
    closed_to = (dt.datetime.combine(now.date(), closed_from) + dt.timedelta(minutes=1)).time()
    if closed_to <= closed_from:  # near midnight: any one-minute window not now
        closed_from, closed_to = dt.time(12, 0), dt.time(12, 1)
    outside = world_module.build(
        code="LEI", catalogue=False, open_hours=(closed_from, closed_to), ip_prefix="127.0.0.", first_ip=31
    )
    world.ips["outside_hours"] = outside.ips["enhanced"]
    world.ips["wrong_device"] = "127.0.0.99"
    return world


def test_personas_through_real_squid(personas, live_server, origin, network_secret) -> None:  # type: ignore[no-untyped-def]
    squid = Squid(live_server.url, origin)
    try:
        ips = personas.ips
        status, body = squid.get(ips["enhanced"], "learning.test")
        assert (status, body) == (200, "origin ok")
        assert squid.get(ips["enhanced"], "jobs.test")[0] == 200
        assert squid.get(ips["basic"], "learning.test")[0] == 200
        status, body = squid.get(ips["basic"], "jobs.test")
        assert status == 403
        assert "Sites for job search are not open at Basic level." in body
        status, body = squid.get(ips["sanctioned"], "learning.test")
        assert status == 403
        assert "suspended until" in body
        status, body = squid.get(ips["alert"], "learning.test")
        assert status == 403
        assert "public protection alert" in body
        status, body = squid.get(ips["wrong_device"], "learning.test")
        assert status == 403
        assert "not registered for internet use" in body
        status, body = squid.get(ips["outside_hours"], "learning.test")
        assert status == 403
        assert "not open at this time" in body
        assert squid.get(ips["enhanced"], "elsewhere.test")[0] == 403

        # A sanction imposed now takes effect within the TTL (plus the helper's refresh interval).
        services.sanction_impose(
            by=personas.officer,
            person=personas.people["enhanced"],
            ends_at=timezone.now() + dt.timedelta(hours=1),
            reason="Adjudication 456",
        )
        started = time.monotonic()
        deadline = started + TTL + REFRESH + 5
        while squid.get(ips["enhanced"], "learning.test")[0] == 200:
            assert time.monotonic() < deadline, "the sanction did not take effect within the TTL"
            time.sleep(0.25)
    finally:
        squid.stop()


def test_database_unreachable_denies_every_request(personas, live_server, origin, network_secret, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    squid = Squid(live_server.url, origin)
    try:
        assert squid.get(personas.ips["enhanced"], "learning.test")[0] == 200

        def down() -> dict[str, int]:
            raise DatabaseError("could not connect to server")

        monkeypatch.setattr(snapshot, "versions", down)
        time.sleep(REFRESH * 4)
        for n, persona in enumerate(("enhanced", "basic", "sanctioned")):
            status, body = squid.get(personas.ips[persona], "learning.test", f"/fresh/{n}")  # not in Squid's cache
            assert status == 403, persona
            assert "not available right now" in body
    finally:
        squid.stop()


def test_helper_that_cannot_reach_throughgate_denies_everything(personas, origin, network_secret) -> None:  # type: ignore[no-untyped-def]
    squid = Squid(f"http://127.0.0.1:{free_port()}", origin)  # nothing listens there
    try:
        for persona in ("enhanced", "basic"):
            status, body = squid.get(personas.ips[persona], "learning.test")
            assert status == 403
            assert "not available right now" in body
    finally:
        squid.stop()


BROKEN_HELPER = """import sys
for line in sys.stdin:
    channel = line.split(" ", 1)[0]
    note = ' message="Internet access is not available right now."' if channel == "0" else ""
    sys.stdout.write(channel + " BH" + note + "\\n")
    sys.stdout.flush()
"""


def test_a_helper_answering_bh_denies_with_the_deny_page(personas, origin) -> None:  # type: ignore[no-untyped-def]
    """BH (the helper could not decide) must never let a request through: the fragment's allow line matches only
    OK, and at BH Squid denies there, with the Throughgate deny page (the allow line's ACL carries it too)."""
    where = Path(tempfile.mkdtemp(prefix="tg-bh-"))  # Squid runs helpers as proxy: pytest's tmp_path is private
    where.chmod(0o755)
    helper = where / "broken_helper.py"
    helper.write_text(BROKEN_HELPER)
    helper.chmod(0o755)
    squid = Squid("http://127.0.0.1:9", origin, command=f"{PYTHON} {helper}")
    try:
        for n, persona in enumerate(("enhanced", "basic", "enhanced")):
            status, body = squid.get(personas.ips[persona], "learning.test", f"/bh/{n}")
            assert status == 403, persona
            assert 'id="throughgate-reason"' in body
    finally:
        squid.stop()
        shutil.rmtree(where, ignore_errors=True)
