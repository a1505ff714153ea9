"""Self-service records: departments and their app types per establishment, apps and their history.

An app's status changes only through ``services.app_transition`` (the lifecycle is in ``lifecycle.py``). Its
history is a list of events; comments are events too, either shared with the resident or for staff only.
"""

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


class Department(models.Model):
    """A team that answers apps in one establishment (healthcare, property, chaplaincy, finance, ...)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="departments")
    code = models.SlugField(max_length=30)
    name = models.CharField(max_length=100)
    name_cy = models.CharField("name in Welsh", max_length=100, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="departments")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_departments",
        help_text="Overdue apps are escalated to this person.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["establishment", "code"], name="department_code_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_cy if self.name_cy and (get_language() or "").startswith("cy") else self.name


class AppType(models.Model):
    """A kind of app an establishment offers, routed to a department, with a response target in working days."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="app_types")
    code = models.SlugField(max_length=30)
    name = models.CharField(max_length=100)
    name_cy = models.CharField("name in Welsh", max_length=100, blank=True)
    hint = models.CharField(max_length=200, blank=True)
    hint_cy = models.CharField("hint in Welsh", max_length=200, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="app_types")
    response_days = models.PositiveSmallIntegerField(default=5, help_text="Working days to answer.")
    one_pending = models.BooleanField(default=False, help_text="A person may have only one open app of this type.")
    icon = models.CharField(max_length=30, default="list")
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "code"], name="app_type_code_unique"),
            models.CheckConstraint(condition=Q(response_days__gte=1), name="app_type_response_days_positive"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def _welsh(self) -> bool:
        return (get_language() or "").startswith("cy")

    @property
    def display_name(self) -> str:
        return self.name_cy if self.name_cy and self._welsh() else self.name

    @property
    def display_hint(self) -> str:
        return self.hint_cy if self.hint_cy and self._welsh() else self.hint


class AppStatus(models.TextChoices):
    NEW = "NEW", _("New")
    IN_PROGRESS = "IN_PROGRESS", _("In progress")
    APPROVED = "APPROVED", _("Approved")
    DECLINED = "DECLINED", _("Declined")
    REJECTED = "REJECTED", _("Rejected")


OPEN_STATUSES = (AppStatus.NEW, AppStatus.IN_PROGRESS)
DECISIONS = (AppStatus.APPROVED, AppStatus.DECLINED, AppStatus.REJECTED)


class App(models.Model):
    """A request from a person in prison to staff."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="apps")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="apps")
    app_type = models.ForeignKey(AppType, on_delete=models.PROTECT, related_name="apps")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="apps")
    status = models.CharField(max_length=12, choices=AppStatus.choices, default=AppStatus.NEW)
    body = models.TextField(max_length=2000)
    reply = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(help_text="Answer by this date (working days from submission).")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_apps"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="escalated_apps"
    )
    # Copied from the type when the app is raised, so the database can enforce "one open app of this type".
    one_pending = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=80)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "idempotency_key"], name="app_idempotency_key_unique"),
            models.UniqueConstraint(
                fields=["person", "app_type"],
                condition=Q(one_pending=True, status__in=["NEW", "IN_PROGRESS"]),
                name="app_one_pending_per_type",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["APPROVED", "DECLINED", "REJECTED"], decided_at__isnull=False)
                | Q(status__in=["NEW", "IN_PROGRESS"], decided_at__isnull=True),
                name="app_decided_iff_decision",
            ),
        ]
        indexes = [
            models.Index(fields=["establishment", "department", "status", "due_on"], name="app_queue"),
            models.Index(fields=["person", "submitted_at"], name="app_person_time"),
        ]

    def __str__(self) -> str:
        return f"App {self.pk} ({self.person_id}, {self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return self.is_open and day > self.due_on  # type: ignore[operator]

    @property
    def reference(self) -> str:
        return f"APP-{self.pk:06d}"


class AppEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Sent")
    STARTED = "started", _("Started")
    FORWARDED = "forwarded", _("Passed to another department")
    ASSIGNED = "assigned", _("Assigned")
    COMMENTED = "commented", _("Comment")
    DECIDED = "decided", _("Answered")
    ESCALATED = "escalated", _("Overdue: sent to the department lead")


class AppEvent(models.Model):
    """One step in an app's history. ``shared`` events are shown to the resident; the others only to staff."""

    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=12, choices=AppEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    from_status = models.CharField(max_length=12, choices=AppStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=AppStatus.choices, blank=True)
    from_department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField(blank=True, max_length=2000)
    shared = models.BooleanField(default=False, help_text="Shown to the person who raised the app.")
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.app_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


# --- Money and canteen ---------------------------------------------------------------------------------------


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


# --- Complaints ----------------------------------------------------------------------------------------------


class ComplaintStage(models.TextChoices):
    COMP1 = "COMP1", _("Complaint")
    COMP1A = "COMP1A", _("Appeal")
    COMP2 = "COMP2", _("Confidential complaint to the governor")


class ComplaintStatus(models.TextChoices):
    OPEN = "OPEN", _("Waiting for an answer")
    ANSWERED = "ANSWERED", _("Answered")


class ComplaintSettings(models.Model):
    """An establishment's complaint deadlines, in working days."""

    establishment = models.OneToOneField(Establishment, on_delete=models.PROTECT, related_name="complaint_settings")
    comp1_days = models.PositiveSmallIntegerField(default=5)
    comp1a_days = models.PositiveSmallIntegerField(default=5)
    comp2_days = models.PositiveSmallIntegerField(default=5)
    appeal_days = models.PositiveSmallIntegerField(default=7, help_text="Working days to appeal after an answer.")
    escalate_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The governor: overdue complaints are escalated to this person.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(comp1_days__gte=1, comp1a_days__gte=1, comp2_days__gte=1, appeal_days__gte=1),
                name="complaint_days_positive",
            )
        ]

    def __str__(self) -> str:
        return f"Complaint deadlines of {self.establishment_id}"

    def days_for(self, stage: str) -> int:
        if stage == ComplaintStage.COMP1:
            return self.comp1_days
        if stage == ComplaintStage.COMP1A:
            return self.comp1a_days
        return self.comp2_days


class Complaint(models.Model):
    """A complaint (COMP1), its appeal (COMP1A), or a confidential complaint to the governor (COMP2)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="complaints")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="complaints")
    stage = models.CharField(max_length=6, choices=ComplaintStage.choices)
    status = models.CharField(max_length=8, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    appeal_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="appeal")
    body = models.TextField(max_length=2000)
    reply = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="escalated_complaints"
    )
    idempotency_key = models.CharField(max_length=80)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "idempotency_key"], name="complaint_idempotency_key_unique"),
            models.CheckConstraint(
                condition=Q(stage="COMP1A", appeal_of__isnull=False) | (~Q(stage="COMP1A") & Q(appeal_of__isnull=True)),
                name="complaint_appeal_has_a_complaint",
            ),
            models.CheckConstraint(
                condition=Q(status="ANSWERED", answered_at__isnull=False) | Q(status="OPEN", answered_at__isnull=True),
                name="complaint_answered_iff_answer",
            ),
        ]
        indexes = [models.Index(fields=["establishment", "status", "due_on"], name="complaint_queue")]

    def __str__(self) -> str:
        return f"{self.stage} {self.pk} ({self.person_id})"

    @property
    def reference(self) -> str:
        return f"{self.stage}-{self.pk:06d}"

    @property
    def confidential(self) -> bool:
        return self.stage == ComplaintStage.COMP2

    def is_overdue(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return self.status == ComplaintStatus.OPEN and day > self.due_on  # type: ignore[operator]


# The other self-service areas keep their models in their own modules; importing them here registers them with
# the selfservice app. Each area owns one migration in the chain 0006_meals -> 0007_timetable -> 0008_content.
from throughgate.selfservice.content.models import *  # noqa: E402,F403
from throughgate.selfservice.meals.models import *  # noqa: E402,F403
from throughgate.selfservice.timetable.models import *  # noqa: E402,F403
