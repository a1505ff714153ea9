"""Staff pages beside the queues: find a person for their self-service history, and the finance page where money
received is paid in and deductions are taken out (as ledger entries, with a reason, audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from throughgate.core.access import requires
from throughgate.core.errors import DomainError, NotVisible
from throughgate.identity.selectors import acting_user
from throughgate.selfservice import selectors
from throughgate.selfservice.money import selectors as money_selectors
from throughgate.selfservice.money import services as money_services
from throughgate.selfservice.permissions import MANAGE_MONEY, VIEW_SELFSERVICE_HISTORY
from throughgate.selfservice.web.setup_forms import FindPersonForm, MoneyForm


def _establishment(request: HttpRequest) -> Any:
    return getattr(request, "establishment", None)


def _find(request: HttpRequest, *, target: str, template: str) -> HttpResponse:
    """A search by prison number or name: one match goes straight to its page, several are listed."""
    form = FindPersonForm(request.GET or None)
    people: list[Any] = []
    status = 200
    if form.is_bound:
        if form.is_valid():
            found = list(
                selectors.people_matching(
                    user=acting_user(request), establishment=_establishment(request), query=form.cleaned_data["query"]
                )
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


@requires(MANAGE_MONEY)
@require_http_methods(["GET", "POST"])
def finance_person(request: HttpRequest, prison_number: str) -> HttpResponse:
    """One person's accounts: pay money in or take it out. Each is a new ledger entry with a reason."""
    user = acting_user(request)
    view = money_selectors.person_for_finance(
        user=user, establishment=_establishment(request), prison_number=prison_number
    )
    form = MoneyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            write = money_services.money_credit if data["direction"] == "in" else money_services.money_debit
            try:
                entry = write(
                    by=user,
                    person=view.person,
                    kind=data["account"],
                    amount=data["amount"],
                    description=data["note"],
                    idempotency_key=data["key"],
                    reason=data["reason"],
                )
            except NotVisible:
                raise
            except DomainError as exc:
                form.add_error(
                    exc.field if exc.field in form.fields else ("amount" if exc.code == "insufficient_funds" else None),
                    exc.message,
                )
                status = exc.status
            else:
                messages.success(
                    request,
                    (
                        _("%(amount)s paid in. The balance is now %(balance)s.")
                        if entry.amount > 0
                        else _("%(amount)s taken out. The balance is now %(balance)s.")
                    )
                    % {"amount": entry.pounds_abs, "balance": entry.pounds_after},
                )
                return HttpResponseRedirect(reverse("selfservice:finance_person", args=[prison_number]))
    context = {"view": view, "person": view.person, "form": form}
    return render(request, "selfservice/finance_person.html", context, status=status)
