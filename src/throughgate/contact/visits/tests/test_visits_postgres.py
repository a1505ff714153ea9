"""Visits on a real PostgreSQL: two families racing for the last table get one booking and one clear refusal;
twenty retries of one booking store one. Run with DATABASE_URL pointing at PostgreSQL; skipped on any other
database."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from tests.factories import make_resident
from throughgate.contact.tests.factories import approved_contact, family_user, key, next_weekday, session
from throughgate.contact.visits import services
from throughgate.contact.visits.models import Visit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (DATABASE_URL), not {connection.vendor}")


def run_together(work: Callable[[int], Any], count: int) -> list[Any]:
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
        thread.join()
    return results


def test_two_families_racing_for_the_last_table_get_one_booking_and_one_refusal(establishment: Any) -> None:
    s = session(establishment, open_capacity=1, closed=0)
    day = next_weekday(s.weekday)
    families = []
    for n in range(2):
        person = make_resident(establishment)
        email = f"racer{n}@example.org"
        families.append((family_user(email), approved_contact(person, f"Racer{n}", "Family", email=email)))
    for attempt in range(5):  # the slot row is made by the first booking: race on a new one, then on made ones
        Visit.objects.all().delete()
        results = run_together(
            lambda i: services.visit_book_by_family(
                user=families[i][0], lead=families[i][1], session=s, day=day, visitors=[], idempotency_key=key()
            ),
            2,
        )
        won = [r for r in results if isinstance(r, services.Booked)]
        refused = [r for r in results if isinstance(r, services.VisitRefused)]
        assert len(won) == 1, (attempt, results)
        assert len(refused) == 1, (attempt, results)
        assert refused[0].code == "full"
        assert refused[0].message == "That visiting time is full. Choose another time."
        assert Visit.objects.count() == 1


def test_twenty_retries_of_one_booking_store_one(establishment: Any) -> None:
    person = make_resident(establishment)
    contact = approved_contact(person, "Retry", "Family", email="retry@example.org")
    user = family_user("retry@example.org")
    s = session(establishment)
    day = next_weekday(s.weekday)
    same = key()
    results = run_together(
        lambda _i: services.visit_book_by_family(
            user=user, lead=contact, session=s, day=day, visitors=[], idempotency_key=same
        ),
        20,
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(1 for r in results if r.created) == 1
    assert Visit.objects.count() == 1
