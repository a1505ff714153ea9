"""Money and canteen: the ledger adds up and never goes below zero (a property test over random sequences of
credits, debits, transfers and orders), the weekly spend limit of the incentive level, stock, refunds, the cut-off
week, idempotency, and who may do what."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_resident, make_staff
from throughgate.core.errors import InvalidInput, LimitExceeded, NotVisible
from throughgate.core.models import ActivityEvent, AppendOnlyError, AuditEntry
from throughgate.selfservice import defaults
from throughgate.selfservice.money import selectors, services
from throughgate.selfservice.money.models import (
    Account,
    AccountKind,
    CanteenItem,
    CanteenOrder,
    CanteenSchedule,
    LedgerEntry,
    SpendLimit,
)
from throughgate.selfservice.tests.factories import key

pytestmark = pytest.mark.django_db

KINDS = [k.value for k in AccountKind]


@pytest.fixture
def shop(establishment: Any) -> Any:
    defaults.install_money_defaults(establishment=establishment)
    return establishment


@pytest.fixture
def finance(shop: Any) -> Any:
    return make_staff("governor", [shop])


def item(establishment: Any, code: str) -> CanteenItem:
    return CanteenItem.objects.get(establishment=establishment, code=code)


def credit(finance: Any, person: Any, pence: int, kind: str = "spends") -> None:
    services.money_credit(
        by=finance, person=person, kind=kind, amount=pence, description="Postal order", idempotency_key=key()
    )


def assert_ledger_sound(person: Any) -> None:
    for account in Account.objects.filter(person=person):
        entries = list(account.entries.order_by("seq"))
        total = sum(e.amount for e in entries)
        assert selectors.balance(account) == total
        assert total >= 0
        assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
        running = 0
        for entry in entries:
            assert entry.prev_balance == running
            running += entry.amount
            assert entry.balance_after == running >= 0


# --- The ledger ------------------------------------------------------------------------------------------------


def test_a_credit_is_an_entry_with_audit_row_and_activity_event(shop: Any, finance: Any) -> None:
    person = make_resident(shop)
    entry = services.money_credit(
        by=finance, person=person, kind="private_cash", amount=1500, description="Postal order", idempotency_key=key()
    )
    assert entry.balance_after == 1500
    assert AuditEntry.objects.filter(action="selfservice.money.credited", subject=person.prison_number).exists()
    event = ActivityEvent.objects.get(kind="money.received")
    assert event.value == 15.0


def test_a_credit_is_stored_once_per_key(shop: Any, finance: Any) -> None:
    person = make_resident(shop)
    same = key()
    for _ in range(3):
        services.money_credit(
            by=finance, person=person, kind="spends", amount=500, description="Wages", idempotency_key=same
        )
    assert LedgerEntry.objects.count() == 1
    assert ActivityEvent.objects.filter(kind="money.received").count() == 1


def test_a_debit_beyond_the_balance_is_refused(shop: Any, finance: Any) -> None:
    person = make_resident(shop)
    credit(finance, person, 300)
    with pytest.raises(LimitExceeded, match="not enough money"):
        services.money_debit(
            by=finance, person=person, kind="spends", amount=301, description="Damage", idempotency_key=key()
        )
    services.money_debit(
        by=finance, person=person, kind="spends", amount=300, description="Damage", idempotency_key=key()
    )
    assert selectors.balances_of_resident(user=person.user)[0].pence == 0


def test_the_database_refuses_a_negative_balance_or_a_broken_chain(shop: Any, finance: Any) -> None:
    person = make_resident(shop)
    credit(finance, person, 100)
    account = Account.objects.get(person=person, kind="spends")
    base = {"account": account, "kind": "debit", "description": "x"}
    with pytest.raises(IntegrityError), transaction.atomic():  # below zero
        LedgerEntry.objects.create(**base, seq=2, prev_seq=1, prev_balance=100, amount=-101, balance_after=-1)
    with pytest.raises(IntegrityError), transaction.atomic():  # does not add up
        LedgerEntry.objects.create(**base, seq=2, prev_seq=1, prev_balance=100, amount=-10, balance_after=50)
    with pytest.raises(IntegrityError), transaction.atomic():  # a second entry in the same place
        LedgerEntry.objects.create(**base, seq=1, prev_seq=None, prev_balance=0, amount=5, balance_after=5)


def test_entries_cannot_be_changed_or_deleted(shop: Any, finance: Any) -> None:
    person = make_resident(shop)
    credit(finance, person, 100)
    entry = LedgerEntry.objects.get()
    entry.amount = 1000
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()


def test_transfers_follow_the_establishments_rules(shop: Any, finance: Any) -> None:
    person = make_resident(shop)
    credit(finance, person, 5000, "private_cash")
    services.money_transfer(
        by=person.user, person=person, from_kind="private_cash", to_kind="spends", amount=1500, idempotency_key=key()
    )
    balances = {b.kind: b.pence for b in selectors.balances_of_resident(user=person.user)}
    assert balances == {"spends": 1500, "private_cash": 3500, "savings": 0}
    # The weekly cap of this rule is £20.
    with pytest.raises(LimitExceeded, match=re.escape("£5.00 more this week")):
        services.money_transfer(
            by=person.user, person=person, from_kind="private_cash", to_kind="spends", amount=600, idempotency_key=key()
        )
    # Savings back to spends is for staff only.
    services.money_transfer(
        by=person.user, person=person, from_kind="spends", to_kind="savings", amount=500, idempotency_key=key()
    )
    with pytest.raises(LimitExceeded, match="Ask an officer"):
        services.money_transfer(
            by=person.user, person=person, from_kind="savings", to_kind="spends", amount=100, idempotency_key=key()
        )
    services.money_transfer(
        by=finance, person=person, from_kind="savings", to_kind="spends", amount=100, idempotency_key=key()
    )
    assert_ledger_sound(person)


def test_a_resident_cannot_move_another_residents_money(shop: Any, finance: Any) -> None:
    mine, theirs = make_resident(shop), make_resident(shop)
    credit(finance, theirs, 1000, "private_cash")
    with pytest.raises(NotVisible):
        services.money_transfer(
            by=mine.user, person=theirs, from_kind="private_cash", to_kind="spends", amount=100, idempotency_key=key()
        )
    with pytest.raises(PermissionDenied):
        services.money_credit(
            by=mine.user, person=mine, kind="spends", amount=100, description="x", idempotency_key=key()
        )


# --- Canteen ---------------------------------------------------------------------------------------------------


def test_an_order_pays_from_spends_takes_stock_and_is_recorded(shop: Any, finance: Any) -> None:
    person = make_resident(shop)
    credit(finance, person, 2000)
    tea, noodles = item(shop, "tea"), item(shop, "noodles")
    placed = services.canteen_order_place(
        user=person.user, quantities={tea.pk: 1, noodles.pk: 4}, idempotency_key=key()
    )
    assert placed.created
    assert placed.order.total == 125 + 4 * 45
    assert selectors.spends_of_resident(user=person.user) == 2000 - 305
    tea.refresh_from_db()
    assert tea.stock == 199
    assert ActivityEvent.objects.get(kind="canteen.ordered").value == pytest.approx(3.05)
    assert AuditEntry.objects.filter(action="selfservice.canteen.ordered").count() == 1


def test_an_order_over_the_weekly_limit_is_refused_and_changes_nothing(shop: Any, finance: Any) -> None:
    person = make_resident(shop, incentive_level="Basic")  # £10 a week
    credit(finance, person, 5000)
    stamps = item(shop, "stamps")
    services.canteen_order_place(user=person.user, quantities={stamps.pk: 2}, idempotency_key=key())  # £6.80
    with pytest.raises(LimitExceeded, match=re.escape("You can spend £3.20 more this week")):
        services.canteen_order_place(user=person.user, quantities={stamps.pk: 1}, idempotency_key=key())
    assert CanteenOrder.objects.count() == 1
    assert selectors.spends_of_resident(user=person.user) == 5000 - 680
    # The limit follows the level, per establishment.
    SpendLimit.objects.filter(establishment=shop, incentive_level="Basic").update(weekly_limit=2000)
    services.canteen_order_place(user=person.user, quantities={stamps.pk: 1}, idempotency_key=key())


def test_an_order_without_the_money_is_refused(shop: Any, finance: Any) -> None:
    person = make_resident(shop)
    credit(finance, person, 100)
    with pytest.raises(LimitExceeded, match="not enough money"):
        services.canteen_order_place(user=person.user, quantities={item(shop, "tea").pk: 1}, idempotency_key=key())
    assert CanteenOrder.objects.count() == 0
    assert item(shop, "tea").stock == 200


def test_stock_and_bad_orders(shop: Any, finance: Any, other_establishment: Any) -> None:
    person = make_resident(shop)
    credit(finance, person, 5000)
    CanteenItem.objects.filter(code="coffee").update(stock=1)
    with pytest.raises(LimitExceeded, match="Only 1 left of Instant coffee"):
        services.canteen_order_place(user=person.user, quantities={item(shop, "coffee").pk: 2}, idempotency_key=key())
    with pytest.raises(InvalidInput):
        services.canteen_order_place(user=person.user, quantities={}, idempotency_key=key())
    with pytest.raises(InvalidInput):
        services.canteen_order_place(user=person.user, quantities={item(shop, "tea").pk: 21}, idempotency_key=key())
    defaults.install_money_defaults(establishment=other_establishment)
    elsewhere = CanteenItem.objects.get(establishment=other_establishment, code="tea")
    with pytest.raises(NotVisible):
        services.canteen_order_place(user=person.user, quantities={elsewhere.pk: 1}, idempotency_key=key())


@pytest.mark.parametrize("item_id", [2**70, -(2**70), 2**63, 0])
def test_an_item_id_the_database_cannot_hold_is_not_on_the_list(shop: Any, finance: Any, item_id: int) -> None:
    """2**70 once raised OverflowError in SQLite's driver (a 500): ids outside a 64-bit key are simply not there."""
    person = make_resident(shop)
    credit(finance, person, 5000)
    with pytest.raises(NotVisible):
        services.canteen_order_place(user=person.user, quantities={item_id: 1}, idempotency_key=key())


def test_an_order_is_stored_once_per_key(shop: Any, finance: Any) -> None:
    person = make_resident(shop)
    credit(finance, person, 5000)
    same = key()
    first = services.canteen_order_place(user=person.user, quantities={item(shop, "tea").pk: 1}, idempotency_key=same)
    again = services.canteen_order_place(user=person.user, quantities={item(shop, "tea").pk: 1}, idempotency_key=same)
    assert not again.created
    assert again.order.pk == first.order.pk
    assert CanteenOrder.objects.count() == 1
    assert selectors.spends_of_resident(user=person.user) == 5000 - 125


def test_unavailable_items_are_refunded_on_delivery(shop: Any, finance: Any) -> None:
    person = make_resident(shop)
    credit(finance, person, 2000)
    tea, fruit = item(shop, "tea"), item(shop, "fruit")
    order = services.canteen_order_place(
        user=person.user, quantities={tea.pk: 2, fruit.pk: 1}, idempotency_key=key()
    ).order
    canteen = make_staff("governor", [shop])
    services.canteen_order_deliver(by=canteen, order=order, unavailable_item_ids=[fruit.pk])
    order.refresh_from_db()
    assert order.status == "DELIVERED"
    assert order.refunded == 120
    assert selectors.spends_of_resident(user=person.user) == 2000 - 250
    with pytest.raises(LimitExceeded, match="already been delivered"):
        services.canteen_order_deliver(by=canteen, order=order, unavailable_item_ids=[tea.pk])
    # The refund is money the person may spend again this week.
    assert selectors.spent_in_week(person, order.week_closes_at) == 250
    assert_ledger_sound(person)


@pytest.mark.parametrize(
    ("now", "closes"),
    [
        (dt.datetime(2026, 11, 23, 9, 0), dt.datetime(2026, 11, 25, 12, 0)),  # Monday: this Wednesday noon
        (dt.datetime(2026, 11, 25, 11, 59), dt.datetime(2026, 11, 25, 12, 0)),  # a minute before the cut-off
        (dt.datetime(2026, 11, 25, 12, 0), dt.datetime(2026, 12, 2, 12, 0)),  # at the cut-off: next week
        (dt.datetime(2026, 11, 28, 18, 0), dt.datetime(2026, 12, 2, 12, 0)),  # Saturday: next week
    ],
)
def test_an_order_counts_towards_the_week_whose_cut_off_is_next(now: dt.datetime, closes: dt.datetime) -> None:
    london = ZoneInfo("Europe/London")
    schedule = CanteenSchedule(cutoff_weekday=2, cutoff_hour=12)
    assert selectors.week_closes_at(schedule, now.replace(tzinfo=london)) == closes.replace(tzinfo=london)


# --- The property: any sequence keeps every balance equal to the sum of its entries, never below zero ----------

operation = st.one_of(
    st.tuples(st.just("credit"), st.sampled_from(KINDS), st.integers(1, 3000)),
    st.tuples(st.just("debit"), st.sampled_from(KINDS), st.integers(1, 3000)),
    st.tuples(st.just("transfer"), st.sampled_from(KINDS), st.sampled_from(KINDS), st.integers(1, 3000)),
    st.tuples(st.just("order"), st.sampled_from(["tea", "stamps", "phone_credit", "noodles"]), st.integers(1, 6)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(operation, min_size=1, max_size=25))
def test_any_sequence_keeps_the_ledger_sound(shop: Any, finance: Any, steps: list[tuple[Any, ...]]) -> None:
    person = make_resident(shop, incentive_level="Basic")
    limit = 1000
    for step in steps:
        before = {a.kind: selectors.balance(a) for a in Account.objects.filter(person=person)}
        spent_before = CanteenOrder.objects.filter(person=person).aggregate(t=Sum("total"))["t"] or 0
        try:
            if step[0] == "credit":
                services.money_credit(
                    by=finance, person=person, kind=step[1], amount=step[2], description="in", idempotency_key=key()
                )
            elif step[0] == "debit":
                services.money_debit(
                    by=finance, person=person, kind=step[1], amount=step[2], description="out", idempotency_key=key()
                )
            elif step[0] == "transfer":
                services.money_transfer(
                    by=finance,
                    person=person,
                    from_kind=step[1],
                    to_kind=step[2],
                    amount=step[3],
                    idempotency_key=key(),
                )
            else:
                chosen = item(shop, step[1])
                if spent_before + chosen.price * step[2] > limit:  # an order over the limit is always refused
                    with pytest.raises(LimitExceeded) as refused:
                        services.canteen_order_place(
                            user=person.user, quantities={chosen.pk: step[2]}, idempotency_key=key()
                        )
                    assert refused.value.code == "weekly_limit"
                    raise refused.value
                services.canteen_order_place(user=person.user, quantities={chosen.pk: step[2]}, idempotency_key=key())
        except (LimitExceeded, InvalidInput):
            after = {a.kind: selectors.balance(a) for a in Account.objects.filter(person=person)}
            assert {k: v for k, v in after.items() if v or k in before} == {
                k: v for k, v in before.items() if v or k in after
            }  # a refused step changes no balance
        assert_ledger_sound(person)
