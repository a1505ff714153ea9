"""Self-service pages: apps for residents on the kiosk layout, and the department queues for staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from throughgate.core.access import requires
from throughgate.core.errors import DomainError
from throughgate.core.forms import KeyedForm, add_domain_error
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.selfservice.applications import selectors, services
from throughgate.selfservice.applications.models import App, AppStatus
from throughgate.selfservice.applications.web.forms import (
    AppForm,
    AssignForm,
    CommentForm,
    ForwardForm,
    QueueFilterForm,
    RespondForm,
    StartForm,
)
from throughgate.selfservice.applications.web.labels import RESIDENT_STATUS, STAFF_STATUS_TAG
from throughgate.selfservice.permissions import ANSWER_APPS, USE_APPS


def resident_status(app: App) -> dict[str, Any]:
    label, tag = RESIDENT_STATUS[app.status]
    return {"label": label, "tag": tag}


# --- Residents -----------------------------------------------------------------------------------------------


@requires(USE_APPS)
def my_apps(request: HttpRequest) -> HttpResponse:
    apps = list(selectors.apps_of_resident(user=acting_user(request))[:50])
    rows = [{"app": app, "status": resident_status(app)} for app in apps]
    return render(request, "selfservice/my_apps.html", {"rows": rows})


@requires(USE_APPS)
def app_new(request: HttpRequest) -> HttpResponse:
    options = selectors.app_types_for_resident(user=acting_user(request))
    return render(request, "selfservice/app_new.html", {"options": options})


@requires(USE_APPS)
@require_http_methods(["GET", "POST"])
def app_write(request: HttpRequest, type_id: int) -> HttpResponse:
    user = acting_user(request)
    app_type = selectors.app_type_for_resident(user=user, type_id=type_id)
    form = AppForm(request.POST or None, request=request)
    refused = 0
    if request.method == "POST" and form.is_valid():
        try:
            submitted = services.app_submit(
                user=user, app_type=app_type, body=form.cleaned_data["body"], idempotency_key=form.cleaned_data["key"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            refused = exc.status
        else:
            # The same message for a retry: the person sees the result of the first send.
            messages.success(request, _("Your app has been sent."))
            return HttpResponseRedirect(reverse("selfservice:my_app", args=[submitted.app.pk]))
    status = refused or (400 if form.is_bound and form.errors else 200)
    return render(request, "selfservice/app_write.html", {"form": form, "app_type": app_type}, status=status)


@requires(USE_APPS)
def my_app(request: HttpRequest, app_id: int) -> HttpResponse:
    app = selectors.app_of_resident(user=acting_user(request), app_id=app_id)
    context = {"app": app, "status": resident_status(app), "events": selectors.shared_events(app=app)}
    return render(request, "selfservice/my_app.html", context)


# --- Staff ---------------------------------------------------------------------------------------------------


def _department_choices(request: HttpRequest) -> list[tuple[str, str]]:
    departments = selectors.departments_for(user=acting_user(request), establishment=acting_establishment(request))
    return [(d.code, d.display_name) for d in departments]


def _staff_choices(request: HttpRequest) -> list[tuple[int, str]]:
    people = selectors.assignable_staff(user=acting_user(request), establishment=acting_establishment(request))
    return [(u.pk, u.get_full_name() or u.get_username()) for u in people]


@requires(ANSWER_APPS)
def queue(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    departments = _department_choices(request)
    form = QueueFilterForm(request.GET or None, departments=departments)
    filters = selectors.QueueFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.QueueFilters(
            department=data["department"],
            status=data["status"] or "open",
            assigned=data["assigned"],
            overdue=data["overdue"],
            escalated_to_me=data["escalated"],
            query=data["query"],
        )
    apps = selectors.app_queue(user=user, establishment=acting_establishment(request), filters=filters)
    page = Paginator(apps, selectors.QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.app_queue_seen(
        user=user,
        establishment=acting_establishment(request),
        filters=filters,
        offset=max(page.start_index() - 1, 0),
        count=len(page.object_list),
    )
    today = timezone.localdate()
    rows = [{"app": app, "overdue": app.is_overdue(today), "tag": STAFF_STATUS_TAG[app.status]} for app in page]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "staff": _staff_choices(request),
        "has_departments": bool(departments),
        "overdue_count": selectors.app_queue(
            user=user,
            establishment=acting_establishment(request),
            filters=selectors.QueueFilters(overdue=True, today=today),
        ).count(),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "selfservice/queue.html", context, status=status)


@requires(ANSWER_APPS)
@require_POST
def queue_assign(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    posted = [int(value) for value in request.POST.getlist("apps") if value.isdigit()]
    form = AssignForm(request.POST, app_ids=posted, staff=_staff_choices(request))
    back = reverse("selfservice:queue")
    if not form.is_valid() or establishment is None:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return HttpResponseRedirect(back)
    assignee = selectors.assignable_staff(user=user, establishment=establishment).get(pk=form.cleaned_data["assignee"])
    try:
        count = services.apps_assign(
            app_ids=form.cleaned_data["apps"], assignee=assignee, by=user, establishment=establishment
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(count)s apps assigned to %(name)s.")
            % {"count": count, "name": assignee.get_full_name() or assignee.get_username()},
        )
    return HttpResponseRedirect(back)


def _staff_app_page(
    request: HttpRequest, app: App, *, forms: dict[str, Any] | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    departments = [(d.code, d.display_name) for d in selectors.forward_targets(app=app)]
    forms = forms or {}
    context = {
        "app": app,
        "tag": STAFF_STATUS_TAG[app.status],
        "overdue": app.is_overdue(),
        "events": selectors.app_history(app=app),
        "start_form": forms.get("start") or StartForm(auto_id="start_%s"),
        "comment_form": forms.get("comment") or CommentForm(auto_id="comment_%s"),
        "forward_form": forms.get("forward") or ForwardForm(auto_id="forward_%s", departments=departments),
        "respond_form": forms.get("respond") or RespondForm(auto_id="respond_%s"),
        "error": error,
        "can_start": app.status == AppStatus.NEW,
    }
    return render(request, "selfservice/staff_app.html", context, status=status)


@requires(ANSWER_APPS)
def staff_app(request: HttpRequest, app_id: int) -> HttpResponse:
    app = selectors.app_for_staff(user=acting_user(request), establishment=acting_establishment(request), app_id=app_id)
    return _staff_app_page(request, app)


ACTION_FORMS: dict[str, type[KeyedForm]] = {
    "start": StartForm,
    "comment": CommentForm,
    "forward": ForwardForm,
    "respond": RespondForm,
}
ACTION_DONE: dict[str, Callable[[App], str]] = {
    "start": lambda app: _("You have started work on this app."),
    "comment": lambda app: _("Comment added."),
    "forward": lambda app: _("App passed to %(department)s.") % {"department": app.department.display_name},
    "respond": lambda app: _("Answer sent."),
}


@requires(ANSWER_APPS)
@require_POST
def staff_app_action(request: HttpRequest, app_id: int, action: str) -> HttpResponse:
    """One of the actions on an app (``services.STAFF_ACTIONS``). A rule that refuses it is shown on the app's
    page, saying why."""
    if action not in ACTION_FORMS:
        raise Http404
    user = acting_user(request)
    app = selectors.app_for_staff(user=user, establishment=acting_establishment(request), app_id=app_id)
    extra = {"departments": [(d.code, d.display_name) for d in selectors.forward_targets(app=app)]}
    form = ACTION_FORMS[action](
        request.POST, auto_id=f"{action}_%s", request=request, **(extra if action == "forward" else {})
    )
    if not form.is_valid():
        return _staff_app_page(request, app, forms={action: form}, status=400)
    data = form.cleaned_data
    try:
        app = services.app_act(app=app, by=user, action=action, data=data, idempotency_key=data["key"])
    except DomainError as exc:
        if exc.field and exc.field in form.fields:
            add_domain_error(form, exc)
            return _staff_app_page(request, app, forms={action: form}, status=exc.status)
        app.refresh_from_db()
        return _staff_app_page(request, app, error=exc.message, status=exc.status)
    done = ACTION_DONE[action](app)
    messages.success(request, done)
    if (
        action == "forward"
        and not selectors.apps_visible_to_staff(user=user, establishment=acting_establishment(request))
        .filter(pk=app.pk)
        .exists()
    ):
        return HttpResponseRedirect(reverse("selfservice:queue"))
    return HttpResponseRedirect(reverse("selfservice:staff_app", args=[app.pk]))
