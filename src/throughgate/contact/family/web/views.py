"""The family site (/family/): a welcome page, sign-up with a code by email, sign-in, and for a signed-in family
member the people they may visit, booking and cancelling visits. Mobile-first, on its own plain layout."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from throughgate.contact.contacts import selectors as contact_selectors
from throughgate.contact.family import selectors, services
from throughgate.contact.permissions import USE_FAMILY_SITE
from throughgate.contact.visits import selectors as visit_selectors
from throughgate.contact.visits import services as visit_services
from throughgate.contact.visits.models import CancelReason, VisitStatus
from throughgate.contact.web.forms import BookingForm, FamilyCodeForm, FamilySignInForm, FamilySignUpForm
from throughgate.core.access import public, requires
from throughgate.core.errors import DomainError
from throughgate.core.forms import add_domain_error
from throughgate.identity.middleware import SESSION_FAMILY
from throughgate.identity.selectors import acting_user

SIGN_IN = "contact:family_sign_in"
PENDING = "tg_family_pending"


@public
def family_welcome(request: HttpRequest) -> HttpResponse:
    """The family site's front page: what it is for, and how to start."""
    if request.user.is_authenticated and getattr(request.user, "is_family_member", False):
        return HttpResponseRedirect(reverse("contact:family_home"))
    return render(request, "contact/family/welcome.html")


@public
@require_http_methods(["GET", "POST"])
def family_sign_up(request: HttpRequest) -> HttpResponse:
    form = FamilySignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            signed = services.family_sign_up(
                email=data["email"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            request.session[PENDING] = signed.account.pk
            return HttpResponseRedirect(reverse("contact:family_confirm"))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "contact/family/sign_up.html", {"form": form}, status=status)


@public
@require_http_methods(["GET", "POST"])
def family_confirm(request: HttpRequest) -> HttpResponse:
    """Enter the code sent by email; then the family member is signed in."""
    account = selectors.account_by_id(account_id=int(request.session.get(PENDING) or 0))
    if account is None:
        return HttpResponseRedirect(reverse(SIGN_IN))
    form = FamilyCodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:
            services.family_code_resend(account=account)
        except DomainError as exc:
            form = FamilyCodeForm()
            form.add_error(None, exc.message)
            return render(request, "contact/family/confirm.html", {"form": form, "email": account.email}, status=429)
        messages.success(request, _("We sent a new code."))
        return HttpResponseRedirect(reverse("contact:family_confirm"))
    if request.method == "POST" and form.is_valid():
        try:
            services.family_confirm(account=account, code=form.cleaned_data["code"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            _sign_in(request, account.user)
            messages.success(request, _("Your email is confirmed."))
            return HttpResponseRedirect(reverse("contact:family_home"))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "contact/family/confirm.html", {"form": form, "email": account.email}, status=status)


def _sign_in(request: HttpRequest, user: object) -> None:
    login(request, user, backend="throughgate.identity.backends.FamilyBackend")  # type: ignore[arg-type]
    request.session[SESSION_FAMILY] = True
    request.session.pop(PENDING, None)
    services.family_signed_in(user=user)  # type: ignore[arg-type]


@public
@require_http_methods(["GET", "POST"])
def family_sign_in(request: HttpRequest) -> HttpResponse:
    form = FamilySignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, family_email=form.cleaned_data["email"], password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, _("The email or password is not right. Try again."))
        else:
            account = selectors.account_of(user=user)
            if account is not None and not account.is_confirmed:
                request.session[PENDING] = account.pk
                return HttpResponseRedirect(reverse("contact:family_confirm"))
            request.session.cycle_key()
            _sign_in(request, user)
            return HttpResponseRedirect(reverse("contact:family_home"))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "contact/family/sign_in.html", {"form": form}, status=status)


@public
@require_POST
def family_sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("contact:family_welcome"))


@requires(USE_FAMILY_SITE, sign_in=SIGN_IN)
def family_home(request: HttpRequest) -> HttpResponse:
    """The people the family member may visit, and what is booked."""
    user = acting_user(request)
    contacts = contact_selectors.family_contacts(user=user)
    visits = visit_selectors.family_visits(user=user, contacts=contacts)
    context = {
        "contacts": list(contacts),
        "upcoming": [v for v in visits if v.status == VisitStatus.BOOKED],
        "past": [v for v in visits if v.status != VisitStatus.BOOKED],
    }
    return render(request, "contact/family/home.html", context)


@requires(USE_FAMILY_SITE, sign_in=SIGN_IN)
@require_http_methods(["GET", "POST"])
def family_book(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Book a visit to the person of one of the family member's approved contacts."""
    user = acting_user(request)
    lead = contact_selectors.family_contact(user=user, contact_id=contact_id)
    slots = visit_selectors.slots_for(lead.person)
    visitors = list(contact_selectors.approved_contacts_of(lead.person))
    form = BookingForm(request.POST or None, slots=slots, visitors=visitors, lead=lead, request=request)
    if request.method == "POST" and form.is_valid():
        choice = form.chosen_slot()
        try:
            booked = visit_services.visit_book_by_family(
                user=user,
                lead=lead,
                session=choice.session,
                day=choice.date,
                visitors=form.chosen_visitors(),
                kind=form.cleaned_data["kind"],
                idempotency_key=form.cleaned_data["key"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your visit is booked."))
            return HttpResponseRedirect(reverse("contact:family_visit", args=[booked.visit.pk]))
    status = 400 if form.is_bound and form.errors else 200
    context = {"lead": lead, "form": form, "has_slots": bool(slots)}
    return render(request, "contact/family/book.html", context, status=status)


@requires(USE_FAMILY_SITE, sign_in=SIGN_IN)
@require_http_methods(["GET", "POST"])
def family_visit(request: HttpRequest, visit_id: int) -> HttpResponse:
    """One visit: when, where, who; cancel it while it is booked."""
    user = acting_user(request)
    contacts = contact_selectors.family_contacts(user=user)
    visit = visit_selectors.family_visit(user=user, contacts=contacts, visit_id=visit_id)
    if request.method == "POST":
        try:
            visit_services.visit_cancel(
                by=user, visit=visit, reason=CancelReason.VISITOR, note=request.POST.get("note", "")
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your visit is cancelled."))
        return HttpResponseRedirect(reverse("contact:family_visit", args=[visit.pk]))
    context = {"visit": visit, "starts": visit_selectors.starts_at(visit.slot.session, visit.slot.date)}
    return render(request, "contact/family/visit.html", context)
