"""Visits pages: a resident's upcoming visits (kiosk layout); for visits staff the sessions, allowances, a day's
bookings, booking for a person and cancelling; for the visits hall today's visits, arrivals and outcomes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from throughgate.contact.contacts import selectors as contact_selectors
from throughgate.contact.permissions import MANAGE_VISITS, RUN_VISITS_HALL, USE_CONTACTS
from throughgate.contact.visits import selectors, services
from throughgate.contact.web.forms import (
    AllowanceForm,
    BookingForm,
    CancelForm,
    DayForm,
    FindPersonForm,
    OutcomeForm,
    SessionForm,
)
from throughgate.core.access import requires
from throughgate.core.errors import DomainError
from throughgate.core.forms import add_domain_error
from throughgate.identity.selectors import acting_establishment, acting_user

# --- Residents -----------------------------------------------------------------------------------------------


@requires(USE_CONTACTS)
def my_visits(request: HttpRequest) -> HttpResponse:
    visits = selectors.own_upcoming(user=acting_user(request))
    return render(request, "contact/my_visits.html", {"visits": visits})


# --- Visits staff --------------------------------------------------------------------------------------------


@requires(MANAGE_VISITS)
@require_http_methods(["GET", "POST"])
def sessions(request: HttpRequest) -> HttpResponse:
    """The establishment's visiting sessions and the monthly visits per incentive level."""
    user = acting_user(request)
    place = acting_establishment(request)
    current = selectors.allowances_of(user=user, establishment=place)
    form = AllowanceForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid() and place is not None:
        try:
            for level, count in form.allowances().items():
                services.allowance_set(by=user, establishment=place, incentive_level=level, visits_per_month=count)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Monthly visits saved."))
            return HttpResponseRedirect(reverse("contact:sessions"))
    context = {"sessions": selectors.sessions_of(user=user, establishment=place), "form": form}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "contact/sessions.html", context, status=status)


@requires(MANAGE_VISITS)
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    place = acting_establishment(request)
    selectors.ensure_staff(user, place, MANAGE_VISITS)
    form = SessionForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid() and place is not None:
        data = form.cleaned_data
        try:
            services.session_add(
                by=user,
                establishment=place,
                new=services.NewSession(
                    room=data["room"],
                    weekday=data["weekday"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    open_capacity=data["open_capacity"],
                    closed_capacity=data["closed_capacity"],
                    valid_from=data["valid_from"],
                    valid_to=data["valid_to"],
                    max_adults=data["max_adults"],
                    max_children=data["max_children"],
                    wings=[w for w in data["wings"].split(",") if w.strip()],
                    incentive_levels=list(data["incentive_levels"]),
                ),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Visiting session added."))
            return HttpResponseRedirect(reverse("contact:sessions"))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "contact/session_new.html", {"form": form}, status=status)


@requires(MANAGE_VISITS)
def bookings(request: HttpRequest) -> HttpResponse:
    """A day's bookings, and a box to book a visit for a person."""
    user = acting_user(request)
    find = FindPersonForm(request.GET if "prison_number" in request.GET else None)
    if find.is_bound and find.is_valid():
        return HttpResponseRedirect(reverse("contact:staff_book", args=[find.cleaned_data["prison_number"]]))
    day_form = DayForm(request.GET if "day" in request.GET else None)
    day = day_form.chosen(timezone.localdate())
    visits = selectors.visits_on(
        user=user, establishment=acting_establishment(request), day=day, permission=MANAGE_VISITS
    )
    return render(request, "contact/bookings.html", {"visits": visits, "day": day, "day_form": day_form, "find": find})


@requires(MANAGE_VISITS)
@require_http_methods(["GET", "POST"])
def staff_book(request: HttpRequest, prison_number: str) -> HttpResponse:
    user = acting_user(request)
    place = acting_establishment(request)
    person = selectors.person_for_visits(user=user, establishment=place, prison_number=prison_number)
    slots = selectors.slots_for(person)
    visitors = list(contact_selectors.approved_contacts_of(person))
    form = BookingForm(request.POST or None, slots=slots, visitors=visitors, request=request)
    if request.method == "POST" and form.is_valid():
        choice = form.chosen_slot()
        try:
            services.visit_book_by_staff(
                by=user,
                person=person,
                session=choice.session,
                day=choice.date,
                visitors=form.chosen_visitors(),
                kind=form.cleaned_data["kind"],
                idempotency_key=form.cleaned_data["key"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Visit booked."))
            return HttpResponseRedirect(f"{reverse('contact:bookings')}?day={choice.date.isoformat()}")
    context = {
        "person": person,
        "form": form,
        "allowance": selectors.allowance_of(person),
        "restrictions": [r for r in contact_selectors.restrictions_of(person) if r.in_force_on(timezone.localdate())],
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "contact/staff_book.html", context, status=status)


@requires(MANAGE_VISITS)
@require_http_methods(["GET", "POST"])
def visit_cancel(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = acting_user(request)
    visit = selectors.visit_for_staff(
        user=user, establishment=acting_establishment(request), visit_id=visit_id, permission=MANAGE_VISITS
    )
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_cancel(
                by=user, visit=visit, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Visit cancelled."))
            return HttpResponseRedirect(f"{reverse('contact:bookings')}?day={visit.slot.date.isoformat()}")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "contact/visit_cancel.html", {"visit": visit, "form": form}, status=status)


# --- Visits hall ---------------------------------------------------------------------------------------------


@requires(RUN_VISITS_HALL)
def hall(request: HttpRequest) -> HttpResponse:
    """Today's visits: who is booked, who has arrived, and the outcome of each."""
    day = timezone.localdate()
    visits = selectors.visits_on(user=acting_user(request), establishment=acting_establishment(request), day=day)
    return render(request, "contact/hall.html", {"visits": visits, "day": day, "form": OutcomeForm()})


@requires(RUN_VISITS_HALL)
@require_POST
def hall_visit(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = acting_user(request)
    visit = selectors.visit_for_staff(
        user=user, establishment=acting_establishment(request), visit_id=visit_id, permission=RUN_VISITS_HALL
    )
    if request.POST.get("action") == "arrived":
        services.visit_arrived(by=user, visit=visit)
        messages.success(request, _("Arrival recorded."))
        return HttpResponseRedirect(reverse("contact:hall"))
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.visit_outcome_record(
                by=user, visit=visit, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Outcome recorded."))
            return HttpResponseRedirect(reverse("contact:hall"))
    visits = selectors.visits_on(user=user, establishment=acting_establishment(request), day=timezone.localdate())
    context = {
        "visits": visits,
        "day": timezone.localdate(),
        "form": OutcomeForm(),
        "failed": visit.pk,
        "failed_form": form,
    }
    return render(request, "contact/hall.html", context, status=400)
