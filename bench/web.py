"""Web benchmark: the signed-in resident home page against a bare Django view, on the same gunicorn, same run.

    uv run python bench/web.py                 # full run: setup, serve, load, report; exit 1 if a target is missed
    uv run python bench/web.py --profile       # cProfile of the home page in one process (no server, no wrk)

Targets (issues 3 and 4): the signed-in resident's home page >= 0.5x the bare view's requests/s with p95 < 150 ms,
and the app-submission POST (a new app each time, through the kiosk form with its CSRF token and a fresh
idempotency key per request) >= 0.5x the bare view, at 50 connections.

How: a fresh SQLite file in a temp dir (or the PostgreSQL of DATABASE_URL, which must be a throwaway database),
production settings (THROUGHGATE_ENV=production, a random secret, DEBUG off), migrate and collectstatic, one
resident signed in on one enrolled kiosk (a session row with the keys identity.services.resident_login sets, and
the device's token cookie). gunicorn (gthread, 2 workers x 8 threads) serves bench/benchurls.py on loopback; wrk
loads it from its own process, alternating bare / home three times, and we report the median run of each. A Lua script
(wrk's ``done`` callback) prints p50/p90/p95/p99 from wrk's own latency histogram, and counts any response that is
not a 200 as an error: a home page that quietly redirected to the sign-in page would otherwise look fast.
Figures and notes: docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
RATIO_TARGET = 0.5
P95_TARGET_MS = 150.0

# Counts non-200 responses per thread and prints one JSON line of results when wrk finishes.
WRK_SCRIPT = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local non200 = 0
  for _, t in ipairs(threads) do non200 = non200 + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, ' ..
    '"socket_errors": %d, "timeouts": %d, "non200": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect + e.read + e.write, e.timeout, non200))
end
"""


# The kiosk's "send an app" form, posted with a new idempotency key on every request (so every request stores a
# new app, its history row, its audit row and its activity event). A success is the redirect to the new app.
WRK_POST_SCRIPT = r"""
local threads = {}
function setup(thread) table.insert(threads, thread); thread:set("tid", #threads) end
function init(args) bad = 0; sent = 0; prefix = "bench" .. args[1] .. "t" .. tid .. "n" end
function request()
  sent = sent + 1
  local body = "csrfmiddlewaretoken=" .. TOKEN .. "&key=" .. prefix .. sent
  body = body .. "&body=Can+I+have+a+new+kettle%3F+Mine+broke."
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = COOKIE}, body)
end
function response(status, headers, body) if status ~= 302 then bad = bad + 1 end end
function done(summary, latency, requests)
  local non200 = 0
  for _, t in ipairs(threads) do non200 = non200 + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, ' ..
    '"socket_errors": %d, "timeouts": %d, "non200": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect + e.read + e.write, e.timeout, non200))
end
"""


@dataclass(frozen=True)
class Run:
    label: str
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    error_detail: str
    server_cpu_s: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        """CPU time the gunicorn processes spent per request (user + system), whatever else the machine does."""
        return self.server_cpu_s * 1000 / max(self.requests, 1)


def bench_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        THROUGHGATE_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48)[:64],
        DJANGO_ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        THROUGHGATE_URLCONF="bench.benchurls",
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="ERROR",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), str(ROOT / "src"), env.get("PYTHONPATH", "")])),
    )
    env.pop("DJANGO_DEBUG", None)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    return env


# --- setup: runs in a child process with the bench environment -----------------------------------------------------


def prepare() -> tuple[dict[str, str], int]:
    """Migrate, collect static files, set up one prison's app types, and sign one resident in on one kiosk.
    Returns the cookies a browser holds and the app type the POST run sends apps of."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from tests.factories import make_device, make_resident
    from throughgate.identity.middleware import SESSION_DEVICE, SESSION_ESTABLISHMENT, SESSION_LAST_SEEN
    from throughgate.selfservice.applications.models import AppType
    from throughgate.selfservice.defaults import install_defaults

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    person = make_resident()
    install_defaults(establishment=person.establishment)  # departments and app types, as a new prison gets them
    # A type that allows more than one open app, so that every POST of the run stores a new one.
    app_type = AppType.objects.filter(establishment=person.establishment, one_pending=False, active=True).first()
    if app_type is None:
        raise SystemExit("no app type without the one-at-a-time rule to post to")
    device, token = make_device(person.establishment)
    user = person.user
    # The keys django.contrib.auth.login and identity.services.resident_login put in a resident's session.
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "throughgate.identity.backends.ResidentBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SESSION_DEVICE] = device.pk
    session[SESSION_LAST_SEEN] = timezone.now().timestamp()
    session[SESSION_ESTABLISHMENT] = device.establishment.code
    session.create()
    cookies = {settings.SESSION_COOKIE_NAME: str(session.session_key), settings.DEVICE_COOKIE_NAME: token}
    return cookies, app_type.pk


def setup() -> None:
    cookies, app_type = prepare()
    print(json.dumps({"cookies": cookies, "app_type": app_type}))


# --- the run: parent process ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def fetch(url: str, cookie: str = "") -> tuple[int, str, list[str]]:
    """One GET that does not follow redirects: status, body, Set-Cookie headers."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310 - loopback
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode(), response.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace"), exc.headers.get_all("Set-Cookie") or []


def wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before answering /health")
        try:
            if fetch(f"{base}/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /health in time")


def server_cpu_seconds(master: int) -> float:
    """User + system CPU seconds of the gunicorn master and its workers so far (from /proc)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        if master in (pid, parent):
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(
    url: str, label: str, cookie: str, script: Path, *, seconds: int, connections: int, threads: int, server: int
) -> Run:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    cpu_before = server_cpu_seconds(server)
    # The argument after "--" reaches the script's init(): the POST script makes its idempotency keys unique with it.
    out = subprocess.run([*command, url, "--", secrets.token_hex(4)], capture_output=True, text=True, check=True).stdout
    cpu = server_cpu_seconds(server) - cpu_before
    line = next(line for line in out.splitlines() if line.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    return Run(
        label=label,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50"] / 1000,
        p90_ms=data["p90"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        errors=data["socket_errors"] + data["timeouts"] + data["non200"],
        error_detail=f"{data['timeouts']} timeouts (> 2 s), {data['non200']} not 200, {data['socket_errors']} socket",
        server_cpu_s=cpu,
    )


def median_run(runs: list[Run]) -> Run:
    """The run with the median requests/s (its own latencies, not a mix of runs)."""
    ordered = sorted(runs, key=lambda run: run.rps)
    return ordered[(len(ordered) - 1) // 2]


def row(run: Run) -> str:
    return (
        f"{run.label:<6} {run.rps:>9.1f} {run.p50_ms:>8.1f} {run.p90_ms:>8.1f} {run.p95_ms:>8.1f} "
        f"{run.p99_ms:>8.1f} {run.errors:>7d} {run.requests:>9d} {run.cpu_ms:>11.2f}"
    )


def main(args: argparse.Namespace) -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops gunicorn
    workdir = Path(tempfile.mkdtemp(prefix="throughgate-bench-"))
    env = bench_env(workdir)
    script = workdir / "report.lua"
    script.write_text(WRK_SCRIPT)
    server: subprocess.Popen[bytes] | None = None
    try:
        print(f"setup: {env['DATABASE_URL'].split('@')[-1]} (migrate, collectstatic, one resident on one kiosk)")
        made = subprocess.run(
            [sys.executable, __file__, "--setup"], env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
        if made.returncode != 0:
            print(made.stderr, file=sys.stderr)
            return 2
        prepared = json.loads(made.stdout.strip().splitlines()[-1])
        cookies, app_type = prepared["cookies"], prepared["app_type"]
        port = free_port()
        base = f"http://{HOST}:{port}"
        gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-k", "gthread"]
        gunicorn += ["--workers", str(args.workers), "--threads", str(args.threads), "--bind", f"{HOST}:{port}"]
        # Each worker its own listening socket (SO_REUSEPORT): the kernel spreads new connections evenly across
        # workers. On one shared socket, whichever worker wakes first takes a connection, and wrk's 50 keep-alive
        # connections can pile onto one worker for the whole run, leaving the other CPU idle (docs/performance.md).
        gunicorn += ["--reuse-port"]
        gunicorn += ["--log-level", "warning", "--access-logfile", "-" if args.access_log else "/dev/null"]
        print(f"serve: {' '.join(gunicorn[1:])}")
        server = subprocess.Popen(gunicorn, env=env, cwd=ROOT, start_new_session=True)
        wait_until_up(base, server)

        # A browser keeps the CSRF cookie the page sets (the kiosk page has a sign-out form), so the client does too.
        cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
        status, body, set_cookies = fetch(f"{base}/", cookie)
        if status != 200 or "Hello," not in body:
            print(f"the home page did not render for the signed-in resident (status {status})", file=sys.stderr)
            return 2
        csrf = next((c.split(";")[0] for c in set_cookies if c.strip().startswith("csrftoken=")), "").strip()
        cookie = f"{cookie}; {csrf}" if csrf else cookie
        print(f"home page cookies: {', '.join(part.split('=')[0] for part in cookie.split('; '))}")
        if fetch(f"{base}/bench/bare")[0] != 200:
            print("the bare view did not answer 200", file=sys.stderr)
            return 2
        write_url = f"{base}/selfservice/apps/new/{app_type}/"
        status, body, _ = fetch(write_url, cookie)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or token is None:
            print(f"the app form did not render for the resident (status {status})", file=sys.stderr)
            return 2
        post_script = workdir / "post.lua"
        values = f"TOKEN = {json.dumps(token.group(1))}\nCOOKIE = {json.dumps(cookie)}\n"
        post_script.write_text(values + WRK_POST_SCRIPT)

        targets = {"bare": (f"{base}/bench/bare", ""), "home": (f"{base}/", cookie), "post": (write_url, "")}
        scripts = {"bare": script, "home": script, "post": post_script}
        load = {"connections": args.connections, "threads": 2, "server": server.pid}
        print(f"load: wrk -t2 -c{args.connections} -d{args.seconds}s --latency -s report.lua, bare/home x{args.rounds}")
        for label in ("bare", "home"):  # warm up: imports, template cache, connections (the POST warms up below)
            url, sent = targets[label]
            wrk(url, label, sent, scripts[label], seconds=args.warmup, **load)
        runs: dict[str, list[Run]] = {label: [] for label in targets}
        # The POST runs come last: each stores thousands of apps for the one resident, far more than anyone has,
        # and the home page counts that person's open apps.
        order = [label for _ in range(args.rounds) for label in ("bare", "home")] + ["post"] * args.rounds
        for n, label in enumerate(order):
            url, sent = targets[label]
            if label == "post" and order[n - 1] != "post":
                wrk(url, label, sent, scripts[label], seconds=args.warmup, **load)
            run = wrk(url, label, sent, scripts[label], seconds=args.seconds, **load)
            runs[label].append(run)
            print(
                f"  {label}: {run.rps:.1f} req/s, p95 {run.p95_ms:.1f} ms, server CPU {run.cpu_ms:.2f} ms/request "
                f"({run.rps * run.cpu_ms / 1000:.2f} CPUs busy), errors {run.errors}"
                + (f" ({run.error_detail})" if run.errors else "")
            )
        if fetch(f"{base}/", cookie)[0] != 200:
            print("the resident was signed out during the run: figures are not valid", file=sys.stderr)
            return 2
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(workdir, ignore_errors=True)

    bare, home, post = (median_run(runs[label]) for label in ("bare", "home", "post"))
    ratio, post_ratio = home.rps / bare.rps, post.rps / bare.rps
    print()
    load_1, load_5, _ = os.getloadavg()
    when = time.strftime("%Y-%m-%d %H:%M")
    print(f"{when}, {os.cpu_count()} CPUs, load average {load_1:.1f} / {load_5:.1f} (1 / 5 min)")
    print(
        f"{'route':<6} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
        f"{'requests':>9} {'CPU ms/req':>11}"
    )
    for run in (bare, home, post):
        print(row(run))
    print()
    missed = []
    if ratio < RATIO_TARGET:
        missed.append(f"home ratio {ratio:.2f} < {RATIO_TARGET}")
    if home.p95_ms >= P95_TARGET_MS:
        missed.append(f"home p95 {home.p95_ms:.1f} ms >= {P95_TARGET_MS:.0f} ms")
    if post_ratio < RATIO_TARGET:
        missed.append(f"post ratio {post_ratio:.2f} < {RATIO_TARGET}")
    if home.errors or bare.errors or post.errors:
        missed.append(f"errors (bare {bare.errors}, home {home.errors}, post {post.errors})")
    print(f"ratio home/bare: {ratio:.2f} (target >= {RATIO_TARGET}); home p95 {home.p95_ms:.1f} ms (target < 150 ms)")
    # Each home run beside the bare run just before it: on a shared machine the two in one round saw the same load.
    paired = [h.rps / b.rps for b, h in zip(runs["bare"], runs["home"], strict=True)]
    print(f"  each round's home/bare: {', '.join(f'{r:.2f}' for r in paired)}")
    print(f"ratio post/bare: {post_ratio:.2f} (target >= {RATIO_TARGET}); post p95 {post.p95_ms:.1f} ms")
    print(
        f"server CPU per request: bare {bare.cpu_ms:.2f} ms, home {home.cpu_ms:.2f} ms, post {post.cpu_ms:.2f} ms; "
        f"the ratios if the server had the machine to itself and were CPU-bound: home "
        f"{bare.cpu_ms / home.cpu_ms:.2f}, post {bare.cpu_ms / post.cpu_ms:.2f}"
    )
    print("PASS" if not missed else "MISSED: " + "; ".join(missed))
    return 1 if missed else 0


# --- profile: the home page in one process --------------------------------------------------------------------------


def profile(requests: int) -> None:
    """CPU time per request of the bare view and the home page, called in one thread through Django's WSGI handler
    as gunicorn calls it (so connection handling is included), then the home page's queries and a cProfile."""
    import cProfile
    import io
    import pstats

    cookies, _app_type = prepare()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    handler = WSGIHandler()

    def get(path: str, cookie: str) -> tuple[str, list[tuple[str, str]]]:
        status: list[str] = []
        headers: list[tuple[str, str]] = []

        def start_response(line: str, sent: list[tuple[str, str]], exc_info: object = None) -> None:
            status.append(line)
            headers.extend(sent)

        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": HOST,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": HOST,
            "HTTP_COOKIE": cookie,
            "REMOTE_ADDR": HOST,
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        response = handler(environ, start_response)
        b"".join(response)
        response.close()  # as a WSGI server does: request_finished, which closes the database connection
        return status[0], headers

    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    status, headers = get("/", cookie)
    set_cookies = [value.strip() for name, value in headers if name == "Set-Cookie"]
    csrf = next((c.split(";")[0] for c in set_cookies if c.startswith("csrftoken=")), "")
    cookie = f"{cookie}; {csrf}" if csrf else cookie
    if not status.startswith("200") or not get("/", cookie)[0].startswith("200"):
        raise SystemExit(f"the home page answered {status}")
    with CaptureQueriesContext(connection) as queries:
        get("/", cookie)
    print(f"queries per home page: {len(queries)}")
    for query in queries:
        print(f"  {query['sql'][:150]}")
    best: dict[str, float] = {}
    for _ in range(3):
        for label, path, sent in (("bare", "/bench/bare", ""), ("home", "/", cookie)):
            started = time.process_time()
            for _ in range(requests):
                get(path, sent)
            spent = (time.process_time() - started) * 1000 / requests
            best[label] = min(best.get(label, spent), spent)
    print(
        f"CPU per request in one thread (best of 3 x {requests}): bare {best['bare']:.2f} ms, "
        f"home {best['home']:.2f} ms"
        f"; ratio {best['bare'] / best['home']:.2f}"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        get("/", cookie)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help="profile the home page in one process and stop")
    parser.add_argument("--profile-requests", type=int, default=500, help="requests per measurement")
    parser.add_argument("--seconds", type=int, default=15, help="length of each measured wrk run")
    parser.add_argument("--warmup", type=int, default=5, help="length of the warm-up run of each URL")
    parser.add_argument("--rounds", type=int, default=3, help="bare/home pairs; the median run of each is reported")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--access-log", action="store_true", help="let gunicorn log every request to stdout")
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse()
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    if arguments.setup:
        setup()
    elif arguments.profile:
        workdir = Path(tempfile.mkdtemp(prefix="throughgate-profile-"))
        os.environ.update(bench_env(workdir))
        try:
            profile(arguments.profile_requests)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    else:
        sys.exit(main(arguments))
