"""Staff and resident pages of the access app: a resident's own sites and requests; the "can this person reach
this URL now, and why" check; devices; site requests; sanctions; monitoring."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from throughgate.access import selectors, services
from throughgate.access.models import SiteRequest
from throughgate.access.permissions import (
    CHECK_ACCESS,
    IMPOSE_SANCTION,
    MANAGE_DEVICES,
    MANAGE_OBSERVATIONS,
    MANAGE_POLICY,
    REQUEST_SITE,
    REVIEW_REQUESTS,
    VIEW_MONITORING,
    VIEW_OWN_SITES,
)
from throughgate.access.web.forms import (
    ActiveForm,
    CheckForm,
    DeviceActionForm,
    DeviceForm,
    GroupForm,
    ImportForm,
    LevelForm,
    LiftForm,
    MemberForm,
    MitigateForm,
    NetworkForm,
    ReviewForm,
    SanctionForm,
    SiteEditForm,
    SiteForm,
    SiteRequestForm,
    TriageForm,
    WindowForm,
)
from throughgate.core.access import requires
from throughgate.core.errors import InvalidInput, InvalidTransition, NotVisible
from throughgate.core.forms import add_domain_error
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.people.selectors import people_visible_to


@requires(VIEW_OWN_SITES)
@require_http_methods(["GET", "POST"])
def my_sites(request: HttpRequest) -> HttpResponse:
    """A resident's page: the sites they can use, why not (if not now), their requests, and a request form."""
    user = acting_user(request)
    form = SiteRequestForm(request.POST or None, request=request) if user.has_perm(REQUEST_SITE) else None
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


@requires(CHECK_ACCESS)
def check(request: HttpRequest) -> HttpResponse:
    form = CheckForm(request.GET or None)
    result = None
    status = 200
    if form.is_bound and form.is_valid():
        try:
            person, decision, devices = selectors.access_check(
                user=acting_user(request),
                establishment=acting_establishment(request),
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


@requires(VIEW_MONITORING)
def monitoring(request: HttpRequest) -> HttpResponse:
    data = selectors.monitoring(
        user=acting_user(request), establishment=acting_establishment(request), now=timezone.now()
    )
    return render(request, "access/monitoring.html", {"data": data})


@requires(MANAGE_DEVICES)
@require_http_methods(["GET", "POST"])
def devices(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    form = DeviceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and establishment is not None:
            try:
                device = services.device_add(by=user, establishment=establishment, **form.cleaned_data)
            except InvalidInput as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Device added."))
                return HttpResponseRedirect(reverse("access:device_detail", args=[device.pk]))
        status = 400
    listed = selectors.devices_visible_to(user=user, establishment=establishment)[:500]
    return render(request, "access/devices.html", {"form": form, "devices": listed}, status=status)


@requires(MANAGE_DEVICES)
@require_http_methods(["GET", "POST"])
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    device = selectors.devices_visible_to(user=user, establishment=acting_establishment(request)).filter(pk=pk).first()
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
                elif data["action"] == "issue_cell":
                    cell = (
                        selectors.cells_of(establishment=device.establishment)
                        .filter(key__iexact=data["cell"].strip())
                        .first()
                    )
                    if cell is None:
                        raise InvalidInput(_("No cell with that code was found in this prison"), field="cell")
                    services.device_issue(by=user, device=device, location=cell, reason=data["reason"])
                else:
                    services.device_set_status(by=user, device=device, status=data["action"], reason=data["reason"])
            except (InvalidInput, InvalidTransition) as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Device changed."))
                return HttpResponseRedirect(reverse("access:device_detail", args=[device.pk]))
        status = 400
    history = selectors.device_history(device=device)[:50]
    return render(
        request, "access/device_detail.html", {"device": device, "form": form, "history": history}, status=status
    )


@requires(REVIEW_REQUESTS)
def requests(request: HttpRequest) -> HttpResponse:
    waiting = selectors.requests_waiting(user=acting_user(request), establishment=acting_establishment(request))[:200]
    return render(request, "access/requests.html", {"waiting": waiting})


@requires(REVIEW_REQUESTS)
@require_http_methods(["GET", "POST"])
def request_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    site_request: SiteRequest | None = (
        selectors.requests_waiting(user=user, establishment=acting_establishment(request)).filter(pk=pk).first()
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
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Request answered."))
                return HttpResponseRedirect(reverse("access:requests"))
        status = 400
    return render(request, "access/request_review.html", {"site_request": site_request, "form": form}, status=status)


@requires(IMPOSE_SANCTION)
@require_http_methods(["GET", "POST"])
def sanction(request: HttpRequest, prison_number: str) -> HttpResponse:
    user = acting_user(request)
    person = (
        people_visible_to(user=user, establishment=acting_establishment(request))
        .filter(prison_number=prison_number)
        .first()
    )
    if person is None:
        raise NotVisible(_("No person with that prison number was found"))
    lifting = request.POST.get("form") == "lift"
    form = SanctionForm(request.POST if request.method == "POST" and not lifting else None)
    lift = LiftForm(request.POST if lifting else None, prefix="lift")
    in_force = selectors.sanctions_for(person=person, now=timezone.now())
    lift.fields["sanction"].choices = [  # type: ignore[attr-defined]
        (item.pk, f"{timezone.localtime(item.ends_at):%d %b %Y %H:%M}: {item.reason[:60]}") for item in in_force
    ]
    status = 200
    if lifting:
        if lift.is_valid():
            found = in_force.filter(pk=lift.cleaned_data["sanction"]).first()
            try:
                if found is None:
                    raise InvalidTransition(_("This suspension is not in force"))
                services.sanction_lift(by=user, sanction=found, reason=lift.cleaned_data["reason"])
            except (InvalidInput, InvalidTransition) as exc:
                lift.add_error("reason", exc.message)
            else:
                messages.success(request, _("Suspension lifted."))
                return HttpResponseRedirect(reverse("access:sanction", args=[person.prison_number]))
        status = 400
    elif request.method == "POST":
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
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Internet access suspended."))
                return HttpResponseRedirect(reverse("access:sanction", args=[person.prison_number]))
        status = 400
    current = selectors.sanctions_for(person=person, now=timezone.now())
    context = {"person": person, "form": form, "lift": lift, "current": current}
    return render(request, "access/sanction.html", context, status=status)


@requires(MANAGE_OBSERVATIONS)
def observations(request: HttpRequest) -> HttpResponse:
    listed = selectors.observations_visible_to(user=acting_user(request), establishment=acting_establishment(request))
    board = selectors.observation_board(items=list(listed[:500]))
    now = timezone.now()
    median = board.median_to_mitigation
    median_words = timesince(now - median, now) if median is not None else ""
    return render(request, "access/observations.html", {"board": board, "median_words": median_words})


@requires(MANAGE_OBSERVATIONS)
@require_http_methods(["GET", "POST"])
def observation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    item = (
        selectors.observations_visible_to(user=user, establishment=acting_establishment(request)).filter(pk=pk).first()
    )
    if item is None:
        raise NotVisible(_("Not found"))
    triage = TriageForm(request.POST if request.POST.get("form") == "triage" else None, prefix="triage")
    mitigate = MitigateForm(request.POST if request.POST.get("form") == "mitigate" else None, prefix="mitigate")
    status = 200
    if request.method == "POST":
        try:
            if triage.is_bound and triage.is_valid():
                services.observation_triage(by=user, observation=item, **triage.cleaned_data)
            elif mitigate.is_bound and mitigate.is_valid():
                services.observation_mitigate(by=user, observation=item, mist=mist_adapter(), **mitigate.cleaned_data)
            else:
                raise InvalidInput(_("Check the form"))
        except InvalidInput as exc:
            status = 400
            if not (triage.errors or mitigate.errors):
                messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("access:observation_detail", args=[item.pk]))
    history = selectors.object_history(obj=item)[:50]
    same_device = (
        selectors.observations_visible_to(user=user, establishment=acting_establishment(request))
        .filter(group_key=item.group_key)
        .exclude(pk=item.pk)[:50]
        if item.randomised and item.group_key
        else []
    )
    context = {"item": item, "triage": triage, "mitigate": mitigate, "history": history, "same_device": same_device}
    return render(request, "access/observation_detail.html", context, status=status)


def mist_adapter() -> Any:
    """The Mist adapter configured for this deployment (MIST_SITE_ID, MIST_API_TOKEN), or None."""
    import os

    from throughgate.access.observations import Mist

    site, token = os.environ.get("MIST_SITE_ID", ""), os.environ.get("MIST_API_TOKEN", "")
    if not site or not token:
        return None
    return Mist(base_url=os.environ.get("MIST_API_URL", "https://api.eu.mist.com"), site_id=site, token=token)


@requires(MANAGE_POLICY)
@require_http_methods(["GET", "POST"])
def catalogue(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    which = request.POST.get("form", "")
    add = SiteForm(request.POST if which == "add" else None, prefix="add")
    bulk = ImportForm(request.POST if which == "import" else None, prefix="import")
    status = 200
    if request.method == "POST":
        if add.is_bound and add.is_valid():
            try:
                services.site_add(by=user, **add.cleaned_data)
            except InvalidInput as exc:
                add_domain_error(add, exc)
            else:
                messages.success(request, _("Site added."))
                return HttpResponseRedirect(reverse("access:catalogue"))
        elif bulk.is_bound and bulk.is_valid():
            result = services.sites_import_text(
                by=user, text=bulk.cleaned_data["lines"], default_category=bulk.cleaned_data["category"]
            )
            messages.success(
                request,
                _("Added %(added)s sites, %(skipped)s already listed, %(problems)s lines not read.")
                % {"added": result.added, "skipped": result.skipped, "problems": len(result.problems)},
            )
            return HttpResponseRedirect(reverse("access:catalogue"))
        status = 400
    query = request.GET.get("q", "").strip()[:100]
    sites = selectors.catalogue_search(query=query)[:200]
    context = {"add": add, "bulk": bulk, "sites": sites, "query": query}
    return render(request, "access/catalogue.html", context, status=status)


@requires(MANAGE_POLICY)
@require_http_methods(["GET", "POST"])
def establishment_policy(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    which = request.POST.get("form", "")
    level = LevelForm(request.POST if which == "level" else None, prefix="level")
    window = WindowForm(request.POST if which == "window" else None, prefix="window")
    status = 200
    if request.method == "POST" and establishment is not None:
        try:
            if which == "remove_window":
                window_id = request.POST.get("window", "")
                found = (
                    selectors.windows_for(establishment=establishment).filter(pk=int(window_id)).first()
                    if window_id.isdigit()
                    else None
                )
                if found is None:
                    raise NotVisible(_("Not found"))
                services.window_remove(by=user, window=found)
            elif level.is_bound and level.is_valid():
                services.level_access_set(by=user, establishment=establishment, **level.cleaned_data)
            elif window.is_bound and window.is_valid():
                data = window.cleaned_data
                services.window_add(
                    by=user,
                    establishment=establishment,
                    name=data["name"],
                    kind=data["kind"],
                    days=[int(d) for d in data["days"]],
                    starts=data["starts"],
                    ends=data["ends"],
                )
            else:
                raise InvalidInput(_("Check the form"))
        except InvalidInput as exc:
            status = 400
            if not (level.errors or window.errors):
                messages.error(request, exc.message)
        else:
            messages.success(request, _("Policy saved."))
            return HttpResponseRedirect(reverse("access:policy"))
    levels = selectors.levels_for(establishment=establishment) if establishment else []
    windows = selectors.windows_for(establishment=establishment) if establishment else []
    context = {"level": level, "window": window, "levels": levels, "windows": windows}
    return render(request, "access/policy.html", context, status=status)


@requires(MANAGE_POLICY)
@require_http_methods(["GET", "POST"])
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a site of the catalogue, or take it out of use (and back) with a reason."""
    user = acting_user(request)
    site = selectors.catalogue_search(query="").filter(pk=pk).first()
    if site is None:
        raise NotVisible(_("Not found"))
    which = request.POST.get("form", "")
    initial = {
        "name": site.name,
        "category": site.category,
        "risk": site.risk,
        "include_subdomains": "yes" if site.include_subdomains else "no",
        "description": site.description,
        "groups": list(site.groups.values_list("code", flat=True)),
    }
    edit = SiteEditForm(request.POST if which == "edit" else None, initial=initial, prefix="edit")
    active = ActiveForm(request.POST if which == "active" else None, prefix="active")
    status = 200
    if request.method == "POST":
        try:
            if edit.is_bound and edit.is_valid():
                data = edit.cleaned_data
                chosen = selectors.groups_listed().filter(code__in=data["groups"])
                services.site_update(by=user, site=site, **{**data, "groups": list(chosen)})
                messages.success(request, _("Site saved."))
            elif active.is_bound and active.is_valid():
                services.site_set_active(
                    by=user, site=site, active=not site.active, reason=active.cleaned_data["reason"]
                )
                messages.success(request, _("Site taken out of use.") if not site.active else _("Site back in use."))
            else:
                raise InvalidInput(_("Check the form"))
        except InvalidInput as exc:
            status = 400
            form = edit if edit.is_bound else active
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            elif not form.errors:
                messages.error(request, exc.message)
        else:
            return HttpResponseRedirect(reverse("access:site_detail", args=[site.pk]))
    history = selectors.object_history(obj=site)[:50]
    context = {"site": site, "edit": edit, "active": active, "history": history}
    return render(request, "access/site_detail.html", context, status=status)


@requires(MANAGE_POLICY)
@require_http_methods(["GET", "POST"])
def groups(request: HttpRequest) -> HttpResponse:
    """The groups some sites are limited to, and a form to add one."""
    form = GroupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                group = services.group_create(by=acting_user(request), **form.cleaned_data)
            except InvalidInput as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Group added."))
                return HttpResponseRedirect(reverse("access:group_detail", args=[group.pk]))
        status = 400
    return render(request, "access/groups.html", {"form": form, "groups": selectors.groups_listed()}, status=status)


@requires(MANAGE_POLICY)
@require_http_methods(["GET", "POST"])
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Who is in a group (in this prison), with forms to add and remove people; the sites limited to it."""
    user = acting_user(request)
    establishment = acting_establishment(request)
    group = selectors.groups_listed().filter(pk=pk).first()
    if group is None:
        raise NotVisible(_("Not found"))
    removing = request.POST.get("form") == "remove"
    form = MemberForm(request.POST if request.method == "POST" and not removing else None)
    status = 200
    if request.method == "POST":
        visible = people_visible_to(user=user, establishment=establishment) if establishment else None
        try:
            if removing:
                person_id = request.POST.get("person", "")
                person = (
                    visible.filter(pk=int(person_id)).first() if visible is not None and person_id.isdigit() else None
                )
                if person is None:
                    raise NotVisible(_("Not found"))
                services.group_remove_member(by=user, group=group, person=person)
                messages.success(request, _("Removed from the group."))
            elif form.is_valid():
                number = form.cleaned_data["prison_number"].strip().upper()
                person = visible.filter(prison_number=number).first() if visible is not None else None
                if person is None:
                    raise InvalidInput(_("No person with that prison number was found"), field="prison_number")
                services.group_add_member(by=user, group=group, person=person)
                messages.success(request, _("Added to the group."))
            else:
                raise InvalidInput(_("Check the form"))
        except InvalidInput as exc:
            status = 400
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
        else:
            return HttpResponseRedirect(reverse("access:group_detail", args=[group.pk]))
    members = selectors.group_members(user=user, group=group, establishment=establishment)[:500]
    context = {"group": group, "form": form, "members": members, "sites": group.sites.order_by("domain")[:200]}
    return render(request, "access/group_detail.html", context, status=status)


@requires(MANAGE_DEVICES)
@require_http_methods(["GET", "POST"])
def network(request: HttpRequest) -> HttpResponse:
    """The prison's network settings that RADIUS and the unapproved-device checks use."""
    establishment = acting_establishment(request)
    if establishment is None:
        raise NotVisible(_("Not found"))
    current = services.network_for(establishment)
    initial = {
        "kiosk_vlan": current.kiosk_vlan,
        "laptop_vlan": current.laptop_vlan,
        "tablet_vlan": current.tablet_vlan,
        "quarantine_vlan": current.quarantine_vlan,
        "ssids": "\n".join(current.ssids or []),
        "nas_wings": "\n".join(f"{nas} = {wing}" for nas, wing in (current.nas_wings or {}).items()),
    }
    form = NetworkForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.network_update(
                    by=acting_user(request),
                    establishment=establishment,
                    kiosk_vlan=data["kiosk_vlan"],
                    laptop_vlan=data["laptop_vlan"],
                    tablet_vlan=data["tablet_vlan"],
                    quarantine_vlan=data["quarantine_vlan"],
                    ssids=data["ssids"].splitlines(),
                    nas_wings=data["nas_wings"],
                )
            except InvalidInput as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Network settings saved."))
                return HttpResponseRedirect(reverse("access:network"))
        status = 400
    return render(request, "access/network.html", {"form": form}, status=status)
