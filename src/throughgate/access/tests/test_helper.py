"""The Squid helper's protocol: channel IDs echoed, OK only when the policy allows, fail closed otherwise."""

from __future__ import annotations

import copy
import functools
import io
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from throughgate.access.management.commands.access import DatabaseSource
from throughgate.access.tests import world as world_module
from throughgate_squid_helper import fastpath
from throughgate_squid_helper.helper import Helper, _clean
from throughgate_squid_helper.serve import ANSWER_EVERY, serve


class Unreachable:
    def fetch(self, versions: dict[str, int]) -> dict[str, Any]:
        raise OSError("connection refused")

    def report(self, counts: list[dict[str, Any]]) -> None:
        raise OSError("connection refused")


@pytest.fixture
def helper(db):  # type: ignore[no-untyped-def]
    world = world_module.build()
    helper = Helper(DatabaseSource())
    assert helper.refresh()
    helper.world = world  # type: ignore[attr-defined]
    return helper


def reply(helper: Helper, line: str) -> str:
    return helper.answer(line.encode()).decode()


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(tz=dt.UTC)


def test_channel_id_is_echoed_and_the_answer_follows_the_policy(helper) -> None:  # type: ignore[no-untyped-def]
    ips = helper.world.ips
    allowed = reply(helper, f"7 {ips['enhanced']} GET http://learning.test/\n")
    assert allowed.startswith("7 OK ")
    assert "tag=education" in allowed
    assert allowed.endswith("\n")
    refused = reply(helper, f"12 {ips['basic']} GET http://jobs.test/\n")
    assert refused.startswith("12 ERR ")
    assert 'message="Sites for job search are not open at Basic level."' in refused
    assert "log=level.category" in refused
    assert reply(helper, f"3 {ips['sanctioned']} CONNECT learning.test:443\n").startswith("3 ERR ")
    assert reply(helper, f"4 {ips['alert']} GET http://learning.test/\n").startswith("4 ERR ")
    assert reply(helper, f"5 {ips['wrong_device']} GET http://learning.test/\n").startswith("5 ERR ")


def test_values_are_url_decoded(helper) -> None:  # type: ignore[no-untyped-def]
    line = f"1 {helper.world.ips['enhanced']} GET http%3A%2F%2Flearning.test%2Fa%20b\n"
    assert reply(helper, line).startswith("1 OK")


@pytest.mark.parametrize(
    "target",
    [
        "learning.test%2F@evil.example:443",  # decoded first, this was learning.test (OK): the finding of issue 15
        "learning.test%2f@evil.example:443",
        "learning.test/@evil.example:443",
        "learning.test%40evil.example:443",
        "evil.example%2F@learning.test:443",
        "learning.test%252F@evil.example:443",
        "learning.test:443%2Fx",
        "learning.test%3A443%2F",
    ],
)
def test_a_connect_target_with_a_slash_at_or_escape_is_refused(helper, target: str) -> None:  # type: ignore[no-untyped-def]
    ips = helper.world.ips
    assert reply(helper, f"1 {ips['enhanced']} CONNECT {target}\n").startswith("1 ERR "), target
    assert helper.answer_batch([f"2 {ips['enhanced']} CONNECT {target}".encode()], _now()).startswith(b"2 ERR ")


def test_an_escaped_connect_port_is_still_read(helper) -> None:  # type: ignore[no-untyped-def]
    assert reply(helper, f"1 {helper.world.ips['enhanced']} CONNECT learning.test%3A443\n").startswith("1 OK")


@pytest.mark.parametrize(
    "url",
    [
        "http://learning.test%2F@evil.example/",
        "http://learning.test%2F%40evil.example/",
        "https://learning.test%3A443@evil.example/",
    ],
)
def test_an_escape_in_the_host_part_never_names_another_host(helper, url: str) -> None:  # type: ignore[no-untyped-def]
    assert reply(helper, f"1 {helper.world.ips['enhanced']} GET {url}\n").startswith("1 ERR "), url


def test_the_path_is_decoded_after_the_url_is_split(helper) -> None:  # type: ignore[no-untyped-def]
    ips = helper.world.ips
    assert reply(helper, f"1 {ips['enhanced']} GET http://learning.test/a%20b%2F@evil.example\n").startswith("1 OK")


def test_malformed_lines_get_err_or_bh_never_ok(helper) -> None:  # type: ignore[no-untyped-def]
    assert reply(helper, "\n").startswith("BH")
    assert reply(helper, "hello world\n").startswith("BH")
    assert reply(helper, "9\n").startswith("9 ERR")
    assert reply(helper, "9 10.0.0.1\n").startswith("9 ERR")


def test_an_unreachable_source_denies_everything(helper) -> None:  # type: ignore[no-untyped-def]
    helper.source = Unreachable()
    assert not helper.refresh()
    line = f"1 {helper.world.ips['enhanced']} GET http://learning.test/\n"
    answer = reply(helper, line)
    assert answer.startswith("1 ERR")
    assert "log=policy_unavailable" in answer


def test_never_ready_without_a_source() -> None:
    helper = Helper(None)
    helper.refresh()
    assert reply(helper, "1 10.0.0.1 GET http://learning.test/\n").startswith("1 ERR")


def test_serve_answers_each_line_in_order_and_counts_decisions(helper) -> None:  # type: ignore[no-untyped-def]
    ips = helper.world.ips
    stdin = io.BytesIO(
        f"1 {ips['enhanced']} GET http://learning.test/\n2 {ips['basic']} GET http://jobs.test/\n".encode()
    )
    stdout = io.BytesIO()
    serve(helper, stdin, stdout, refresh_seconds=60, report_seconds=60)
    lines = stdout.getvalue().decode().splitlines()
    assert [line.split()[:2] for line in lines] == [["1", "OK"], ["2", "ERR"]]
    from throughgate.access.models import InternetUsage

    assert sorted(InternetUsage.objects.values_list("outcome", "count")) == [("allowed", 1), ("denied", 1)]


def test_finished_hours_become_one_activity_event_each(helper) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from throughgate.access import services
    from throughgate.core.models import ActivityEvent

    person = helper.world.people["enhanced"].prison_number
    hour = (timezone.now() - dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    row = {
        "person": person,
        "establishment": "MDI",
        "hour": hour.isoformat(),
        "outcome": "denied",
        "category": "",
        "host": "x.test",
        "count": 3,
    }
    services.usage_record(counts=[row, row])  # two helpers reported the same hour
    services.usage_record(counts=[row])  # a late report: counted for monitoring, no second event
    services.usage_emit_finished(now=timezone.now())
    events = list(ActivityEvent.objects.filter(person=person, kind="internet.denied"))
    assert len(events) == 1
    assert events[0].value == 6


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_and_never_yield_ok(raw: bytes) -> None:
    helper = Helper(None)
    helper.ready = True  # even with a snapshot in place (empty: nothing is allowed)
    answer = helper.answer(raw)
    assert answer.endswith(b"\n")
    assert answer.count(b"\n") == 1
    tokens = answer.split()
    assert b"OK" not in tokens[:2]


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"[0-9]{1,4}", fullmatch=True),
    st.text(max_size=40),
    st.sampled_from(["GET", "CONNECT", "POST", "", "\x00"]),
    st.text(max_size=80),
)
def test_structured_garbage_never_yields_ok(channel: str, ip: str, method: str, url: str) -> None:
    helper = Helper(None)
    helper.ready = True
    answer = helper.answer(f"{channel} {ip} {method} {url}\n".encode("utf-8", errors="replace"))
    assert answer.split()[0] == channel.encode()
    assert answer.split()[1] in (b"ERR", b"BH")


# --- the batch fast path gives exactly the answers (and counts) of answer() line by line ----------------------------


def _snapshot() -> Any:
    import datetime as dt

    from throughgate_squid_helper import policy

    now = dt.datetime.now(tz=dt.UTC)
    rules = [
        policy.SiteRule(1, "Learning", "learning.test", True, "", "education", 1),
        policy.SiteRule(2, "Jobs", "jobs.test", False, "", "employment", 1),
        policy.SiteRule(3, "Benefits", "gov.test", True, "/benefits", "government", 1),
        policy.SiteRule(4, "Gov", "gov.test", True, "", "government", 2),
        policy.SiteRule(5, "Course", "course.learning.test", True, "", "education", 3),
        policy.SiteRule(6, "Family", "family.test", True, "", "family_learning", 1, frozenset({"parents"})),
        policy.SiteRule(7, "Legal", "legal.example.test", True, "", "legal", 1),
        policy.SiteRule(8, 'Odd "quoted"\tname\\', "odd.test", True, "", 'odd "cat\t', 1),
        policy.SiteRule(9, "Long " * 60, "long.test", False, "", "education", 3),
        policy.SiteRule(10, "Nursery", "nursery.family.test", False, "", "family_learning", 1, frozenset({"b", "a"})),
    ]
    snap = policy.Snapshot(catalogue_version=1, policy_version=1)
    snap.set_sites(rules)
    people = {
        "A1": ("Enhanced", (), (), frozenset({"parents"}), ""),
        "A2": ("Basic", (), (), frozenset(), ""),
        "A3": (
            "Standard",
            (),
            (policy.Suspension(now - dt.timedelta(hours=1), now + dt.timedelta(hours=1), "x"),),
            frozenset(),
            "",
        ),
        "A4": ("Enhanced", (policy.Alert("PVN", dt.date(2020, 1, 1), None),), (), frozenset(), ""),
        "A5": ("Enhanced", (), (), frozenset(), "MDI-A-1"),
        "A6": ("Standard", (), (), frozenset(), "MDI-A-1"),
        "A7": ("Enhanced", (), (), frozenset({"a"}), ""),
    }
    for number, (level, alerts, sanctions, groups, cell) in people.items():
        snap.people[number] = policy.PersonPolicy(number, "MDI", level, alerts, sanctions, groups, cell)
    snap.occupants = {"MDI-A-1": ("A5", "A6")}
    devices = [("issued", "A1", ""), ("issued", "A2", ""), ("issued", "A3", ""), ("issued", "A4", ""),
               ("issued", "", "MDI-A-1"), ("suspended", "A1", ""), ("issued", "ZZ", ""),
               ("issued", "A7", "")]  # fmt: skip
    for n, (status, person, cell) in enumerate(devices):
        snap.devices[n] = policy.Device(n, f"S{n}", "laptop", status, "MDI", person, cell)
        snap.addresses[f"10.0.0.{n}"] = n
    every_day = frozenset(range(7))
    snap.establishments["MDI"] = policy.EstablishmentPolicy(
        "MDI",
        "Europe/London",
        {
            "Basic": (frozenset({"education", "legal"}), 1),
            "Standard": (frozenset({"education", "legal", "employment", "government"}), 2),
            "Enhanced": (frozenset(policy.CATEGORY_WORDS) | {'odd "cat\t'}, 3),
        },
        (policy.Window("All day", True, every_day, dt.time(0, 0), dt.time(23, 59, 59)),),
    )
    return snap


@functools.cache
def compiled() -> fastpath.Library:
    """The C fast path, compiled here as squid-conf compiles it. CI installs gcc: without a compiler these tests
    fail rather than skip, so that the compiled path is never left untested."""
    work = Path(tempfile.mkdtemp(prefix="tg-fastpath-"))
    shutil.copyfile(Path(fastpath.__file__).with_name(fastpath.SOURCE), work / fastpath.SOURCE)
    problem = fastpath.compile_library(work)
    library = fastpath.load(work / fastpath.LIBRARY)
    if problem or library is None:
        pytest.fail(f"the helper's C fast path must build for these tests (install gcc): {problem}")
    return library


PATHS = ["python", "compiled"]


def _helper_with(snapshot: Any, path: str = "python") -> Helper:
    helper = Helper(None, compiled=compiled() if path == "compiled" else None)
    helper.snapshot = snapshot
    helper.ready = True
    return helper


_HOSTS = ["learning.test", "LEARNING.test", "www.learning.test", "course.learning.test", "a.course.learning.test",
          "jobs.test", "www.jobs.test", "gov.test", "x.gov.test", "family.test", "legal.example.test", "odd.test",
          "x.odd.test", "long.test", "nursery.family.test", "a.nursery.family.test", ".learning.test", "a..b.test",
          "example.test", "unlisted.test", "learning.test.", "xn--bcher-kva.test", "lé.test", "a_b.test", "", "[::1]",
          "user@learning.test", "learning.test%2e", "10.0.0.1"]  # fmt: skip
_LINE = st.builds(
    lambda channel, ip, method, scheme, host, port, path, end: (
        f"{channel} {ip} {method} {scheme}{host}{port}{path}{end}"
    ),
    st.sampled_from(["1", "42", "0", "9999999999", "12345678901", "x", "-1", "1\t2"]),
    st.sampled_from([f"10.0.0.{n}" for n in range(10)] + ["10.0.0.%31", "::1", "", "10.0.0.1 10.0.0.2", "\xff"]),
    st.sampled_from(["GET", "POST", "CONNECT", "connect", "G%45T", "HEAD", ""]),
    st.sampled_from(["http://", "https://", "HTTP://", "", "ftp://", "http:/", "http:///"]),
    st.sampled_from(_HOSTS),
    st.sampled_from(["", ":80", ":443", ":123456", ":", ":8a", ":0"]),
    st.sampled_from(["", "/", "/benefits", "/benefits/x", "/benefitsx", "/a%20b", "?q=1", "#f", "/x?y#z", "/é"]),
    st.sampled_from(["", "\r", " extra", "\x00"]),
)


_BATCH = st.lists(st.one_of(_LINE.map(lambda s: s.encode()), st.binary(max_size=60)), min_size=1, max_size=30)


def _same_as_line_by_line(path: str, lines: list[bytes]) -> None:
    from datetime import UTC, datetime

    lines = [line.replace(b"\n", b" ") for line in lines]  # serve() splits on newlines
    snapshot = _snapshot()
    now = datetime.now(tz=UTC)
    batch, single = _helper_with(snapshot, path), _helper_with(snapshot)
    answers = batch.answer_batch(lines, now)
    expected = b"".join(single.answer(line, now) for line in lines)
    assert answers == expected
    key = repr
    assert sorted(map(key, batch.take_counts())) == sorted(map(key, single.take_counts()))


@pytest.mark.parametrize("path", PATHS)
@settings(max_examples=400, deadline=None)
@given(_BATCH)
def test_the_batch_path_answers_and_counts_exactly_as_line_by_line(path: str, lines: list[bytes]) -> None:
    _same_as_line_by_line(path, lines)


@settings(max_examples=3000, deadline=None)
@given(_BATCH)
def test_the_compiled_path_answers_and_counts_exactly_as_line_by_line_many_examples(lines: list[bytes]) -> None:
    _same_as_line_by_line("compiled", lines)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.binary(max_size=300), min_size=1, max_size=20))
def test_the_compiled_path_never_crashes_on_random_bytes_and_never_yields_ok_when_nothing_is_allowed(
    lines: list[bytes],
) -> None:
    from datetime import UTC, datetime

    lines = [line.replace(b"\n", b" ") for line in lines]
    helper = _helper_with(_snapshot(), "compiled")
    helper.snapshot.establishments.clear()  # nobody may use the internet
    answers = helper.answer_batch(lines, datetime.now(tz=UTC))
    assert answers.count(b"\n") == len(lines)
    assert all(b"OK" not in answer.split()[:2] for answer in answers.splitlines())


@pytest.mark.parametrize("path", PATHS)
def test_the_batch_path_is_used_for_plain_lines_and_counts_hosts(path: str) -> None:
    from datetime import UTC, datetime

    helper = _helper_with(_snapshot(), path)
    calls: list[bytes] = []
    slow = helper.answer

    def spy(raw: bytes, now: Any = None) -> bytes:
        calls.append(raw)
        return slow(raw, now)

    helper.answer = spy  # type: ignore[method-assign]
    lines = [b"1 10.0.0.0 GET http://www.learning.test/a", b"2 10.0.0.1 GET http://unlisted.test/",
             b"3 10.0.0.0 CONNECT family.test:443", b"4 10.0.0.0 GET http://gov.test/benefits"]  # fmt: skip
    answers = helper.answer_batch(lines, datetime.now(tz=UTC)).decode().splitlines()
    assert answers[0].startswith("1 OK tag=education user=A1")
    assert answers[1].startswith("2 ERR ")
    assert "log=site.not_listed" in answers[1]
    assert answers[2].startswith("3 OK tag=family_learning user=A1")
    assert answers[3].startswith("4 OK tag=government")
    assert calls == [lines[3]]  # only the path-prefixed domain took the long way
    counts = {(row["person"], row["outcome"], row["category"]): row for row in helper.take_counts()}
    assert counts[("A2", "denied", "")]["sites"] == {"unlisted.test": 1}
    assert counts[("A2", "denied", "")]["count"] == 1
    assert sum(row["count"] for (person, *_), row in counts.items() if person == "A1") == 3


@pytest.mark.parametrize("path", PATHS)
def test_serve_writes_long_reads_in_blocks_in_order(path: str) -> None:
    """A read of more lines than ANSWER_EVERY is answered in several writes, every answer in its line's place, the
    same as line by line (and an over-long line at the end of a read still answered after the others)."""
    from datetime import UTC, datetime

    snapshot = _snapshot()
    now = datetime.now(tz=UTC)
    hosts = ["learning.test", "unlisted.test", "www.jobs.test", "gov.test/benefits", "family.test"]
    lines = [
        f"{n % 50} 10.0.0.{n % 8} GET http://{hosts[n % len(hosts)]}/{n}".encode() for n in range(ANSWER_EVERY * 2 + 37)
    ]

    class Writes(io.BytesIO):
        count = 0

        def write(self, data: Any) -> int:
            self.count += 1
            return super().write(data)

    helper = _helper_with(snapshot, path)
    helper.clock = lambda: now
    helper.refresh = lambda: True  # type: ignore[method-assign]
    stdout = Writes()
    serve(helper, io.BytesIO(b"\n".join(lines) + b"\n"), stdout, 3600, 3600)
    single = _helper_with(snapshot)
    assert stdout.getvalue() == b"".join(single.answer(line, now) for line in lines)
    assert stdout.count == 3


def test_gates_kept_from_one_second_to_the_next_answer_and_count_as_line_by_line() -> None:
    """Each second the rules are asked again and an unchanged gate is kept (with its reply texts and counts): across
    seconds, an hour boundary and a time window closing, the batch path still answers and counts as line by line."""
    import dataclasses
    import datetime as dt

    from throughgate_squid_helper import policy

    snapshot = _snapshot()
    every_day = frozenset(range(7))
    snapshot.establishments["MDI"] = dataclasses.replace(
        snapshot.establishments["MDI"], windows=(policy.Window("Day", True, every_day, dt.time(0), dt.time(13, 0, 1)),)
    )
    lines = [
        f"{n} 10.0.0.{n % 8} GET http://{host}/".encode()
        for n, host in enumerate(["learning.test", "unlisted.test", "jobs.test", "x.gov.test", "family.test"] * 4)
    ]
    start = dt.datetime(2026, 11, 23, 12, 59, 58, tzinfo=dt.UTC)  # GMT: local time is UTC
    moments = [start + dt.timedelta(seconds=s) for s in range(5)]  # 12:59:58 .. 13:00:02; closed from 13:00:01
    batch, single = _helper_with(snapshot), _helper_with(snapshot)
    answers, gates = [], []
    for now in moments:
        answers.append(batch.answer_batch(lines, now))
        gates.append(batch._fast[b"10.0.0.0"])
    assert answers == [b"".join(single.answer(line, now) for line in lines) for now in moments]
    assert gates[1] is gates[0]  # kept: same answer, same hour
    assert gates[2] is not gates[1]  # a new hour counts in new rows
    assert b" OK " in answers[2]
    assert b" OK " not in answers[3]  # the window closed: refused from that second on
    assert gates[3] is not gates[2]
    assert gates[4] is gates[3]
    assert sorted(map(repr, batch.take_counts())) == sorted(map(repr, single.take_counts()))


def test_gates_from_one_second_to_the_next_answer_and_count_as_line_by_line_on_the_compiled_path() -> None:
    """The compiled path asks for every client's gate again each second (and hour, and snapshot): across seconds,
    an hour boundary and a time window closing it answers and counts as line by line."""
    import dataclasses
    import datetime as dt

    from throughgate_squid_helper import policy

    snapshot = _snapshot()
    every_day = frozenset(range(7))
    snapshot.establishments["MDI"] = dataclasses.replace(
        snapshot.establishments["MDI"], windows=(policy.Window("Day", True, every_day, dt.time(0), dt.time(13, 0, 1)),)
    )
    lines = [
        f"{n} 10.0.0.{n % 9} GET http://{host}/".encode()
        for n, host in enumerate(["learning.test", "unlisted.test", "jobs.test", "x.gov.test", "family.test"] * 4)
    ]
    start = dt.datetime(2026, 11, 23, 12, 59, 58, tzinfo=dt.UTC)
    moments = [start + dt.timedelta(seconds=s) for s in range(5)]
    batch, single = _helper_with(snapshot, "compiled"), _helper_with(snapshot)
    answers = [batch.answer_batch(lines, now) for now in moments]
    assert answers == [b"".join(single.answer(line, now) for line in lines) for now in moments]
    assert b" OK " in answers[2]
    assert b" OK " not in answers[3]
    assert sorted(map(repr, batch.take_counts())) == sorted(map(repr, single.take_counts()))
    # after the counts are taken every gate is asked for again, and a new snapshot is used as soon as it is there
    later = moments[-1] + dt.timedelta(hours=1)
    fresh = _snapshot()
    fresh.set_sites([policy.SiteRule(1, "Jobs", "jobs.test", False, "", "employment", 1)])
    batch.snapshot = single.snapshot = fresh
    assert batch.answer_batch(lines, later) == b"".join(single.answer(line, later) for line in lines)
    assert sorted(map(repr, batch.take_counts())) == sorted(map(repr, single.take_counts()))


class Trickle(io.BytesIO):
    """Gives what was written in pieces of the given sizes, as a pipe does."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        super().__init__(data)
        self.sizes = sizes or [1]
        self.turn = 0

    def read1(self, size: int = -1) -> bytes:
        self.turn += 1
        return self.read(min(size, self.sizes[self.turn % len(self.sizes)]))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(_LINE, st.sampled_from(["", "x" * 20000, "7 " + "y" * 17000])), min_size=1, max_size=12),
    st.lists(st.integers(min_value=1, max_value=30000), min_size=1, max_size=6),
    st.booleans(),
)
def test_serve_on_the_compiled_path_answers_as_on_the_python_path(
    lines: list[str], sizes: list[int], final_newline: bool
) -> None:
    """Reads cut anywhere, empty and over-long lines: the compiled serve loop writes what the Python one does."""
    from datetime import UTC, datetime

    now = datetime.now(tz=UTC)
    data = "\n".join(lines).encode() + (b"\n" if final_newline else b"")
    outputs, counts = [], []
    # One snapshot for both paths: built twice, a sanction's end ("until 04:36") could fall either side of a minute.
    snapshot = _snapshot()
    for path in PATHS:
        helper = _helper_with(copy.deepcopy(snapshot), path)
        helper.clock = lambda: now
        helper.refresh = lambda: True  # type: ignore[method-assign]
        taken: list[Any] = []
        helper.report = lambda helper=helper, taken=taken: taken.extend(helper.take_counts())  # type: ignore[method-assign]
        stdout = io.BytesIO()
        serve(helper, Trickle(data, sizes), stdout, 3600, 3600)
        outputs.append(stdout.getvalue())
        counts.append(sorted(map(repr, taken)))
    assert outputs[0] == outputs[1]
    assert counts[0] == counts[1]


def test_counts_put_back_after_a_failed_report_are_kept_on_the_compiled_path() -> None:
    from datetime import UTC, datetime

    helper = _helper_with(_snapshot(), "compiled")
    helper.source = Unreachable()  # type: ignore[assignment]
    now = datetime.now(tz=UTC)
    helper.answer_batch([b"1 10.0.0.1 GET http://unlisted.test/", b"2 10.0.0.0 GET http://learning.test/"], now)
    helper.report()  # fails: the counts are kept
    helper.answer_batch([b"3 10.0.0.1 GET http://other.test/", b"4 10.0.0.1 GET http://unlisted.test/x"], now)
    rows = {(row["person"], row["outcome"]): row for row in helper.take_counts()}
    assert rows[("A2", "denied")]["count"] == 3
    assert rows[("A2", "denied")]["sites"] == {"unlisted.test": 2, "other.test": 1}
    assert rows[("A1", "allowed")]["count"] == 1


def test_squid_conf_builds_the_fast_path_next_to_the_helper(tmp_path: Path) -> None:
    from throughgate.access import squid_conf

    warnings: list[str] = []
    secret = tmp_path / "secret"
    squid_conf.write(tmp_path / "out", base_url="http://127.0.0.1:1", secret_file=secret, warn=warnings.append)
    assert warnings == []
    package = tmp_path / "out" / squid_conf.PACKAGE
    assert fastpath.load(package / fastpath.LIBRARY) is not None
    # the standalone copy, without the throughgate package (-S: no site-packages), loads it
    code = "from throughgate_squid_helper.helper import Helper; print(Helper(None).tables is not None)"
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-S", "-c", code], cwd=tmp_path / "out", capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "True", run.stderr
    # without a compiler: a warning in plain words, no library (not even the one built before), pure Python
    squid_conf.write(
        tmp_path / "out", base_url="http://127.0.0.1:1", secret_file=secret, compiler="/nonexistent/cc",
        warn=warnings.append,
    )  # fmt: skip
    assert len(warnings) == 1
    assert "pure Python" in warnings[0]
    assert not (package / fastpath.LIBRARY).exists()
    assert (package / "fastpath.c").exists()


def test_squid_conf_copies_the_helper_package_and_removes_the_files_of_the_old_layout(tmp_path: Path) -> None:
    from throughgate.access import squid_conf

    out = tmp_path / "out"
    out.mkdir()
    for name in ("policy.py", "fastpath.py", "fastpath.c", "libfastpath.so"):  # as squid-conf wrote them before
        (out / name).write_text("old")
    fragment = squid_conf.write(out, base_url="http://127.0.0.1:1", secret_file=tmp_path / "secret")
    assert sorted(path.name for path in out.iterdir()) == [
        "errors",
        "squid-throughgate.conf",
        "squid_helper.py",
        "throughgate_squid_helper",
    ]
    package = out / squid_conf.PACKAGE
    modules = sorted(path.name for path in squid_conf.HELPER.glob("*.py"))
    assert modules == sorted(path.name for path in package.glob("*.py"))
    assert (package / "fastpath.c").exists()
    assert f"/usr/bin/python3 {out / 'squid_helper.py'} --url http://127.0.0.1:1 " in fragment.read_text()
    # the launcher starts the copied package with nothing else on the import path (-S: no site-packages)
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-S", str(out / "squid_helper.py"), "--help"], capture_output=True, text=True, check=True
    )
    assert "Throughgate external ACL helper for Squid" in run.stdout


def test_a_library_from_another_version_is_not_used(tmp_path: Path) -> None:
    source = Path(fastpath.__file__).with_name(fastpath.SOURCE).read_text()
    other = re.sub(r"#define TG_VERSION \d+", "#define TG_VERSION 999", source)
    assert other != source
    (tmp_path / fastpath.SOURCE).write_text(other)
    assert fastpath.compile_library(tmp_path) is not None
    assert fastpath.load(tmp_path / fastpath.LIBRARY) is None


def test_counted_hosts_come_back_whatever_bytes_they_hold() -> None:
    """Hosts counted by the Python path reach C as bytes; a newline inside one does not shift the others."""
    tables = fastpath.Tables(compiled(), b" ERR\n", _clean)
    base = tables.block("A1", "MDI", "2026-12-07T10:00:00+00:00")
    tables.count(base, 1, b"a\nb.test")
    tables.count(base, 0, b"c.test")
    tables.count(base + 1, 0, None)
    tables.count(base, 0, b"a\nb.test")
    rows = {key: (n, outside, hosts) for key, n, outside, hosts in tables.drain()}
    hour = "2026-12-07T10:00:00+00:00"
    assert rows == {
        ("A1", "MDI", hour, False, ""): (3, 1, {b"a\nb.test": 2, b"c.test": 1}),
        ("A1", "MDI", hour, True, ""): (1, 0, {}),
    }
    assert tables.drain() == []


def test_catalogues_applied_from_the_source_are_used_by_the_compiled_path() -> None:
    """apply() builds the compiled catalogue beside the answering thread and swaps it in with the snapshot."""
    from datetime import UTC, datetime

    from throughgate_squid_helper import policy

    snapshot = _snapshot()
    rules = [rule for entries in snapshot.sites.values() for rule in entries]
    first = {
        "versions": {"catalogue": 1, "policy": 1},
        "catalogue": policy.catalogue_to_json(rules),
        "policy": policy.policy_to_json(snapshot),
    }
    second = {
        "versions": {"catalogue": 2, "policy": 1},
        "catalogue": policy.catalogue_to_json([rule for rule in rules if rule.domain != "jobs.test"]),
    }
    lines = [f"{n} 10.0.0.{n % 9} GET http://{host}/".encode() for n, host in enumerate(_HOSTS * 2)]
    lines.append(b"99 10.0.0.0 GET http://jobs.test/")
    now = datetime.now(tz=UTC)
    helpers = [Helper(None, compiled=compiled()), Helper(None, compiled=None)]
    for data in (first, second):
        for helper in helpers:
            helper.apply(data)
        assert helpers[0]._compiled_catalogue is not None
        assert helpers[0]._compiled_catalogue[0] is helpers[0].snapshot.plain
        answers = [helper.answer_batch(lines, now) for helper in helpers]
        assert answers[0] == answers[1]
        assert answers[0].startswith(b"0 OK")
    assert b"log=site.not_listed" in answers[0].split(b"\n")[-2]  # jobs.test is gone
    assert sorted(map(repr, helpers[0].take_counts())) == sorted(map(repr, helpers[1].take_counts()))
