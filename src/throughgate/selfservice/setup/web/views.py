"""Set-up pages for staff who set up self-service in their establishment (the governor by default): departments and
who is in them, app types, complaint deadlines and the canteen list. Every save is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from throughgate.core.access import requires
from throughgate.core.errors import DomainError
from throughgate.core.forms import add_domain_error
from throughgate.identity.models import User
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.selfservice.money.models import pounds
from throughgate.selfservice.permissions import CONFIGURE
from throughgate.selfservice.setup import selectors, services
from throughgate.selfservice.setup.web.forms import AppTypeForm, CanteenItemForm, ComplaintSettingsForm, DepartmentForm


def _person_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _save(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    *,
    done: Callable[[Any], str],
    anchor: str,
) -> HttpResponse | int:
    """Run ``save`` with the form's data if the form is valid. Saved: a message and back to the set-up page at
    ``anchor``. Refused: the reason next to its field, and the status to answer the form with."""
    if not form.is_valid():
        return 400
    try:
        saved = save(form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return exc.status
    messages.success(request, done(saved))
    return HttpResponseRedirect(reverse("selfservice:setup_home") + anchor)


@requires(CONFIGURE)
def setup_home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    place = selectors.setup_establishment(user=user, establishment=acting_establishment(request))
    context = {
        "establishment": place,
        "departments": selectors.departments_to_set_up(user=user, establishment=place),
        "app_types": selectors.app_types_to_set_up(user=user, establishment=place),
        "settings": selectors.complaint_settings_to_set_up(user=user, establishment=place),
        "items": selectors.canteen_items_to_set_up(user=user, establishment=place),
    }
    return render(request, "selfservice/setup_home.html", context)


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def setup_department(request: HttpRequest, department_id: int | None = None) -> HttpResponse:
    user = acting_user(request)
    place = selectors.setup_establishment(user=user, establishment=acting_establishment(request))
    department = (
        selectors.department_to_set_up(user=user, establishment=place, department_id=department_id)
        if department_id is not None
        else None
    )
    staff = [(u.pk, _person_name(u)) for u in selectors.staff_of(establishment=place)]
    initial = {}
    if department is not None:
        initial = {
            "name": department.name,
            "name_cy": department.name_cy,
            "members": [u.pk for u in department.members.all()],
            "lead": department.lead_id,
        }
    form = DepartmentForm(request.POST or None, initial=initial, staff=staff)
    status = 200
    if request.method == "POST":

        def save(data: dict[str, Any]) -> Any:
            return services.department_save(
                by=user,
                establishment=place,
                department=department,
                name=data["name"],
                name_cy=data["name_cy"],
                member_ids=list(data["members"]),
                lead_id=data["lead"],
            )

        outcome = _save(
            request, form, save, done=lambda saved: _("%(name)s saved.") % {"name": saved.name}, anchor="#departments"
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    context = {"form": form, "department": department, "establishment": place}
    return render(request, "selfservice/setup_department.html", context, status=status)


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def setup_app_type(request: HttpRequest, type_id: int | None = None) -> HttpResponse:
    user = acting_user(request)
    place = selectors.setup_establishment(user=user, establishment=acting_establishment(request))
    app_type = (
        selectors.app_type_to_set_up(user=user, establishment=place, type_id=type_id) if type_id is not None else None
    )
    departments = {d.pk: d for d in selectors.departments_to_set_up(user=user, establishment=place)}
    initial: dict[str, Any] = {"response_days": 5, "active": True}
    if app_type is not None:
        initial = {
            "name": app_type.name,
            "name_cy": app_type.name_cy,
            "hint": app_type.hint,
            "hint_cy": app_type.hint_cy,
            "department": app_type.department_id,
            "response_days": app_type.response_days,
            "one_pending": app_type.one_pending,
            "active": app_type.active,
        }
    form = AppTypeForm(
        request.POST or None, initial=initial, departments=[(pk, d.display_name) for pk, d in departments.items()]
    )
    status = 200
    if request.method == "POST":

        def save(data: dict[str, Any]) -> Any:
            return services.app_type_save(
                by=user,
                establishment=place,
                app_type=app_type,
                name=data["name"],
                name_cy=data["name_cy"],
                hint=data["hint"],
                hint_cy=data["hint_cy"],
                department=departments[data["department"]],
                response_days=data["response_days"],
                one_pending=data["one_pending"],
                active=data["active"],
            )

        outcome = _save(
            request, form, save, done=lambda saved: _("%(name)s saved.") % {"name": saved.name}, anchor="#app-types"
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    context = {"form": form, "app_type": app_type, "establishment": place}
    return render(request, "selfservice/setup_app_type.html", context, status=status)


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def setup_complaints(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    place = selectors.setup_establishment(user=user, establishment=acting_establishment(request))
    current = selectors.complaint_settings_to_set_up(user=user, establishment=place)
    governors = [(u.pk, _person_name(u)) for u in selectors.governors_of(establishment=place)]
    initial = {
        "comp1_days": current.comp1_days,
        "comp1a_days": current.comp1a_days,
        "comp2_days": current.comp2_days,
        "appeal_days": current.appeal_days,
        "escalate_to": current.escalate_to_id,
    }
    form = ComplaintSettingsForm(request.POST or None, initial=initial, governors=governors)
    status = 200
    if request.method == "POST":

        def save(data: dict[str, Any]) -> Any:
            return services.complaint_settings_save(
                by=user,
                establishment=place,
                comp1_days=data["comp1_days"],
                comp1a_days=data["comp1a_days"],
                comp2_days=data["comp2_days"],
                appeal_days=data["appeal_days"],
                escalate_to_id=data["escalate_to"],
            )

        outcome = _save(request, form, save, done=lambda saved: _("Complaint deadlines saved."), anchor="#complaints")
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    context = {"form": form, "establishment": place}
    return render(request, "selfservice/setup_complaints.html", context, status=status)


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def setup_canteen_item(request: HttpRequest, item_id: int | None = None) -> HttpResponse:
    user = acting_user(request)
    place = selectors.setup_establishment(user=user, establishment=acting_establishment(request))
    item = (
        selectors.canteen_item_to_set_up(user=user, establishment=place, item_id=item_id)
        if item_id is not None
        else None
    )
    initial: dict[str, Any] = {"active": True, "stock": 0}
    if item is not None:
        initial = {
            "name": item.name,
            "name_cy": item.name_cy,
            "price": f"{item.price / 100:.2f}",
            "stock": item.stock,
            "active": item.active,
        }
    form = CanteenItemForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":

        def save(data: dict[str, Any]) -> Any:
            return services.canteen_item_save(
                by=user,
                establishment=place,
                item=item,
                name=data["name"],
                name_cy=data["name_cy"],
                price=data["price"],
                stock=data["stock"],
                active=data["active"],
            )

        outcome = _save(
            request,
            form,
            save,
            done=lambda saved: (
                _("%(name)s saved: %(price)s, %(stock)s in stock.")
                % {"name": saved.name, "price": pounds(saved.price), "stock": saved.stock}
            ),
            anchor="#canteen",
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    context = {"form": form, "item": item, "establishment": place}
    return render(request, "selfservice/setup_canteen_item.html", context, status=status)
