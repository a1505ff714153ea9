"""The data protection officer's pages: find anyone on record, see what each app holds about them, make the subject
access export and download it while its link lasts, place and lift legal holds, read the retention schedule."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from throughgate.core.access import requires
from throughgate.core.errors import DomainError
from throughgate.core.forms import add_domain_error
from throughgate.dataprotection import archive, selectors, services
from throughgate.dataprotection.permissions import LEGAL_HOLDS, SUBJECT_ACCESS, VIEW_RETENTION
from throughgate.dataprotection.web.forms import FindForm, HoldForm, LiftForm, RequestForm
from throughgate.identity.selectors import acting_user
from throughgate.people.data_protection import retention_rules


@requires(SUBJECT_ACCESS)
def home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = FindForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = selectors.people_for_request(user=user, query=form.cleaned_data["query"])
    context = {
        "form": form,
        "results": results,
        "requests": selectors.requests_visible_to(user=user)[:20],
        "holds": selectors.active_holds(user=user)[:50],
        "now": timezone.now(),
    }
    return render(request, "dataprotection/home.html", context, status=400 if form.errors else 200)


def _person_page(
    request: HttpRequest,
    prison_number: str,
    *,
    form: RequestForm | None = None,
    hold_form: HoldForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = acting_user(request)
    person = selectors.person_for_request(user=user, prison_number=prison_number)
    parts = archive.collect(person)
    context = {
        "person": person,
        "parts": parts,
        "total": sum(len(p.rows) for p in parts),
        "form": form or RequestForm(initial={"received_on": timezone.localdate()}),
        "hold_form": hold_form or HoldForm(),
        "holds": selectors.holds_on(person=person),
        "can_hold": user.has_perm(LEGAL_HOLDS),
        "requests": selectors.requests_visible_to(user=user).filter(person=person),
    }
    return render(request, "dataprotection/person.html", context, status=status)


@requires(SUBJECT_ACCESS)
def person(request: HttpRequest, prison_number: str) -> HttpResponse:
    if request.method == "POST":
        form = RequestForm(request.POST, request=request)
        if form.is_valid():
            try:
                made = services.subject_access_make(
                    by=acting_user(request),
                    prison_number=prison_number,
                    reference=form.cleaned_data["reference"],
                    received_on=form.cleaned_data["received_on"],
                    key=form.cleaned_data["key"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The export is ready. Download it within 7 days."))
                return HttpResponseRedirect(reverse("dataprotection:request", args=[made.pk]))
        return _person_page(request, prison_number, form=form, status=400)
    return _person_page(request, prison_number)


@requires(SUBJECT_ACCESS)
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    found = selectors.request_visible_to(user=acting_user(request), request_id=request_id)
    return render(request, "dataprotection/request.html", {"sar": found, "now": timezone.now()})


@requires(SUBJECT_ACCESS)
def download(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        content, name = services.subject_access_download(by=acting_user(request), request_id=request_id)
    except services.LinkExpired as exc:
        found = selectors.request_visible_to(user=acting_user(request), request_id=request_id)
        return render(
            request,
            "dataprotection/request.html",
            {"sar": found, "now": timezone.now(), "error": exc.message},
            status=410,
        )
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(LEGAL_HOLDS)
@require_POST
def hold_place(request: HttpRequest, prison_number: str) -> HttpResponse:
    form = HoldForm(request.POST)
    if form.is_valid():
        try:
            services.legal_hold_place(
                by=acting_user(request), prison_number=prison_number, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The records are on hold: retention will not remove them."))
            return HttpResponseRedirect(reverse("dataprotection:person", args=[prison_number]))
    return _person_page(request, prison_number, hold_form=form, status=400)


@requires(LEGAL_HOLDS)
@require_POST
def hold_lift(request: HttpRequest, hold_id: int) -> HttpResponse:
    form = LiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the hold can end"))
        return HttpResponseRedirect(reverse("dataprotection:home"), status=303)
    try:
        hold = services.legal_hold_lift(by=acting_user(request), hold_id=hold_id, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("dataprotection:home"), status=303)
    messages.success(request, _("The hold is lifted."))
    return HttpResponseRedirect(reverse("dataprotection:person", args=[hold.person.prison_number]))


@requires(VIEW_RETENTION)
def retention(request: HttpRequest) -> HttpResponse:
    rules = retention_rules()
    report = services.retention_apply(dry_run=True)
    due = {outcome.key: outcome for outcome in report.outcomes}
    rows = [(rule, due[rule.key]) for rule in rules]
    return render(request, "dataprotection/retention.html", {"rows": rows, "report": report})
