"""Money and canteen pages for residents, on the kiosk layout."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from throughgate.core.access import requires
from throughgate.core.errors import DomainError
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.people.selectors import own_record_for
from throughgate.selfservice.money import selectors, services
from throughgate.selfservice.money.models import AccountKind, pounds
from throughgate.selfservice.money.web.forms import CanteenForm, MoneyForm, TransferForm
from throughgate.selfservice.permissions import MANAGE_CANTEEN, MANAGE_MONEY, USE_MONEY


def _transfer_choices(request: HttpRequest) -> list[tuple[str, str]]:
    rules = selectors.transfer_rules_for_resident(user=acting_user(request))
    return [
        (
            f"{rule.from_kind}>{rule.to_kind}",
            _("From %(from)s to %(to)s")
            % {
                "from": AccountKind(rule.from_kind).label,
                "to": AccountKind(rule.to_kind).label,
            },
        )
        for rule in rules
    ]


@requires(USE_MONEY)
@require_http_methods(["GET", "POST"])
def money(request: HttpRequest) -> HttpResponse:
    """Balances, and moving money between the resident's own accounts where the rules allow."""
    user = acting_user(request)
    form = TransferForm(request.POST or None, moves=_transfer_choices(request), request=request)
    refused = 0
    if request.method == "POST" and form.is_valid():
        from_kind, to_kind = form.cleaned_data["move"].split(">")
        try:
            services.money_transfer(
                by=user,
                person=own_record_for(user=user, permission=USE_MONEY),
                from_kind=from_kind,
                to_kind=to_kind,
                amount=form.cleaned_data["amount"],
                idempotency_key=form.cleaned_data["key"],
            )
        except DomainError as exc:
            form.add_error("amount" if exc.field == "amount" else None, exc.message)
            refused = exc.status
        else:
            messages.success(request, _("Your money has been moved."))
            return HttpResponseRedirect(reverse("selfservice:money"))
    context = {"balances": selectors.balances_of_resident(user=user), "form": form}
    status = refused or (400 if form.is_bound and form.errors else 200)
    return render(request, "selfservice/money.html", context, status=status)


@requires(USE_MONEY)
def statement(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in AccountKind.values:
        raise Http404
    entries = selectors.statement_of_resident(user=acting_user(request), kind=kind)
    context = {"entries": entries, "label": AccountKind(kind).label, "kind": kind}
    return render(request, "selfservice/statement.html", context)


def _canteen_page(request: HttpRequest, form: CanteenForm, status: int = 200) -> HttpResponse:
    week = selectors.canteen_week_of_resident(user=acting_user(request))
    rows: list[dict[str, Any]] = [{"item": item, "field": form[f"item_{item.pk}"]} for item in week.items]
    context = {"week": week, "rows": rows, "form": form, "pounds": pounds}
    return render(request, "selfservice/canteen.html", context, status=status)


@requires(USE_MONEY)
@require_http_methods(["GET", "POST"])
def canteen(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    week = selectors.canteen_week_of_resident(user=user)
    form = CanteenForm(request.POST or None, items=week.items, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            placed = services.canteen_order_place(
                user=user, quantities=form.quantities(), idempotency_key=form.cleaned_data["key"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return _canteen_page(request, form, status=exc.status)
        messages.success(request, _("Your canteen order has been sent."))
        return HttpResponseRedirect(reverse("selfservice:canteen_order", args=[placed.order.pk]))
    return _canteen_page(request, form, status=400 if form.is_bound and form.errors else 200)


@requires(USE_MONEY)
def canteen_order(request: HttpRequest, order_id: int) -> HttpResponse:
    user = acting_user(request)
    order = selectors.order_of_resident(user=user, order_id=order_id)
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "spends": pounds(selectors.spends_of_resident(user=user)),
        "pounds": pounds,
    }
    return render(request, "selfservice/canteen_order.html", context)


@requires(MANAGE_CANTEEN)
def canteen_deliveries(request: HttpRequest) -> HttpResponse:
    """Canteen staff: the orders to pack and deliver; tick what was not available, and it is refunded."""
    orders = selectors.orders_to_deliver(user=acting_user(request), establishment=acting_establishment(request))
    return render(request, "selfservice/canteen_deliveries.html", {"orders": orders})


@requires(MANAGE_CANTEEN)
@require_POST
def canteen_deliver(request: HttpRequest, order_id: int) -> HttpResponse:
    user = acting_user(request)
    order = selectors.order_for_canteen_staff(user=user, establishment=acting_establishment(request), order_id=order_id)
    missing = [int(v) for v in request.POST.getlist("unavailable") if v.isdigit()]
    try:
        order = services.canteen_order_deliver(by=user, order=order, unavailable_item_ids=missing)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Order %(number)s delivered. Refunded: %(refund)s.")
            % {"number": order.pk, "refund": pounds(order.refunded)},
        )
    return HttpResponseRedirect(reverse("selfservice:canteen_deliveries"))


@requires(MANAGE_MONEY)
@require_http_methods(["GET", "POST"])
def finance_person(request: HttpRequest, prison_number: str) -> HttpResponse:
    """One person's accounts: pay money in or take it out. Each is a new ledger entry with a reason."""
    user = acting_user(request)
    view = selectors.person_for_finance(
        user=user, establishment=acting_establishment(request), prison_number=prison_number
    )
    form = MoneyForm(request.POST or None, request=request)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            write = services.money_credit if data["direction"] == "in" else services.money_debit
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
