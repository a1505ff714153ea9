"""Money and canteen writes. Money is a ledger: every change is a new entry on an account, never an edited balance,
and the database refuses a negative balance. A writer locks the account row first (select_for_update on
PostgreSQL; SQLite serialises writers anyway), reads the last entry, and appends the next one.

Lock order, everywhere: accounts (by id), then canteen items (by id). Keeping one order means two writers never
wait for each other in a circle.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import activity, audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, LimitExceeded, NotVisible
from throughgate.core.idempotency import clean_idempotency_key
from throughgate.core.validators import is_database_id
from throughgate.identity.models import User
from throughgate.people.models import Person
from throughgate.people.selectors import own_record_for
from throughgate.selfservice import events
from throughgate.selfservice.money.models import (
    Account,
    AccountKind,
    CanteenItem,
    CanteenOrder,
    CanteenOrderLine,
    CanteenOrderStatus,
    EntryKind,
    LedgerEntry,
    SpendLimit,
    TransferRule,
    pounds,
)
from throughgate.selfservice.money.selectors import schedule_of, spent_in_week, week_closes_at
from throughgate.selfservice.permissions import MANAGE_CANTEEN, MANAGE_MONEY, USE_MONEY

SOURCE = "selfservice"
MAX_AMOUNT = 1_000_000  # £10,000 in pence: anything bigger is a typing mistake
MAX_QUANTITY = 20


def _clean_amount(amount: int) -> int:
    if not isinstance(amount, int) or amount <= 0:
        raise InvalidInput(_("Enter an amount more than £0."), code="amount_invalid", field="amount")
    if amount > MAX_AMOUNT:
        raise InvalidInput(_("That amount is too big."), code="amount_too_big", field="amount")
    return amount


def _kind(raw: str) -> str:
    if raw not in AccountKind.values:
        raise InvalidInput(_("Choose an account."), code="account_invalid", field="account")
    return raw


def account_of(person: Person, kind: str) -> Account:
    """The person's account of this kind, opened the first time it is needed."""
    account = Account.objects.filter(person=person, kind=kind).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(person=person, kind=kind)
    except IntegrityError:
        return Account.objects.get(person=person, kind=kind)


def _lock(*accounts: Account) -> None:
    """Lock the account rows, in id order, for the rest of the transaction."""
    list(Account.objects.select_for_update().filter(pk__in=[a.pk for a in accounts]).order_by("pk"))


def _post(
    account: Account,
    *,
    amount: int,
    kind: str,
    description: str,
    actor: User | None,
    at: datetime,
    key: str | None = None,
    group: str = "",
    order: CanteenOrder | None = None,
) -> LedgerEntry:
    """Append one entry to a locked account. Refuses (before the database would) to go below zero."""
    last = LedgerEntry.objects.filter(account=account).order_by("-seq").first()
    before = last.balance_after if last else 0
    after = before + amount
    if after < 0:
        raise LimitExceeded(
            _("There is not enough money. You have %(balance)s in %(account)s.")
            % {"balance": pounds(before), "account": AccountKind(account.kind).label},
            code="insufficient_funds",
        )
    return LedgerEntry.objects.create(
        account=account,
        seq=last.seq + 1 if last else 1,
        prev_seq=last.seq if last else None,
        prev_balance=before,
        amount=amount,
        balance_after=after,
        kind=kind,
        description=description[:200],
        at=at,
        actor=actor,
        idempotency_key=key,
        transfer_group=group,
        order=order,
    )


# --- Money in, money out, moving money -----------------------------------------------------------------------


def _ensure_works_at(by: User, person: Person) -> None:
    """Finance staff handle the money of people in an establishment they work in, nobody else's."""
    if not by.is_staff_member or person.establishment_id is None:
        raise NotVisible(_("No record found"))
    if not by.sees_all_establishments and not by.assignments.filter(establishment_id=person.establishment_id).exists():
        raise NotVisible(_("No record found"))


def _clean_description(raw: str) -> str:
    text = " ".join((raw or "").split())
    if not text:
        raise InvalidInput(
            _("Enter what the person sees on their statement."), code="description_required", field="note"
        )
    return text[:200]


def money_credit(
    *,
    by: User | None,
    person: Person,
    kind: str,
    amount: int,
    description: str,
    idempotency_key: str,
    reason: str = "",
) -> LedgerEntry:
    """Pay money into an account (a postal order, wages, a transfer from another prison). ``by`` None is the system
    (an import or a scheduled job). Exactly once per idempotency key. ``reason`` (family, wages, ...) goes into the
    audit row and the ``money.received`` event."""
    if by is not None:
        ensure_can(by, MANAGE_MONEY)
        _ensure_works_at(by, person)
    amount = _clean_amount(amount)
    description = _clean_description(description)
    key = f"credit:{clean_idempotency_key(idempotency_key)}"
    account = account_of(person, _kind(kind))
    with transaction.atomic():
        _lock(account)
        existing = LedgerEntry.objects.filter(account=account, idempotency_key=key).first()
        if existing is not None:
            return existing
        now = timezone.now()
        entry = _post(account, amount=amount, kind=EntryKind.CREDIT, description=description, actor=by, at=now, key=key)
        audit.record(
            action=events.MONEY_CREDITED,
            actor=by,
            subject=person.prison_number,
            obj=entry,
            detail={"account": kind, "pence": amount, "reason": reason, "description": entry.description},
        )
        activity.emit(
            person=person.prison_number,
            kind=events.MONEY_RECEIVED_KIND,
            occurred_at=now,
            source=SOURCE,
            idempotency_key=f"money.received:{entry.pk}",
            value=amount / 100,
            payload={"account": kind, "reason": reason} if reason else {"account": kind},
        )
    return entry


def money_debit(
    *,
    by: User,
    person: Person,
    kind: str,
    amount: int,
    description: str,
    idempotency_key: str,
    reason: str = "",
) -> LedgerEntry:
    """Take money out of an account (a damage charge, money sent out). Refused if it would go below zero."""
    ensure_can(by, MANAGE_MONEY)
    _ensure_works_at(by, person)
    amount = _clean_amount(amount)
    description = _clean_description(description)
    key = f"debit:{clean_idempotency_key(idempotency_key)}"
    account = account_of(person, _kind(kind))
    with transaction.atomic():
        _lock(account)
        existing = LedgerEntry.objects.filter(account=account, idempotency_key=key).first()
        if existing is not None:
            return existing
        entry = _post(
            account,
            amount=-amount,
            kind=EntryKind.DEBIT,
            description=description,
            actor=by,
            at=timezone.now(),
            key=key,
        )
        audit.record(
            action=events.MONEY_DEBITED,
            actor=by,
            subject=person.prison_number,
            obj=entry,
            detail={"account": kind, "pence": amount, "reason": reason, "description": entry.description},
        )
    return entry


@dataclass(frozen=True)
class Transfer:
    out: LedgerEntry
    into: LedgerEntry


def week_start(now: datetime) -> datetime:
    """Monday 00:00 (local time) of the week ``now`` is in."""
    local = timezone.localtime(now)
    monday = local.date() - timedelta(days=local.weekday())
    return timezone.make_aware(datetime.combine(monday, datetime.min.time()))


def money_transfer(
    *, by: User, person: Person, from_kind: str, to_kind: str, amount: int, idempotency_key: str
) -> Transfer:
    """Move money between two of a person's accounts, as the establishment's rules allow: a resident moves only
    their own money and only where the rule says they may; finance staff may make any move a rule allows."""
    amount = _clean_amount(amount)
    from_kind, to_kind = _kind(from_kind), _kind(to_kind)
    if by.is_resident:
        ensure_can(by, USE_MONEY)
        if own_record_for(user=by, permission=USE_MONEY).pk != person.pk:
            raise NotVisible(_("No record found"))
    else:
        ensure_can(by, MANAGE_MONEY)
        _ensure_works_at(by, person)
    rule = TransferRule.objects.filter(establishment=person.establishment, from_kind=from_kind, to_kind=to_kind).first()
    if rule is None or (by.is_resident and not rule.resident_may):
        raise LimitExceeded(
            _("You cannot move money from %(from)s to %(to)s here. Ask an officer.")
            % {"from": AccountKind(from_kind).label, "to": AccountKind(to_kind).label},
            code="transfer_not_allowed",
        )
    key = clean_idempotency_key(idempotency_key)
    source, target = account_of(person, from_kind), account_of(person, to_kind)
    with transaction.atomic():
        _lock(source, target)
        existing = LedgerEntry.objects.filter(account=source, idempotency_key=f"transfer:{key}").first()
        if existing is not None:
            return Transfer(existing, LedgerEntry.objects.get(transfer_group=existing.transfer_group, account=target))
        now = timezone.now()
        prefix = f"{from_kind}>{to_kind}:"
        if rule.weekly_limit is not None:
            moved = -(
                LedgerEntry.objects.filter(
                    account=source,
                    kind=EntryKind.TRANSFER_OUT,
                    transfer_group__startswith=prefix,
                    at__gte=week_start(now),
                ).aggregate(total=Sum("amount"))["total"]
                or 0
            )
            if moved + amount > rule.weekly_limit:
                raise LimitExceeded(
                    _("You can move %(left)s more this week.") % {"left": pounds(max(rule.weekly_limit - moved, 0))},
                    code="transfer_weekly_limit",
                )
        group = f"{prefix}{uuid.uuid4().hex}"
        label_from, label_to = str(AccountKind(from_kind).label), str(AccountKind(to_kind).label)
        out = _post(
            source,
            amount=-amount,
            kind=EntryKind.TRANSFER_OUT,
            description=f"To {label_to}",
            actor=by,
            at=now,
            key=f"transfer:{key}",
            group=group,
        )
        into = _post(
            target,
            amount=amount,
            kind=EntryKind.TRANSFER_IN,
            description=f"From {label_from}",
            actor=by,
            at=now,
            group=group,
        )
        audit.record(
            action=events.MONEY_TRANSFERRED,
            actor=by,
            subject=person.prison_number,
            obj=out,
            detail={"from": from_kind, "to": to_kind, "pence": amount},
        )
    return Transfer(out, into)


# --- Canteen -------------------------------------------------------------------------------------------------


def weekly_limit_of(person: Person) -> int:
    limit = SpendLimit.objects.filter(
        establishment=person.establishment, incentive_level=person.incentive_level
    ).first()
    if limit is None:
        raise LimitExceeded(_("Canteen is not set up for your level here yet. Ask an officer."), code="no_spend_limit")
    return limit.weekly_limit


@dataclass(frozen=True)
class Ordered:
    order: CanteenOrder
    created: bool


def canteen_order_place(*, user: User, quantities: dict[int, int], idempotency_key: str) -> Ordered:
    """A resident orders from the canteen list: paid from spends now, capped by their level's weekly limit, for the
    week whose cut-off is next. Exactly once per idempotency key."""
    ensure_can(user, USE_MONEY)
    person = own_record_for(user=user, permission=USE_MONEY)
    key = clean_idempotency_key(idempotency_key)
    existing = CanteenOrder.objects.filter(person=person, idempotency_key=key).first()
    if existing is not None:
        return Ordered(existing, created=False)
    wanted = {int(item): int(qty) for item, qty in quantities.items() if int(qty) > 0}
    if not wanted:
        raise InvalidInput(_("Choose at least one thing to buy."), code="order_empty", field="items")
    if not all(is_database_id(item) for item in wanted):
        raise NotVisible(_("That is not on the canteen list here."))
    if any(qty > MAX_QUANTITY for qty in wanted.values()):
        raise InvalidInput(
            _("You can buy up to %(max)s of each thing.") % {"max": MAX_QUANTITY}, code="too_many", field="items"
        )
    limit = weekly_limit_of(person)
    spends = account_of(person, AccountKind.SPENDS)
    try:
        with transaction.atomic():
            _lock(spends)
            existing = CanteenOrder.objects.filter(person=person, idempotency_key=key).first()
            if existing is not None:
                return Ordered(existing, created=False)
            order = _place(person=person, user=user, spends=spends, wanted=wanted, limit=limit, key=key)
    except IntegrityError:
        existing = CanteenOrder.objects.filter(person=person, idempotency_key=key).first()
        if existing is None:
            raise
        return Ordered(existing, created=False)
    return Ordered(order, created=True)


def _place(
    *, person: Person, user: User, spends: Account, wanted: dict[int, int], limit: int, key: str
) -> CanteenOrder:
    now = timezone.now()
    closes_at = week_closes_at(schedule_of(person), now)
    # Items are read without a lock: every order in the prison takes from the same stock rows, so their row locks are
    # taken last (the conditional UPDATEs below) and held only until the commit. The early check gives the message.
    items = list(
        CanteenItem.objects.filter(pk__in=wanted, establishment=person.establishment, active=True).order_by("pk")
    )
    if len(items) != len(wanted):
        raise NotVisible(_("That is not on the canteen list here."))
    for item in items:
        if item.stock < wanted[item.pk]:
            raise _out_of_stock(item)
    total = sum(item.price * wanted[item.pk] for item in items)
    spent = spent_in_week(person, closes_at)
    if spent + total > limit:
        raise LimitExceeded(
            _("This order costs %(total)s. You can spend %(left)s more this week.")
            % {"total": pounds(total), "left": pounds(max(limit - spent, 0))},
            code="weekly_limit",
        )
    order = CanteenOrder.objects.create(
        person=person,
        establishment_id=person.establishment_id or 0,  # own_record_for guarantees an establishment
        week_closes_at=closes_at,
        total=total,
        placed_at=now,
        idempotency_key=key,
    )
    CanteenOrderLine.objects.bulk_create(
        CanteenOrderLine(order=order, item=item, quantity=wanted[item.pk], unit_price=item.price) for item in items
    )
    _post(
        spends,
        amount=-total,
        kind=EntryKind.CANTEEN,
        description=f"Canteen order {order.pk}",
        actor=user,
        at=now,
        order=order,
    )
    audit.record(
        action=events.CANTEEN_ORDERED,
        actor=user,
        subject=person.prison_number,
        obj=order,
        detail={"pence": total, "lines": len(items)},
    )
    activity.emit(
        person=person.prison_number,
        kind=events.CANTEEN_ORDERED_KIND,
        occurred_at=now,
        source=SOURCE,
        idempotency_key=f"canteen.ordered:{order.pk}",
        value=total / 100,
        payload={"lines": len(items)},
    )
    for item in items:  # by id, after the account: the lock order everywhere
        taken = CanteenItem.objects.filter(pk=item.pk, stock__gte=wanted[item.pk]).update(
            stock=F("stock") - wanted[item.pk]
        )
        if not taken:  # another order took the last ones since the check above: the whole order is undone
            item.refresh_from_db(fields=["stock"])
            raise _out_of_stock(item)
    return order


def _out_of_stock(item: CanteenItem) -> LimitExceeded:
    return LimitExceeded(
        _("Only %(stock)s left of %(item)s.") % {"stock": item.stock, "item": item.display_name},
        code="out_of_stock",
    )


@transaction.atomic
def canteen_order_deliver(*, by: User, order: CanteenOrder, unavailable_item_ids: list[int]) -> CanteenOrder:
    """Canteen staff deliver an order: what was not available is refunded to spends (and put back in no stock)."""
    ensure_can(by, MANAGE_CANTEEN)
    if not by.sees_all_establishments and not by.assignments.filter(establishment_id=order.establishment_id).exists():
        raise NotVisible(_("No order found"))
    spends = account_of(order.person, AccountKind.SPENDS)
    _lock(spends)
    order = CanteenOrder.objects.select_for_update().select_related("person").get(pk=order.pk)
    if order.status != CanteenOrderStatus.PLACED:
        raise LimitExceeded(_("This order has already been delivered."), code="order_delivered")
    missing = list(order.lines.select_related("item").filter(item_id__in=unavailable_item_ids))
    refund = sum(line.line_total for line in missing)
    now = timezone.now()
    if refund:
        order.lines.filter(pk__in=[line.pk for line in missing]).update(unavailable=True)
        names = ", ".join(line.item.name for line in missing)
        _post(
            spends,
            amount=refund,
            kind=EntryKind.REFUND,
            description=f"Refund, not available: {names}"[:200],
            actor=by,
            at=now,
            order=order,
        )
    order.status = CanteenOrderStatus.DELIVERED
    order.delivered_at = now
    order.refunded = refund
    order.save(update_fields=["status", "delivered_at", "refunded"])
    audit.record(
        action=events.CANTEEN_DELIVERED,
        actor=by,
        subject=order.person.prison_number,
        obj=order,
        detail={"refunded": refund, "unavailable": [line.item.code for line in missing]},
    )
    return order
