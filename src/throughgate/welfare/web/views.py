"""AIM staff pages: the daily list, a flag with its reasons, chart and triage, a person's flag history, the
governor's oversight page, the thresholds page and the fairness page. Views parse input and call one selector or
service each; scoping and auditing live in selectors and services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from throughgate.core.access import requires
from throughgate.core.errors import DomainError, NotVisible
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.welfare import permissions as _permissions  # noqa: F401  (registered before @requires)
from throughgate.welfare import selectors, services
from throughgate.welfare.models import Triage
from throughgate.welfare.permissions import MANAGE_SETTINGS, TRIAGE_FLAGS, VIEW_FLAGS, VIEW_OVERSIGHT
from throughgate.welfare.reasons import reason_text
from throughgate.welfare.web.forms import ReviewForm, SettingsForm, TriageForm, TriggerDateForm, WingForm

CHART_WIDTH, ROW_HEIGHT, BAR_GAP = 560, 46, 4


def _reasons(flag: Any) -> list[str]:
    return [reason_text(reason) for reason in flag.reasons]


@requires(VIEW_FLAGS)
def daily(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    wing = request.GET.get("wing", "")
    listing = selectors.daily_list(user=user, establishment=establishment, wing=wing)
    form = WingForm(request.GET or None, wings=listing.wings)
    if wing and wing not in listing.wings:
        form.is_valid()
    rows = [{"flag": flag, "reasons": _reasons(flag)} for flag in listing.flags]
    overdue = selectors.overdue_reviews(user=user, establishment=establishment, today=timezone.localdate())
    context = {"listing": listing, "rows": rows, "form": form, "wing": wing, "overdue": overdue}
    return render(request, "welfare/daily.html", context)


def _chart(flag: Any) -> dict[str, Any]:
    starts, series = selectors.indicator_chart(flag=flag)
    weeks = len(starts)
    bar = (CHART_WIDTH - 160) / weeks
    rows = []
    for index, line in enumerate(series):
        top = max(line.weeks) or 1
        bars = [
            {
                "x": round(160 + i * bar, 1),
                "height": round((ROW_HEIGHT - 12) * value / top, 1),
                "y": round(index * ROW_HEIGHT + (ROW_HEIGHT - 6) - (ROW_HEIGHT - 12) * value / top, 1),
                "width": round(bar - BAR_GAP, 1),
                "value": value,
                "recent": i >= weeks - 2,
            }
            for i, value in enumerate(line.weeks)
        ]
        rows.append({"label": line.label, "y": index * ROW_HEIGHT + ROW_HEIGHT / 2 + 4, "bars": bars, "series": line})
    return {
        "width": CHART_WIDTH,
        "height": ROW_HEIGHT * len(series),
        "rows": rows,
        "starts": starts,
        "first": starts[0] if starts else None,
        "last": starts[-1] + timedelta(days=6) if starts else None,
    }


def _flag_page(
    request: HttpRequest,
    flag_id: int,
    form: TriageForm | None = None,
    status: int = 200,
    date_form: TriggerDateForm | None = None,
) -> HttpResponse:
    user = acting_user(request)
    flag = selectors.flag_detail(user=user, establishment=acting_establishment(request), flag_id=flag_id)
    context = {
        "flag": flag,
        "reasons": _reasons(flag),
        "chart": _chart(flag),
        "triages": selectors.triages_for(flag=flag),
        "form": form or TriageForm(),
        "review_form": ReviewForm(),
        "date_form": date_form or TriggerDateForm(prefix="date"),
        "trigger_dates": selectors.trigger_dates_for(flag=flag),
        "can_triage": TRIAGE_FLAGS in user.permission_codes(),
        "today": timezone.localdate(),
    }
    return render(request, "welfare/flag.html", context, status=status)


@requires(VIEW_FLAGS)
def flag(request: HttpRequest, flag_id: int) -> HttpResponse:
    return _flag_page(request, flag_id)


@requires(TRIAGE_FLAGS)
@require_POST
def triage(request: HttpRequest, flag_id: int) -> HttpResponse:
    user = acting_user(request)
    found = (
        selectors.flags_visible_to(user=user, establishment=acting_establishment(request)).filter(pk=flag_id).first()
    )
    if found is None:
        raise NotVisible(_("No flag was found"))
    form = TriageForm(request.POST)
    if form.is_valid():
        try:
            services.flag_triage(
                flag=found,
                by=user,
                action=form.cleaned_data["action"],
                note=form.cleaned_data["note"],
                review_on=form.cleaned_data["review_on"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your triage has been recorded."))
            return HttpResponseRedirect(reverse("welfare:flag", args=[found.pk]))
    return _flag_page(request, flag_id, form=form, status=400)


@requires(TRIAGE_FLAGS)
@require_POST
def trigger_date(request: HttpRequest, flag_id: int) -> HttpResponse:
    user = acting_user(request)
    found = (
        selectors.flags_visible_to(user=user, establishment=acting_establishment(request)).filter(pk=flag_id).first()
    )
    if found is None:
        raise NotVisible(_("No flag was found"))
    form = TriggerDateForm(request.POST, prefix="date")
    if form.is_valid():
        try:
            services.trigger_date_record(
                person=found.person,
                by=user,
                kind=form.cleaned_data["kind"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The date has been recorded."))
            return HttpResponseRedirect(reverse("welfare:flag", args=[found.pk]))
    return _flag_page(request, flag_id, status=400, date_form=form)


@requires(TRIAGE_FLAGS)
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, triage_id: int) -> HttpResponse:
    user = acting_user(request)
    flags = selectors.flags_visible_to(user=user, establishment=acting_establishment(request))
    found = Triage.objects.select_related("flag", "flag__person").filter(pk=triage_id, flag__in=flags).first()
    if found is None:
        raise NotVisible(_("No review was found"))
    if request.method == "GET":  # a reminder links here: the review is recorded on its flag's page
        return HttpResponseRedirect(reverse("welfare:flag", args=[found.flag_id]) + f"#review-note-{found.pk}")
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_complete(triage=found, by=user, note=form.cleaned_data["review_note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The review has been recorded."))
    else:
        messages.error(request, _("Say what you found at the review"))
    return HttpResponseRedirect(reverse("welfare:flag", args=[found.flag_id]))


@requires(VIEW_FLAGS)
def history(request: HttpRequest, prison_number: str) -> HttpResponse:
    flags = selectors.flag_history(
        user=acting_user(request), establishment=acting_establishment(request), prison_number=prison_number
    )
    rows = [{"flag": flag, "reasons": _reasons(flag), "triages": list(flag.triages.all())} for flag in flags]
    return render(request, "welfare/history.html", {"person": flags[0].person, "rows": rows})


@requires(VIEW_OVERSIGHT)
def governor(request: HttpRequest) -> HttpResponse:
    establishment = acting_establishment(request)
    if establishment is None:
        raise NotVisible(_("Choose an establishment first"))
    summary = selectors.governor_summary(user=acting_user(request), establishment=establishment)
    return render(request, "welfare/governor.html", {"summary": summary})


@requires(MANAGE_SETTINGS)
def settings_page(request: HttpRequest) -> HttpResponse:
    establishment = acting_establishment(request)
    if establishment is None:
        raise NotVisible(_("Choose an establishment first"))
    current = selectors.settings_for(establishment=establishment)
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.settings_change(
                    establishment=establishment,
                    by=acting_user(request),
                    amber_threshold=data["amber_threshold"],
                    red_threshold=data["red_threshold"],
                    red_budget_per_100=data["red_budget_per_100"],
                    amber_budget_per_100=data["amber_budget_per_100"],
                    cooldown_days=data["cooldown_days"],
                    quiet_days=data["quiet_days"],
                    reason=data["reason"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The settings have been changed. They apply from the next scoring."))
                return HttpResponseRedirect(reverse("welfare:settings"))
        status = 400
    else:
        form = SettingsForm(
            initial={
                "amber_threshold": current.amber_threshold,
                "red_threshold": current.red_threshold,
                "red_budget_per_100": current.red_budget_per_100,
                "amber_budget_per_100": current.amber_budget_per_100,
                "cooldown_days": current.cooldown_days,
                "quiet_days": current.quiet_days,
            }
        )
    from throughgate.welfare.models import SettingsChange

    context = {
        "form": form,
        "current": current,
        "rates": selectors.realised_rates(establishment=establishment),
        "changes": SettingsChange.objects.filter(establishment=establishment)[:20],
    }
    return render(request, "welfare/settings.html", context, status=status)


@requires(VIEW_OVERSIGHT)
def fairness(request: HttpRequest) -> HttpResponse:
    from throughgate.welfare import fairness as audit_fairness

    establishment = acting_establishment(request)
    if establishment is None:
        raise NotVisible(_("Choose an establishment first"))
    end = selectors.latest_day(establishment=establishment) or timezone.localdate()
    start = end - timedelta(days=56)
    table = audit_fairness.stored_flags_report(start=start, end=end, n_boot=100, establishment=establishment)
    metrics = ["alert_rate"] + (["false_positive_rate", "false_negative_rate"] if table.get("labelled") else [])
    for data in table.get("features", {}).values():
        for row in data["groups"]:
            row["cells"] = [
                {
                    "value": row[m],
                    "ci": row.get(f"{m}_ci"),
                    "ratio": row.get(f"{m}_ratio"),
                    "outside": row.get(f"{m}_outside"),
                }
                for m in metrics
            ]
    return render(
        request,
        "welfare/fairness.html",
        {"table": table, "metrics": metrics, "start": start, "end": end, "low": 0.8, "high": 1.25},
    )
