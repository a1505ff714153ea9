"""Concurrency on a real PostgreSQL: 20 parallel retries of one kiosk submission store one app; 20 parallel apps of
a one-at-a-time type store one. Run with DATABASE_URL pointing at PostgreSQL; skipped on any other database."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from tests.factories import make_resident
from throughgate.core.errors import LimitExceeded
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.selfservice import services
from throughgate.selfservice.models import App, AppEvent
from throughgate.selfservice.tests.factories import app_type, key

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARALLEL = 20


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (DATABASE_URL), not {connection.vendor}")


def run_together(work: Callable[[int], Any], count: int = PARALLEL) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads released at the same moment; each uses its own connection."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001  (kept and checked by the test)
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_parallel_retries_of_one_submission_store_one_app(establishment: Any) -> None:
    person = make_resident(establishment)
    chosen = app_type(establishment, "wing")
    same = key()

    results = run_together(
        lambda _i: services.app_submit(user=person.user, app_type=chosen, body="A kettle", idempotency_key=same)
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert App.objects.count() == 1
    app = App.objects.get()
    assert {r.app.pk for r in results} == {app.pk}
    assert sum(r.created for r in results) == 1
    assert AppEvent.objects.filter(app=app, kind="submitted").count() == 1
    assert ActivityEvent.objects.filter(kind="app.submitted").count() == 1
    assert AuditEntry.objects.filter(action="selfservice.app.submitted").count() == 1


def test_twenty_parallel_apps_of_a_one_at_a_time_type_store_one(establishment: Any) -> None:
    person = make_resident(establishment)
    doctor = app_type(establishment, "doctor")

    results = run_together(
        lambda i: services.app_submit(user=person.user, app_type=doctor, body=f"Tooth {i}", idempotency_key=key())
    )

    stored = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, LimitExceeded)]
    assert len(stored) == 1
    assert len(refused) == PARALLEL - 1
    assert App.objects.filter(app_type=doctor).count() == 1
    assert ActivityEvent.objects.filter(kind="app.submitted").count() == 1
