"""Staff and resident pages of the access app: a resident's own sites and requests; the "can this person reach
this URL now, and why" check; devices; site requests; sanctions; monitoring."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from throughgate.access import selectors, services
from throughgate.access.models import Category, DeviceKind, DeviceStatus, Risk, SiteRequest
from throughgate.core.access import requires
from throughgate.core.errors import InvalidInput, InvalidTransition, NotVisible
from throughgate.core.forms import GovukForm
from throughgate.identity.selectors import acting_user
from throughgate.people.selectors import people_visible_to


class SiteRequestForm(GovukForm):
    address = forms.CharField(
        label=gettext_lazy("Web address"), max_length=300, help_text=gettext_lazy("For example, www.gov.uk")
    )
    reason = forms.CharField(
        label=gettext_lazy("Why do you need it?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)


class CheckForm(GovukForm):
    prison_number = forms.CharField(label=gettext_lazy("Prison number"), max_length=7)
    url = forms.CharField(
        label=gettext_lazy("Web address"),
        max_length=500,
        help_text=gettext_lazy("For example, https://www.gov.uk/jobsearch"),
    )


class DeviceForm(GovukForm):
    serial = forms.CharField(label=gettext_lazy("Serial number"), max_length=60)
    mac = forms.CharField(
        label=gettext_lazy("MAC address"), max_length=17, help_text=gettext_lazy("For example, aa:bb:cc:dd:ee:ff")
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind of device"), choices=DeviceKind.choices)


class DeviceActionForm(GovukForm):
    action = forms.ChoiceField(
        label=gettext_lazy("Change"),
        choices=[
            ("issue", gettext_lazy("Issue to a person")),
            (DeviceStatus.SUSPENDED, gettext_lazy("Suspend")),
            (DeviceStatus.LOST, gettext_lazy("Report lost")),
            (DeviceStatus.IN_STOCK, gettext_lazy("Return to stock")),
            (DeviceStatus.RETIRED, gettext_lazy("Retire")),
        ],
    )
    prison_number = forms.CharField(label=gettext_lazy("Prison number (to issue)"), max_length=7, required=False)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


class ReviewForm(GovukForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("decline", gettext_lazy("Decline"))],
    )
    category = forms.ChoiceField(label=gettext_lazy("Category (if approved)"), choices=Category.choices, required=False)
    risk = forms.TypedChoiceField(label=gettext_lazy("Risk rating"), choices=Risk.choices, coerce=int, initial=Risk.LOW)
    reason = forms.CharField(label=gettext_lazy("Reason the person will see"), max_length=500)


class SanctionForm(GovukForm):
    days = forms.IntegerField(label=gettext_lazy("Number of days"), min_value=1, max_value=84)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=500, help_text=gettext_lazy("For example, the adjudication it follows")
    )


def _establishment(request: HttpRequest):  # type: ignore[no-untyped-def]
    return getattr(request, "establishment", None)


@requires("access.view_own_sites")
@require_http_methods(["GET", "POST"])
def my_sites(request: HttpRequest) -> HttpResponse:
    """A resident's page: the sites they can use, why not (if not now), their requests, and a request form."""
    user = acting_user(request)
    form = SiteRequestForm(request.POST or None) if user.has_perm("access.request_site") else None
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            try:
                services.site_request_submit(by=user, **form.cleaned_data)
            except InvalidInput as exc:
                form.add_error("address" if exc.field != "reason" else "reason", exc.message)
            else:
                messages.success(request, _("We got your request. Staff will answer it."))
                return HttpResponseRedirect(reverse("access:my_sites"))
        status = 400
    view = selectors.own_sites(user=user, now=timezone.now())
    return render(request, "access/my_sites.html", {"view": view, "form": form}, status=status)


@requires("access.check_access")
def check(request: HttpRequest) -> HttpResponse:
    form = CheckForm(request.GET or None)
    result = None
    status = 200
    if form.is_bound and form.is_valid():
        try:
            person, decision, devices = selectors.access_check(
                user=acting_user(request),
                establishment=_establishment(request),
                prison_number=form.cleaned_data["prison_number"].strip(),
                url=form.cleaned_data["url"].strip(),
                now=timezone.now(),
            )
            result = {"person": person, "decision": decision, "devices": devices}
        except NotVisible:
            form.add_error("prison_number", _("No person with that prison number was found"))
            status = 404
    elif form.is_bound:
        status = 400
    return render(request, "access/check.html", {"form": form, "result": result}, status=status)


@requires("access.view_monitoring")
def monitoring(request: HttpRequest) -> HttpResponse:
    data = selectors.monitoring(user=acting_user(request), establishment=_establishment(request), now=timezone.now())
    return render(request, "access/monitoring.html", {"data": data})


@requires("access.manage_devices")
@require_http_methods(["GET", "POST"])
def devices(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    establishment = _establishment(request)
    form = DeviceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and establishment is not None:
            try:
                device = services.device_add(by=user, establishment=establishment, **form.cleaned_data)
            except InvalidInput as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Device added."))
                return HttpResponseRedirect(reverse("access:device_detail", args=[device.pk]))
        status = 400
    listed = selectors.devices_visible_to(user=user, establishment=establishment)[:500]
    return render(request, "access/devices.html", {"form": form, "devices": listed}, status=status)


@requires("access.manage_devices")
@require_http_methods(["GET", "POST"])
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    device = selectors.devices_visible_to(user=user, establishment=_establishment(request)).filter(pk=pk).first()
    if device is None:
        raise NotVisible(_("Not found"))
    form = DeviceActionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == "issue":
                    person = (
                        people_visible_to(user=user, establishment=device.establishment)
                        .filter(prison_number=data["prison_number"].strip().upper())
                        .first()
                    )
                    if person is None:
                        raise InvalidInput(_("No person with that prison number was found"), field="prison_number")
                    services.device_issue(by=user, device=device, person=person, reason=data["reason"])
                else:
                    services.device_set_status(by=user, device=device, status=data["action"], reason=data["reason"])
            except (InvalidInput, InvalidTransition) as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Device changed."))
                return HttpResponseRedirect(reverse("access:device_detail", args=[device.pk]))
        status = 400
    history = selectors.device_history(device=device)[:50]
    return render(
        request, "access/device_detail.html", {"device": device, "form": form, "history": history}, status=status
    )


@requires("access.review_requests")
def requests(request: HttpRequest) -> HttpResponse:
    waiting = selectors.requests_waiting(user=acting_user(request), establishment=_establishment(request))[:200]
    return render(request, "access/requests.html", {"waiting": waiting})


@requires("access.review_requests")
@require_http_methods(["GET", "POST"])
def request_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    site_request: SiteRequest | None = (
        selectors.requests_waiting(user=user, establishment=_establishment(request)).filter(pk=pk).first()
    )
    if site_request is None:
        raise NotVisible(_("Not found"))
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.site_request_review(
                    by=user,
                    request=site_request,
                    approve=data["decision"] == "approve",
                    reason=data["reason"],
                    category=data["category"],
                    risk=data["risk"],
                )
            except (InvalidInput, InvalidTransition) as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Request answered."))
                return HttpResponseRedirect(reverse("access:requests"))
        status = 400
    return render(request, "access/request_review.html", {"site_request": site_request, "form": form}, status=status)


@requires("access.impose_sanction")
@require_http_methods(["GET", "POST"])
def sanction(request: HttpRequest, prison_number: str) -> HttpResponse:
    user = acting_user(request)
    person = (
        people_visible_to(user=user, establishment=_establishment(request)).filter(prison_number=prison_number).first()
    )
    if person is None:
        raise NotVisible(_("No person with that prison number was found"))
    form = SanctionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            now = timezone.now()
            try:
                services.sanction_impose(
                    by=user,
                    person=person,
                    ends_at=now + timedelta(days=form.cleaned_data["days"]),
                    reason=form.cleaned_data["reason"],
                    starts_at=now,
                )
            except InvalidInput as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Internet access suspended."))
                return HttpResponseRedirect(reverse("access:sanction", args=[person.prison_number]))
        status = 400
    current = selectors.sanctions_for(person=person, now=timezone.now())
    return render(request, "access/sanction.html", {"person": person, "form": form, "current": current}, status=status)
