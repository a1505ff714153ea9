"""The figures pages: the governor's dashboard of one establishment, the HQ view of every establishment, and the CSV
download of one chart's figures by wing (with small numbers held back). Views parse input and call one selector."""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from throughgate.core.access import requires
from throughgate.identity.selectors import acting_user, establishment_named
from throughgate.insights import permissions as _permissions  # noqa: F401  (registered before @requires)
from throughgate.insights.dashboard import disclosure, selectors
from throughgate.insights.flashpoints import selectors as flashpoint_selectors
from throughgate.insights.measures import BY_CODE
from throughgate.insights.permissions import EXPORT_FIGURES, VIEW_DASHBOARD, VIEW_ESTATE


@requires(VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    """One establishment's figures: the acting one, or (for HQ, who may see any) the one ``?establishment=`` names."""
    user = acting_user(request)
    place = establishment_named(request, user=user, code=request.GET.get("establishment", "")[:3].upper())
    board = selectors.dashboard(user=user, establishment=place)
    return render(
        request,
        "insights/dashboard.html",
        {
            "board": board,
            "flashpoints": flashpoint_selectors.flashpoints_of(user=user, board=board),
            "may_export": user.has_perm(EXPORT_FIGURES),
            "may_see_estate": user.has_perm(VIEW_ESTATE),
        },
    )


@requires(VIEW_ESTATE)
def estate(request: HttpRequest) -> HttpResponse:
    view = selectors.estate(user=acting_user(request))
    return render(request, "insights/estate.html", {"view": view})


@requires(EXPORT_FIGURES)
def export(request: HttpRequest) -> HttpResponse:
    """``?measure=CODE[&establishment=XYZ]``: the measure by wing and week as CSV, protected (see disclosure.py)."""
    user = acting_user(request)
    measure = BY_CODE.get(request.GET.get("measure", ""))
    if measure is None:
        raise Http404
    place = establishment_named(request, user=user, code=request.GET.get("establishment", "")[:3].upper())
    table = selectors.wing_table_export(user=user, establishment=place, measure=measure)
    safe = disclosure.protect(counts=table.events, values=table.figures, columns=len(table.starts))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    code = place.code if place is not None else ""
    response["Content-Disposition"] = f'attachment; filename="{measure.code}-{code}-{table.starts[-1].isoformat()}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Wing"), *(start.isoformat() for start in table.starts), _("Total")])
    labels = [wing or _("No cell recorded") for wing in table.wings] + [_("Total")]
    for label, row in zip(labels, safe.values, strict=True):
        writer.writerow([label, *(disclosure.HELD_BACK if value is None else value for value in row)])
    return response
