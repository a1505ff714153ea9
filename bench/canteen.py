"""Canteen benchmark: 50 parallel writers placing canteen orders through the real service against 50 writers doing a
plain row update, on the same PostgreSQL, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:55433/bench_canteen uv run python bench/canteen.py
    ... bench/canteen.py --shared          # every writer orders on ONE account (and updates one row)
    ... bench/canteen.py --seconds 10 --rounds 3 --writers 50

Target (the issue): orders/s >= 0.5x plain row updates/s. Exit 1 if a round's median ratio is under it, or if the
ledger is not sound afterwards.

What is compared. Each writer is its own process with its own database connection (Django, production-like settings,
DEBUG off), started together. An **order** is ``money.services.canteen_order_place``: the permission and resident
checks, the idempotency lookup, the weekly limit, ``SELECT ... FOR UPDATE`` on the person's spends account and on the
canteen item, the stock update, the order and its line, the ledger entry, the audit row and the activity event, in
one transaction. A **plain row update** is ``UPDATE bench_counter SET n = n + 1 WHERE id = %s`` in its own
transaction, from the same kind of process. By default each writer has its own account and its own counter row
(the locks never meet, except on the canteen item's stock row, which every order takes); with ``--shared`` every
writer uses one account and one counter row, so both sides queue on one row lock.

The database in DATABASE_URL must be a throwaway one: it is dropped and created again, migrated, and filled with a
bench establishment (``BCH``). Afterwards every account's entries are checked: balances equal the sum of entries, none
negative, one entry per order.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
RATIO_TARGET = 0.5
CODE = "BCH"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a throwaway PostgreSQL database, e.g. postgres://postgres@127.0.0.1:55433/bench")
    return url


def _create_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("THROUGHGATE_ENV", "development")  # a throwaway server database: settings ask to be told
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("AXES_ENABLED", "false")
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    import django

    django.setup()


def _set_up(writers: int, shared: bool) -> dict[str, Any]:
    """Migrate; make the bench establishment, its canteen, one resident per writer (or one for all) with money."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from tests.factories import make_resident  # the same helper the tests use: a resident who can sign in
    from throughgate.identity.models import Establishment
    from throughgate.selfservice import defaults
    from throughgate.selfservice.money import services
    from throughgate.selfservice.money.models import CanteenItem, SpendLimit

    place, _created = Establishment.objects.get_or_create(code=CODE, defaults={"name": "HMP Bench"})
    defaults.install_money_defaults(establishment=place)
    SpendLimit.objects.filter(establishment=place).update(weekly_limit=2_000_000_000)
    CanteenItem.objects.filter(establishment=place).update(stock=2_000_000_000)
    tea = CanteenItem.objects.get(establishment=place, code="tea")
    people = [make_resident(place, incentive_level="Enhanced") for _ in range(1 if shared else writers)]
    for person in people:
        for _ in range(20 if shared else 2):  # £10,000 a credit (the service's cap)
            services.money_credit(
                by=None, person=person, kind="spends", amount=1_000_000, description="Bench", idempotency_key=_key()
            )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_counter (id integer PRIMARY KEY, n bigint NOT NULL)")
        cursor.execute("TRUNCATE bench_counter")
        cursor.execute(
            "INSERT INTO bench_counter (id, n) SELECT g, 0 FROM generate_series(1, %s) g", [1 if shared else writers]
        )
    connection.close()
    return {"users": [p.user.pk for p in people], "tea": tea.pk}


def _key() -> str:
    return uuid.uuid4().hex


def _writer(kind: str, index: int, setup: dict[str, Any], start: Any, seconds: float, results: Any) -> None:
    """One writer process: wait for the others, then write for ``seconds``; report how many writes and errors."""
    from django.db import connection, transaction

    connection.close()  # never share the parent's connection
    from throughgate.identity.models import User
    from throughgate.selfservice.money import services

    users = setup["users"]
    user = User.objects.get(pk=users[index % len(users)])
    row = index % len(users) + 1
    tea = setup["tea"]
    connection.ensure_connection()
    start.wait()
    done = errors = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if kind == "orders":
                services.canteen_order_place(user=user, quantities={tea: 1}, idempotency_key=_key())
            else:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("UPDATE bench_counter SET n = n + 1 WHERE id = %s", [row])
            done += 1
        except Exception:  # noqa: BLE001  (counted and reported: a bench must not stop on one refusal)
            errors += 1
    results.put((done, errors))
    connection.close()


def _round(kind: str, writers: int, setup: dict[str, Any], seconds: float) -> tuple[float, int]:
    ctx = mp.get_context("fork")
    start = ctx.Barrier(writers + 1)
    results = ctx.Queue()
    processes = [ctx.Process(target=_writer, args=(kind, i, setup, start, seconds, results)) for i in range(writers)]
    for process in processes:
        process.start()
    start.wait()
    began = time.monotonic()
    outcomes = [results.get() for _ in processes]
    elapsed = time.monotonic() - began
    for process in processes:
        process.join()
    return sum(done for done, _errors in outcomes) / elapsed, sum(errors for _done, errors in outcomes)


def _check_ledger() -> list[str]:
    from django.db.models import Count, Sum

    from throughgate.selfservice.money.models import Account, CanteenOrder, LedgerEntry

    problems = []
    for account in Account.objects.filter(person__establishment__code=CODE):
        entries = LedgerEntry.objects.filter(account=account)
        last = entries.order_by("-seq").first()
        total = entries.aggregate(total=Sum("amount"), n=Count("pk"))
        if last is None:
            continue
        if last.balance_after != total["total"] or last.seq != total["n"]:
            problems.append(f"account {account.pk}: balance {last.balance_after} != sum {total['total']}")
        if entries.filter(balance_after__lt=0).exists():
            problems.append(f"account {account.pk}: a negative balance")
    orders = CanteenOrder.objects.filter(establishment__code=CODE).count()
    paid = LedgerEntry.objects.filter(account__person__establishment__code=CODE, kind="canteen").count()
    if orders != paid:
        problems.append(f"{orders} orders but {paid} canteen entries")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each round (default 8)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each kind, alternating (default 2)")
    parser.add_argument("--shared", action="store_true", help="every writer on one account and one counter row")
    args = parser.parse_args(argv)
    url = _database_url()
    _create_database(url)
    _django()
    from django import db

    setup = _set_up(args.writers, args.shared)
    db.connections.close_all()
    rates: dict[str, list[float]] = {"updates": [], "orders": []}
    failed: dict[str, int] = {"updates": 0, "orders": 0}
    for n in range(args.rounds):
        for kind in ("updates", "orders"):
            rate, errors = _round(kind, args.writers, setup, args.seconds)
            rates[kind].append(rate)
            failed[kind] += errors
            print(f"round {n + 1}: {kind:<8} {rate:9.1f}/s  ({errors} errors)", flush=True)
    updates, orders = statistics.median(rates["updates"]), statistics.median(rates["orders"])
    ratio = orders / updates if updates else 0.0
    mode = "one shared account and row" if args.shared else "an account and a row each"
    print(f"\n{args.writers} writers, {mode}, {args.rounds} x {args.seconds:g} s each, PostgreSQL {_server_version()}")
    print(f"  plain row updates  {updates:9.1f}/s")
    print(f"  canteen orders     {orders:9.1f}/s")
    print(f"  ratio              {ratio:9.2f}x   (target >= {RATIO_TARGET}x)")
    problems = _check_ledger()
    for problem in problems:
        print(f"  LEDGER: {problem}")
    if failed["orders"]:
        print(f"  {failed['orders']} orders were refused or failed")
    ok = ratio >= RATIO_TARGET and not problems
    print("  PASS" if ok else "  FAIL")
    return 0 if ok else 1


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0])


if __name__ == "__main__":
    sys.exit(main())
