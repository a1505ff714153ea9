"""Timetable pages: a resident's week on the kiosk; staff set up activities, allocate people, take session registers
(everyone attended in one press, then the exceptions) and read purposeful activity hours."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from throughgate.core.access import requires
from throughgate.core.errors import DomainError, NotVisible
from throughgate.core.forms import add_domain_error
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.selfservice.permissions import (
    MANAGE_ACTIVITIES,
    RECORD_ATTENDANCE,
    USE_TIMETABLE,
    VIEW_ACTIVITY_HOURS,
)
from throughgate.selfservice.timetable import selectors, services
from throughgate.selfservice.timetable.models import Activity, ActivityCategory, Allocation, AttendanceCode
from throughgate.selfservice.timetable.rules import COMMENT_REQUIRED, PAY_RULE, week_start
from throughgate.selfservice.timetable.web.forms import (
    ActivityForm,
    AllocateForm,
    AttendanceForm,
    DayForm,
    EndAllocationForm,
    HoursFilterForm,
    ScheduleForm,
)

# Plain words for residents: what kind of thing it is, and what happened.
RESIDENT_CATEGORY: dict[str, Promise] = {
    ActivityCategory.WORK: gettext_lazy("Work"),
    ActivityCategory.EDUCATION: gettext_lazy("Learning"),
    ActivityCategory.GYM: gettext_lazy("Gym"),
    ActivityCategory.PROGRAMME: gettext_lazy("Course"),
    ActivityCategory.EXERCISE: gettext_lazy("Time outside"),
    ActivityCategory.LIBRARY: gettext_lazy("Library"),
    ActivityCategory.FAITH: gettext_lazy("Faith"),
    ActivityCategory.ASSOCIATION: gettext_lazy("Free time"),
}
RESIDENT_OUTCOME: dict[str, tuple[Promise, str]] = {
    AttendanceCode.ATTENDED: (gettext_lazy("You went"), "govuk-tag--green"),
    AttendanceCode.REFUSED: (gettext_lazy("You did not go"), "govuk-tag--red"),
    AttendanceCode.SICK: (gettext_lazy("Off sick"), "govuk-tag--grey"),
    AttendanceCode.NOT_REQUIRED: (gettext_lazy("Not needed"), "govuk-tag--grey"),
    AttendanceCode.REST: (gettext_lazy("Rest day"), "govuk-tag--grey"),
    AttendanceCode.CLASH: (gettext_lazy("You had something else"), "govuk-tag--grey"),
    AttendanceCode.SUSPENDED: (gettext_lazy("Stopped for now"), "govuk-tag--grey"),
    AttendanceCode.CANCELLED: (gettext_lazy("Called off"), "govuk-tag--grey"),
    AttendanceCode.OTHER: (gettext_lazy("You did not go"), "govuk-tag--grey"),
}
STAFF_OUTCOME_TAG: dict[str, str] = {
    AttendanceCode.ATTENDED: "govuk-tag--green",
    AttendanceCode.REFUSED: "govuk-tag--red",
    AttendanceCode.OTHER: "govuk-tag--orange",
}
CATEGORY_ICON: dict[str, str] = {value: value.lower() for value in ActivityCategory.values}


# --- Residents -------------------------------------------------------------------------------------------------


def resident_entry(entry: selectors.Entry) -> dict[str, Any]:
    outcome = RESIDENT_OUTCOME.get(entry.outcome)
    return {
        "session": entry.session,
        "name": entry.activity.display_name,
        "where": entry.activity.display_location,
        "kind": RESIDENT_CATEGORY[entry.activity.category],
        "icon": CATEGORY_ICON[entry.activity.category],
        "outcome": {"label": outcome[0], "tag": outcome[1]} if outcome else None,
        "cancelled": entry.session.cancelled,
    }


@requires(USE_TIMETABLE)
def my_timetable(request: HttpRequest) -> HttpResponse:
    weeks = selectors.resident_weeks(user=acting_user(request))
    context = {
        "weeks": [
            {
                "week": week,
                "next": index == 1,
                "days": [{"day": day, "entries": [resident_entry(e) for e in day.entries]} for day in week.days],
            }
            for index, week in enumerate(weeks)
        ]
    }
    return render(request, "selfservice/timetable/my_timetable.html", context)


# --- Staff: registers ------------------------------------------------------------------------------------------


@requires(RECORD_ATTENDANCE)
def registers(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = DayForm(request.GET or None)
    day = today
    if form.is_bound and form.is_valid() and form.cleaned_data["date"]:
        day = form.cleaned_data["date"]
    rows = selectors.sessions_on(user=acting_user(request), establishment=acting_establishment(request), day=day)
    context = {
        "form": form,
        "day": day,
        "rows": rows,
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "is_future": day > today,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "selfservice/timetable/registers.html", context, status=status)


def _register_page(request: HttpRequest, session: Any, *, error: str = "", status: int = 200) -> HttpResponse:
    rows = selectors.register_rows(session=session)
    context = {
        "session": session,
        "rows": [
            {"row": row, "tag": STAFF_OUTCOME_TAG.get(row.record.code, "govuk-tag--grey") if row.record else ""}
            for row in rows
        ],
        "unrecorded": sum(1 for row in rows if row.record is None),
        "is_future": session.date > timezone.localdate(),
        "error": error,
    }
    return render(request, "selfservice/timetable/register.html", context, status=status)


@requires(RECORD_ATTENDANCE)
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, session_id: int) -> HttpResponse:
    """One session's register: everyone attended in one press (or only the people ticked), then the exceptions."""
    user = acting_user(request)
    session = selectors.session_for_staff(user=user, establishment=acting_establishment(request), session_id=session_id)
    if request.method == "GET":
        return _register_page(request, session)
    chosen: list[int] | None = None
    if request.POST.get("action") == "selected":
        chosen = [int(value) for value in request.POST.getlist("people") if value.isdigit()]
        if not chosen:
            return _register_page(request, session, error=_("Tick the people who attended."), status=400)
    try:
        made = services.register_mark_attended(by=user, session=session, person_ids=chosen)
    except DomainError as exc:
        return _register_page(request, session, error=exc.message, status=exc.status)
    messages.success(request, _("%(count)s people marked as attended.") % {"count": made})
    return HttpResponseRedirect(reverse("selfservice:timetable_register", args=[session.pk]))


def _rule_hints() -> dict[str, str]:
    hints: dict[str, str] = {}
    for code in AttendanceCode.values:
        rule = PAY_RULE[code]
        parts = [str(_("Paid")) if rule is True else str(_("Not paid")) if rule is False else str(_("You choose pay"))]
        if code in COMMENT_REQUIRED:
            parts.append(str(_("needs a comment")))
        hints[code] = ", ".join(parts)
    return hints


@requires(RECORD_ATTENDANCE)
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, session_id: int, prison_number: str) -> HttpResponse:
    """Record (or explicitly change) one person's outcome for a session."""
    user = acting_user(request)
    session = selectors.session_for_staff(user=user, establishment=acting_establishment(request), session_id=session_id)
    row = selectors.register_person(session=session, prison_number=prison_number)
    initial: dict[str, Any] = {}
    if row.record is not None:
        initial = {
            "code": row.record.code,
            "paid": "yes" if row.record.paid else "no",
            "comment": row.record.comment,
            "incentive_warning": row.record.incentive_warning,
        }
    form = AttendanceForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            arguments = {
                "by": user,
                "code": data["code"],
                "paid": form.paid_value(),
                "comment": data["comment"],
                "incentive_warning": data["incentive_warning"],
            }
            try:
                if row.record is not None:
                    services.attendance_change(record=row.record, **arguments)
                    done = _("Attendance changed.")
                else:
                    services.attendance_record(session=session, person=row.person, **arguments)
                    done = _("Attendance recorded.")
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, done)
                return HttpResponseRedirect(reverse("selfservice:timetable_register", args=[session.pk]))
        else:
            status = 400
    context = {"session": session, "row": row, "form": form, "hints": _rule_hints()}
    return render(request, "selfservice/timetable/attendance.html", context, status=status)


# --- Staff: activities and allocations -------------------------------------------------------------------------


@requires(MANAGE_ACTIVITIES)
@require_http_methods(["GET", "POST"])
def activities(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    form = ActivityForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and establishment is not None:
            data = form.cleaned_data
            try:
                made = services.activity_create(by=user, establishment=establishment, **data)
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Activity set up. Now add its weekly sessions."))
                return HttpResponseRedirect(reverse("selfservice:timetable_activity", args=[made.pk]))
        else:
            status = 400
    found = selectors.activities_for_staff(user=user, establishment=establishment)
    return render(request, "selfservice/timetable/activities.html", {"activities": found, "form": form}, status=status)


def _activity_page(
    request: HttpRequest, activity: Activity, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    forms = forms or {}
    context = {
        "activity": activity,
        "schedules": list(activity.schedules.all()),
        "allocations": selectors.allocations_of(activity=activity),
        "schedule_form": forms.get("schedule") or ScheduleForm(auto_id="schedule_%s"),
        "allocate_form": forms.get("allocate") or AllocateForm(auto_id="allocate_%s"),
        "weekdays": services.WEEKDAY_NAMES,
    }
    return render(request, "selfservice/timetable/activity.html", context, status=status)


@requires(MANAGE_ACTIVITIES)
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = acting_user(request)
    found = selectors.activity_for_staff(
        user=user, establishment=acting_establishment(request), activity_id=activity_id
    )
    return _activity_page(request, found)


@requires(MANAGE_ACTIVITIES)
@require_POST
def activity_schedule(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = acting_user(request)
    found = selectors.activity_for_staff(
        user=user, establishment=acting_establishment(request), activity_id=activity_id
    )
    form = ScheduleForm(request.POST, auto_id="schedule_%s")
    if not form.is_valid():
        return _activity_page(request, found, forms={"schedule": form}, status=400)
    try:
        services.schedule_add(by=user, activity=found, **form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _activity_page(request, found, forms={"schedule": form}, status=exc.status)
    messages.success(request, _("Weekly session added."))
    return HttpResponseRedirect(reverse("selfservice:timetable_activity", args=[found.pk]))


@requires(MANAGE_ACTIVITIES)
@require_POST
def activity_allocate(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    found = selectors.activity_for_staff(user=user, establishment=establishment, activity_id=activity_id)
    form = AllocateForm(request.POST, auto_id="allocate_%s")
    if not form.is_valid():
        return _activity_page(request, found, forms={"allocate": form}, status=400)
    data = form.cleaned_data
    try:
        person = selectors.person_in(user=user, establishment=establishment, prison_number=data["prison_number"])
        services.allocate(by=user, person=person, activity=found, starts_on=data["starts_on"], ends_on=data["ends_on"])
    except DomainError as exc:
        form.add_error("prison_number" if exc.field not in form.fields else exc.field, exc.message)
        return _activity_page(request, found, forms={"allocate": form}, status=exc.status)
    messages.success(request, _("%(name)s allocated.") % {"name": person.full_name})
    return HttpResponseRedirect(reverse("selfservice:timetable_activity", args=[found.pk]))


@requires(MANAGE_ACTIVITIES)
@require_http_methods(["GET", "POST"])
def allocation_end(request: HttpRequest, activity_id: int, allocation_id: int) -> HttpResponse:
    user = acting_user(request)
    found = selectors.activity_for_staff(
        user=user, establishment=acting_establishment(request), activity_id=activity_id
    )
    allocation = Allocation.objects.select_related("person").filter(pk=allocation_id, activity=found).first()
    if allocation is None:
        raise NotVisible(_("No allocation found"))
    form = EndAllocationForm(request.POST or None, initial={"ends_on": timezone.localdate().strftime("%d/%m/%Y")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.allocation_end(by=user, allocation=allocation, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Allocation ended."))
                return HttpResponseRedirect(reverse("selfservice:timetable_activity", args=[found.pk]))
        else:
            status = 400
    context = {"activity": found, "allocation": allocation, "form": form}
    return render(request, "selfservice/timetable/allocation_end.html", context, status=status)


# --- Staff: purposeful activity hours --------------------------------------------------------------------------


@requires(VIEW_ACTIVITY_HOURS)
def hours(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    wings = [wing.code for wing in selectors.wings_of(user=user, establishment=establishment)]
    form = HoursFilterForm(request.GET or None, wings=wings)
    week = week_start(timezone.localdate())
    wing = ""
    if form.is_bound and form.is_valid():
        week = week_start(form.cleaned_data["week"] or week)
        wing = form.cleaned_data["wing"]
    report = selectors.hours_report(user=user, establishment=establishment, week=week, wing=wing)
    context = {
        "form": form,
        "report": report,
        "week_end": report.week + timedelta(days=6),
        "previous": (report.week - timedelta(days=7)).strftime("%d/%m/%Y"),
        "next": (report.week + timedelta(days=7)).strftime("%d/%m/%Y"),
        "wing": wing,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "selfservice/timetable/hours.html", context, status=status)
