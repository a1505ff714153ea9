"""Reads of money and canteen data for the resident who owns it (nobody else's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.errors import InvalidInput, NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.people import selectors as people_selectors
from throughgate.people.models import Person
from throughgate.people.selectors import own_record_for
from throughgate.selfservice import events
from throughgate.selfservice.money.models import (
    Account,
    AccountKind,
    CanteenItem,
    CanteenOrder,
    CanteenOrderStatus,
    CanteenSchedule,
    LedgerEntry,
    SpendLimit,
    TransferRule,
    pounds,
)
from throughgate.selfservice.permissions import MANAGE_CANTEEN, MANAGE_MONEY, USE_MONEY

# --- Reads the money services share -------------------------------------------------------------------------


def balance(account: Account) -> int:
    last = LedgerEntry.objects.filter(account=account).order_by("-seq").values_list("balance_after", flat=True).first()
    return int(last or 0)


def schedule_of(person: Person) -> CanteenSchedule:
    schedule = CanteenSchedule.objects.filter(establishment=person.establishment).first()
    return schedule or CanteenSchedule(establishment=person.establishment)


def week_closes_at(schedule: CanteenSchedule, now: datetime) -> datetime:
    """The cut-off the order placed at ``now`` counts towards: this week's if it has not passed, else next week's."""
    local = timezone.localtime(now)
    day = local.date() + timedelta(days=(schedule.cutoff_weekday - local.weekday()))
    closes = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=schedule.cutoff_hour))
    return closes if local < closes else closes + timedelta(days=7)


def spent_in_week(person: Person, closes_at: datetime) -> int:
    totals = CanteenOrder.objects.filter(person=person, week_closes_at=closes_at).aggregate(
        paid=Sum("total"), back=Sum("refunded")
    )
    return int(totals["paid"] or 0) - int(totals["back"] or 0)


@dataclass(frozen=True)
class Balance:
    kind: str
    label: str
    pence: int

    @property
    def pounds(self) -> str:
        return pounds(self.pence)


def balances_of_resident(*, user: User) -> list[Balance]:
    """The resident's three accounts, spends first; an account with no money yet shows £0.00."""
    person = own_record_for(user=user, permission=USE_MONEY)
    accounts = {a.kind: a for a in Account.objects.filter(person=person)}
    return [
        Balance(kind, str(label), balance(accounts[kind]) if kind in accounts else 0)
        for kind, label in AccountKind.choices
    ]


def spends_of_resident(*, user: User) -> int:
    person = own_record_for(user=user, permission=USE_MONEY)
    last = (
        LedgerEntry.objects.filter(account__person=person, account__kind=AccountKind.SPENDS)
        .order_by("-seq")
        .values_list("balance_after", flat=True)
        .first()
    )
    return int(last or 0)


def statement_of_resident(*, user: User, kind: str, limit: int = 100) -> list[LedgerEntry]:
    """The latest entries of one of the resident's accounts, newest first, each with the balance after it."""
    if kind not in AccountKind.values:
        raise InvalidInput("Choose an account.", code="account_invalid", field="account")
    person = own_record_for(user=user, permission=USE_MONEY)
    return list(LedgerEntry.objects.filter(account__person=person, account__kind=kind).order_by("-seq")[:limit])


def transfer_rules_for_resident(*, user: User) -> list[TransferRule]:
    person = own_record_for(user=user, permission=USE_MONEY)
    return list(TransferRule.objects.filter(establishment=person.establishment, resident_may=True))


@dataclass(frozen=True)
class CanteenWeek:
    items: list[CanteenItem]
    closes_at: datetime
    limit: int | None
    spent: int
    spends: int

    @property
    def left(self) -> int:
        return max((self.limit or 0) - self.spent, 0)

    @property
    def spends_pounds(self) -> str:
        return pounds(self.spends)

    @property
    def left_pounds(self) -> str:
        return pounds(self.left)


def canteen_week_of_resident(*, user: User) -> CanteenWeek:
    person = own_record_for(user=user, permission=USE_MONEY)
    closes_at = week_closes_at(schedule_of(person), timezone.now())
    limit = SpendLimit.objects.filter(
        establishment=person.establishment, incentive_level=person.incentive_level
    ).first()
    return CanteenWeek(
        items=list(CanteenItem.objects.filter(establishment=person.establishment, active=True)),
        closes_at=closes_at,
        limit=limit.weekly_limit if limit else None,
        spent=spent_in_week(person, closes_at),
        spends=spends_of_resident(user=user),
    )


def order_of_resident(*, user: User, order_id: int) -> CanteenOrder:
    person = own_record_for(user=user, permission=USE_MONEY)
    order = CanteenOrder.objects.filter(person=person, pk=order_id).prefetch_related("lines__item").first()
    if order is None:
        raise NotVisible("No order found")
    return order


def orders_to_deliver(*, user: User, establishment: Establishment | None) -> list[CanteenOrder]:
    """Placed orders of the establishment the canteen staff member works in, oldest week first."""
    if establishment is None or not user.has_perm(MANAGE_CANTEEN) or not user.is_staff_member:
        return []
    if not user.sees_all_establishments and not user.assignments.filter(establishment=establishment).exists():
        return []
    return list(
        CanteenOrder.objects.filter(establishment=establishment, status=CanteenOrderStatus.PLACED)
        .select_related("person")
        .prefetch_related("lines__item")
        .order_by("week_closes_at", "placed_at")[:200]
    )


def order_for_canteen_staff(*, user: User, establishment: Establishment | None, order_id: int) -> CanteenOrder:
    order = next((o for o in orders_to_deliver(user=user, establishment=establishment) if o.pk == order_id), None)
    if order is None:
        raise NotVisible("No order found")
    return order


# --- Finance staff -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinanceView:
    person: Person
    balances: list[Balance]
    entries: list[LedgerEntry]  # the latest entries of every account, newest first


def person_for_finance(*, user: User, establishment: Establishment | None, prison_number: str) -> FinanceView:
    """A person's accounts for finance staff of the establishment the person is in; the read is audited."""
    if establishment is None or not user.is_staff_member or not user.has_perm(MANAGE_MONEY):
        raise NotVisible(_("No person with that prison number was found"))
    if not user.sees_all_establishments and not user.assignments.filter(establishment=establishment).exists():
        raise NotVisible(_("No person with that prison number was found"))
    person = people_selectors.person_held_in(establishment=establishment, prison_number=prison_number)
    if person is None:
        raise NotVisible(_("No person with that prison number was found"))
    accounts = {a.kind: a for a in Account.objects.filter(person=person)}
    balances = [
        Balance(kind, str(label), balance(accounts[kind]) if kind in accounts else 0)
        for kind, label in AccountKind.choices
    ]
    entries = list(
        LedgerEntry.objects.filter(account__person=person).select_related("account").order_by("-at", "-id")[:30]
    )
    audit.record(action=events.MONEY_VIEWED, actor=user, subject=person.prison_number, obj=person, purpose="finance")
    return FinanceView(person=person, balances=balances, entries=entries)
