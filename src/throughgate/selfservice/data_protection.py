"""What self-service holds about a person, for a subject access request, and how long it keeps it (registered with
``people.data_protection`` from the AppConfig). Staff appear by role, never by name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from throughgate.people.data_protection import (
    RetentionRule,
    Row,
    Section,
    fields_of,
    register_retention,
    register_section,
    staff_label,
)
from throughgate.people.models import Person
from throughgate.selfservice.models import (
    Account,
    Allocation,
    App,
    AppEvent,
    AttendanceRecord,
    CanteenOrder,
    Complaint,
    ContentItem,
    ContentView,
    MealSheet,
    RecordedDiet,
)

STAFF_BY_ROLE = _("Staff are named by their role, not their name.")


def export_apps(person: Person) -> list[Row]:
    rows = []
    apps = (
        App.objects.filter(person=person)
        .select_related("app_type", "department", "establishment", "assigned_to", "decided_by")
        .prefetch_related("assigned_to__roles", "decided_by__roles")
        .order_by("submitted_at", "pk")
    )
    for app in apps:
        row = fields_of(app, ("id", "status", "body", "reply", "submitted_at", "due_on", "decided_at"))
        row |= {
            "type": app.app_type.name,
            "department": app.department.name,
            "establishment": app.establishment.code,
            "assigned_to": staff_label(app.assigned_to),
            "decided_by": staff_label(app.decided_by),
            "events": [
                {
                    **fields_of(event, ("at", "kind", "from_status", "to_status", "text", "shared")),
                    "by": staff_label(event.actor) if event.actor_id else "",
                }
                for event in AppEvent.objects.filter(app=app).select_related("actor").prefetch_related("actor__roles")
            ],
        }
        rows.append(row)
    return rows


def export_complaints(person: Person) -> list[Row]:
    complaints = (
        Complaint.objects.filter(person=person)
        .select_related("establishment", "answered_by")
        .prefetch_related("answered_by__roles")
        .order_by("submitted_at", "pk")
    )
    return [
        {
            **fields_of(c, ("id", "stage", "status", "body", "reply", "submitted_at", "due_on", "answered_at")),
            "appeal_of": c.appeal_of_id,
            "establishment": c.establishment.code,
            "answered_by": staff_label(c.answered_by),
        }
        for c in complaints
    ]


def export_money(person: Person) -> list[Row]:
    rows = []
    for account in Account.objects.filter(person=person).order_by("kind"):
        entries = list(account.entries.select_related("actor").prefetch_related("actor__roles").order_by("seq"))
        rows.append(
            {
                **fields_of(account, ("kind", "opened_at")),
                "balance_pence": entries[-1].balance_after if entries else 0,
                "entries": [
                    {
                        **fields_of(e, ("seq", "at", "kind", "amount", "balance_after", "description")),
                        "order": e.order_id,
                        "by": staff_label(e.actor),
                    }
                    for e in entries
                ],
            }
        )
    return rows


def export_canteen(person: Person) -> list[Row]:
    orders = CanteenOrder.objects.filter(person=person).select_related("establishment").order_by("placed_at", "pk")
    return [
        {
            **fields_of(o, ("id", "status", "total", "refunded", "placed_at", "delivered_at", "week_closes_at")),
            "establishment": o.establishment.code,
            "lines": [
                {**fields_of(line, ("quantity", "unit_price", "unavailable")), "item": line.item.name}
                for line in o.lines.select_related("item")
            ],
        }
        for o in orders
    ]


def export_meals(person: Person) -> list[Row]:
    rows: list[Row] = []
    diet = RecordedDiet.objects.filter(person=person).select_related("recorded_by").first()
    if diet is not None:
        rows.append(
            {
                "record": "diet",
                **fields_of(diet, ("needs", "reason", "note", "recorded_at")),
                "recorded_by": staff_label(diet.recorded_by),
            }
        )
    sheets = MealSheet.objects.filter(person=person).select_related("menu", "submitted_by").order_by("submitted_at")
    for sheet in sheets:
        rows.append(
            {
                "record": "meal choices",
                "week_start": sheet.menu.week_start.isoformat(),
                **fields_of(sheet, ("submitted_at", "current")),
                "submitted_by": staff_label(sheet.submitted_by),
                "choices": [
                    {"day": c.day.isoformat(), "meal": c.meal, "option": c.option.name}
                    for c in sheet.choices.select_related("option").order_by("day", "meal")
                ],
            }
        )
    return rows


def export_timetable(person: Person) -> list[Row]:
    rows: list[Row] = []
    for a in Allocation.objects.filter(person=person).select_related("activity", "allocated_by", "ended_by"):
        rows.append(
            {
                "record": "allocation",
                "activity": a.activity.name,
                **fields_of(a, ("starts_on", "ends_on", "allocated_at", "end_reason")),
                "allocated_by": staff_label(a.allocated_by),
                "ended_by": staff_label(a.ended_by),
            }
        )
    records = AttendanceRecord.objects.filter(person=person).select_related("session__activity", "recorded_by")
    for r in records.order_by("session__starts_at"):
        rows.append(
            {
                "record": "attendance",
                "activity": r.session.activity.name,
                "session_starts_at": r.session.starts_at.isoformat(),
                **fields_of(r, ("code", "paid", "comment", "incentive_warning", "recorded_at")),
                "recorded_by": staff_label(r.recorded_by),
            }
        )
    return rows


def export_content(person: Person) -> list[Row]:
    rows: list[Row] = [
        {"record": "opened", "item": v.item.title, **fields_of(v, ("hour", "opens"))}
        for v in ContentView.objects.filter(person=person).select_related("item").order_by("hour")
    ]
    for item in ContentItem.objects.filter(members=person).order_by("created_at"):
        rows.append(
            {
                "record": "recorded session you took part in",
                "item": item.title,
                **fields_of(item, ("kind", "session_on", "group_name", "status")),
                # Other people in the recording are third parties: only how many.
                "other_people": item.members.exclude(pk=person.pk).count(),
            }
        )
    return rows


register_section(
    Section(
        "selfservice.apps",
        _("Apps (requests to staff)"),
        ("selfservice.App", "selfservice.AppEvent"),
        export_apps,
        _(
            "Staff are named by their role, not their name. Staff-only comments are included and marked "
            "(shared: false): review them for an exemption before release."
        ),
    )
)
register_section(
    Section(
        "selfservice.complaints",
        _("Complaints"),
        ("selfservice.Complaint",),
        export_complaints,
        STAFF_BY_ROLE,
    )
)
register_section(
    Section(
        "selfservice.money",
        _("Money accounts and ledger"),
        ("selfservice.Account", "selfservice.LedgerEntry"),
        export_money,
        STAFF_BY_ROLE,
    )
)
register_section(
    Section(
        "selfservice.canteen",
        _("Canteen orders"),
        ("selfservice.CanteenOrder", "selfservice.CanteenOrderLine"),
        export_canteen,
    )
)
register_section(
    Section(
        "selfservice.meals",
        _("Meals and diet"),
        ("selfservice.RecordedDiet", "selfservice.MealSheet", "selfservice.MealChoice"),
        export_meals,
        STAFF_BY_ROLE,
    )
)
register_section(
    Section(
        "selfservice.timetable",
        _("Timetable and attendance"),
        ("selfservice.Allocation", "selfservice.AttendanceRecord"),
        export_timetable,
        STAFF_BY_ROLE,
    )
)
register_section(
    Section(
        "selfservice.content",
        _("Content opened, and recorded sessions"),
        ("selfservice.ContentView", "selfservice.ContentItem"),
        export_content,
        _("Other people in a recorded session are given as a number, not named."),
    )
)


# Retention. Each rule removes what is past its period, except the records of people under a legal hold.


def _counted(queryset: Any, *, dry_run: bool, label: str) -> dict[str, int]:
    count = queryset.count()
    if count and not dry_run:
        queryset.delete()
    return {label: count}


@transaction.atomic
def retire_apps(*, cutoff: datetime, held: set[int], dry_run: bool) -> dict[str, int]:
    apps = App.objects.filter(decided_at__lt=cutoff).exclude(person_id__in=held)
    events = AppEvent.objects.filter(app__in=apps).count()
    return {**_counted(apps, dry_run=dry_run, label="selfservice.App"), "selfservice.AppEvent": events}


@transaction.atomic
def retire_complaints(*, cutoff: datetime, held: set[int], dry_run: bool) -> dict[str, int]:
    # A complaint goes with its appeal: both answered before the cut-off (the appeal points at the complaint).
    old = Complaint.objects.filter(answered_at__lt=cutoff).exclude(person_id__in=held)
    open_appeal = Q(appeal__isnull=False) & ~Q(appeal__answered_at__lt=cutoff)
    old = old.exclude(open_appeal)
    count = old.count()
    if count and not dry_run:
        Complaint.objects.filter(appeal_of__in=old).delete()
        old.delete()
    return {"selfservice.Complaint": count}


@transaction.atomic
def retire_meal_sheets(*, cutoff: datetime, held: set[int], dry_run: bool) -> dict[str, int]:
    sheets = MealSheet.objects.filter(menu__week_start__lt=cutoff.date()).exclude(person_id__in=held)
    return _counted(sheets, dry_run=dry_run, label="selfservice.MealSheet")


@transaction.atomic
def retire_diets(*, cutoff: datetime, held: set[int], dry_run: bool) -> dict[str, int]:
    diets = RecordedDiet.objects.filter(person__release_date__lt=cutoff.date()).exclude(person_id__in=held)
    return _counted(diets, dry_run=dry_run, label="selfservice.RecordedDiet")


@transaction.atomic
def retire_content_views(*, cutoff: datetime, held: set[int], dry_run: bool) -> dict[str, int]:
    views = ContentView.objects.filter(hour__lt=cutoff).exclude(person_id__in=held)
    return _counted(views, dry_run=dry_run, label="selfservice.ContentView")


@transaction.atomic
def retire_attendance(*, cutoff: datetime, held: set[int], dry_run: bool) -> dict[str, int]:
    records = AttendanceRecord.objects.filter(session__starts_at__lt=cutoff).exclude(person_id__in=held)
    return _counted(records, dry_run=dry_run, label="selfservice.AttendanceRecord")


PUBLIC_TASK = _("UK GDPR Art. 6(1)(e) public task (running the prison), DPA 2018 s.8")
register_retention(
    RetentionRule(
        key="selfservice.apps",
        title=_("Apps and their history"),
        models=("selfservice.App", "selfservice.AppEvent"),
        keep_days=2 * 365,
        after=_("the app was answered"),
        basis=PUBLIC_TASK,
        action="delete",
        apply=retire_apps,
    )
)
register_retention(
    RetentionRule(
        key="selfservice.complaints",
        title=_("Complaints and appeals"),
        models=("selfservice.Complaint",),
        keep_days=6 * 365,
        after=_("the complaint (and any appeal) was answered"),
        basis=PUBLIC_TASK,
        action="delete",
        apply=retire_complaints,
    )
)
register_retention(
    RetentionRule(
        key="selfservice.meal_sheets",
        title=_("Meal choices"),
        models=("selfservice.MealSheet", "selfservice.MealChoice"),
        keep_days=365,
        after=_("the menu week began"),
        basis=PUBLIC_TASK,
        action="delete",
        apply=retire_meal_sheets,
    )
)
register_retention(
    RetentionRule(
        key="selfservice.diets",
        title=_("Recorded diets (religious and medical)"),
        models=("selfservice.RecordedDiet",),
        keep_days=365,
        after=_("the person was released"),
        basis=_("UK GDPR Art. 6(1)(e) and Art. 9(2)(g) substantial public interest (religion and health)"),
        action="delete",
        apply=retire_diets,
    )
)
register_retention(
    RetentionRule(
        key="selfservice.content_views",
        title=_("Content opened"),
        models=("selfservice.ContentView",),
        keep_days=365,
        after=_("the hour it was opened"),
        basis=PUBLIC_TASK,
        action="delete",
        apply=retire_content_views,
    )
)
register_retention(
    RetentionRule(
        key="selfservice.attendance",
        title=_("Attendance at activities"),
        models=("selfservice.AttendanceRecord",),
        keep_days=3 * 365,
        after=_("the session took place"),
        basis=PUBLIC_TASK,
        action="delete",
        apply=retire_attendance,
    )
)
