"""The real FreeRADIUS (Debian freeradius + freeradius-rest) with the config `throughgate access radius-conf`
writes, calling Django's live server; driven with radclient. Skipped only when the binaries are absent; scripts/test
fails if none of these ran."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from throughgate.access import radius
from throughgate.access.models import DeviceAddress, UnapprovedDevice
from throughgate.access.tests import world as world_module

FREERADIUS = shutil.which("freeradius") or "/usr/sbin/freeradius"
RADCLIENT = shutil.which("radclient") or "/usr/bin/radclient"
SECRET = "radius-test-secret-0123456789"
NAS_SECRET = "testing123"

pytestmark = [
    pytest.mark.radius,
    pytest.mark.skipif(
        not (os.path.exists(FREERADIUS) and os.path.exists(RADCLIENT)),
        reason="freeradius / radclient missing: apt-get install -y freeradius freeradius-rest freeradius-utils",
    ),
]


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FreeRadius:
    def __init__(self, base_url: str, establishment: str) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="tg-radius-"))
        self.conf = self.dir / "raddb"
        shutil.copytree("/etc/freeradius/3.0", self.conf, symlinks=True)
        for entry in (self.conf / "sites-enabled").iterdir():
            entry.unlink()
        (self.conf / "mods-enabled" / "eap").unlink(missing_ok=True)
        self.auth_port = free_udp_port()
        self.acct_port = free_udp_port()
        files = radius.render_config(
            base_url=base_url,
            secret=SECRET,
            establishment=establishment,
            listen="127.0.0.1",
            auth_port=self.auth_port,
            acct_port=self.acct_port,
            nas="127.0.0.1",
            nas_secret=NAS_SECRET,
            timeout=2.0,
        )
        for name, text in files.items():
            (self.conf / name).write_text(text)
        # Only our NAS client (the packaged clients.conf already has one for 127.0.0.1).
        (self.conf / "clients.conf").write_text("$INCLUDE clients-throughgate.conf\n")
        main = (self.conf / "radiusd.conf").read_text()
        main = re.sub(r"reject_delay = \d+", "reject_delay = 0", main)
        main = re.sub(r"(?m)^run_dir = .*$", f"run_dir = {self.dir}/run", main)
        (self.conf / "radiusd.conf").write_text(main)
        (self.dir / "run").mkdir()
        shutil.chown(self.dir, "freerad", "freerad")
        for path in self.dir.rglob("*"):
            if not path.is_symlink():
                shutil.chown(path, "freerad", "freerad")
        self.dir.chmod(0o755)
        check = subprocess.run([FREERADIUS, "-C", "-d", str(self.conf)], capture_output=True, text=True, check=False)  # noqa: S603
        assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-3000:]
        self.process = subprocess.Popen(  # noqa: S603
            [FREERADIUS, "-f", "-d", str(self.conf), "-l", str(self.dir / "radius.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            if "Ready to process requests" in self.log():
                break
            time.sleep(0.1)

    def log(self) -> str:
        path = self.dir / "radius.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def send(self, kind: str, attributes: dict[str, str]) -> str:
        port = self.auth_port if kind == "auth" else self.acct_port
        line = ",".join(f'{key}="{value}"' for key, value in attributes.items())
        result = subprocess.run(  # noqa: S603
            [RADCLIENT, "-x", "-r", "1", "-t", "5", f"127.0.0.1:{port}", kind, NAS_SECRET],
            input=line,
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout + result.stderr

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)


def mac_auth(mac: str) -> dict[str, str]:
    dashed = mac.replace(":", "-")
    return {
        "User-Name": dashed,
        "User-Password": dashed,
        "Calling-Station-Id": dashed.upper(),
        "NAS-Identifier": "ap-a1",
    }


def warm(base_url: str) -> None:
    """One request before FreeRADIUS sends any: the live server's first request loads every app's URLs and views,
    which took about 3 s on a busy 2-CPU machine, longer than rlm_rest's 2 s timeout (a reject, not an answer)."""
    with contextlib.suppress(urllib.error.HTTPError):  # 405 for a GET: the URLs and views are loaded all the same
        urllib.request.urlopen(f"{base_url}/radius/authorize", timeout=60)  # noqa: S310 - the live server


def test_admission_and_accounting_through_real_freeradius(
    transactional_db: Any, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THROUGHGATE_NETWORK_SECRET", SECRET)
    world = world_module.build()
    warm(live_server.url)
    server = FreeRadius(live_server.url.replace("localhost", "127.0.0.1"), "MDI")
    try:
        issued = world.devices["enhanced"]
        answer = server.send("auth", mac_auth(issued.mac))
        assert "Access-Accept" in answer, answer + server.log()
        assert 'Tunnel-Private-Group-Id:0 = "40"' in answer or 'Tunnel-Private-Group-Id = "40"' in answer, answer

        from throughgate.access import services

        lost = world.devices["basic"]
        services.device_set_status(by=world.security, device=lost, status="lost", reason="Not found at search")
        quarantined = server.send("auth", mac_auth(lost.mac))
        assert "Access-Accept" in quarantined
        assert "999" in quarantined, quarantined

        unknown = server.send("auth", mac_auth("3c:22:fb:00:00:99"))
        assert "Access-Reject" in unknown, unknown
        observation = UnapprovedDevice.objects.get(mac="3c:22:fb:00:00:99")
        assert observation.kind == "unknown_client"
        assert observation.establishment == world.establishment
        assert not observation.randomised

        dashed = issued.mac.replace(":", "-")
        start = {
            "Acct-Status-Type": "Start",
            "User-Name": dashed,
            "Calling-Station-Id": dashed,
            "Framed-IP-Address": "10.40.0.7",
            "Acct-Session-Id": "sess-1",
            "NAS-Identifier": "ap-a1",
        }
        assert "Accounting-Response" in server.send("acct", start)
        assert DeviceAddress.objects.get(ip="10.40.0.7").device_id == issued.pk
        stop = {**start, "Acct-Status-Type": "Stop"}
        assert "Accounting-Response" in server.send("acct", stop)
        assert not DeviceAddress.objects.filter(device=issued).exists()
    finally:
        server.stop()


SEED = """
import django
django.setup()
from throughgate.access.models import NetworkDevice
from throughgate.identity.models import Establishment, Location, LocationLevel
prison = Establishment.objects.create(code="MDI", name="HMP Test")
cell = Location.objects.create(establishment=prison, level=LocationLevel.CELL, code="1", key="MDI-A-1-001")
NetworkDevice.objects.create(
    serial="LAP-1", mac="02:00:00:00:00:01", kind="laptop", establishment=prison, status="issued", location=cell
)
NetworkDevice.objects.create(
    serial="LAP-2", mac="02:00:00:00:00:02", kind="laptop", establishment=prison, status="lost"
)
"""


def test_the_recommended_server_answers_freeradius(tmp_path: Path) -> None:
    """granian serving the lean entry point, started exactly as the network integration guide and radius-conf say
    (radius.serve_command), against its own SQLite database, answers the real FreeRADIUS."""
    root = Path(__file__).resolve().parents[4]
    env = {
        **os.environ,
        "THROUGHGATE_ENV": "production",
        "DJANGO_SECRET_KEY": "radius-test-" + "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'radius.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "THROUGHGATE_NETWORK_SECRET": SECRET,
        "SECURE_SSL_REDIRECT": "false",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True)
    subprocess.run([sys.executable, "-c", SEED], cwd=root, env=env, check=True)  # noqa: S603
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    command = radius.serve_command(port=port, workers=1, threads=2)
    assert command[0] == "granian"
    web = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", *command], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    server = None
    try:
        deadline = time.monotonic() + 30
        while True:
            assert web.poll() is None, web.stderr.read().decode() if web.stderr else ""
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "granian did not start"
                time.sleep(0.2)
        server = FreeRadius(f"http://127.0.0.1:{port}", "MDI")
        for _ in range(2):  # the second answer for the issued device comes from the answers kept in memory
            answer = server.send("auth", mac_auth("02:00:00:00:00:01"))
            assert "Access-Accept" in answer, answer + server.log()
            assert re.search(r'Tunnel-Private-Group-Id(:0)? = "40"', answer), answer
        lost = server.send("auth", mac_auth("02:00:00:00:00:02"))
        assert "Access-Accept" in lost, lost
        assert "999" in lost, lost
        unknown = server.send("auth", mac_auth("3c:22:fb:00:00:99"))
        assert "Access-Reject" in unknown, unknown
    finally:
        if server is not None:
            server.stop()
        web.terminate()
        web.wait(timeout=20)
