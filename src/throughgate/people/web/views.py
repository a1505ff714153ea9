"""Staff search and record pages (every record view audited with its purpose), and a resident's own details."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from throughgate.core.access import requires
from throughgate.core.errors import NotVisible
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.people import selectors
from throughgate.people.permissions import SEARCH_PEOPLE, VIEW_OWN_RECORD, VIEW_PERSON
from throughgate.people.web.forms import PersonSearchForm, PurposeForm


@requires(SEARCH_PEOPLE)
def search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = selectors.person_search(
            user=acting_user(request), establishment=acting_establishment(request), **form.cleaned_data
        )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "people/search.html", {"form": form, "results": results}, status=status)


@requires(VIEW_PERSON)
def detail(request: HttpRequest, prison_number: str) -> HttpResponse:
    """A person's record. Staff first say why they are opening it; the view is then audited with that purpose.
    A resident is sent to their own details page, and finds nobody else's."""
    user = acting_user(request)
    if user.is_resident:
        selectors.person_record(user=user, establishment=None, prison_number=prison_number, purpose="")
        return HttpResponseRedirect(reverse("people:me"))
    form = PurposeForm(request.GET if "purpose" in request.GET else None)
    if not form.is_bound or not form.is_valid():
        if (
            not selectors.people_visible_to(user=acting_user(request), establishment=acting_establishment(request))
            .filter(prison_number=prison_number)
            .exists()
        ):
            raise NotVisible("not visible")
        status = 400 if form.is_bound else 200
        return render(request, "people/purpose.html", {"form": form, "prison_number": prison_number}, status=status)
    person = selectors.person_record(
        user=acting_user(request),
        establishment=acting_establishment(request),
        prison_number=prison_number,
        purpose=form.cleaned_data["purpose"],
    )
    today = timezone.localdate()
    alerts = [alert for alert in person.alerts.all() if alert.is_active_on(today)]
    context = {
        "person": person,
        "age": person.age_on(today),
        "alerts": alerts,
        "bookings": person.bookings.select_related("establishment")[:10],
        "movements": person.movements.select_related("to_establishment", "to_location")[:10],
        "purpose": selectors.PURPOSES[form.cleaned_data["purpose"]],
    }
    return render(request, "people/detail.html", context)


@requires(VIEW_OWN_RECORD)
def me(request: HttpRequest) -> HttpResponse:
    person = selectors.own_record(user=acting_user(request))
    return render(request, "people/me.html", {"person": person})
