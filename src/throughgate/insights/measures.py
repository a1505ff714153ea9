"""The measures the dashboards show, each read from one kind of activity event (docs/events.md).

A measure is either the number of events of its kind (``COUNT``) or the sum of their values (``SUM``: pounds for
canteen spend, requests for internet use). The daily rollup keeps both for every kind, so a new measure of an existing
kind needs no rebuild. ``list_url`` names the page with the rows behind the figure; the dashboard links to it only for
staff whose permissions open that page."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

COUNT = "count"
SUM = "sum"


@dataclass(frozen=True)
class Measure:
    code: str
    kind: str
    title: Promise
    unit: Promise
    group: Promise
    how: str = COUNT
    list_url: str = ""

    def figure(self, events: int, total: float) -> int:
        """The measure's figure from a rollup's event count and value sum (sums rounded to whole units)."""
        return events if self.how == COUNT else round(total)


APPS = _("Apps and complaints")
USE = _("Kiosk and in-cell use")
SHOP = _("Canteen and meals")
ACTIVITY = _("Purposeful activity")
INTERNET = _("Internet")
CONTACT = _("Visits and calls")

MEASURES: tuple[Measure, ...] = (
    Measure("apps_raised", "app.submitted", _("Apps raised"), _("apps"), group=APPS, list_url="selfservice:queue"),
    Measure("apps_answered", "app.responded", _("Apps answered"), _("apps"), group=APPS, list_url="selfservice:queue"),
    Measure(
        "complaints",
        "complaint.submitted",
        _("Complaints made"),
        _("complaints"),
        group=APPS,
        list_url="selfservice:complaint_queue",
    ),
    Measure("kiosk_sign_ins", "kiosk.login", _("Kiosk and in-cell sign-ins"), _("sign-ins"), group=USE),
    Measure("content_views", "content.viewed", _("Content library items opened"), _("items"), group=USE),
    Measure(
        "canteen_orders",
        "canteen.ordered",
        _("Canteen orders"),
        _("orders"),
        group=SHOP,
        list_url="selfservice:canteen_deliveries",
    ),
    Measure(
        "canteen_spend",
        "canteen.ordered",
        _("Canteen spend"),
        _("pounds"),
        how=SUM,
        group=SHOP,
        list_url="selfservice:canteen_deliveries",
    ),
    Measure(
        "meals_chosen", "meal.chosen", _("Meal choices made"), _("choices"), group=SHOP, list_url="selfservice:kitchen"
    ),
    Measure(
        "activity_attended",
        "activity.attended",
        _("Activity sessions attended"),
        _("sessions"),
        group=ACTIVITY,
        list_url="selfservice:timetable_hours",
    ),
    Measure(
        "activity_refused",
        "activity.refused",
        _("Activity sessions refused"),
        _("sessions"),
        group=ACTIVITY,
        list_url="selfservice:timetable_hours",
    ),
    Measure(
        "internet_allowed",
        "internet.allowed",
        _("Web requests allowed"),
        _("requests"),
        how=SUM,
        group=INTERNET,
        list_url="access:monitoring",
    ),
    Measure(
        "internet_denied",
        "internet.denied",
        _("Web requests refused"),
        _("requests"),
        how=SUM,
        group=INTERNET,
        list_url="access:monitoring",
    ),
    Measure("visits", "visit.attended", _("Social visits"), _("visits"), group=CONTACT),
    Measure("phone_calls", "phone.call", _("PIN-phone calls"), _("calls"), group=CONTACT),
)
BY_CODE = {measure.code: measure for measure in MEASURES}
# Kinds rolled up for the flashpoint signals only (flashpoints/rules.py): counted by wing, not shown as measures.
SIGNAL_KINDS = ("self_harm.incident", "adjudication.proven", "segregation.started")
KINDS = tuple(sorted({measure.kind for measure in MEASURES} | set(SIGNAL_KINDS)))
