"""Self-service history for the demo estate, made from the activity events ``demo_estate`` wrote, so the records and
the activity stream agree (no new events are written):

- each ``app.submitted`` becomes an app of the matching type, routed to its department, due in working days; the
  ``app.responded`` that follows it (same type) answers it (mostly approved) with a reply; apps with no answer are
  still open, some started, and the overdue ones are escalated to the department's lead;
- each ``complaint.submitted`` becomes a COMP1; most are answered by the governor's office, the overdue open ones are
  escalated to the governor;
- each ``money.received`` is a credit: Friday 10:00 wages into spends, other money from family into private cash;
- each ``canteen.ordered`` (value in pounds) is a canteen order of that total, paid from spends, with lines from the
  prison's canteen list, delivered on the prison's delivery day; the orders of the demo's last week are not delivered
  yet (canteen staff find them on the deliveries page); a "balance brought forward" credit at the start keeps spends
  from going below zero.

The departments and app types, canteen list, spend limits and complaint settings of every establishment are set up
first (staff of the demo are put in departments by role; the governor leads most of them and receives overdue
complaints). Then the meals, timetable and content demos run (``throughgate.demo.meals``, ``.timetable`` and
``.content``). Rows are written in bulk with plain INSERTs; running it again adds nothing.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps as django_apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone

from throughgate.core.models import ActivityEvent
from throughgate.demo import content, meals, timetable
from throughgate.demo.records import SOURCE
from throughgate.identity.models import Establishment, User
from throughgate.people.models import Person
from throughgate.selfservice import defaults
from throughgate.selfservice.applications.models import App, AppEvent, AppEventKind, AppStatus, AppType, Department
from throughgate.selfservice.complaints.models import Complaint, ComplaintSettings, ComplaintStage, ComplaintStatus
from throughgate.selfservice.events import (
    APP_RESPONDED_KIND,
    APP_SUBMITTED_KIND,
    CANTEEN_ORDERED_KIND,
    COMPLAINT_SUBMITTED_KIND,
    MONEY_RECEIVED_KIND,
)
from throughgate.selfservice.money.models import (
    Account,
    AccountKind,
    CanteenItem,
    CanteenOrder,
    CanteenOrderLine,
    CanteenOrderStatus,
    CanteenSchedule,
    EntryKind,
    LedgerEntry,
)
from throughgate.selfservice.money.selectors import week_closes_at
from throughgate.selfservice.workdays import ENGLAND, WALES, add_working_days

DEMO_SOURCE = SOURCE  # events written by demo_estate
KEY_PREFIX = "demo-"
BATCH = 2000
NOT_YET_DELIVERED = timedelta(days=7)  # the canteen orders of the demo's last week are not delivered yet

# The demo's app labels (demo.population.APP_TYPES) and the default app types they are (selfservice.defaults).
APP_TYPE_OF = {
    "See the GP": "doctor",
    "Property": "property",
    "Chaplaincy": "chaplain",
    "Add a PIN phone contact": "phone_number",
    "Canteen query": "money",
    "Visits": "wing",
    "Education": "education",
    "Work": "wing",
    "Money": "money",
}
APP_BODIES = {
    "doctor": ("My tooth hurts and I cannot eat.", "I need my asthma inhaler renewed.", "I have a rash on my arm."),
    "property": ("Can I have my trainers from reception?", "I need my reading glasses from my stored property."),
    "chaplain": ("Can I see the chaplain this week?", "I would like to go to Friday prayers."),
    "phone_number": ("Please add my sister's number to my PIN phone.", "Please add my son's new mobile number."),
    "money": ("I have not got my wages for last week.", "My canteen was short, can you check my account?"),
    "education": ("Can I join the maths class?", "I want to do the barbering course."),
    "wing": ("Can I have a new kettle? Mine is broken.", "Can I move to a cell on the ground floor?"),
}
REPLIES = {
    AppStatus.APPROVED: ("Yes. This has been sorted for you.", "Yes. You are booked in. Look at your timetable."),
    AppStatus.DECLINED: ("No, we cannot do this now. Ask again next month.", "No. This is not allowed on your level."),
    AppStatus.REJECTED: ("Please send this to the right department. Use a new app.",),
}
COMPLAINT_BODIES = (
    "My canteen order was missing two items and I was not refunded.",
    "I was not unlocked for work on Tuesday and lost my pay.",
    "The showers on our landing have been cold all week.",
    "My visit was cancelled and nobody told my family.",
    "My property from my last prison has not arrived.",
)
COMPLAINT_REPLIES = (
    "Thank you for telling us. We have checked and put this right.",
    "We looked into this. It was a mistake and it will not happen again.",
    "We have checked this. We cannot change the decision, and here is why: it follows the prison rules.",
)
MONEY_KINDS = (APP_SUBMITTED_KIND, APP_RESPONDED_KIND, COMPLAINT_SUBMITTED_KIND)
LEDGER_KINDS = (MONEY_RECEIVED_KIND, CANTEEN_ORDERED_KIND)
ROLE_DEPARTMENTS = {  # role: departments its staff are members of
    "wing_officer": ("wing", "property", "pin_phone"),
    "key_worker": ("wing",),
    "healthcare": ("healthcare",),
    "education": ("education",),
    "governor": ("chaplaincy", "finance"),
}
ROLE_LEADS = {"governor": ("wing", "property", "chaplaincy", "pin_phone", "finance"), "healthcare": ("healthcare",)}
ROLE_LEADS["education"] = ("education",)


@dataclass
class Counts:
    apps: int = 0
    complaints: int = 0
    orders: int = 0
    entries: int = 0
    others: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_rows(self) -> dict[str, int]:
        return {
            "self-service apps": self.apps,
            "complaints": self.complaints,
            "canteen orders": self.orders,
            "ledger entries": self.entries,
            **{f"{area} (demo)": n for area, n in self.others.items()},
        }


@dataclass(frozen=True)
class Resident:
    person_id: int
    establishment_id: int
    user_id: int | None
    name: str


@dataclass
class Place:
    establishment: Establishment
    subdivision: str
    types: dict[str, AppType]
    leads: dict[int, int | None]  # department id -> lead user id
    answerers: dict[int, list[int]]  # department id -> staff user ids who answer its apps
    governor: int | None
    items: list[CanteenItem]
    schedule: CanteenSchedule


# --- writing in bulk -----------------------------------------------------------------------------------------------


def _insert(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Plain multi-row INSERTs (no model instances), values adapted for the database in use."""
    fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)  # type: ignore[union-attr]
    table = connection.ops.quote_name(model._meta.db_table)
    adapt: list[Callable[[Any], Any]] = []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            adapt.append(connection.ops.adapt_datetimefield_value)
        elif isinstance(f, models.DateField):
            adapt.append(connection.ops.adapt_datefield_value)
        else:
            adapt.append(lambda value: value)
    batch: list[Any] = []
    written = 0
    per_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(BATCH, 900 // len(fields)))  # SQLite allows 999 parameters in older builds

    def flush() -> None:
        nonlocal batch, written
        if not batch:
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([per_row] * (len(batch) // len(fields)))  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, batch)
        written += len(batch) // len(fields)
        batch = []

    for row in rows:
        batch.extend(a(v) for a, v in zip(adapt, row, strict=True))
        if len(batch) >= size * len(fields):
            flush()
    flush()
    return written


def _next_id(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def _reset_sequences(*model_list: type[models.Model]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# --- set-up --------------------------------------------------------------------------------------------------------


def _staff_by_role(establishment: Establishment) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    rows = (
        User.objects.filter(assignments__establishment=establishment, roles__kind="staff", is_active=True)
        .values_list("pk", "roles__code")
        .order_by("pk")
    )
    for pk, role in rows:
        found[role].append(pk)
    return found


def set_up(establishment: Establishment) -> Place:
    """Departments with members and leads, app types, money and canteen defaults and complaint settings."""
    defaults.install_defaults(establishment=establishment)
    defaults.install_money_defaults(establishment=establishment, stock=500)
    staff = _staff_by_role(establishment)
    departments = {d.code: d for d in Department.objects.filter(establishment=establishment)}
    for role, codes in ROLE_DEPARTMENTS.items():
        for code in codes:
            if code in departments and staff.get(role):
                departments[code].members.add(*staff[role])
    for role, codes in ROLE_LEADS.items():
        for code in codes:
            department = departments.get(code)
            if department is not None and department.lead_id is None and staff.get(role):
                department.lead_id = staff[role][0]
                department.save(update_fields=["lead"])
    governor = staff["governor"][0] if staff.get("governor") else None
    settings, _created = ComplaintSettings.objects.get_or_create(establishment=establishment)
    if settings.escalate_to_id is None and governor is not None:
        settings.escalate_to_id = governor
        settings.save(update_fields=["escalate_to"])
    answerers: dict[int, list[int]] = {}
    leads: dict[int, int | None] = {}
    for department in Department.objects.filter(establishment=establishment).prefetch_related("members"):
        people = sorted(
            {u.pk for u in department.members.all()} | ({department.lead_id} if department.lead_id else set())
        )
        answerers[department.pk] = people
        leads[department.pk] = department.lead_id
    return Place(
        establishment=establishment,
        subdivision=WALES if establishment.is_welsh else ENGLAND,
        types={t.code: t for t in AppType.objects.filter(establishment=establishment)},
        leads=leads,
        answerers=answerers,
        governor=governor,
        items=list(CanteenItem.objects.filter(establishment=establishment, active=True).order_by("price", "pk")),
        schedule=CanteenSchedule.objects.get(establishment=establishment),
    )


# --- the history ---------------------------------------------------------------------------------------------------


def _events(kinds: Sequence[str]) -> list[tuple[int, str, str, datetime, float, dict[str, Any]]]:
    return list(
        ActivityEvent.objects.filter(source=DEMO_SOURCE, kind__in=kinds)
        .order_by("person", "occurred_at", "pk")
        .values_list("pk", "person", "kind", "occurred_at", "value", "payload")
    )


def _local(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _make_apps(residents: dict[str, Resident], places: dict[int, Place], rng: random.Random, now: datetime) -> int:
    if App.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
        return 0
    today = timezone.localdate(now)
    next_app = _next_id(App)
    apps: list[tuple[Any, ...]] = []
    app_events: list[tuple[Any, ...]] = []
    open_one_pending: set[tuple[int, int]] = set()
    waiting: dict[tuple[str, str], deque[int]] = defaultdict(deque)  # (person, label) -> indexes into ``apps``
    drafts: list[dict[str, Any]] = []
    for pk, number, kind, at, _value, payload in _events((APP_SUBMITTED_KIND, APP_RESPONDED_KIND)):
        resident = residents.get(number)
        if resident is None:
            continue
        label = str((payload or {}).get("type", ""))
        if kind == APP_SUBMITTED_KIND:
            place = places[resident.establishment_id]
            app_type = place.types.get(APP_TYPE_OF.get(label, "wing")) or place.types["wing"]
            drafts.append(
                {
                    "event": pk,
                    "resident": resident,
                    "place": place,
                    "type": app_type,
                    "at": at,
                    "due": add_working_days(_local(at), app_type.response_days, place.subdivision),
                    "decided": None,
                }
            )
            waiting[(number, label)].append(len(drafts) - 1)
        elif waiting[(number, label)]:
            drafts[waiting[(number, label)].popleft()]["decided"] = at
    for draft in drafts:
        app_id = next_app
        next_app += 1
        who: Resident = draft["resident"]
        home: Place = draft["place"]
        chosen: AppType = draft["type"]
        department = chosen.department_id
        staff = home.answerers.get(department) or ([home.governor] if home.governor else [])
        answerer = staff[rng.randrange(len(staff))] if staff else None
        sent: datetime = draft["at"]
        decided: datetime | None = draft["decided"]
        body = rng.choice(APP_BODIES.get(chosen.code, APP_BODIES["wing"]))
        app_events.append(
            (app_id, sent, AppEventKind.SUBMITTED, who.user_id, who.name, "", AppStatus.NEW, department, True)
        )
        status, reply, assigned, escalated_at, escalated_to = AppStatus.NEW, "", None, None, None
        if decided is not None:
            roll = rng.random()
            status = AppStatus.APPROVED if roll < 0.7 else AppStatus.DECLINED if roll < 0.92 else AppStatus.REJECTED
            reply = rng.choice(REPLIES[status])
            started = sent + (decided - sent) * rng.uniform(0.2, 0.8)
            assigned = answerer
            app_events.append(
                (app_id, started, AppEventKind.STARTED, answerer, "", AppStatus.NEW, AppStatus.IN_PROGRESS, None, True)
            )
            app_events.append(
                (app_id, decided, AppEventKind.DECIDED, answerer, "", AppStatus.IN_PROGRESS, status, None, True)
            )
        elif answerer is not None and now - sent > timedelta(days=1) and rng.random() < 0.5:
            started = sent + timedelta(hours=rng.uniform(2, 20))
            status, assigned = AppStatus.IN_PROGRESS, answerer
            app_events.append(
                (app_id, started, AppEventKind.STARTED, answerer, "", AppStatus.NEW, AppStatus.IN_PROGRESS, None, True)
            )
        one_pending = chosen.one_pending and status in (AppStatus.NEW, AppStatus.IN_PROGRESS)
        if one_pending:
            if (who.person_id, chosen.pk) in open_one_pending:
                one_pending = False  # sent on paper while one was open: the rule does not hold it
            open_one_pending.add((who.person_id, chosen.pk))
        if status in (AppStatus.NEW, AppStatus.IN_PROGRESS) and draft["due"] < today and home.leads.get(department):
            escalated_to = home.leads[department]
            escalated_at = timezone.make_aware(
                datetime.combine(draft["due"] + timedelta(days=1), datetime.min.time())
            ) + timedelta(hours=6)
            escalated_at = min(escalated_at, now)
            app_events.append((app_id, escalated_at, AppEventKind.ESCALATED, None, "", "", "", None, False))
        apps.append(
            (
                app_id,
                who.person_id,
                who.establishment_id,
                chosen.pk,
                department,
                status,
                body,
                reply,
                sent,
                draft["due"],
                assigned,
                decided if decided is not None else None,
                answerer if decided is not None else None,
                escalated_at,
                escalated_to,
                one_pending,
                f"{KEY_PREFIX}{draft['event']}",
            )
        )
    _insert(
        App,
        (
            "id",
            "person",
            "establishment",
            "app_type",
            "department",
            "status",
            "body",
            "reply",
            "submitted_at",
            "due_on",
            "assigned_to",
            "decided_at",
            "decided_by",
            "escalated_at",
            "escalated_to",
            "one_pending",
            "idempotency_key",
        ),
        apps,
    )
    names = {
        u: (first or "", last or "", n)
        for u, first, last, n in User.objects.filter(pk__in={e[3] for e in app_events if e[3]}).values_list(
            "pk", "first_name", "last_name", "username"
        )
    }

    def actor_name(user_id: int | None, given: str) -> str:
        if given or user_id is None:
            return given
        first, last, username = names[user_id]
        return f"{first} {last}".strip() or username

    _insert(
        AppEvent,
        ("app", "at", "kind", "actor", "actor_name", "from_status", "to_status", "to_department", "text", "shared"),
        (
            (app, at, kind, actor, actor_name(actor, name), old, new, dept, "", shared)
            for app, at, kind, actor, name, old, new, dept, shared in app_events
        ),
    )
    _reset_sequences(App)
    return len(apps)


def _make_complaints(
    residents: dict[str, Resident], places: dict[int, Place], rng: random.Random, now: datetime
) -> int:
    if Complaint.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
        return 0
    today = timezone.localdate(now)
    settings = {s.establishment_id: s for s in ComplaintSettings.objects.all()}
    rows = []
    for pk, number, _kind, at, _value, payload in _events((COMPLAINT_SUBMITTED_KIND,)):
        resident = residents.get(number)
        if resident is None:
            continue
        place = places[resident.establishment_id]
        stage = str((payload or {}).get("stage") or ComplaintStage.COMP1)
        if stage not in (ComplaintStage.COMP1, ComplaintStage.COMP2):
            stage = ComplaintStage.COMP1
        rule = settings.get(resident.establishment_id) or ComplaintSettings()
        due = add_working_days(_local(at), rule.days_for(stage), place.subdivision)
        answered_at = answered_by = None
        status, reply = ComplaintStatus.OPEN, ""
        took = add_working_days(_local(at), rng.randint(1, rule.days_for(stage) + 2), place.subdivision)
        if took < today and rng.random() < 0.9:
            answered_at = timezone.make_aware(datetime.combine(took, datetime.min.time())) + timedelta(
                hours=rng.uniform(9, 16)
            )
            answered_by, status, reply = place.governor, ComplaintStatus.ANSWERED, rng.choice(COMPLAINT_REPLIES)
        escalated_at = escalated_to = None
        if status == ComplaintStatus.OPEN and due < today and rule.escalate_to_id:
            escalated_to = rule.escalate_to_id
            escalated_at = min(
                now,
                timezone.make_aware(datetime.combine(due + timedelta(days=1), datetime.min.time()))
                + timedelta(hours=6),
            )
        rows.append(
            (
                resident.person_id,
                resident.establishment_id,
                stage,
                status,
                rng.choice(COMPLAINT_BODIES),
                reply,
                at,
                due,
                answered_at,
                answered_by,
                escalated_at,
                escalated_to,
                f"{KEY_PREFIX}{pk}",
            )
        )
    return _insert(
        Complaint,
        (
            "person",
            "establishment",
            "stage",
            "status",
            "body",
            "reply",
            "submitted_at",
            "due_on",
            "answered_at",
            "answered_by",
            "escalated_at",
            "escalated_to",
            "idempotency_key",
        ),
        rows,
    )


def _basket(items: list[CanteenItem], total: int, rng: random.Random) -> list[tuple[int, int, int]]:
    """Lines (item id, quantity, unit price) that cost exactly ``total`` pence: one of something first, then what the
    rest of the money covers; the odd pence go on the first line's price (prices change from week to week)."""
    affordable = [item for item in items if item.price <= total] or items[:1]
    if not affordable:
        return []
    first = rng.choice(affordable)
    left = total - first.price
    lines: dict[int, int] = {}
    for _ in range(6):
        fits = [item for item in affordable if item.pk != first.pk and item.price <= left]
        if not fits:
            break
        item = rng.choice(fits)
        quantity = min(rng.randint(1, 3), left // item.price, 20 - lines.get(item.pk, 0))
        if quantity <= 0:
            continue
        lines[item.pk] = lines.get(item.pk, 0) + quantity
        left -= quantity * item.price
    prices = {item.pk: item.price for item in items}
    return [(first.pk, 1, first.price + left), *((pk, quantity, prices[pk]) for pk, quantity in lines.items())]


def _make_money(
    residents: dict[str, Resident], places: dict[int, Place], rng: random.Random, now: datetime
) -> tuple[int, int]:
    if LedgerEntry.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
        return 0, 0
    by_person: dict[str, list[tuple[int, str, datetime, float]]] = defaultdict(list)
    for pk, number, kind, at, value, _payload in _events(LEDGER_KINDS):
        if number in residents:
            by_person[number].append((pk, kind, at, value))
    have = set(
        Account.objects.filter(person_id__in=[r.person_id for r in residents.values()]).values_list("person_id", "kind")
    )
    next_account = _next_id(Account)
    accounts: list[tuple[Any, ...]] = []
    account_id: dict[tuple[int, str], int] = {
        (p, k): pk
        for pk, p, k in Account.objects.filter(person_id__in=[r.person_id for r in residents.values()]).values_list(
            "pk", "person_id", "kind"
        )
    }
    for resident in residents.values():
        for kind in AccountKind.values:
            if (resident.person_id, kind) not in have:
                account_id[(resident.person_id, kind)] = next_account
                accounts.append((next_account, resident.person_id, kind, now - timedelta(days=120)))
                next_account += 1
    _insert(Account, ("id", "person", "kind", "opened_at"), accounts)
    last_order = max(
        (at for events in by_person.values() for _pk, kind, at, _v in events if kind == CANTEEN_ORDERED_KIND),
        default=now,
    )
    waiting_from = min(now, last_order) - NOT_YET_DELIVERED  # orders placed after this wait for delivery
    next_order = _next_id(CanteenOrder)
    orders: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    entries: list[tuple[Any, ...]] = []
    for number, events in by_person.items():
        resident = residents[number]
        place = places[resident.establishment_id]
        postings: dict[str, list[tuple[datetime, int, str, str, int | None, str]]] = defaultdict(list)
        for pk, kind, at, value in events:
            pence = round(value * 100)
            if pence <= 0:
                continue
            local = timezone.localtime(at)
            if kind == MONEY_RECEIVED_KIND:
                wages = local.weekday() == 4 and local.hour == 10 and local.minute == 0
                account = AccountKind.SPENDS if wages else AccountKind.PRIVATE_CASH
                text = "Wages" if wages else rng.choice(("Postal order from family", "Bank transfer from family"))
                postings[account].append((at, pence, EntryKind.CREDIT, text, None, f"{KEY_PREFIX}{pk}"))
                continue
            order_id = next_order
            next_order += 1
            closes = week_closes_at(place.schedule, at)
            delivered = closes + timedelta(
                days=(place.schedule.delivery_weekday - place.schedule.cutoff_weekday) % 7 or 7
            )
            done = delivered <= now and at <= waiting_from
            orders.append(
                (
                    order_id,
                    resident.person_id,
                    resident.establishment_id,
                    closes,
                    CanteenOrderStatus.DELIVERED if done else CanteenOrderStatus.PLACED,
                    pence,
                    0,
                    at,
                    delivered if done else None,
                    f"{KEY_PREFIX}{pk}",
                )
            )
            lines.extend(
                (order_id, item, quantity, price, False) for item, quantity, price in _basket(place.items, pence, rng)
            )
            postings[AccountKind.SPENDS].append(
                (at, -pence, EntryKind.CANTEEN, f"Canteen order {order_id}", order_id, "")
            )
        for kind, posts in postings.items():
            posts.sort(key=lambda post: post[0])
            running, lowest = 0, 0
            for post in posts:
                running += post[1]
                lowest = min(lowest, running)
            balance = 0
            if lowest < 0:
                opening = -lowest + rng.randint(0, 15) * 100
                first_at = posts[0][0] - timedelta(days=1)
                posts.insert(
                    0,
                    (
                        first_at,
                        opening,
                        EntryKind.CREDIT,
                        "Balance brought forward",
                        None,
                        f"{KEY_PREFIX}bf-{resident.person_id}-{kind}",
                    ),
                )
            for seq, (at, amount, entry_kind, text, order, key) in enumerate(posts, start=1):
                entries.append(
                    (
                        account_id[(resident.person_id, kind)],
                        seq,
                        seq - 1 if seq > 1 else None,
                        balance,
                        amount,
                        balance + amount,
                        entry_kind,
                        text,
                        at,
                        order,
                        key or None,
                    )
                )
                balance += amount
    _insert(
        CanteenOrder,
        (
            "id",
            "person",
            "establishment",
            "week_closes_at",
            "status",
            "total",
            "refunded",
            "placed_at",
            "delivered_at",
            "idempotency_key",
        ),
        orders,
    )
    _insert(CanteenOrderLine, ("order", "item", "quantity", "unit_price", "unavailable"), lines)
    _insert(
        LedgerEntry,
        (
            "account",
            "seq",
            "prev_seq",
            "prev_balance",
            "amount",
            "balance_after",
            "kind",
            "description",
            "at",
            "order",
            "idempotency_key",
            "transfer_group",
        ),
        ((*entry, "") for entry in entries),
    )
    _reset_sequences(Account, CanteenOrder)
    return len(orders), len(entries)


def _residents() -> dict[str, Resident]:
    return {
        number: Resident(pk, establishment, user, f"{first} {last}")
        for pk, number, establishment, user, first, last in Person.objects.filter(
            establishment__isnull=False
        ).values_list("pk", "prison_number", "establishment_id", "user_id", "first_name", "last_name")
    }


def _other_areas(seed: int, counts: Counts, say: Callable[[str], None]) -> None:
    for area, module in (("meals", meals), ("timetable", timetable), ("content", content)):
        started = time.monotonic()
        counts.others[area] = int(module.populate(seed=seed))
        say(f"  {area}: {counts.others[area]:,} rows in {time.monotonic() - started:.1f} s")


def populate(*, seed: int = 1, say: Callable[[str], None] = lambda _line: None, other_areas: bool = True) -> Counts:
    """Set up self-service in every establishment and write each demo resident's history from their events; then
    run the meals, timetable and content demos (unless ``other_areas`` is False)."""
    started = time.monotonic()
    rng = random.Random(f"selfservice:{seed}")  # noqa: S311  (demo data)
    now = timezone.now()
    counts = Counts()
    with override_settings(DEBUG=False), transaction.atomic():
        places = {e.pk: set_up(e) for e in Establishment.objects.order_by("code")}
        residents = _residents()
        counts.apps = _make_apps(residents, places, rng, now)
        counts.complaints = _make_complaints(residents, places, rng, now)
        counts.orders, counts.entries = _make_money(residents, places, rng, now)
    say(f"  apps, complaints, money and canteen in {time.monotonic() - started:.1f} s")
    if other_areas:
        _other_areas(seed, counts, say)
    counts.seconds = time.monotonic() - started
    return counts


def reset() -> dict[str, int]:
    """Delete every self-service row, for ``demo_estate --reset`` (run inside its transaction, before people go).
    The ledger is append-only: its PostgreSQL trigger refuses DELETE row by row, so there the tables are emptied
    with one TRUNCATE, which wipes a demo database wholesale and is not a way to edit a ledger. On SQLite, plain
    DELETEs."""
    deleted = 0
    models = list(django_apps.get_app_config("selfservice").get_models(include_auto_created=True))
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(model._meta.db_table)}")  # noqa: S608
            deleted += int(cursor.fetchone()[0])
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks still pending in this transaction would make TRUNCATE refuse: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(quote(m._meta.db_table) for m in models)}")
        else:
            for model in models:
                cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608
    return {"self-service rows": deleted}
