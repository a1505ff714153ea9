"""Money and canteen records: a person's accounts and their append-only ledger, transfer rules, spend limits,
the canteen's schedule, items and orders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from throughgate.core.models import AppendOnlyModel
from throughgate.identity.models import Establishment
from throughgate.people.models import Person


def pounds(pence: int) -> str:
    """Pence as pounds for people: 1250 -> £12.50."""
    return f"£{pence / 100:,.2f}"


class AccountKind(models.TextChoices):
    SPENDS = "spends", _("Spends")
    PRIVATE_CASH = "private_cash", _("Private cash")
    SAVINGS = "savings", _("Savings")


class Account(models.Model):
    """One of a person's money accounts. It has no balance column: its balance is its last entry's
    ``balance_after``, and the entries are the record. The row is what a writer locks (select_for_update)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(max_length=12, choices=AccountKind.choices)
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "kind"]
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="one_account_per_kind")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"


class EntryKind(models.TextChoices):
    CREDIT = "credit", _("Money in")
    DEBIT = "debit", _("Money out")
    TRANSFER_IN = "transfer_in", _("Moved in")
    TRANSFER_OUT = "transfer_out", _("Moved out")
    CANTEEN = "canteen", _("Canteen order")
    REFUND = "refund", _("Refund")


class LedgerEntry(AppendOnlyModel):
    """One movement of money on one account, never changed or deleted. Entries of an account form a chain:
    entry ``seq`` starts from the balance entry ``seq - 1`` ended with. The database refuses a negative balance
    (``balance_after >= 0``), arithmetic that does not add up, and two entries with the same place in the chain; on
    PostgreSQL a composite foreign key also ties ``prev_balance`` to the previous entry's ``balance_after``, and a
    trigger refuses UPDATE and DELETE (migration 0003)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    seq = models.PositiveIntegerField()
    prev_seq = models.PositiveIntegerField(null=True, blank=True)
    prev_balance = models.BigIntegerField()
    amount = models.BigIntegerField(help_text="Pence: positive in, negative out.")
    balance_after = models.BigIntegerField()
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    description = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    transfer_group = models.CharField(max_length=80, blank=True)
    order = models.ForeignKey("CanteenOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001  (NULL: no key, unique per account)

    class Meta:
        ordering = ["account", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["account", "seq"], name="ledger_one_entry_per_place"),
            models.UniqueConstraint(fields=["account", "seq", "balance_after"], name="ledger_chain_target"),
            models.UniqueConstraint(fields=["account", "idempotency_key"], name="ledger_idempotency_key_unique"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="ledger_never_negative"),
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after=models.F("prev_balance") + models.F("amount")), name="ledger_adds_up"
            ),
            models.CheckConstraint(
                condition=Q(seq=1, prev_seq__isnull=True, prev_balance=0) | Q(seq__gt=1, prev_seq=models.F("seq") - 1),
                name="ledger_chain_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}#{self.seq} {self.amount:+d} = {self.balance_after}"

    @property
    def pounds_abs(self) -> str:
        return pounds(abs(self.amount))

    @property
    def pounds_after(self) -> str:
        return pounds(self.balance_after)


class TransferRule(models.Model):
    """Which moves between accounts an establishment allows, who may make them, and a weekly cap."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="transfer_rules")
    from_kind = models.CharField(max_length=12, choices=AccountKind.choices)
    to_kind = models.CharField(max_length=12, choices=AccountKind.choices)
    resident_may = models.BooleanField(default=False, help_text="The person may move it themself on a kiosk.")
    weekly_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Pence per week; empty: no cap.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["establishment", "from_kind", "to_kind"], name="one_rule_per_move"),
            models.CheckConstraint(condition=~Q(from_kind=models.F("to_kind")), name="rule_moves_between_two"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id} {self.from_kind} -> {self.to_kind}"


class SpendLimit(models.Model):
    """The weekly canteen spend of an incentive level in one establishment."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="spend_limits")
    incentive_level = models.CharField(max_length=10)
    weekly_limit = models.PositiveIntegerField(help_text="Pence per week.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["establishment", "incentive_level"], name="one_limit_per_level")]

    def __str__(self) -> str:
        return f"{self.establishment_id} {self.incentive_level} {self.weekly_limit}"


class CanteenSchedule(models.Model):
    """When an establishment's weekly canteen order closes (local time)."""

    establishment = models.OneToOneField(Establishment, on_delete=models.PROTECT, related_name="canteen_schedule")
    cutoff_weekday = models.PositiveSmallIntegerField(default=2, help_text="0 Monday ... 6 Sunday.")
    cutoff_hour = models.PositiveSmallIntegerField(default=12)
    delivery_weekday = models.PositiveSmallIntegerField(default=4)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(cutoff_weekday__lte=6, delivery_weekday__lte=6, cutoff_hour__lte=23),
                name="canteen_schedule_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id} closes day {self.cutoff_weekday} {self.cutoff_hour}:00"


class CanteenItem(models.Model):
    """Something on an establishment's canteen list, with its price and the stock left."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="canteen_items")
    code = models.SlugField(max_length=30)
    name = models.CharField(max_length=100)
    name_cy = models.CharField("name in Welsh", max_length=100, blank=True)
    price = models.PositiveIntegerField(help_text="Pence.")
    stock = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "code"], name="canteen_item_code_unique"),
            models.CheckConstraint(condition=Q(price__gt=0), name="canteen_price_positive"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_cy if self.name_cy and (get_language() or "").startswith("cy") else self.name

    @property
    def price_pounds(self) -> str:
        return pounds(self.price)


class CanteenOrderStatus(models.TextChoices):
    PLACED = "PLACED", _("Placed")
    DELIVERED = "DELIVERED", _("Delivered")


class CanteenOrder(models.Model):
    """A canteen order for one week's delivery, paid from spends when it is placed."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="canteen_orders")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="canteen_orders")
    week_closes_at = models.DateTimeField(help_text="The cut-off of the week this order is for.")
    status = models.CharField(max_length=10, choices=CanteenOrderStatus.choices, default=CanteenOrderStatus.PLACED)
    total = models.PositiveIntegerField(help_text="Pence paid when placed.")
    refunded = models.PositiveIntegerField(default=0, help_text="Pence refunded for items that were not available.")
    placed_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=80)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "idempotency_key"], name="canteen_idempotency_key_unique"),
            models.CheckConstraint(condition=Q(refunded__lte=models.F("total")), name="canteen_refund_within_total"),
        ]

    def __str__(self) -> str:
        return f"Canteen order {self.pk} ({self.person_id})"

    @property
    def total_pounds(self) -> str:
        return pounds(self.total)


class CanteenOrderLine(models.Model):
    order = models.ForeignKey(CanteenOrder, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(CanteenItem, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField()
    unit_price = models.PositiveIntegerField()
    unavailable = models.BooleanField(default=False, help_text="Not delivered, and refunded.")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="canteen_line_quantity_positive"),
            models.UniqueConstraint(fields=["order", "item"], name="canteen_line_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.item_id}"

    @property
    def line_total(self) -> int:
        return self.quantity * self.unit_price

    @property
    def total_pounds(self) -> str:
        return pounds(self.line_total)
