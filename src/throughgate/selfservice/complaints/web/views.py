"""Complaint pages: residents on the kiosk make complaints and appeals and read answers; staff answer them by
deadline. A COMP2 is seen only by the governor's office."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from throughgate.core.access import requires
from throughgate.core.errors import DomainError
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.selfservice.complaints import selectors, services
from throughgate.selfservice.complaints.models import ComplaintStage
from throughgate.selfservice.complaints.web.forms import AppealForm, ComplaintAnswerForm, ComplaintForm
from throughgate.selfservice.permissions import ANSWER_COMPLAINTS, USE_COMPLAINTS


@requires(USE_COMPLAINTS)
def my_complaints(request: HttpRequest) -> HttpResponse:
    complaints = list(selectors.complaints_of_resident(user=acting_user(request))[:50])
    return render(request, "selfservice/my_complaints.html", {"complaints": complaints})


@requires(USE_COMPLAINTS)
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None, request=request)
    refused = 0
    if request.method == "POST" and form.is_valid():
        try:
            made = services.complaint_submit(
                user=acting_user(request),
                stage=form.cleaned_data["stage"],
                body=form.cleaned_data["body"],
                idempotency_key=form.cleaned_data["key"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            refused = exc.status
        else:
            messages.success(request, _("Your complaint has been sent."))
            return HttpResponseRedirect(reverse("selfservice:my_complaint", args=[made.complaint.pk]))
    status = refused or (400 if form.is_bound and form.errors else 200)
    return render(request, "selfservice/complaint_new.html", {"form": form}, status=status)


def _resident_page(
    request: HttpRequest, complaint_id: int, form: AppealForm | None = None, status: int = 200
) -> HttpResponse:
    complaint = selectors.complaint_of_resident(user=acting_user(request), complaint_id=complaint_id)
    context = {
        "complaint": complaint,
        "step": selectors.next_step(complaint=complaint),
        "form": form or AppealForm(),
    }
    return render(request, "selfservice/my_complaint.html", context, status=status)


@requires(USE_COMPLAINTS)
def my_complaint(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _resident_page(request, complaint_id)


@requires(USE_COMPLAINTS)
@require_POST
def complaint_appeal(request: HttpRequest, complaint_id: int) -> HttpResponse:
    user = acting_user(request)
    original = selectors.complaint_of_resident(user=user, complaint_id=complaint_id)
    form = AppealForm(request.POST, request=request)
    if not form.is_valid():
        return _resident_page(request, complaint_id, form, status=400)
    try:
        made = services.complaint_submit(
            user=user,
            stage=ComplaintStage.COMP1A,
            body=form.cleaned_data["body"],
            idempotency_key=form.cleaned_data["key"],
            appeal_of=original,
        )
    except DomainError as exc:
        form.add_error("body" if exc.field == "body" else None, exc.message)
        return _resident_page(request, complaint_id, form, status=exc.status)
    messages.success(request, _("Your appeal has been sent."))
    return HttpResponseRedirect(reverse("selfservice:my_complaint", args=[made.complaint.pk]))


@requires(ANSWER_COMPLAINTS)
def complaint_queue(request: HttpRequest) -> HttpResponse:
    establishment = acting_establishment(request)
    show_all = request.GET.get("all") == "1"
    escalated = request.GET.get("escalated") == "1"
    user = acting_user(request)
    complaints = selectors.complaint_queue_read(
        user=user, establishment=establishment, open_only=not show_all, escalated_to_me=escalated
    )
    today = timezone.localdate()
    rows = [{"complaint": c, "overdue": c.is_overdue(today)} for c in complaints]
    context = {
        "rows": rows,
        "show_all": show_all,
        "escalated": escalated,
        "overdue_count": selectors.complaint_queue(user=user, establishment=establishment)
        .filter(due_on__lt=today)
        .count(),
    }
    return render(request, "selfservice/complaint_queue.html", context)


@requires(ANSWER_COMPLAINTS)
@require_http_methods(["GET", "POST"])
def staff_complaint(request: HttpRequest, complaint_id: int) -> HttpResponse:
    user = acting_user(request)
    complaint = selectors.complaint_for_staff(
        user=user, establishment=acting_establishment(request), complaint_id=complaint_id
    )
    form = ComplaintAnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.complaint_answer(by=user, complaint=complaint, reply=form.cleaned_data["reply"])
            except DomainError as exc:
                form.add_error("reply" if exc.field == "reply" else None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Answer sent."))
                return HttpResponseRedirect(reverse("selfservice:staff_complaint", args=[complaint.pk]))
        else:
            status = 400
    context = {"complaint": complaint, "form": form, "overdue": complaint.is_overdue()}
    return render(request, "selfservice/staff_complaint.html", context, status=status)
