"""The Squid helper's protocol: channel IDs echoed, OK only when the policy allows, fail closed otherwise."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from throughgate.access import squid_helper
from throughgate.access.management.commands.access import DatabaseSource
from throughgate.access.tests import world as world_module


class Unreachable:
    def fetch(self, versions: dict[str, int]) -> dict[str, Any]:
        raise OSError("connection refused")

    def report(self, counts: list[dict[str, Any]]) -> None:
        raise OSError("connection refused")


@pytest.fixture
def helper(db):  # type: ignore[no-untyped-def]
    world = world_module.build()
    helper = squid_helper.Helper(DatabaseSource())
    assert helper.refresh()
    helper.world = world  # type: ignore[attr-defined]
    return helper


def reply(helper: squid_helper.Helper, line: str) -> str:
    return helper.answer(line.encode()).decode()


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
    helper = squid_helper.Helper(None)
    helper.refresh()
    assert reply(helper, "1 10.0.0.1 GET http://learning.test/\n").startswith("1 ERR")


def test_serve_answers_each_line_in_order_and_counts_decisions(helper) -> None:  # type: ignore[no-untyped-def]
    ips = helper.world.ips
    stdin = io.BytesIO(
        f"1 {ips['enhanced']} GET http://learning.test/\n2 {ips['basic']} GET http://jobs.test/\n".encode()
    )
    stdout = io.BytesIO()
    squid_helper.serve(helper, stdin, stdout, refresh_seconds=60, report_seconds=60)
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
    helper = squid_helper.Helper(None)
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
    helper = squid_helper.Helper(None)
    helper.ready = True
    answer = helper.answer(f"{channel} {ip} {method} {url}\n".encode("utf-8", errors="replace"))
    assert answer.split()[0] == channel.encode()
    assert answer.split()[1] in (b"ERR", b"BH")
