"""Reasons in plain words. A flag stores its reasons as small structured records (so a page can show them in Welsh
and the CSV in English); ``reason_text`` turns one into a sentence."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from throughgate.welfare.engine import STATIC_FACTORS, Result
from throughgate.welfare.indicators import INDICATOR_BY_CODE, INDICATORS

MIN_CONTRIBUTION = 0.25


def usual_frequency(per_day: float) -> str:
    per_week = per_day * 7
    if per_week >= 1.5:
        return _("usually about %(count)s a week") % {"count": round(per_week)}
    if per_week >= 0.75:
        return _("usually one a week")
    if per_week >= 0.35:
        return _("usually one a fortnight")
    if per_week > 0.05:
        return _("usually about one a month")
    return _("usually none")


def _number(value: float) -> str:
    return str(round(value)) if value >= 10 or value == int(value) else f"{value:.1f}"


def reason_text(reason: dict[str, Any]) -> str:
    """One reason as a plain sentence in the active language."""
    code = reason.get("code")
    if code == "static":
        return {
            "previous_self_harm": _("has self-harmed before"),
            "female": _("in the women's estate, where self-harm is more common"),
            "remand": _("on remand"),
            "first_time": _("first time in custody"),
            "early_days": _("in the first 30 days in custody"),
            "birthday": _("their birthday is near"),
            "anniversary": _("an anniversary staff recorded is near"),
            "court_date": _("a court date is near"),
        }.get(reason.get("factor", ""), str(reason.get("factor", "")))
    if code == "insufficient":
        return _("too little everyday activity recorded to compare (about %(count)s events a week)") % {
            "count": _number(float(reason.get("per_week", 0)))
        }
    indicator = INDICATOR_BY_CODE.get(str(reason.get("indicator", "")))
    if indicator is None:
        return str(reason)
    label = str(indicator.label)
    days = int(reason.get("window", 14))
    observed = float(reason.get("observed", 0))
    usual_per_day = float(reason.get("usual_per_day", 0))
    if indicator.code == "visits" and "days_since" in reason:
        since = reason["days_since"]
        if since is None or since > 98:
            return _("no social visit in over 98 days, %(usual)s") % {"usual": usual_frequency(usual_per_day)}
        return _("no social visit in %(days)s days, %(usual)s") % {
            "days": since,
            "usual": usual_frequency(usual_per_day),
        }
    if indicator.direction == "drop":
        percent = round(100 * (1 - observed / max(float(reason.get("expected", 0)), 1e-9)))
        if indicator.measure == "amount":
            return _("%(label)s down %(percent)s%% on usual") % {"label": label, "percent": percent}
        return _(
            "%(label)s down %(percent)s%% on usual (%(observed)s in the last %(days)s days, usually about %(usual)s)"
        ) % {
            "label": label,
            "percent": percent,
            "observed": _number(observed),
            "days": days,
            "usual": _number(float(reason.get("expected", 0))),
        }
    if indicator.code == "segregation":
        return _("placed in segregation in the last %(days)s days") % {"days": days}
    if indicator.code == "incentive_down":
        return _("incentive level lowered in the last %(days)s days") % {"days": days}
    if indicator.code == "cell_moves":
        count = round(observed)
        return ngettext(
            "moved cell %(count)s time in the last %(days)s days",
            "moved cell %(count)s times in the last %(days)s days",
            count,
        ) % {"count": count, "days": days}
    return _("%(label)s: %(observed)s in the last %(days)s days, %(usual)s") % {
        "label": label,
        "observed": _number(observed),
        "days": days,
        "usual": usual_frequency(usual_per_day),
    }


def reasons_for(
    result: Result, i: int, *, last_visit_lag: float, people_flags: dict[str, bool]
) -> list[dict[str, Any]]:
    """The reasons behind person i's colour: the indicators that gave evidence, strongest first, then the static
    factors that scaled it. Every amber or red flag has at least one reason about a change."""
    colour = str(result.colour[i])
    reasons: list[dict[str, Any]] = []
    if colour == "green":
        return reasons
    contributions = result.contributions[i]
    order = np.argsort(-contributions)
    for j in order:
        value = float(contributions[j])
        if value < MIN_CONTRIBUTION and reasons:
            break
        if value <= 0:
            break
        indicator = INDICATORS[j]
        reason: dict[str, Any] = {
            "code": "change",
            "indicator": indicator.code,
            "window": int(result.window[i, j]),
            "observed": round(float(result.observed[i, j]), 2),
            "expected": round(float(result.expected[i, j]), 2),
            "usual_per_day": round(float(result.usual_rate[i, j]), 4),
            "weight": round(value, 2),
        }
        if indicator.code == "visits":
            reason["days_since"] = None if math.isinf(last_visit_lag) else int(last_visit_lag)
        reasons.append(reason)
    if bool(result.insufficient[i]):
        reasons.append({"code": "insufficient", "per_week": round(float(result.routine_per_week[i]), 1)})
    if colour in ("red", "amber"):
        reasons += [{"code": "static", "factor": factor} for factor in STATIC_FACTORS if people_flags.get(factor)]
    return reasons
