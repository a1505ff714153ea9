"""The scheduler behind `throughgate worker`: slots, one run per slot across workers, retries, failures shown and
told, abandoned runs taken over, and the jobs page."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.factories import EstablishmentFactory, make_staff, sign_in_staff
from throughgate.core import schedule
from throughgate.core.models import JobRun, JobRunStatus
from throughgate.identity.models import Notification

CALLS: list[str] = []
FAIL_TIMES = {"count": 0}
NOW = datetime(2026, 7, 1, 9, 7, tzinfo=UTC)  # 10:07 in London (BST)


def counting_job(*, slot: datetime) -> dict[str, int]:
    CALLS.append(f"count {slot.isoformat()}")
    return {"done": len(CALLS)}


def failing_job(*, slot: datetime) -> dict[str, int]:
    """Fails FAIL_TIMES['count'] times, then succeeds."""
    CALLS.append(f"fail {slot.isoformat()}")
    if FAIL_TIMES["count"] > 0:
        FAIL_TIMES["count"] -= 1
        raise RuntimeError("the kitchen system did not answer")
    return {"done": 1}


COUNTING = schedule.Job(
    name="test.count",
    title="Count",
    run="tests.test_schedule.counting_job",
    cadence=schedule.Every(15),
)
FAILING = schedule.Job(
    name="test.fail",
    title="Always in trouble",
    run="tests.test_schedule.failing_job",
    cadence=schedule.Daily(at=time(4, 30)),
    max_attempts=3,
    retry_after=timedelta(minutes=5),
)
JOBS = [COUNTING, FAILING]


@pytest.fixture(autouse=True)
def _reset(settings):
    settings.THROUGHGATE_SCHEDULE = "tests.test_schedule.JOBS"
    CALLS.clear()
    FAIL_TIMES["count"] = 0


def at(moment: datetime):
    return lambda: moment


# --- cadences ------------------------------------------------------------------------------------------------------


def test_every_cuts_time_into_slots_on_the_clock():
    every = schedule.Every(15)
    assert every.slot(NOW) == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert every.slot(datetime(2026, 7, 1, 9, 15, tzinfo=UTC)) == datetime(2026, 7, 1, 9, 15, tzinfo=UTC)
    assert every.next_slot(NOW) == datetime(2026, 7, 1, 9, 15, tzinfo=UTC)
    assert schedule.Every(15, offset=5).slot(NOW) == datetime(2026, 7, 1, 9, 5, tzinfo=UTC)
    with pytest.raises(ValueError, match="not a cadence"):
        schedule.Every(0)


def test_daily_follows_uk_time_in_summer_and_winter():
    daily = schedule.Daily(at=time(4, 30))
    # 04:30 BST is 03:30 UTC; 04:30 GMT is 04:30 UTC.
    assert daily.slot(NOW) == datetime(2026, 7, 1, 3, 30, tzinfo=UTC)
    assert daily.slot(datetime(2026, 12, 7, 4, 0, tzinfo=UTC)) == datetime(2026, 12, 6, 4, 30, tzinfo=UTC)
    assert daily.slot(datetime(2026, 12, 7, 4, 30, tzinfo=UTC)) == datetime(2026, 12, 7, 4, 30, tzinfo=UTC)
    assert daily.next_slot(NOW) == datetime(2026, 7, 2, 3, 30, tzinfo=UTC)


def test_job_names_must_be_unique(settings):
    settings.THROUGHGATE_SCHEDULE = "tests.test_schedule.TWICE"
    with pytest.raises(ValueError, match="same name"):
        schedule.jobs()


TWICE = [COUNTING, COUNTING]


def test_the_project_schedule_names_real_functions():
    from config.schedule import JOBS as declared

    assert {job.name for job in declared} >= {
        "selfservice.escalate",
        "welfare.score_day",
        "welfare.review_reminders",
        "selfservice.timetable_sessions",
        "access.flush_usage",
    }
    for job in declared:
        assert callable(job.function()), job.name


# --- one run per slot ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_due_job_runs_once_and_a_restarted_worker_does_not_repeat_the_slot():
    first = schedule.tick(worker="a", clock=at(NOW), declared=[COUNTING])
    assert [run.status for run in first.ran] == [JobRunStatus.SUCCEEDED]
    again = schedule.tick(worker="b", clock=at(NOW + timedelta(minutes=3)), declared=[COUNTING])
    assert again.ran == []
    assert CALLS == ["count 2026-07-01T09:00:00+00:00"]
    later = schedule.tick(worker="b", clock=at(NOW + timedelta(minutes=10)), declared=[COUNTING])
    assert [run.slot for run in later.ran] == [datetime(2026, 7, 1, 9, 15, tzinfo=UTC)]


@pytest.mark.django_db(transaction=True)
def test_two_workers_started_at_the_same_time_run_a_due_job_once():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # Django's in-memory test database is shared between threads through SQLite's shared cache, where a table
        # lock fails at once ("database table is locked") instead of waiting: the race is tested on PostgreSQL.
        pytest.skip("threads need a shared database: run with the file or PostgreSQL test database")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            start.wait(timeout=10)
            schedule.tick(worker=name, clock=at(NOW), declared=[COUNTING])
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert CALLS == ["count 2026-07-01T09:00:00+00:00"]
    assert JobRun.objects.filter(job="test.count").count() == 1


@pytest.mark.django_db
def test_claiming_a_slot_twice_fails_the_second_time():
    slot = COUNTING.cadence.slot(NOW)
    assert schedule.claim(COUNTING, slot=slot, now=NOW, worker="a") is not None
    assert schedule.claim(COUNTING, slot=slot, now=NOW, worker="b") is None


# --- failures and retries ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failing_job_is_retried_then_succeeds():
    FAIL_TIMES["count"] = 1
    first = schedule.tick(worker="a", clock=at(NOW), declared=[FAILING]).ran[0]
    assert first.status == JobRunStatus.RETRYING
    assert first.error == "RuntimeError: the kitchen system did not answer"
    assert first.next_attempt_at == NOW + timedelta(minutes=5)
    assert schedule.tick(worker="a", clock=at(NOW + timedelta(minutes=4)), declared=[FAILING]).ran == []
    second = schedule.tick(worker="b", clock=at(NOW + timedelta(minutes=5)), declared=[FAILING]).ran[0]
    assert (second.pk, second.status, second.attempts, second.error) == (first.pk, JobRunStatus.SUCCEEDED, 2, "")
    assert len(CALLS) == 2


@pytest.mark.django_db
def test_a_job_that_keeps_failing_is_shown_failed_and_staff_are_told(client):
    place = EstablishmentFactory()
    it = make_staff("security_it", [place])
    officer = make_staff("wing_officer", [place])
    FAIL_TIMES["count"] = 10
    moment = NOW
    for _attempt in range(3):
        schedule.tick(worker="a", clock=at(moment), declared=JOBS)
        moment += timedelta(hours=1)
    run = JobRun.objects.get(job="test.fail")
    assert (run.status, run.attempts) == (JobRunStatus.FAILED, 3)
    assert schedule.tick(worker="a", clock=at(moment), declared=[FAILING]).ran == []  # given up: no fourth try
    told = Notification.objects.get(kind="core.job.failed")
    assert told.recipient == it
    assert "Always in trouble" in told.text["en"]
    assert told.text["cy"]
    assert not Notification.objects.filter(recipient=officer).exists()

    page = sign_in_staff(client, it).get("/jobs/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Always in trouble" in body
    assert "Failed" in body
    assert "the kitchen system did not answer" in body
    assert "3 attempts" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    welsh = client.get("/jobs/").content.decode()
    assert "Swyddi wedi’u hamserlennu" in welsh
    assert "Wedi methu" in welsh


@pytest.mark.django_db
def test_a_run_left_by_a_stopped_worker_is_taken_over_after_its_timeout():
    slot = COUNTING.cadence.slot(NOW)
    schedule.claim(COUNTING, slot=slot, now=NOW, worker="died")
    assert schedule.tick(worker="b", clock=at(NOW + timedelta(minutes=5)), declared=[COUNTING]).ran == []
    later = NOW + COUNTING.timeout + timedelta(minutes=1)
    report = schedule.tick(worker="b", now=later, clock=at(later), declared=[COUNTING])
    assert report.abandoned == 1
    retried = JobRun.objects.get(job="test.count", slot=slot)
    assert retried.status == JobRunStatus.RETRYING
    assert "stopped" in retried.error


# --- the command and the page --------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the worker, like django-tasks' own, drops connections between passes
def test_worker_once_runs_the_due_jobs_and_the_task_queue():
    out = StringIO()
    call_command("worker", "--once", stdout=out, stderr=StringIO())
    assert {run.job for run in JobRun.objects.all()} == {"test.count", "test.fail"}
    assert "test.count due" in out.getvalue()
    call_command("worker", "--once", stdout=StringIO(), stderr=StringIO())
    assert JobRun.objects.count() == 2  # same slots: nothing run twice


@pytest.mark.django_db
def test_only_staff_with_the_jobs_permission_see_the_jobs_page(client):
    place = EstablishmentFactory()
    assert sign_in_staff(client, make_staff("wing_officer", [place])).get("/jobs/").status_code == 403
    other = client.__class__()
    page = sign_in_staff(other, make_staff("governor", [place])).get("/jobs/")
    assert page.status_code == 200
    assert "Not run yet" in page.content.decode()
