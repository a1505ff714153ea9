"""Staff pages beside the queues: find a person (through people's scoped, audited search), and one person's
self-service history on one page (audited). The finance page finds a person the same way."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core.access import requires
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.people.selectors import person_search
from throughgate.selfservice.applications import selectors as app_selectors
from throughgate.selfservice.applications.web.labels import STAFF_STATUS_TAG
from throughgate.selfservice.complaints.selectors import complaints_visible_to_staff
from throughgate.selfservice.history import selectors as history_selectors
from throughgate.selfservice.history.web.forms import FindPersonForm
from throughgate.selfservice.permissions import MANAGE_MONEY, VIEW_SELFSERVICE_HISTORY


def _find(request: HttpRequest, *, target: str, template: str) -> HttpResponse:
    """A search by prison number or name: one match goes straight to its page, several are listed."""
    form = FindPersonForm(request.GET or None)
    people: list[Any] = []
    status = 200
    if form.is_bound:
        if form.is_valid():
            found = person_search(
                user=acting_user(request), establishment=acting_establishment(request), query=form.cleaned_data["query"]
            )
            if len(found) == 1:
                return HttpResponseRedirect(reverse(target, args=[found[0].prison_number]))
            people = found
            if not found:
                form.add_error("query", _("Nobody here matches that prison number or name."))
                status = 404
        else:
            status = 400
    return render(request, template, {"form": form, "people": people, "target": target}, status=status)


@requires(VIEW_SELFSERVICE_HISTORY)
def person_find(request: HttpRequest) -> HttpResponse:
    return _find(request, target="selfservice:person_history", template="selfservice/person_find.html")


@requires(MANAGE_MONEY)
def finance_find(request: HttpRequest) -> HttpResponse:
    return _find(request, target="selfservice:finance_person", template="selfservice/finance_find.html")


@requires(VIEW_SELFSERVICE_HISTORY)
def person_history(request: HttpRequest, prison_number: str) -> HttpResponse:
    """A person's self-service history on one page (audited): the apps this member of staff may see."""
    user = acting_user(request)
    establishment = acting_establishment(request)
    person = history_selectors.person_selfservice_history(
        user=user, establishment=establishment, prison_number=prison_number
    )
    apps = app_selectors.apps_visible_to_staff(user=user, establishment=establishment).filter(person=person)
    rows = [{"app": app, "tag": STAFF_STATUS_TAG[app.status]} for app in apps[:200]]
    today = timezone.localdate()
    complaints = [
        {"complaint": c, "overdue": c.is_overdue(today)}
        for c in complaints_visible_to_staff(user=user, establishment=establishment).filter(person=person)[:100]
    ]
    context = {
        "person": person,
        "rows": rows,
        "complaints": complaints,
        "money": history_selectors.money_history(person=person),
    }
    return render(request, "selfservice/person_history.html", context)
