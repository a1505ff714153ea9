"""AIM's indicators: which activity kinds it reads, how (count or amount), and which direction is a concern.

``self_harm.incident`` is deliberately absent: it is the outcome AIM is evaluated against, never an input signal.
A past incident (before the day being scored) only feeds the static "previous self-harm" factor.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from throughgate.core import activity
from throughgate.identity.events import KIOSK_LOGIN
from throughgate.people.events import ADJUDICATION_PROVEN, CELL_MOVED, INCENTIVE_CHANGED, SEGREGATION_STARTED
from throughgate.selfservice.events import (
    ACTIVITY_ATTENDED_KIND,
    ACTIVITY_REFUSED_KIND,
    APP_SUBMITTED_KIND,
    CANTEEN_ORDERED_KIND,
    COMPLAINT_SUBMITTED_KIND,
    MEAL_CHOSEN_KIND,
    MONEY_RECEIVED_KIND,
)


@dataclass(frozen=True)
class Indicator:
    code: str
    kind: str
    measure: str  # "count" of events or "amount" (the sum of the events' values: minutes, pounds)
    direction: str  # "drop": less than usual is a concern; "rise": more than usual is a concern
    label: object  # plain words for staff, translatable
    self_service: bool = False  # done by the person on a kiosk or in-cell device (absent if digitally excluded)
    weight: float = 1.0
    dispersion: float = 2.0  # negative-binomial size per day (a window of W days has size W x this)


# Activity kinds read by AIM, as small integers for the columnar engine. incentive.changed is read for its
# direction (a derived "incentive lowered" indicator).
KINDS: tuple[str, ...] = (
    activity.VISIT_ATTENDED,
    activity.VISIT_CANCELLED,
    activity.PHONE_CALL,
    CANTEEN_ORDERED_KIND,
    MONEY_RECEIVED_KIND,
    MEAL_CHOSEN_KIND,
    APP_SUBMITTED_KIND,
    COMPLAINT_SUBMITTED_KIND,
    ACTIVITY_ATTENDED_KIND,
    ACTIVITY_REFUSED_KIND,
    KIOSK_LOGIN,
    INCENTIVE_CHANGED,
    ADJUDICATION_PROVEN,
    CELL_MOVED,
    SEGREGATION_STARTED,
)
KIND_ID: dict[str, int] = {kind: number for number, kind in enumerate(KINDS)}
INCENTIVE_DOWN_ID = len(KINDS)  # a derived pseudo-kind: the incentive level went down
N_SLOTS = len(KINDS) + 1

INDICATORS: tuple[Indicator, ...] = (
    Indicator("visits", activity.VISIT_ATTENDED, "count", "drop", _("social visits"), weight=1.2, dispersion=1.0),
    Indicator("visits_cancelled", activity.VISIT_CANCELLED, "count", "rise", _("visits cancelled"), dispersion=1.0),
    Indicator("calls", activity.PHONE_CALL, "count", "drop", _("phone calls")),
    Indicator("call_minutes", activity.PHONE_CALL, "amount", "drop", _("phone call minutes"), weight=0.6),
    Indicator("canteen", CANTEEN_ORDERED_KIND, "amount", "drop", _("canteen spend"), True, dispersion=1.0),
    Indicator("money", MONEY_RECEIVED_KIND, "amount", "drop", _("money received"), weight=0.6, dispersion=0.5),
    Indicator("meals", MEAL_CHOSEN_KIND, "count", "drop", _("meal choices"), True),
    Indicator("apps", APP_SUBMITTED_KIND, "count", "drop", _("apps raised"), True, weight=0.6, dispersion=1.5),
    Indicator("complaints", COMPLAINT_SUBMITTED_KIND, "count", "rise", _("complaints"), dispersion=1.0),
    Indicator("attended", ACTIVITY_ATTENDED_KIND, "count", "drop", _("work or education attended")),
    Indicator("refused", ACTIVITY_REFUSED_KIND, "count", "rise", _("activities refused"), weight=1.2),
    Indicator("kiosk", KIOSK_LOGIN, "count", "drop", _("kiosk sign-ins"), True),
    # Help-seeking and agitation: far more apps or kiosk use than usual is a warning sign too.
    Indicator("apps_up", APP_SUBMITTED_KIND, "count", "rise", _("apps raised"), True, weight=0.6, dispersion=1.5),
    Indicator("kiosk_up", KIOSK_LOGIN, "count", "rise", _("kiosk sign-ins"), True, weight=0.6),
    Indicator("incentive_down", "incentive.down", "count", "rise", _("incentive level lowered"), dispersion=1.0),
    Indicator("adjudications", ADJUDICATION_PROVEN, "count", "rise", _("proven adjudications"), weight=1.3),
    Indicator("cell_moves", CELL_MOVED, "count", "rise", _("cell moves"), weight=1.0, dispersion=1.0),
    Indicator("segregation", SEGREGATION_STARTED, "count", "rise", _("segregation"), weight=1.5),
)
INDICATOR_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


def slot_of(indicator: Indicator) -> int:
    return INCENTIVE_DOWN_ID if indicator.code == "incentive_down" else KIND_ID[indicator.kind]


# The routine, everyday events whose rate decides whether there is enough data to judge a change at all.
ROUTINE_SLOTS = tuple(sorted({slot_of(i) for i in INDICATORS if i.direction == "drop" and i.measure == "count"}))
