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
    expected = float(reason.get("expected", 0))
    counts = {"observed": _number(observed), "days": days, "usual": _number(expected)}
    if indicator.direction == "drop":
        percent = round(100 * (1 - observed / max(expected, 1e-9)))
        if indicator.measure == "amount":
            return _("%(label)s down %(percent)s%% on usual") % {"label": label, "percent": percent}
        return _(
            "%(label)s down %(percent)s%% on usual (%(observed)s in the last %(days)s days, usually about %(usual)s)"
        ) % ({"label": label, "percent": percent} | counts)
    if indicator.code.endswith("_up"):  # a routine done far more than usual (help-seeking, agitation)
        percent = round(100 * (observed / max(expected, 1e-9) - 1))
        return _(
            "%(label)s up %(percent)s%% on usual (%(observed)s in the last %(days)s days, usually about %(usual)s)"
        ) % ({"label": label, "percent": percent} | counts)
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


def rounded(values: np.ndarray, digits: int) -> list[float]:
    """``[round(float(v), digits) for v in values]``, exactly, mostly vectorised. Python rounds the exact binary
    value correctly; ``rint(v * 10**digits) / 10**digits`` gives the same float whenever the scaled value is not
    within a hair of a half (the product's rounding error cannot change its nearest whole number, and the division
    gives the float nearest that decimal, as Python does); the few values near a half, and any too large for the
    product to be exact enough, are rounded by Python itself."""
    values = np.asarray(values, dtype=float)
    scale = 10.0**digits
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = values * scale
        out = np.rint(scaled) / scale
        fraction = np.abs(scaled - np.floor(scaled) - 0.5)
        unsure = ~(fraction > 1e-6) | ~(np.abs(scaled) < 1e12)  # near a half, huge, or not a number
    result: list[float] = out.tolist()
    for i in np.flatnonzero(unsure).tolist():
        result[i] = round(float(values[i]), digits)
    return result


def reasons_for(
    result: Result, i: int, *, last_visit_lag: float, people_flags: dict[str, bool]
) -> list[dict[str, Any]]:
    """The reasons behind person i's colour (see ``reasons_for_people``, which does many people at once)."""
    lag = np.full(len(result.score), np.inf)
    lag[i] = last_visit_lag
    flags = {name: np.array([value]) for name, value in people_flags.items()}
    return reasons_for_people(result, np.array([i]), last_visit_lag=lag, static_flags=flags, flags_indexed=False)[0]


def reasons_for_people(
    result: Result,
    people: np.ndarray,
    *,
    last_visit_lag: np.ndarray,
    static_flags: dict[str, np.ndarray],
    flags_indexed: bool = True,
) -> list[list[dict[str, Any]]]:
    """The reasons behind the colours of ``people`` (indices into the result), one list each: the indicators that
    gave evidence, strongest first, then the static factors that scaled it. Every amber or red flag has at least
    one reason about a change; green has none.

    ``last_visit_lag`` is everyone's days since the last social visit; ``static_flags`` maps a static factor to
    everyone's flags (or, with ``flags_indexed=False``, to the flags of ``people`` in their order). The sorting and
    picking are done for everyone at once; only the records themselves are built one by one."""
    people = np.asarray(people, dtype=np.intp)
    out: list[list[dict[str, Any]]] = [[] for _ in range(len(people))]
    colours = result.colour[people]
    rows = np.flatnonzero(colours != "green")
    if len(rows) == 0:
        return out
    who = people[rows]
    contributions = result.contributions[who]  # [m, indicators]
    order = np.argsort(-contributions, axis=1)  # the same sort as one person's, row by row
    ranked = np.take_along_axis(contributions, order, axis=1)
    # In order of strength: the strongest if it is positive, then the next ones while they are at least
    # MIN_CONTRIBUTION (sorted, so they are consecutive).
    taken = (ranked[:, 0] > 0) * (1 + ((ranked[:, 1:] >= MIN_CONTRIBUTION) & (ranked[:, 1:] > 0)).sum(axis=1))
    row_of = np.repeat(np.arange(len(who)), taken)
    rank = np.arange(len(row_of)) - np.repeat(np.cumsum(taken) - taken, taken)
    person, indicator = who[row_of], order[row_of, rank]
    values = rounded(ranked[row_of, rank], 2)
    windows = result.window[person, indicator].tolist()
    observed = rounded(result.observed[person, indicator], 2)
    expected = rounded(result.expected[person, indicator], 2)
    usual = rounded(result.usual_rate[person, indicator], 4)
    lags = last_visit_lag[person].tolist()
    lists = [out[row] for row in rows.tolist()]
    for k, (r, j) in enumerate(zip(row_of.tolist(), indicator.tolist(), strict=True)):
        code = INDICATORS[j].code
        reason: dict[str, Any] = {
            "code": "change",
            "indicator": code,
            "window": int(windows[k]),
            "observed": observed[k],
            "expected": expected[k],
            "usual_per_day": usual[k],
            "weight": values[k],
        }
        if code == "visits":
            reason["days_since"] = None if math.isinf(lags[k]) else int(lags[k])
        lists[r].append(reason)
    insufficient = result.insufficient[who].tolist()
    per_week = rounded(result.routine_per_week[who], 1)
    flag_rows = who if flags_indexed else rows
    factors = [(name, static_flags[name][flag_rows].tolist()) for name in STATIC_FACTORS if name in static_flags]
    for r, (reasons, colour) in enumerate(zip(lists, colours[rows].tolist(), strict=True)):
        if insufficient[r]:
            reasons.append({"code": "insufficient", "per_week": per_week[r]})
        if colour in ("red", "amber"):
            reasons += [{"code": "static", "factor": name} for name, flags in factors if flags[r]]
    return out
