"""Reads of self-service data, scoped to the acting user. A resident sees only their own apps; staff see the apps
of their departments in an establishment they may act in (overseers: every department there). Anything else looks
like a record that does not exist (NotVisible)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.errors import NotVisible
from throughgate.identity import selectors as identity_selectors
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people.selectors import own_record_for, person_matching
from throughgate.selfservice import events
from throughgate.selfservice.applications.models import OPEN_STATUSES, App, AppEvent, AppType, Department
from throughgate.selfservice.permissions import ANSWER_APPS, OVERSEE_APPS, USE_APPS

QUEUE_PAGE_SIZE = 50


# --- Residents -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppTypeOption:
    app_type: AppType
    blocked: bool  # the type allows one open app, and this person has one


def app_types_for_resident(*, user: User) -> list[AppTypeOption]:
    person = own_record_for(user=user, permission=USE_APPS)
    types = list(AppType.objects.filter(establishment=person.establishment, active=True))
    open_types = set(
        App.objects.filter(person=person, status__in=OPEN_STATUSES, one_pending=True).values_list(
            "app_type_id", flat=True
        )
    )
    return [AppTypeOption(t, t.one_pending and t.pk in open_types) for t in types]


def app_type_for_resident(*, user: User, type_id: int) -> AppType:
    person = own_record_for(user=user, permission=USE_APPS)
    app_type = (
        AppType.objects.select_related("establishment", "department")  # what app_submit reads next
        .filter(pk=type_id, establishment=person.establishment, active=True)
        .first()
    )
    if app_type is None:
        raise NotVisible(_("There is no app of that kind here."))
    return app_type


def apps_of_resident(*, user: User) -> QuerySet[App]:
    person = own_record_for(user=user, permission=USE_APPS)
    return App.objects.filter(person=person).select_related("app_type", "department")


def app_of_resident(*, user: User, app_id: int) -> App:
    app = apps_of_resident(user=user).filter(pk=app_id).first()
    if app is None:
        raise NotVisible(_("No app found"))
    return app


def shared_events(*, app: App) -> list[AppEvent]:
    """The history the resident sees: every step except staff-only comments and internal assignments."""
    return list(app.events.filter(shared=True).select_related("to_department"))


# --- Staff ---------------------------------------------------------------------------------------------------


def departments_for(*, user: User, establishment: Establishment | None) -> QuerySet[Department]:
    """The departments whose queues the user works: all of them for an overseer."""
    if not staff_may_act_in(user, establishment) or not user.has_perm(ANSWER_APPS):
        return Department.objects.none()
    departments = Department.objects.filter(establishment=establishment)
    if user.has_perm(OVERSEE_APPS):
        return departments
    return departments.filter(Q(members=user) | Q(lead=user)).distinct()


def apps_visible_to_staff(*, user: User, establishment: Establishment | None) -> QuerySet[App]:
    if not staff_may_act_in(user, establishment) or not user.has_perm(ANSWER_APPS):
        return App.objects.none()
    apps = App.objects.filter(establishment=establishment).select_related(
        "person", "app_type", "department", "assigned_to"
    )
    if user.has_perm(OVERSEE_APPS):
        return apps
    mine = Department.objects.filter(establishment=establishment).filter(Q(members=user) | Q(lead=user))
    return apps.filter(Q(department__in=mine) | Q(escalated_to=user))


@dataclass
class QueueFilters:
    department: str = ""  # a department code, or "" for all of the user's
    status: str = "open"  # "open", "all" or one AppStatus value
    assigned: str = ""  # "", "me", "unassigned"
    overdue: bool = False
    escalated_to_me: bool = False
    query: str = ""  # a prison number, or words of a name
    today: date | None = field(default=None)


def app_queue(*, user: User, establishment: Establishment | None, filters: QueueFilters) -> QuerySet[App]:
    """A department queue: oldest deadline first, so overdue apps are at the top."""
    apps = apps_visible_to_staff(user=user, establishment=establishment)
    if filters.department:
        apps = apps.filter(department__code=filters.department)
    if filters.status == "open":
        apps = apps.filter(status__in=OPEN_STATUSES)
    elif filters.status and filters.status != "all":
        apps = apps.filter(status=filters.status)
    if filters.assigned == "me":
        apps = apps.filter(assigned_to=user)
    elif filters.assigned == "unassigned":
        apps = apps.filter(assigned_to__isnull=True)
    if filters.overdue:
        apps = apps.filter(status__in=OPEN_STATUSES, due_on__lt=filters.today or timezone.localdate())
    if filters.escalated_to_me:
        apps = apps.filter(escalated_to=user)
    if filters.query.strip():
        apps = apps.filter(person_matching(filters.query, via="person__"))
    return apps.order_by("due_on", "submitted_at", "id")


def app_queue_read(
    *, user: User, establishment: Establishment | None, filters: QueueFilters, offset: int = 0, limit: int
) -> list[App]:
    """One page of a queue, as a member of staff reads it: apps carry people's own words (health among them), so
    the read is audited, one row per page, with how many apps it showed and the prison's code."""
    apps = list(app_queue(user=user, establishment=establishment, filters=filters)[offset : offset + limit])
    app_queue_seen(user=user, establishment=establishment, filters=filters, offset=offset, count=len(apps))
    return apps


def app_queue_seen(
    *, user: User, establishment: Establishment | None, filters: QueueFilters, offset: int, count: int
) -> None:
    """Audit one page of a queue shown to a member of staff (for a page that pages the queue itself)."""
    code = establishment.code if establishment is not None else ""
    audit.record(
        action=events.APP_QUEUE_VIEWED,
        actor=user,
        obj=establishment,
        establishment=code,
        purpose="answering_request",
        detail={
            "establishment": code,
            "count": count,
            "department": filters.department,
            "status": filters.status,
            "offset": offset,
        },
    )


def app_for_staff(*, user: User, establishment: Establishment | None, app_id: int) -> App:
    """One app for a member of staff; the read is audited."""
    app = apps_visible_to_staff(user=user, establishment=establishment).filter(pk=app_id).first()
    if app is None:
        raise NotVisible(_("No app found"))
    audit.record(
        action=events.APP_VIEWED,
        actor=user,
        subject=app.person.prison_number,
        obj=app,
        purpose="answering_request",
    )
    return app


def app_history(*, app: App) -> list[AppEvent]:
    """The whole history, staff-only comments included (for staff pages only)."""
    return list(app.events.select_related("from_department", "to_department"))


def forward_targets(*, app: App) -> QuerySet[Department]:
    return Department.objects.filter(establishment_id=app.establishment_id).exclude(pk=app.department_id)


def assignable_staff(*, user: User, establishment: Establishment | None) -> QuerySet[User]:
    """Staff who may be given apps: members of the departments the user works."""
    departments = departments_for(user=user, establishment=establishment)
    return (
        identity_selectors.active_users()
        .filter(Q(departments__in=departments) | Q(led_departments__in=departments))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
