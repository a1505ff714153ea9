"""Reasons made for many people at once are the reasons made one by one, to the last rounded digit."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from throughgate.welfare import engine
from throughgate.welfare.indicators import INDICATORS
from throughgate.welfare.reasons import MIN_CONTRIBUTION, reasons_for, reasons_for_people, rounded


def one_person(result: engine.Result, i: int, lag: float, flags: dict[str, bool]) -> list[dict[str, Any]]:
    """The reasons of one person, written out plainly, one indicator at a time (the reference)."""
    colour = str(result.colour[i])
    reasons: list[dict[str, Any]] = []
    if colour == "green":
        return reasons
    contributions = result.contributions[i]
    for j in np.argsort(-contributions):
        value = float(contributions[j])
        if value <= 0 or (value < MIN_CONTRIBUTION and reasons):
            break
        reason: dict[str, Any] = {
            "code": "change",
            "indicator": INDICATORS[j].code,
            "window": int(result.window[i, j]),
            "observed": round(float(result.observed[i, j]), 2),
            "expected": round(float(result.expected[i, j]), 2),
            "usual_per_day": round(float(result.usual_rate[i, j]), 4),
            "weight": round(value, 2),
        }
        if INDICATORS[j].code == "visits":
            reason["days_since"] = None if math.isinf(lag) else int(lag)
        reasons.append(reason)
    if bool(result.insufficient[i]):
        reasons.append({"code": "insufficient", "per_week": round(float(result.routine_per_week[i]), 1)})
    if colour in ("red", "amber"):
        reasons += [{"code": "static", "factor": factor} for factor in engine.STATIC_FACTORS if flags.get(factor)]
    return reasons


def test_rounded_is_python_round() -> None:
    rng = np.random.default_rng(4)
    values = np.concatenate(
        [
            rng.gamma(2.0, 10.0, size=20_000),
            rng.normal(0, 1, size=5_000),
            np.round(rng.uniform(0, 50, size=5_000), 3),  # many exact-looking halves: 2.675, 1.005...
            np.arange(0, 20, 0.005),
            [0.125, 2.675, 1.005, -0.005, -2.5e-3, -0.0, 0.0, 1e15 + 0.3, -1e300, 5e-324, np.inf, -np.inf, np.nan],
        ]
    )
    for digits in (1, 2, 4):
        fast = rounded(values, digits)
        slow = [round(float(v), digits) for v in values]
        assert len(fast) == len(slow)
        for a, b in zip(fast, slow, strict=True):
            assert (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))


def test_reasons_for_many_people_equal_reasons_one_by_one() -> None:
    rng = np.random.default_rng(9)
    people, k = 400, len(INDICATORS)
    contributions = np.where(rng.random((people, k)) < 0.3, rng.gamma(1.0, 1.5, size=(people, k)), 0.0)
    contributions[:20, :3] = 6.0  # ties, sorted the same way for one person and for many
    score = contributions.sum(axis=1)
    colour = np.where(score >= 5.5, "amber", "green").astype(object)
    colour[score >= 11] = "red"
    insufficient = rng.random(people) < 0.1
    colour[insufficient & (colour == "green")] = "insufficient_data"
    result = engine.Result(
        colour=colour,
        score=score,
        contributions=contributions,
        observed=rng.gamma(2.0, 3.0, size=(people, k)),
        expected=rng.gamma(2.0, 3.0, size=(people, k)),
        window=rng.choice([7, 14], size=(people, k)),
        usual_rate=rng.gamma(1.0, 0.5, size=(people, k)),
        static=np.ones(people),
        insufficient=insufficient,
        routine_per_week=rng.gamma(2.0, 5.0, size=people),
    )
    colour[0] = "red"
    contributions[0, 0] = 6.0  # social visits, with the days since the last one
    lag = np.where(rng.random(people) < 0.2, np.inf, rng.integers(1, 60, size=people).astype(float))
    flags = {"previous_self_harm": rng.random(people) < 0.3, "remand": rng.random(people) < 0.2}
    many = reasons_for_people(result, np.arange(people), last_visit_lag=lag, static_flags=flags)
    one_by_one = [
        one_person(result, i, float(lag[i]), {name: bool(values[i]) for name, values in flags.items()})
        for i in range(people)
    ]
    assert many == one_by_one
    assert [
        reasons_for(
            result, i, last_visit_lag=float(lag[i]), people_flags={name: bool(v[i]) for name, v in flags.items()}
        )
        for i in range(0, people, 7)
    ] == one_by_one[::7]
    assert sum(1 for reasons in many if reasons) == int((colour != "green").sum())  # every non-green has reasons
    assert any(reason["code"] == "static" for reasons in many for reason in reasons)
