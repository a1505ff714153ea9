"""Record-linkage pages: the clerical review queue, one link with both records side by side and the reasons, and
the trained model's parameters. Views parse input and call one selector or service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from throughgate.core.access import requires
from throughgate.core.errors import DomainError
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.sharing import permissions as _permissions  # noqa: F401  (registered before @requires)
from throughgate.sharing.links import selectors, services
from throughgate.sharing.links.models import LinkStatus
from throughgate.sharing.links.web.forms import DecisionForm, UndoForm
from throughgate.sharing.permissions import REVIEW_LINKS

BAR_SCALE = 8  # pixels per unit of match weight in the charts
CHART_MIDDLE = 300


@requires(REVIEW_LINKS)
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in LinkStatus.values:
        status = ""
    links = selectors.review_queue(
        user=acting_user(request), establishment=acting_establishment(request), status=status
    )
    context = {"links": links[:200], "status": status, "statuses": LinkStatus.choices, "current": "queue"}
    return render(request, "sharing/queue.html", context)


def _bars(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    bars = []
    for index, reason in enumerate(reasons):
        weight = float(reason["weight"])
        width = min(abs(weight) * BAR_SCALE, CHART_MIDDLE - 10)
        bars.append(
            {
                **reason,
                "y": index * 30,
                "x": CHART_MIDDLE if weight >= 0 else CHART_MIDDLE - width,
                "width": round(width, 1),
                "positive": weight >= 0,
            }
        )
    return bars


def _link_page(
    request: HttpRequest,
    link_id: int,
    *,
    form: DecisionForm | None = None,
    undo_form: UndoForm | None = None,
    status: int = 200,
) -> HttpResponse:
    found = selectors.link_for_review(
        user=acting_user(request), establishment=acting_establishment(request), link_id=link_id
    )
    bars = _bars(found.reasons)
    context = {
        "found": found,
        "link": found.link,
        "bars": bars,
        "chart_height": max(len(bars) * 30, 30),
        "middle": CHART_MIDDLE,
        "form": form or DecisionForm(),
        "undo_form": undo_form or UndoForm(),
        "decisions": found.link.decisions.all(),
        "current": "queue",
    }
    return render(request, "sharing/link.html", context, status=status)


@requires(REVIEW_LINKS)
def link(request: HttpRequest, link_id: int) -> HttpResponse:
    return _link_page(request, link_id)


@requires(REVIEW_LINKS)
@require_POST
def decide(request: HttpRequest, link_id: int) -> HttpResponse:
    user = acting_user(request)
    found = (
        selectors.links_visible_to(user=user, establishment=acting_establishment(request)).filter(pk=link_id).first()
    )
    form = DecisionForm(request.POST)
    if found is not None and form.is_valid():
        try:
            services.person_link_decide(
                link=found,
                by=user,
                confirm=form.cleaned_data["decision"] == "confirm",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your decision has been recorded."))
            return HttpResponseRedirect(reverse("sharing:queue"))
    return _link_page(request, link_id, form=form, status=400)


@requires(REVIEW_LINKS)
@require_POST
def undo(request: HttpRequest, link_id: int) -> HttpResponse:
    user = acting_user(request)
    found = (
        selectors.links_visible_to(user=user, establishment=acting_establishment(request)).filter(pk=link_id).first()
    )
    form = UndoForm(request.POST)
    if found is not None and form.is_valid():
        try:
            services.person_link_undo(link=found, by=user, reason=form.cleaned_data["undo_reason"])
        except DomainError as exc:
            form.add_error("undo_reason" if exc.field == "reason" else None, exc.message)
        else:
            messages.success(request, _("The decision has been undone."))
            return HttpResponseRedirect(reverse("sharing:link", args=[link_id]))
    return _link_page(request, link_id, undo_form=form, status=400)


@requires(REVIEW_LINKS)
def model(request: HttpRequest) -> HttpResponse:
    run = selectors.latest_run()
    agencies = []
    if run is not None:
        for agency, comparisons in selectors.model_parameters(run).items():
            for comparison in comparisons:
                comparison["chart_height"] = len(comparison["levels"]) * 10
                for index, level in enumerate(comparison["levels"]):
                    level["bar_y"] = index * 10
                    weight = level["weight"] or 0.0
                    width = min(abs(weight) * BAR_SCALE / 2, 140)
                    level["bar_x"] = 150 if weight >= 0 else 150 - width
                    level["bar_width"] = round(width, 1)
                    level["positive"] = weight >= 0
            agencies.append({"agency": agency, "comparisons": comparisons})
    return render(request, "sharing/model.html", {"run": run, "agencies": agencies, "current": "model"})
