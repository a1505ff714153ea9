"""Concurrency on a real PostgreSQL: 20 parallel retries of one kiosk submission store one app; 20 parallel apps of
a one-at-a-time type store one. Run with DATABASE_URL pointing at PostgreSQL; skipped on any other database.

Some tests open 50 connections at once, so two xdist workers need more than PostgreSQL's default 100 connections:
scripts/test starts its server with max_connections=300."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from tests.factories import make_resident
from throughgate.core.errors import LimitExceeded
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.selfservice.applications import services
from throughgate.selfservice.applications.models import App, AppEvent
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


def _unexpected(refused: list[Any], code: str) -> list[str]:
    """The refusals that are not ``code``, short enough to read in a failure message."""
    return [f"{type(r).__name__}: {r}" for r in refused if not (isinstance(r, LimitExceeded) and r.code == code)]


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


def _shopper(establishment: Any, spends: int, level: str = "Enhanced") -> Any:
    from throughgate.selfservice import defaults
    from throughgate.selfservice.money import services as money

    defaults.install_money_defaults(establishment=establishment)
    person = make_resident(establishment, incentive_level=level)
    money.money_credit(by=None, person=person, kind="spends", amount=spends, description="in", idempotency_key=key())
    return person


def test_fifty_parallel_canteen_orders_never_overdraw_and_lose_no_entry(establishment: Any) -> None:
    from throughgate.selfservice.money import services as money
    from throughgate.selfservice.money.models import CanteenItem, CanteenOrder, LedgerEntry

    person = _shopper(establishment, spends=3000)  # enough for 24 orders of tea at £1.25
    tea = CanteenItem.objects.get(establishment=establishment, code="tea")

    results = run_together(
        lambda _i: money.canteen_order_place(user=person.user, quantities={tea.pk: 1}, idempotency_key=key()),
        count=50,
    )

    placed = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, LimitExceeded) and r.code == "insufficient_funds" for r in refused), _unexpected(
        refused, "insufficient_funds"
    )
    assert len(placed) == 24
    entries = list(LedgerEntry.objects.filter(account__person=person).order_by("seq"))
    assert len(entries) == 1 + 24  # the credit and one entry per order: none lost, none extra
    assert [e.seq for e in entries] == list(range(1, 26))
    assert sum(e.amount for e in entries) == entries[-1].balance_after == 0
    assert all(e.balance_after >= 0 for e in entries)
    assert CanteenOrder.objects.filter(person=person).count() == 24
    tea.refresh_from_db()
    assert tea.stock == 200 - 24


def test_fifty_parallel_orders_never_pass_the_weekly_limit(establishment: Any) -> None:
    from throughgate.selfservice.money import services as money
    from throughgate.selfservice.money.models import CanteenItem, CanteenOrder

    person = _shopper(establishment, spends=100_000, level="Basic")  # rich, but Basic: £10.00 a week
    tea = CanteenItem.objects.get(establishment=establishment, code="tea")

    results = run_together(
        lambda _i: money.canteen_order_place(user=person.user, quantities={tea.pk: 1}, idempotency_key=key()),
        count=50,
    )

    assert sum(not isinstance(r, Exception) for r in results) == 8  # 8 x £1.25 = £10.00
    assert all(r.code == "weekly_limit" for r in results if isinstance(r, Exception))
    assert sum(o.total for o in CanteenOrder.objects.filter(person=person)) == 1000


def test_fifty_parallel_orders_never_take_more_than_the_stock(establishment: Any) -> None:
    from throughgate.selfservice.money import services as money
    from throughgate.selfservice.money.models import CanteenItem, CanteenOrder, LedgerEntry

    shoppers = [_shopper(establishment, spends=10_000) for _ in range(5)]
    CanteenItem.objects.filter(establishment=establishment, code="tuna").update(stock=7)
    tuna = CanteenItem.objects.get(establishment=establishment, code="tuna")

    results = run_together(
        lambda i: money.canteen_order_place(user=shoppers[i % 5].user, quantities={tuna.pk: 1}, idempotency_key=key()),
        count=50,
    )

    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, LimitExceeded) and r.code == "out_of_stock" for r in refused), _unexpected(
        refused, "out_of_stock"
    )
    assert sum(not isinstance(r, Exception) for r in results) == 7
    tuna.refresh_from_db()
    assert tuna.stock == 0
    assert CanteenOrder.objects.count() == 7
    assert LedgerEntry.objects.filter(kind="canteen").count() == 7  # a refused order leaves no entry behind


def test_the_chain_is_enforced_by_postgresql(establishment: Any) -> None:
    from django.db import DatabaseError, IntegrityError, transaction

    from throughgate.selfservice.money.models import Account, LedgerEntry

    person = _shopper(establishment, spends=500)
    account = Account.objects.get(person=person, kind="spends")
    # An entry that claims the account held £10 before it, when it held £5: the composite foreign key refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            account=account, seq=2, prev_seq=1, prev_balance=1000, amount=-1000, balance_after=0, kind="debit"
        )
    # Raw SQL cannot rewrite history either.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE selfservice_ledgerentry SET amount = 1 WHERE account_id = %s", [account.pk])
