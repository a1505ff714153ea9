"""MyProbation: small, mobile-first pages for a person on probation on their own phone (sign-in by a code, their
check-ins, their to-do list). Each page is a few kilobytes: no web fonts and no scripts, one small style sheet."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from throughgate.core.access import public, requires
from throughgate.core.errors import DomainError, NotVisible, RateLimited
from throughgate.core.forms import add_domain_error
from throughgate.identity import services as identity_services
from throughgate.identity.selectors import acting_user
from throughgate.probation.appointments import selectors as appointment_selectors
from throughgate.probation.appointments import services as appointment_services
from throughgate.probation.appointments.web.forms import AnswerForm
from throughgate.probation.checkins import selectors as checkin_selectors
from throughgate.probation.checkins import services as checkin_services
from throughgate.probation.checkins.models import CheckinStatus
from throughgate.probation.checkins.web.forms import CheckinForm
from throughgate.probation.myprobation import selectors, services
from throughgate.probation.myprobation.web.forms import CodeForm, ContactForm
from throughgate.probation.passport import services as passport_services
from throughgate.probation.permissions import USE_MYPROBATION


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: their mobile number or email. The next page is the same whether we know it or not."""
    form = ContactForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.code_send(request=request, contact=form.cleaned_data["contact"])
            except RateLimited as exc:
                form.add_error("contact", exc.message)
                status = 429
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return HttpResponseRedirect(reverse("probation:sign_in_code"))
        status = status if status != 200 else 400
    return render(request, "probation/myprobation/sign_in.html", {"form": form}, status=status)


@public
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code we sent."""
    if services.SESSION_PENDING not in request.session:
        return HttpResponseRedirect(reverse("probation:sign_in"))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = services.code_sign_in(request=request, code=form.cleaned_data["code"])
            except RateLimited as exc:
                form.add_error("code", exc.message)
                status = 429
            else:
                if user is not None:
                    return HttpResponseRedirect(reverse("probation:home"))
                form.add_error("code", _("That code is wrong or too old. Check it, or ask for a new one."))
        status = status if status != 200 else 400
    return render(request, "probation/myprobation/code.html", {"form": form}, status=status)


@requires(USE_MYPROBATION)
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    identity_services.sign_out(request=request)
    return HttpResponseRedirect(reverse("probation:sign_in"))


@requires(USE_MYPROBATION)
def home(request: HttpRequest) -> HttpResponse:
    summary = selectors.home_of(user=acting_user(request))
    return render(request, "probation/myprobation/home.html", {"home": summary})


@requires(USE_MYPROBATION)
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, checkin_id: int) -> HttpResponse:
    user = acting_user(request)
    item = checkin_selectors.own_checkin(user=user, checkin_id=checkin_id)
    if item.status != CheckinStatus.CREATED:
        return render(request, "probation/myprobation/checkin_done.html", {"checkin": item})
    form = CheckinForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            checkin_services.checkin_submit(
                checkin=item,
                by=user,
                feeling=form.cleaned_data["feeling"],
                help_with=form.cleaned_data["help_with"],
                call_back=form.cleaned_data["call_back"],
                comment=form.cleaned_data["comment"],
                key=form.cleaned_data["key"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Thank you. Your check-in is sent."))
            return HttpResponseRedirect(reverse("probation:home"))
    status = 400 if form.is_bound else 200
    return render(request, "probation/myprobation/checkin.html", {"form": form, "checkin": item}, status=status)


@requires(USE_MYPROBATION)
@require_http_methods(["GET", "POST"])
def appointment(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Confirm an appointment, or ask to change it."""
    user = acting_user(request)
    item = appointment_selectors.own_appointment(user=user, appointment_id=appointment_id)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment_services.appointment_answer(
                appointment=item,
                by=user,
                confirm=form.cleaned_data["answer"] == "confirm",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Thank you. We have told your probation officer."))
            return HttpResponseRedirect(reverse("probation:home"))
    status = 400 if form.is_bound else 200
    return render(request, "probation/myprobation/appointment.html", {"form": form, "item": item}, status=status)


@requires(USE_MYPROBATION)
@require_POST
def todo_done(request: HttpRequest, item_id: int) -> HttpResponse:
    user = acting_user(request)
    item = selectors.own_todo(user=user, item_id=item_id)
    if item is None:
        raise NotVisible(_("No such item"))
    passport_services.todo_done(item=item, by=user)
    messages.success(request, _("Well done. That is ticked off."))
    return HttpResponseRedirect(reverse("probation:home"))
