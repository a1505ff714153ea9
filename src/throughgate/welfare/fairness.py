"""The fairness audit: per sex, age band, ethnicity, nationality, disability and first language, the alert rate
and (where outcomes are known) false-positive and false-negative rates, with bootstrap intervals (fairlearn's
MetricFrame). A group's rate is compared with the rate for everyone; ratios outside 0.8-1.25 are marked.

On labelled data a person-day counts as positive when a self-harm incident follows within 14 days. Point estimates
come from fairlearn's MetricFrame; intervals from resampling people (not days), 2.5% to 97.5%."""

from __future__ import annotations

import warnings
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

LOW, HIGH = 0.8, 1.25
HORIZON_DAYS = 14
FEATURES = ("sex", "age_band", "ethnicity", "nationality", "disability", "first_language")


def age_band(age: int) -> str:
    if age < 25:
        return "18-24"
    if age < 35:
        return "25-34"
    if age < 50:
        return "35-49"
    return "50 and over"


def attributes(people: list[Any], on: date) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "prison_number": [p.prison_number for p in people],
            "sex": [p.sex for p in people],
            "age_band": [age_band(p.age_on(on)) for p in people],
            "ethnicity": [p.ethnicity for p in people],
            "nationality": [p.nationality for p in people],
            "disability": ["Yes" if p.disability else "No" for p in people],
            "first_language": [
                p.first_language if p.first_language in ("English", "Welsh") else "Other" for p in people
            ],
        }
    )


def _table(frame: pd.DataFrame, labelled: bool, n_boot: int) -> dict[str, Any]:
    """Point estimates from fairlearn's MetricFrame; intervals from a person-level (cluster) bootstrap, because a
    person's days are not independent of each other (MetricFrame's own bootstrap resamples rows)."""
    from fairlearn.metrics import MetricFrame, false_negative_rate, false_positive_rate, selection_rate

    metrics: dict[str, Any] = {"alert_rate": selection_rate}
    if labelled:
        metrics |= {"false_positive_rate": false_positive_rate, "false_negative_rate": false_negative_rate}
    y_true = frame["outcome"].to_numpy(dtype=bool) if labelled else frame["alert"].to_numpy(dtype=bool)
    y_pred = frame["alert"].to_numpy(dtype=bool)
    persons, person_of_row = np.unique(frame["prison_number"].to_numpy(), return_inverse=True)
    per_person = {
        "rows": np.bincount(person_of_row, minlength=len(persons)).astype(float),
        "alerts": np.bincount(person_of_row, weights=y_pred, minlength=len(persons)),
        "positives": np.bincount(person_of_row, weights=y_true, minlength=len(persons)),
        "fp": np.bincount(person_of_row, weights=y_pred & ~y_true, minlength=len(persons)),
        "fn": np.bincount(person_of_row, weights=~y_pred & y_true, minlength=len(persons)),
    }
    rng = np.random.default_rng(7)
    boots = rng.multinomial(len(persons), np.full(len(persons), 1 / len(persons)), size=max(n_boot, 0))
    result: dict[str, Any] = {"rows": len(frame), "people": len(persons), "labelled": labelled, "features": {}}
    for feature in FEATURES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mf = MetricFrame(
                metrics=metrics,
                y_true=y_true,
                y_pred=y_pred,
                sensitive_features=frame[feature].rename(feature),
            )
        levels, group_of_row = np.unique(frame[feature].astype(str).to_numpy(), return_inverse=True)
        group_of_person = np.zeros(len(persons), dtype=np.intp)
        group_of_person[person_of_row] = group_of_row
        intervals = _bootstrap(per_person, group_of_person, len(levels), boots) if n_boot > 1 else {}
        groups = []
        sizes = frame[feature].astype(str).value_counts()
        for group in mf.by_group.index:
            row: dict[str, Any] = {"group": str(group), "rows": int(sizes.get(str(group), 0))}
            position = int(np.searchsorted(levels, str(group)))
            for metric in metrics:
                value = float(mf.by_group.loc[group, metric])
                overall = float(mf.overall[metric])
                ratio = value / overall if overall > 0 else float("nan")
                row[metric] = round(value, 4)
                row[f"{metric}_ratio"] = round(ratio, 2) if np.isfinite(ratio) else None
                row[f"{metric}_outside"] = bool(np.isfinite(ratio) and not LOW <= ratio <= HIGH)
                if metric in intervals:
                    low, high = intervals[metric][:, position]
                    row[f"{metric}_ci"] = [round(float(low), 4), round(float(high), 4)]
            groups.append(row)
        result["features"][feature] = {
            "overall": {metric: round(float(mf.overall[metric]), 4) for metric in metrics},
            "groups": groups,
        }
    return result


def _bootstrap(
    per_person: dict[str, np.ndarray], group_of_person: np.ndarray, levels: int, boots: np.ndarray
) -> dict[str, np.ndarray]:
    """2.5% and 97.5% quantiles of each group's rates over person-level resamples: [2, groups] per metric."""
    sums = {
        name: np.stack([np.bincount(group_of_person, weights=w * values, minlength=levels) for w in boots])
        for name, values in per_person.items()
    }
    negatives = sums["rows"] - sums["positives"]
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = {
            "alert_rate": sums["alerts"] / sums["rows"],
            "false_positive_rate": sums["fp"] / negatives,
            "false_negative_rate": sums["fn"] / sums["positives"],
        }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a group with no positives has no false-negative rate
        return {name: np.nanquantile(values, [0.025, 0.975], axis=0) for name, values in rates.items()}


def labelled_report(
    scores: pd.DataFrame, people: list[Any], incidents: dict[str, list[date]], *, n_boot: int = 50
) -> dict[str, Any]:
    """Alert, false-positive and false-negative rates by group, on person-days with known outcomes."""
    if scores.empty:
        return {"rows": 0, "labelled": True, "features": {}}
    last = scores["day"].max()
    frame = scores[scores["day"] <= last - timedelta(days=HORIZON_DAYS)].copy()
    if frame.empty:
        return {"rows": 0, "labelled": True, "features": {}}
    frame["alert"] = frame["colour"].isin(["red", "amber"])

    def outcome(row: Any) -> bool:
        return any(row.day <= d < row.day + timedelta(days=HORIZON_DAYS) for d in incidents.get(row.prison_number, ()))

    frame["outcome"] = [outcome(row) for row in frame.itertuples()]
    frame = frame.merge(attributes(people, last), on="prison_number")
    return _table(frame, labelled=True, n_boot=n_boot)


def stored_flags_report(*, start: date, end: date, n_boot: int = 200, establishment: Any = None) -> dict[str, Any]:
    """The audit on stored flags between two days. Outcomes (self-harm incidents in the activity stream) are used
    when there are any and some scored days are old enough for theirs to be known; otherwise only alert rates are
    reported."""
    from throughgate.core.models import ActivityEvent
    from throughgate.people import events as people_events
    from throughgate.welfare.models import Flag

    flags = Flag.objects.filter(as_of__gte=start, as_of__lte=end)
    if establishment is not None:
        flags = flags.filter(establishment=establishment)
    rows = list(flags.values_list("person__prison_number", "as_of", "colour"))
    if not rows:
        return {"rows": 0, "labelled": False, "features": {}}
    scores = pd.DataFrame(rows, columns=["prison_number", "day", "colour"])
    from throughgate.people.selectors import people_with_prison_numbers

    people = people_with_prison_numbers(prison_numbers=set(scores["prison_number"]))
    incidents: dict[str, list[date]] = {}
    for number, moment in ActivityEvent.objects.filter(
        kind=people_events.SELF_HARM_INCIDENT, person__in=set(scores["prison_number"])
    ).values_list("person", "occurred_at"):
        incidents.setdefault(number, []).append(moment.date())
    if incidents and (end - start).days > HORIZON_DAYS:
        labelled = labelled_report(scores, people, incidents, n_boot=n_boot)
        if labelled["features"]:
            return labelled
        # Every scored day is too recent for its outcome to be known: alert rates only, not "nothing scored".
    frame = scores.assign(alert=scores["colour"].isin(["red", "amber"])).merge(
        attributes(people, end), on="prison_number"
    )
    return _table(frame, labelled=False, n_boot=n_boot)


def format_table(table: dict[str, Any]) -> str:
    if not table.get("features"):
        return "Fairness: no scored person-days in the period."
    outcomes = ", with outcomes" if table["labelled"] else ""
    lines = [f"Fairness ({table['rows']} person-days of {table.get('people', '?')} people{outcomes}):"]
    metrics = ["alert_rate"] + (["false_positive_rate", "false_negative_rate"] if table["labelled"] else [])
    for feature, data in table["features"].items():
        lines.append(f"  {feature}: overall " + ", ".join(f"{m} {data['overall'][m]:.4f}" for m in metrics))
        for row in data["groups"]:
            parts = []
            for m in metrics:
                ci = row.get(f"{m}_ci")
                interval = f" [{ci[0]:.4f}, {ci[1]:.4f}]" if ci else ""
                mark = " OUTSIDE 0.8-1.25" if row.get(f"{m}_outside") else ""
                parts.append(f"{m} {row[m]:.4f}{interval} ratio {row[f'{m}_ratio']}{mark}")
            lines.append(f"    {row['group']} (n={row['rows']}): " + "; ".join(parts))
    return "\n".join(lines)
