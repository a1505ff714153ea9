"""Writes of the self-service app. Each use case is one function: it checks permission, validates, changes state in
one transaction (the app row locked), and writes its audit row and activity event.

Writes from kiosks and in-cell devices carry an idempotency key: a retried or double-tapped submission returns the
app stored the first time instead of storing another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from throughgate.core import activity, audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition, LimitExceeded, NotVisible
from throughgate.core.idempotency import clean_idempotency_key, key_of
from throughgate.identity.models import Establishment, User
from throughgate.identity.services import notification_send
from throughgate.people.models import Person
from throughgate.people.selectors import own_record_for
from throughgate.selfservice import events, lifecycle, workdays
from throughgate.selfservice.applications.models import (
    DECISIONS,
    OPEN_STATUSES,
    App,
    AppEvent,
    AppEventKind,
    AppStatus,
    AppType,
    Department,
)
from throughgate.selfservice.permissions import ANSWER_APPS, OVERSEE_APPS, USE_APPS

SOURCE = "selfservice"
MAX_TEXT = 2000


def _clean_text(raw: str, *, field: str, required: bool, empty_message: str) -> str:
    text = (raw or "").strip()
    if required and not text:
        raise InvalidInput(empty_message, code="required", field=field)
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("Use %(max)s characters or fewer.") % {"max": MAX_TEXT}, code="too_long", field=field)
    return text


def due_date(*, establishment: Establishment, submitted: date, response_days: int) -> date:
    return workdays.add_working_days(submitted, response_days, workdays.subdivision_of(establishment))


# --- Residents -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    app: App
    created: bool  # False when the key had been used already: the first submission is returned


def app_submit(*, user: User, app_type: AppType, body: str, idempotency_key: str) -> Submitted:
    """A resident raises an app. Exactly once per idempotency key, however many times it is sent."""
    ensure_can(user, USE_APPS)
    person = own_record_for(user=user, permission=USE_APPS)
    key = clean_idempotency_key(idempotency_key)
    existing = App.objects.filter(person=person, idempotency_key=key).first()
    if existing is not None:
        return Submitted(existing, created=False)
    if app_type.establishment_id != person.establishment_id or not app_type.active:
        raise NotVisible(_("There is no app of that kind here."))
    text = _clean_text(body, field="body", required=True, empty_message=_("Write what you need."))
    if app_type.one_pending and _has_open(person, app_type):
        raise _one_pending_error(app_type)
    try:
        with transaction.atomic():
            app = _create_app(person=person, app_type=app_type, body=text, key=key, user=user)
    except IntegrityError:
        # Another request with the same key (or an open app of a one-at-a-time type) committed first.
        existing = App.objects.filter(person=person, idempotency_key=key).first()
        if existing is not None:
            return Submitted(existing, created=False)
        if app_type.one_pending and _has_open(person, app_type):
            raise _one_pending_error(app_type) from None
        raise
    return Submitted(app, created=True)


def _has_open(person: Person, app_type: AppType) -> bool:
    return App.objects.filter(person=person, app_type=app_type, status__in=OPEN_STATUSES).exists()


def _one_pending_error(app_type: AppType) -> LimitExceeded:
    return LimitExceeded(
        _("You already have a %(type)s app waiting. You can send another when it has been answered.")
        % {"type": app_type.display_name},
        code="one_pending",
    )


def _create_app(*, person: Person, app_type: AppType, body: str, key: str, user: User) -> App:
    establishment = app_type.establishment
    now = timezone.now()
    app = App.objects.create(
        person=person,
        establishment=establishment,
        app_type=app_type,
        department_id=app_type.department_id,
        body=body,
        submitted_at=now,
        due_on=due_date(
            establishment=establishment, submitted=timezone.localdate(now), response_days=app_type.response_days
        ),
        one_pending=app_type.one_pending,
        idempotency_key=key,
    )
    AppEvent.objects.create(
        app=app,
        at=now,
        kind=AppEventKind.SUBMITTED,
        actor=user,
        actor_name=person.full_name,
        to_status=AppStatus.NEW,
        to_department_id=app.department_id,
        shared=True,
    )
    audit.record(
        action=events.APP_SUBMITTED,
        actor=user,
        subject=person.prison_number,
        obj=app,
        detail={"type": app_type.code, "department": app_type.department.code},
    )
    activity.emit(
        person=person.prison_number,
        kind=events.APP_SUBMITTED_KIND,
        occurred_at=now,
        source=SOURCE,
        idempotency_key=f"app.submitted:{app.pk}",
        payload={"type": app_type.code, "department": app_type.department.code},
    )
    return app


# --- Staff ---------------------------------------------------------------------------------------------------


def _may_work(user: User, app: App) -> bool:
    """Staff may work an app of their establishment if they are in its department, lead it, had it escalated to
    them, or oversee every queue."""
    if not user.has_perm(ANSWER_APPS) or not user.is_staff_member:
        return False
    if not user.sees_all_establishments and not user.assignments.filter(establishment_id=app.establishment_id).exists():
        return False
    if user.has_perm(OVERSEE_APPS) or app.escalated_to_id == user.pk:
        return True
    return Department.objects.filter(pk=app.department_id).filter(Q(members=user) | Q(lead=user)).exists()


def _locked(app: App, user: User) -> App:
    """The app, re-read with a row lock (PostgreSQL) inside the caller's transaction, if the user may work it."""
    fresh = App.objects.select_for_update().select_related("person", "department", "app_type").get(pk=app.pk)
    if not _may_work(user, fresh):
        raise NotVisible(_("No app found"))
    return fresh


def _event(
    app: App,
    *,
    kind: str,
    by: User | None,
    key: str | None,
    shared: bool,
    text: str = "",
    from_status: str = "",
    to_status: str = "",
    from_department: Department | None = None,
    to_department: Department | None = None,
    at: datetime | None = None,
) -> AppEvent:
    return AppEvent.objects.create(
        app=app,
        at=at or timezone.now(),
        kind=kind,
        actor=by,
        actor_name=(by.get_full_name() or by.get_username()) if by is not None else "",
        from_status=from_status,
        to_status=to_status,
        from_department=from_department,
        to_department=to_department,
        text=text,
        shared=shared,
        idempotency_key=key,
    )


def app_transition(*, app: App, to: str, by: User, text: str = "", key: str | None = None) -> App:
    """The one function that changes an app's status: checks the lifecycle, records the step in the history.
    Call it inside a transaction with ``app`` locked."""
    lifecycle.check_transition(app.status, to)
    previous = app.status
    now = timezone.now()
    app.status = to
    fields = ["status"]
    if to in DECISIONS:
        app.reply = text
        app.decided_at = now
        app.decided_by = by
        fields += ["reply", "decided_at", "decided_by"]
    app.save(update_fields=fields)
    kind = AppEventKind.DECIDED if to in DECISIONS else AppEventKind.STARTED
    _event(app, kind=kind, by=by, key=key, shared=True, text=text, from_status=previous, to_status=to, at=now)
    return app


@transaction.atomic
def app_start(*, app: App, by: User, idempotency_key: str | None = None) -> App:
    """A member of staff starts work on a new app (and takes it, if nobody has)."""
    ensure_can(by, ANSWER_APPS)
    key = key_of(by.pk, idempotency_key)
    if key and AppEvent.objects.filter(idempotency_key=key).exists():
        return App.objects.get(pk=app.pk)
    app = _locked(app, by)
    app_transition(app=app, to=AppStatus.IN_PROGRESS, by=by, key=key)
    if app.assigned_to_id is None:
        app.assigned_to = by
        app.save(update_fields=["assigned_to"])
    audit.record(action=events.APP_STARTED, actor=by, subject=app.person.prison_number, obj=app)
    return app


@transaction.atomic
def app_respond(*, app: App, by: User, decision: str, reply: str, idempotency_key: str | None = None) -> App:
    """Staff answer an app: approved, declined or rejected, with a reply the resident reads. A new app is started
    first (both steps are in the history)."""
    ensure_can(by, ANSWER_APPS)
    key = key_of(by.pk, idempotency_key)
    if key and AppEvent.objects.filter(idempotency_key=key).exists():
        return App.objects.get(pk=app.pk)
    if decision not in DECISIONS:
        raise InvalidInput(_("Choose an answer."), code="decision_required", field="decision")
    text = _clean_text(reply, field="reply", required=True, empty_message=_("Write a reply for the person."))
    app = _locked(app, by)
    if app.status == AppStatus.NEW:
        app_transition(app=app, to=AppStatus.IN_PROGRESS, by=by)
    app_transition(app=app, to=decision, by=by, text=text, key=key)
    audit.record(
        action=events.APP_RESPONDED,
        actor=by,
        subject=app.person.prison_number,
        obj=app,
        detail={"decision": decision, "overdue": timezone.localdate() > app.due_on},
    )
    activity.emit(
        person=app.person.prison_number,
        kind=events.APP_RESPONDED_KIND,
        occurred_at=app.decided_at or timezone.now(),
        source=SOURCE,
        idempotency_key=f"app.responded:{app.pk}",
        payload={"type": app.app_type.code, "decision": decision, "department": app.department.code},
    )
    return app


@transaction.atomic
def app_forward(
    *, app: App, by: User, department: Department, comment: str = "", idempotency_key: str | None = None
) -> App:
    """Pass an open app to another department of the same establishment. It leaves the assignee's hands."""
    ensure_can(by, ANSWER_APPS)
    key = key_of(by.pk, idempotency_key)
    if key and AppEvent.objects.filter(idempotency_key=key).exists():
        return App.objects.get(pk=app.pk)
    app = _locked(app, by)
    _ensure_open(app)
    if department.establishment_id != app.establishment_id:
        raise NotVisible(_("There is no such department here."))
    if department.pk == app.department_id:
        raise InvalidInput(_("The app is already with that department."), code="same_department", field="department")
    text = _clean_text(comment, field="comment", required=False, empty_message="")
    previous = app.department
    app.department = department
    app.assigned_to = None
    app.escalated_at = None
    app.escalated_to = None
    app.save(update_fields=["department", "assigned_to", "escalated_at", "escalated_to"])
    _event(
        app,
        kind=AppEventKind.FORWARDED,
        by=by,
        key=key,
        shared=True,
        text=text,
        from_department=previous,
        to_department=department,
    )
    audit.record(
        action=events.APP_FORWARDED,
        actor=by,
        subject=app.person.prison_number,
        obj=app,
        detail={"from": previous.code, "to": department.code},
    )
    return app


def _ensure_open(app: App) -> None:
    if not app.is_open:
        raise InvalidTransition(
            _("This app is already %(status)s, so it cannot be changed. The answer has been sent.")
            % {"status": str(AppStatus(app.status).label).lower()},
            code="app_closed",
        )


@transaction.atomic
def app_comment(*, app: App, by: User, text: str, shared: bool, idempotency_key: str | None = None) -> App:
    """Add a comment: shared with the resident, or for staff only."""
    ensure_can(by, ANSWER_APPS)
    key = key_of(by.pk, idempotency_key)
    if key and AppEvent.objects.filter(idempotency_key=key).exists():
        return App.objects.get(pk=app.pk)
    comment = _clean_text(text, field="text", required=True, empty_message=_("Write a comment."))
    app = _locked(app, by)
    _event(app, kind=AppEventKind.COMMENTED, by=by, key=key, shared=shared, text=comment)
    audit.record(
        action=events.APP_COMMENTED,
        actor=by,
        subject=app.person.prison_number,
        obj=app,
        detail={"shared": shared},
    )
    return app


# --- One table of staff actions, used by the pages and the API ---------------------------------------------------


def _department_named(app: App, code: str) -> Department:
    department = Department.objects.filter(establishment_id=app.establishment_id, code=code).first()
    if department is None:
        raise InvalidInput(_("There is no such department here."), code="department_unknown", field="department")
    return department


StaffAction = Callable[[App, User, Mapping[str, Any], "str | None"], App]

STAFF_ACTIONS: dict[str, StaffAction] = {
    "start": lambda app, by, data, key: app_start(app=app, by=by, idempotency_key=key),
    "comment": lambda app, by, data, key: app_comment(
        app=app, by=by, text=data["text"], shared=data["shared"], idempotency_key=key
    ),
    "forward": lambda app, by, data, key: app_forward(
        app=app,
        by=by,
        department=_department_named(app, data["department"]),
        comment=data["comment"],
        idempotency_key=key,
    ),
    "respond": lambda app, by, data, key: app_respond(
        app=app, by=by, decision=data["decision"], reply=data["reply"], idempotency_key=key
    ),
}


def app_act(*, app: App, by: User, action: str, data: Mapping[str, Any], idempotency_key: str | None) -> App:
    """One staff action on an app, by name (``STAFF_ACTIONS``), with what the form or the API sent."""
    act = STAFF_ACTIONS.get(action)
    if act is None:
        raise NotVisible(_("No app found"))
    return act(app, by, data, idempotency_key)


@transaction.atomic
def apps_assign(*, app_ids: list[int], assignee: User, by: User, establishment: Establishment) -> int:
    """Give several open apps to one member of staff (bulk assignment from the queue). Returns how many."""
    ensure_can(by, ANSWER_APPS)
    if not assignee.is_active or not assignee.has_perm(ANSWER_APPS):
        raise InvalidInput(_("That person cannot be given apps."), code="assignee_invalid", field="assignee")
    apps = list(
        App.objects.select_for_update()
        .select_related("person", "department")
        .filter(pk__in=app_ids, establishment=establishment)
        .order_by("pk")
    )
    workable = [app for app in apps if _may_work(by, app)]
    if len(workable) != len(set(app_ids)):
        raise NotVisible(_("No app found"))
    changed = 0
    for app in workable:
        _ensure_open(app)
        if not _may_work(assignee, app):
            raise InvalidInput(
                _("%(name)s does not work in the %(department)s department.")
                % {"name": assignee.get_full_name() or assignee.get_username(), "department": app.department},
                code="assignee_not_in_department",
                field="assignee",
            )
        if app.assigned_to_id == assignee.pk:
            continue
        app.assigned_to = assignee
        app.save(update_fields=["assigned_to"])
        _event(app, kind=AppEventKind.ASSIGNED, by=by, key=None, shared=False, text=assignee.get_username())
        audit.record(
            action=events.APP_ASSIGNED,
            actor=by,
            subject=app.person.prison_number,
            obj=app,
            detail={"to": assignee.get_username()},
        )
        changed += 1
    return changed


def _tell_lead(app: App) -> None:
    """The department's lead is told, in the service, that an overdue app is now theirs."""
    number, due = app.person.prison_number, app.due_on

    def message() -> str:
        return _("An app from %(number)s was not answered by %(due)s. It is now yours to answer.") % {
            "number": number,
            "due": formats.date_format(due, "j F Y"),
        }

    notification_send(
        recipients=[app.escalated_to] if app.escalated_to else [],
        kind="selfservice.app.escalated",
        key=f"selfservice.app.escalated:{app.pk}",
        message=message,
        url=reverse("selfservice:staff_app", args=[app.pk]),
        establishment=app.establishment,
    )


def apps_escalate_overdue(*, today: date | None = None) -> int:
    """Send every overdue open app that has not been escalated yet to its department's lead (run daily)."""
    day = today or timezone.localdate()
    escalated = 0
    candidates = App.objects.filter(status__in=OPEN_STATUSES, due_on__lt=day, escalated_at__isnull=True)
    for app_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            app = App.objects.select_for_update().select_related("person", "department").get(pk=app_id)
            if not app.is_open or app.escalated_at is not None or app.department.lead_id is None:
                continue
            app.escalated_at = timezone.now()
            app.escalated_to_id = app.department.lead_id
            app.save(update_fields=["escalated_at", "escalated_to"])
            _event(app, kind=AppEventKind.ESCALATED, by=None, key=None, shared=False)
            audit.record(
                action=events.APP_ESCALATED,
                subject=app.person.prison_number,
                obj=app,
                detail={"due_on": app.due_on.isoformat(), "lead": app.department.lead_id},
            )
            _tell_lead(app)
            escalated += 1
    return escalated
