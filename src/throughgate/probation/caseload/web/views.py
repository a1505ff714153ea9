"""The practitioner's pages: their caseload, most pressing first, and one page per person (passport, check-ins,
schedule, tasks). The passport actions are the resettlement page's, under the practitioner's permission."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from throughgate.core.access import requires
from throughgate.core.errors import DomainError, NotVisible
from throughgate.core.forms import add_domain_error
from throughgate.identity.selectors import acting_user
from throughgate.probation import scope
from throughgate.probation.appointments import selectors as appointment_selectors
from throughgate.probation.appointments import services as appointment_services
from throughgate.probation.appointments.web.forms import BookForm, OutcomeForm
from throughgate.probation.caseload import selectors
from throughgate.probation.caseload import services as caseload_services
from throughgate.probation.checkins import selectors as checkin_selectors
from throughgate.probation.checkins import services as checkin_services
from throughgate.probation.checkins.models import HelpTopic
from throughgate.probation.checkins.web.forms import ReviewForm, ScheduleForm
from throughgate.probation.passport import selectors as passport_selectors
from throughgate.probation.passport.web.views import ACTIONS, act, passport_context
from throughgate.probation.permissions import SUPERVISE


@requires(SUPERVISE)
def caseload(request: HttpRequest) -> HttpResponse:
    rows = selectors.caseload_rows(user=acting_user(request))
    return render(request, "probation/caseload.html", {"rows": rows, "today": timezone.localdate()})


def _case_page(request: HttpRequest, prison_number: str, forms: dict[str, Any], status: int = 200) -> HttpResponse:
    user = acting_user(request)
    view = passport_selectors.passport_for_staff(user=user, establishment=None, prison_number=prison_number)
    person = view.person
    selectors.case_viewed(user=user, person=person)
    schedule = checkin_selectors.schedule_of(person=person)
    checkins = checkin_selectors.checkins_of(person=person)
    context = {
        **passport_context(view, forms=forms, action_url="probation:case_action"),
        "tasks": selectors.tasks_of(user=user, person=person),
        "checkins": [
            {
                "checkin": checkin,
                "reasons": [checkin_selectors.reason_text(code) for code in checkin.attention_reasons],
                "help": [str(label) for value, label in HelpTopic.choices if value in checkin.help_with],
            }
            for checkin in checkins
        ],
        "schedule": schedule,
        "schedule_form": forms.get("schedule")
        or ScheduleForm(
            initial={"every_weeks": schedule.every_weeks, "first_due_on": schedule.next_due_on}
            if schedule
            else {"every_weeks": 1, "first_due_on": timezone.localdate()}
        ),
        "review_form": ReviewForm(),
        "appointments": appointment_selectors.appointments_of(person=person),
        "book_form": forms.get("appointment") or BookForm(),
        "outcome_form": OutcomeForm(),
        "now": timezone.now(),
        "review_errors": forms.get("review"),
        "on_case_page": True,
    }
    return render(request, "probation/case.html", context, status=status)


@requires(SUPERVISE)
def case(request: HttpRequest, prison_number: str) -> HttpResponse:
    return _case_page(request, prison_number, {})


@requires(SUPERVISE)
@require_POST
def case_action(request: HttpRequest, prison_number: str, action: str) -> HttpResponse:
    """A passport action (pathways, to-do, assessment) or the check-in schedule, from the case page."""
    user = acting_user(request)
    back = reverse("probation:case", args=[prison_number])
    if action == "schedule":
        person = scope.person_for_staff(user=user, establishment=None, prison_number=prison_number)
        form = ScheduleForm(request.POST)
        if form.is_valid():
            try:
                checkin_services.schedule_set(
                    by=user,
                    person=person,
                    every_weeks=form.cleaned_data["every_weeks"],
                    first_due_on=form.cleaned_data["first_due_on"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Check-in schedule saved."))
                return HttpResponseRedirect(back)
        return _case_page(request, prison_number, {"schedule": form}, status=400)
    if action == "appointment":
        person = scope.person_for_staff(user=user, establishment=None, prison_number=prison_number)
        book = BookForm(request.POST, request=request)
        if book.is_valid():
            try:
                appointment_services.appointment_book(
                    by=user,
                    person=person,
                    kind=book.cleaned_data["kind"],
                    starts_at=book.cleaned_data["starts_at"],
                    place=book.cleaned_data["place"],
                    key=book.cleaned_data["key"],
                )
            except DomainError as exc:
                add_domain_error(book, exc)
            else:
                messages.success(request, _("Appointment booked."))
                return HttpResponseRedirect(back)
        return _case_page(request, prison_number, {"appointment": book}, status=400)
    if action not in ACTIONS:
        raise NotVisible(_("No such action"))
    view = passport_selectors.passport_for_staff(user=user, establishment=None, prison_number=prison_number)
    result = act(request, view, action, request.POST.get("kind", ""), back)
    if isinstance(result, HttpResponse):
        return result
    return _case_page(request, prison_number, result, status=400)


@requires(SUPERVISE)
@require_POST
def checkin_review(request: HttpRequest, checkin_id: int) -> HttpResponse:
    user = acting_user(request)
    checkin = checkin_selectors.checkin_for_practitioner(user=user, checkin_id=checkin_id)
    form = ReviewForm(request.POST)
    back = reverse("probation:case", args=[checkin.person.prison_number])
    if form.is_valid():
        try:
            checkin_services.checkin_review(checkin=checkin, by=user, note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
            return _case_page(request, checkin.person.prison_number, {"review": exc.message}, status=400)
        messages.success(request, _("Check-in reviewed."))
    return HttpResponseRedirect(back)


@requires(SUPERVISE)
@require_POST
def appointment_outcome(request: HttpRequest, appointment_id: int) -> HttpResponse:
    user = acting_user(request)
    appointment = appointment_selectors.appointment_for_practitioner(user=user, appointment_id=appointment_id)
    form = OutcomeForm(request.POST)
    back = reverse("probation:case", args=[appointment.person.prison_number])
    if not form.is_valid():
        return _case_page(request, appointment.person.prison_number, {"review": _("Choose what happened")}, 400)
    try:
        appointment_services.appointment_record(
            appointment=appointment, by=user, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        return _case_page(request, appointment.person.prison_number, {"review": exc.message}, status=400)
    messages.success(request, _("Outcome recorded."))
    return HttpResponseRedirect(back)


@requires(SUPERVISE)
@require_POST
def task_close(request: HttpRequest, task_id: int) -> HttpResponse:
    user = acting_user(request)
    task = selectors.own_task(user=user, task_id=task_id)
    try:
        caseload_services.task_close(task=task, by=user, outcome=request.POST.get("outcome", ""))
    except DomainError as exc:
        return _case_page(request, task.person.prison_number, {"review": exc.message}, status=400)
    messages.success(request, _("Task closed."))
    return HttpResponseRedirect(reverse("probation:case", args=[task.person.prison_number]))
