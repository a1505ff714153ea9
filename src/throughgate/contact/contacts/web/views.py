"""Contacts pages: a resident's contacts and the form to ask for one (kiosk layout); security's approvals queue, a
contact's check, and a person's contacts and restrictions (staff layout)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from throughgate.contact.contacts import selectors, services
from throughgate.contact.permissions import APPROVE_CONTACTS, USE_CONTACTS
from throughgate.contact.web.forms import ContactRequestForm, FindPersonForm, ReasonForm, RestrictionForm
from throughgate.core.access import requires
from throughgate.core.errors import DomainError
from throughgate.core.forms import add_domain_error
from throughgate.identity.selectors import acting_establishment, acting_user

# --- Residents -----------------------------------------------------------------------------------------------


@requires(USE_CONTACTS)
def my_contacts(request: HttpRequest) -> HttpResponse:
    contacts = list(selectors.own_contacts(user=acting_user(request)))
    return render(request, "contact/my_contacts.html", {"contacts": contacts})


@requires(USE_CONTACTS)
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest) -> HttpResponse:
    form = ContactRequestForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_request(
                user=acting_user(request),
                new=services.NewContact(
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    relationship=data["relationship"],
                    kind=data["kind"],
                    date_of_birth=data["date_of_birth"],
                    phone=data["phone"],
                    email=data["email"],
                    address=data["address"],
                ),
                idempotency_key=data["key"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            return render(request, "contact/contact_new.html", {"form": form}, status=exc.status)
        messages.success(request, _("We have your request. Security will check it."))
        return HttpResponseRedirect(reverse("contact:my_contacts"))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "contact/contact_new.html", {"form": form}, status=status)


# --- Security ------------------------------------------------------------------------------------------------


@requires(APPROVE_CONTACTS)
def approvals(request: HttpRequest) -> HttpResponse:
    """The queue of contacts waiting for a check, and a box to open a person's contacts."""
    user = acting_user(request)
    find = FindPersonForm(request.GET or None)
    if find.is_bound and find.is_valid():
        return HttpResponseRedirect(reverse("contact:person_contacts", args=[find.cleaned_data["prison_number"]]))
    waiting = list(selectors.contacts_waiting(user=user, establishment=acting_establishment(request)))
    return render(request, "contact/approvals.html", {"waiting": waiting, "find": find})


@requires(APPROVE_CONTACTS)
@require_http_methods(["GET", "POST"])
def approval(request: HttpRequest, contact_id: int) -> HttpResponse:
    """One contact's check: approve, or refuse with a reason the resident reads."""
    user = acting_user(request)
    contact = selectors.contact_for_security(
        user=user, establishment=acting_establishment(request), contact_id=contact_id
    )
    form = ReasonForm(request.POST or None)
    action = request.POST.get("action", "")
    if request.method == "POST":
        try:
            if action == "approve":
                services.contact_approve(by=user, contact=contact)
                messages.success(request, _("Contact approved."))
                return HttpResponseRedirect(reverse("contact:approvals"))
            if action in ("refuse", "remove") and form.is_valid():
                if action == "refuse":
                    services.contact_refuse(by=user, contact=contact, reason=form.cleaned_data["reason"])
                    messages.success(request, _("Contact refused. The person can see the reason."))
                else:
                    services.contact_remove(by=user, contact=contact, reason=form.cleaned_data["reason"])
                    messages.success(request, _("Contact removed."))
                return HttpResponseRedirect(reverse("contact:approvals"))
        except DomainError as exc:
            add_domain_error(form, exc)
    restrictions = selectors.restrictions_of(contact.person)
    today = timezone.localdate()
    context = {
        "contact": contact,
        "form": form,
        "restrictions": [r for r in restrictions if r.in_force_on(today)],
        "others": selectors.contacts_of(contact.person).exclude(pk=contact.pk),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "contact/approval.html", context, status=status)


@requires(APPROVE_CONTACTS)
@require_http_methods(["GET", "POST"])
def person_contacts(request: HttpRequest, prison_number: str) -> HttpResponse:
    """A person's contacts and restrictions, and the form to record a restriction (an audited read)."""
    user = acting_user(request)
    person = selectors.person_for_security(
        user=user, establishment=acting_establishment(request), prison_number=prison_number
    )
    contacts = list(selectors.contacts_of(person))
    form = RestrictionForm(request.POST or None, contacts=contacts, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.restriction_record(
                by=user,
                person=person,
                new=services.NewRestriction(
                    kind=data["kind"],
                    reason=data["reason"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    contact_id=data["contact"],
                    named_person=data["named_person"],
                ),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Restriction recorded."))
            return HttpResponseRedirect(reverse("contact:person_contacts", args=[person.prison_number]))
    context = {
        "person": person,
        "contacts": contacts,
        "restrictions": selectors.restrictions_of(person),
        "today": timezone.localdate(),
        "form": form,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "contact/person_contacts.html", context, status=status)


@requires(APPROVE_CONTACTS)
@require_POST
def restriction_end(request: HttpRequest, restriction_id: int) -> HttpResponse:
    user = acting_user(request)
    place = acting_establishment(request)
    restriction = selectors.restriction_for_security(user=user, establishment=place, restriction_id=restriction_id)
    services.restriction_end(by=user, restriction=restriction, on=max(timezone.localdate(), restriction.starts_on))
    messages.success(request, _("Restriction ended."))
    return HttpResponseRedirect(reverse("contact:person_contacts", args=[restriction.person.prison_number]))
