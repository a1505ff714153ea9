"""What the canteen target would need (issue 4): 50 writers each calling one PL/pgSQL function that does an order's
writes (lock the account, the idempotency look-up, the week's total, the order and its line, the account and its
ledger entry, the stock, an audit row and an activity event) against 50 writers doing a plain row update, on the
same PostgreSQL, in the same run. Not Throughgate's code: lookalike tables in a throwaway database, to see how far
the order's database work alone lets the ratio go once Django's cost per statement is out of the way.

    DATABASE_URL=postgres://postgres@127.0.0.1:55440/cfloor uv run python bench/canteen_sql_floor.py
    ... bench/canteen_sql_floor.py --item-each    # each writer orders its own item: no shared stock row

The database named in DATABASE_URL is dropped and made again. Both sides go through Django's cursor in
``transaction.atomic()``, from one process per writer, as bench/canteen.py does. Results: docs/performance.md.
"""

# ruff: noqa: E501  (the SQL below keeps one statement or clause a line)
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

import psycopg

ROOT = Path(__file__).resolve().parent.parent

DDL = """
DROP TABLE IF EXISTS acct, ledger, ord, ord_line, item, audit, activity, counter CASCADE;
CREATE TABLE acct (id int PRIMARY KEY, person int NOT NULL, balance bigint NOT NULL CHECK (balance >= 0), seq int NOT NULL DEFAULT 0);
CREATE TABLE ledger (id bigserial PRIMARY KEY, account_id int NOT NULL REFERENCES acct, seq int NOT NULL, kind text NOT NULL,
  amount bigint NOT NULL, balance_after bigint NOT NULL CHECK (balance_after >= 0), description text NOT NULL,
  idempotency_key text NOT NULL, created_at timestamptz NOT NULL, UNIQUE (account_id, seq), UNIQUE (account_id, idempotency_key));
CREATE TABLE item (id int PRIMARY KEY, price int NOT NULL, stock bigint NOT NULL CHECK (stock >= 0));
CREATE TABLE ord (id bigserial PRIMARY KEY, person int NOT NULL, week date NOT NULL, total bigint NOT NULL, status text NOT NULL,
  idempotency_key text NOT NULL, placed_at timestamptz NOT NULL, UNIQUE (person, idempotency_key));
CREATE INDEX ON ord (person, week);
CREATE TABLE ord_line (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES ord, item_id int NOT NULL REFERENCES item, qty int NOT NULL, price int NOT NULL);
CREATE TABLE audit (id bigserial PRIMARY KEY, actor int, action text NOT NULL, person int, object text, purpose text,
  device text, ip inet, correlation uuid, at timestamptz NOT NULL, detail jsonb NOT NULL);
CREATE INDEX ON audit (at); CREATE INDEX ON audit (person, at); CREATE INDEX ON audit (actor, at);
CREATE TABLE activity (id bigserial PRIMARY KEY, person int NOT NULL, kind text NOT NULL, occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL, source text NOT NULL, value double precision, payload jsonb NOT NULL, idempotency_key text UNIQUE NOT NULL);
CREATE INDEX ON activity (person, occurred_at); CREATE INDEX ON activity (kind, occurred_at);
CREATE TABLE counter (id int PRIMARY KEY, n bigint NOT NULL);
CREATE OR REPLACE FUNCTION place_order(p_account int, p_item int, p_qty int, p_key text, p_actor int, p_corr uuid) RETURNS bigint AS $$
DECLARE a acct; price int; total bigint; spent bigint; o bigint; now_ timestamptz := now();
BEGIN
  SELECT * INTO a FROM acct WHERE id = p_account FOR UPDATE;
  SELECT id INTO o FROM ord WHERE person = a.person AND idempotency_key = p_key;
  IF FOUND THEN RETURN o; END IF;
  SELECT i.price INTO price FROM item i WHERE i.id = p_item;
  total := price * p_qty;
  SELECT coalesce(sum(ord.total), 0) INTO spent FROM ord WHERE person = a.person AND week = date_trunc('week', now_)::date AND status <> 'CANCELLED';
  IF a.balance < total THEN RAISE EXCEPTION 'not enough money' USING ERRCODE = 'P0001'; END IF;
  INSERT INTO ord (person, week, total, status, idempotency_key, placed_at) VALUES (a.person, date_trunc('week', now_)::date, total, 'PLACED', p_key, now_) RETURNING id INTO o;
  INSERT INTO ord_line (order_id, item_id, qty, price) VALUES (o, p_item, p_qty, price);
  UPDATE acct SET balance = balance - total, seq = seq + 1 WHERE id = p_account;
  INSERT INTO ledger (account_id, seq, kind, amount, balance_after, description, idempotency_key, created_at)
    VALUES (p_account, a.seq + 1, 'canteen', -total, a.balance - total, 'Canteen order', p_key, now_);
  UPDATE item SET stock = stock - p_qty WHERE id = p_item AND stock >= p_qty;
  IF NOT FOUND THEN RAISE EXCEPTION 'out of stock' USING ERRCODE = 'P0002'; END IF;
  INSERT INTO audit (actor, action, person, object, purpose, device, ip, correlation, at, detail)
    VALUES (p_actor, 'canteen.order_placed', a.person, 'order:' || o, '', 'kiosk-1', '127.0.0.1', p_corr, now_, jsonb_build_object('total', total));
  INSERT INTO activity (person, kind, occurred_at, recorded_at, source, value, payload, idempotency_key)
    VALUES (a.person, 'canteen.ordered', now_, now_, 'selfservice', total / 100.0, jsonb_build_object('order', o, 'lines', 1), 'canteen.ordered:' || o);
  RETURN o;
END $$ LANGUAGE plpgsql;
"""


def _set_up(url: str, writers: int, item_each: bool) -> None:
    admin = urlparse(url)._replace(path="/postgres").geturl()
    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(DDL)
        conn.execute("INSERT INTO acct SELECT g, g, 10000000000, 0 FROM generate_series(1, %s) g", [writers])
        conn.execute(
            "INSERT INTO item SELECT g, 120, 2000000000 FROM generate_series(1, %s) g", [writers if item_each else 1]
        )
        conn.execute("INSERT INTO counter SELECT g, 0 FROM generate_series(1, %s) g", [writers])


def _writer(kind: str, index: int, item: int, start: Any, seconds: float, results: Any) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("THROUGHGATE_ENV", "development")  # a throwaway server database: settings ask to be told
    os.environ["DJANGO_DEBUG"] = "false"
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    import django

    django.setup()
    from django.db import connection, transaction

    connection.ensure_connection()
    start.wait()
    done = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with transaction.atomic(), connection.cursor() as cursor:
            if kind == "updates":
                cursor.execute("UPDATE counter SET n = n + 1 WHERE id = %s", [index + 1])
            else:
                cursor.execute(
                    "SELECT place_order(%s, %s, 1, %s, %s, %s)",
                    [index + 1, item, uuid.uuid4().hex, index + 1, str(uuid.uuid4())],
                )
        done += 1
    results.put(done)


def _round(kind: str, writers: int, item_each: bool, seconds: float) -> float:
    ctx = mp.get_context("fork")
    start, results = ctx.Barrier(writers + 1), ctx.Queue()
    processes = [
        ctx.Process(target=_writer, args=(kind, i, i + 1 if item_each else 1, start, seconds, results))
        for i in range(writers)
    ]
    for process in processes:
        process.start()
    start.wait()
    began = time.monotonic()
    total = sum(results.get() for _ in processes)
    elapsed = time.monotonic() - began
    for process in processes:
        process.join()
    return total / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--item-each", action="store_true", help="each writer orders its own item")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a throwaway PostgreSQL database")
    _set_up(url, args.writers, args.item_each)
    rates: dict[str, list[float]] = {"updates": [], "orders": []}
    for n in range(args.rounds):
        for kind in ("updates", "orders"):
            rates[kind].append(_round(kind, args.writers, args.item_each, args.seconds))
            print(f"round {n + 1}: {kind:<8} {rates[kind][-1]:9.1f}/s", flush=True)
    updates, orders = statistics.median(rates["updates"]), statistics.median(rates["orders"])
    with psycopg.connect(url) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM ord), (SELECT count(*) FROM ledger), (SELECT count(*) FROM audit), "
            "(SELECT count(*) FROM activity)"
        ).fetchone()
    stock = "an item each" if args.item_each else "one shared item"
    print(
        f"\n{args.writers} writers, {stock}: plain updates {updates:.0f}/s, one-function orders {orders:.0f}/s, "
        f"ratio {orders / updates:.2f}x"
    )
    print(f"rows: orders, ledger entries, audit rows, activity events = {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
