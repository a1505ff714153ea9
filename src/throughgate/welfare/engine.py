"""The AIM scoring engine: columnar and vectorised, independent of Django so the benchmark and the evaluation
harness run exactly the code the ``aim score`` command runs.

Data flow (see docs/aim.md):

1. ``window_sums`` aggregates the events of the 98 days before the scoring day, in one DuckDB pass, into three
   whole-week windows per person and indicator: the last 7 days, the 7 days before them, and the 12 weeks before
   those (the personal baseline). Whole weeks make every comparison day-of-week balanced by construction.
2. ``RollingWindows.advance`` moves the windows on by one day by adding one day's aggregates and moving three
   days between windows, so scoring the next day reads four days of events, not 98.
3. ``score`` compares each person's recent counts with their own baseline (shrunk towards a peer baseline while
   they have little history) with negative-binomial tail probabilities, adds the evidence up with weights,
   scales it by modest static risk factors and turns it into a colour with reasons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from throughgate.welfare.episodes import EpisodeRules
from throughgate.welfare.indicators import (
    INCENTIVE_DOWN_ID,
    INDICATORS,
    KIND_ID,
    N_SLOTS,
    ROUTINE_SLOTS,
    Indicator,
    slot_of,
)

LONDON = ZoneInfo("Europe/London")
LOOKBACK_DAYS = 98  # 14 weeks: 12 weeks of baseline, then two recent weeks
RECENT, MIDDLE, BASELINE = 0, 1, 2
INCENTIVE = KIND_ID["incentive.changed"]
VISIT = KIND_ID["visit.attended"]
# Slots whose values are amounts (minutes, pounds): their squared values are kept too, to measure how much a
# person's values vary (a compound count, see ``score``).
AMOUNT_SLOTS = tuple(sorted({slot_of(i) for i in INDICATORS if i.measure == "amount"}))
AMOUNT_INDEX = np.full(N_SLOTS, -1, dtype=np.intp)
AMOUNT_INDEX[list(AMOUNT_SLOTS)] = np.arange(len(AMOUNT_SLOTS))


@dataclass
class Config:
    """Thresholds and weights. Defaults are calibrated on the evaluation estate (docs/aim.md)."""

    amber_threshold: float = 4.2
    red_threshold: float = 8.5
    red_budget_per_100: float = 2.0
    amber_budget_per_100: float = 5.0
    weights: dict[str, float] = field(default_factory=dict)
    min_routine_per_week: float = 4.0  # below this, "insufficient data"
    new_arrival_days: int = 14  # fewer days in custody: no personal routine yet, never red without an event
    # Evidence is a normal score (standard deviations): below the floor (a mid-p tail over 0.16) it counts for
    # nothing; one indicator gives at most the cap.
    evidence_floor: float = 1.0
    evidence_cap: float = 4.0
    single_share: float = 0.3  # the weight of a routine's single-indicator evidence beside the combined score
    recorded_share: float = 0.3  # the weight of staff-recorded events' evidence (segregation, adjudications...)
    static_cap: float = 1.75
    ceiling_factor: float = 3.0  # the list never grows beyond this many times the budget (a safety valve)
    # Alerts as episodes (episodes.py): an open alert closes below exit_fraction x amber; after closing, no new
    # alert of the same colour for cooldown_days; after a "no concern" triage, none for quiet_days.
    exit_fraction: float = 0.7
    cooldown_days: int = 7
    quiet_days: int = 28
    warmup_days: int = 28  # days replayed before a scored day to know which alerts are open
    # Thresholds per establishment (calibration.py): raised above the settings when a prison's own scores over the
    # last calibration_days replayed days would raise more alerts than its budget; never lowered.
    calibrate_to_budget: bool = True
    calibration_days: int = 28
    calibration_min_days: int = 14
    calibration_min_person_days: int = 2800  # about 100 people for four weeks: fewer, and the settings stand

    def rules(self) -> EpisodeRules:
        return EpisodeRules(
            exit_fraction=self.exit_fraction, cooldown_days=self.cooldown_days, quiet_days=self.quiet_days
        )

    def weight(self, indicator: Indicator) -> float:
        return float(self.weights.get(indicator.code, indicator.weight))

    def as_dict(self) -> dict[str, Any]:
        return {
            "amber_threshold": self.amber_threshold,
            "red_threshold": self.red_threshold,
            "red_budget_per_100": self.red_budget_per_100,
            "amber_budget_per_100": self.amber_budget_per_100,
            "cooldown_days": self.cooldown_days,
            "quiet_days": self.quiet_days,
            "weights": dict(self.weights),
        }


# Static factors: score multiplier 1 + 0.2 * ln(odds ratio), from DOMAIN.md's figures (Favril et al. 2020 for
# previous self-harm; the women's estate rate ratio of about 11). Remand, first time in custody and the first 30
# days carry raised risk without an odds ratio in DOMAIN.md: 1.5, 1.5 and 2 are stated assumptions.
STATIC_FACTORS: dict[str, float] = {
    "previous_self_harm": 0.2 * math.log(6.6),
    "remand": 0.2 * math.log(1.5),
    "first_time": 0.2 * math.log(1.5),
    "early_days": 0.2 * math.log(2.0),
    # Trigger dates (a stated assumption, OR 1.5 each): from 7 days before to 2 days after a birthday, an
    # anniversary staff recorded, or a court date. Like every static factor they only scale evidence of change.
    "birthday": 0.2 * math.log(1.5),
    "anniversary": 0.2 * math.log(1.5),
    "court_date": 0.2 * math.log(1.5),
}
TRIGGER_BITS = {"birthday": 1, "anniversary": 2, "court_date": 4}


@dataclass
class People:
    """The people being scored, as arrays in one order (index = person_idx in the events)."""

    ids: list[str]
    days_in_custody: np.ndarray  # days from arrival to the scoring day (large when unknown)
    female: np.ndarray
    previous_self_harm: np.ndarray
    remand: np.ndarray
    first_time: np.ndarray
    group: np.ndarray  # peer group key: establishment and sex (int codes)
    establishment: np.ndarray  # int codes, for the alert budget
    triggers: np.ndarray | None = None  # bit mask of TRIGGER_BITS near the day (None: no trigger dates known)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Windows:
    n: np.ndarray  # [3, people, slots] event counts per window
    t: np.ndarray  # [3, people, amount slots] sums of values (minutes, pounds) per window
    last_visit_lag: np.ndarray  # days since the last social visit (inf when none in the lookback)
    q: np.ndarray  # [3, people, amount slots] sums of squared values (how much a person's values vary)


def local_midnight_utc(day: date) -> datetime:
    """The start of a Europe/London calendar day, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=LONDON)


def window_sums(con: Any, relation: str, as_of: date, n_people: int) -> Windows:
    """One pass over ``relation`` (columns person_idx, kind_id, ts TIMESTAMPTZ, value) for the 98 days before
    ``as_of`` (Europe/London), into per-person window sums, with the last social visit and incentive changes."""
    return _window_sums(con, relation, as_of, n_people)[0]


def _grouped_sums(con: Any, relation: str, as_of: date, n_people: int) -> Windows:
    """The grouped pass and the last social visit. Window edges are local midnights turned into instants here, so
    the pass compares timestamps and never converts a time zone per row."""
    start = local_midnight_utc(as_of - timedelta(days=LOOKBACK_DAYS))
    middle = local_midnight_utc(as_of - timedelta(days=14))
    recent = local_midnight_utc(as_of - timedelta(days=7))
    end = local_midnight_utc(as_of)
    rows = con.execute(
        f"""
        SELECT person_idx, kind_id,
               CASE WHEN ts >= $recent THEN 0 WHEN ts >= $middle THEN 1 ELSE 2 END AS bucket,
               count(*) AS n, sum(value) AS t, sum(value * value) AS q
        FROM {relation}
        WHERE ts >= $start AND ts < $end AND kind_id >= 0
        GROUP BY ALL
        """,  # noqa: S608  (the relation name is ours, not user input)
        {"start": start, "middle": middle, "recent": recent, "end": end},
    ).fetchnumpy()
    windows = Windows(
        n=_slot_major(n_people, N_SLOTS),
        t=_slot_major(n_people, len(AMOUNT_SLOTS)),
        last_visit_lag=np.full(n_people, np.inf),
        q=_slot_major(n_people, len(AMOUNT_SLOTS)),
    )
    _accumulate(windows, rows, sign=1.0)
    # The last social visit: a second, narrow scan (one kind), cheaper than a max(ts) on every group above.
    visits = con.execute(
        f"""SELECT person_idx, max(ts) AS latest FROM {relation}
            WHERE kind_id = {VISIT} AND ts >= $start AND ts < $end GROUP BY ALL""",  # noqa: S608
        {"start": start, "end": end},
    ).fetchnumpy()
    if len(visits["person_idx"]):
        import pandas as pd  # (imported here: the staff pages import this module and need no pandas)

        local = pd.to_datetime(visits["latest"], utc=True).tz_convert(LONDON).tz_localize(None)
        lag = (np.datetime64(as_of, "D") - local.to_numpy().astype("datetime64[D]")).astype(float)
        windows.last_visit_lag[visits["person_idx"].astype(np.intp)] = lag
    return windows


def _window_sums(con: Any, relation: str, as_of: date, n_people: int) -> tuple[Windows, Incentives]:
    """The window sums and the lookback's incentive changes (which ``RollingWindows`` keeps between days)."""
    windows = _grouped_sums(con, relation, as_of, n_people)
    start = local_midnight_utc(as_of - timedelta(days=LOOKBACK_DAYS))
    end = local_midnight_utc(as_of)
    # Incentive changes are kept in memory (a few per thousand people a day) and read for their direction.
    incentives = Incentives.from_rows(
        con.execute(
            f"""SELECT person_idx, epoch_us(ts) AS at, value FROM {relation}
                WHERE kind_id = {INCENTIVE} AND ts >= $start AND ts < $end""",  # noqa: S608
            {"start": start, "end": end},
        ).fetchnumpy()
    )
    incentives.downs_into(windows, as_of)
    return windows, incentives


def _slot_major(n_people: int, slots: int) -> np.ndarray:
    """Zeros shaped [3, people, slots], stored slot-major ([slots, 3, people] in memory): ``score`` reads each
    slot's windows as contiguous rows without copying, and ``advance`` adds one contiguous block per day."""
    return np.zeros((slots, 3, n_people)).transpose(1, 2, 0)


def _accumulate(windows: Windows, rows: dict[str, np.ndarray], sign: float) -> None:
    if len(rows["person_idx"]) == 0:
        return
    _, people, slots = windows.n.shape
    flat = (rows["bucket"].astype(np.intp) * people + rows["person_idx"].astype(np.intp)) * slots + rows[
        "kind_id"
    ].astype(np.intp)
    size = windows.n.size
    windows.n += sign * np.bincount(flat, weights=rows["n"].astype(float), minlength=size).reshape(windows.n.shape)
    amount = AMOUNT_INDEX[rows["kind_id"].astype(np.intp)]
    keep = amount >= 0
    qflat = (rows["bucket"].astype(np.intp)[keep] * people + rows["person_idx"].astype(np.intp)[keep]) * len(
        AMOUNT_SLOTS
    ) + amount[keep]
    windows.t += sign * np.bincount(qflat, weights=rows["t"][keep].astype(float), minlength=windows.t.size).reshape(
        windows.t.shape
    )
    windows.q += sign * np.bincount(qflat, weights=rows["q"][keep].astype(float), minlength=windows.q.size).reshape(
        windows.q.shape
    )


EPOCH = datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))


def _micros(moment: datetime) -> int:
    """An aware datetime as microseconds since the epoch (what DuckDB's ``epoch_us`` gives)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


@dataclass
class Incentives:
    """The incentive changes of the lookback (person, time in microseconds, new level), kept in memory between
    days: a few per thousand people a day, read for their direction."""

    person: np.ndarray
    at: np.ndarray
    value: np.ndarray

    @classmethod
    def from_rows(cls, rows: dict[str, np.ndarray]) -> Incentives:
        return cls(
            person=np.asarray(rows["person_idx"], dtype=np.intp),
            at=np.asarray(rows["at"], dtype=np.int64),
            value=np.asarray(rows["value"], dtype=float),
        )

    def add(self, more: Incentives, since: datetime) -> None:
        """Append a day's changes and forget those before ``since`` (out of the lookback)."""
        keep = self.at >= _micros(since)
        self.person = np.concatenate([self.person[keep], more.person])
        self.at = np.concatenate([self.at[keep], more.at])
        self.value = np.concatenate([self.value[keep], more.value])

    def downs_into(self, windows: Windows, as_of: date) -> None:
        """Incentive changes to a lower level than the previous one in the lookback (Standard before the first),
        counted per window into the derived "incentive lowered" slot. Changes at the same instant keep the order
        they were read in."""
        start, middle, recent, end = (
            _micros(local_midnight_utc(as_of - timedelta(days=days))) for days in (LOOKBACK_DAYS, 14, 7, 0)
        )
        windows.n[:, :, INCENTIVE_DOWN_ID] = 0
        inside = np.flatnonzero((self.at >= start) & (self.at < end))
        if len(inside) == 0:
            return
        person, at, value = self.person[inside], self.at[inside], self.value[inside]
        order = np.lexsort((at, person))  # by person, then time (stable)
        person, at, value = person[order], at[order], value[order]
        previous = np.empty_like(value)
        previous[0] = 1.0
        previous[1:] = value[:-1]
        previous[1:][person[1:] != person[:-1]] = 1.0
        down = value < previous
        if not down.any():
            return
        bucket = np.where(at[down] >= recent, RECENT, np.where(at[down] >= middle, MIDDLE, BASELINE))
        people = windows.n.shape[1]
        per_window = np.bincount(bucket * people + person[down], minlength=3 * people).reshape(3, people)
        windows.n[:, :, INCENTIVE_DOWN_ID] = per_window


class RollingWindows:
    """Window sums (and the lookback's incentive changes) kept between days: scoring the next day reads four days
    of events, not 98."""

    def __init__(self, con: Any, relation: str, as_of: date, n_people: int) -> None:
        self.con = con
        self.relation = relation
        self.as_of = as_of
        self.windows, self.incentives = _window_sums(con, relation, as_of, n_people)

    def _scan(self, day: date, columns: str, kinds: str) -> dict[str, np.ndarray]:
        """One day's events as they are (summing them here costs less than a GROUP BY in DuckDB): a narrow range
        scan of a time-ordered table, plain columns, no per-row arithmetic in SQL."""
        return dict(
            self.con.execute(
                f"SELECT {columns} FROM {self.relation} "  # noqa: S608
                f"WHERE ts >= '{_iso(day)}'::TIMESTAMPTZ AND ts < '{_iso(day + timedelta(days=1))}'::TIMESTAMPTZ "
                f"AND {kinds}"
            ).fetchnumpy()
        )

    def advance(self) -> Windows:
        """Move on one day: yesterday's events join the recent week; three days move between windows. Per day
        moved, two narrow scans (every event's kind and person; the values of amounts only, since reading values
        costs more than the rest) and one scatter per array; counts are added to each window once."""
        old = self.as_of
        new = old + timedelta(days=1)
        # (day, from-window, to-window); -1 means outside the lookback.
        moves = [(old, -1, RECENT), (old - timedelta(7), RECENT, MIDDLE), (old - timedelta(14), MIDDLE, BASELINE)]
        moves.append((old - timedelta(LOOKBACK_DAYS), BASELINE, -1))
        windows = self.windows
        _, people, slots = windows.n.shape
        amounts = len(AMOUNT_SLOTS)
        amount_kinds = f"kind_id IN ({', '.join(str(s) for s in AMOUNT_SLOTS)})"
        # Slot-major [slots, 3, people] views: a window of one slot is a contiguous row of people.
        by_slot = [array.transpose(2, 0, 1) for array in (windows.n, windows.t, windows.q)]
        visited_people = np.zeros(0, dtype=np.intp)
        net_counts: list[np.ndarray | None] = [None, None, None]
        for day, source, target in moves:
            events = self._scan(day, "kind_id, person_idx", "kind_id >= 0")
            kind = events["kind_id"].astype(np.intp)
            cell = kind * people + events["person_idx"]  # the cell in a window's slot-major [slots, people] block
            valued = self._scan(day, "kind_id, person_idx, value", amount_kinds)
            value = valued["value"].astype(float, copy=False)
            amount_cell = AMOUNT_INDEX[valued["kind_id"].astype(np.intp)] * people + valued["person_idx"]
            # Counts are whole numbers, so the order of adding them does not matter: each window's net change is
            # summed as integers (contiguous) and added to the window once, after the four days.
            counted = np.bincount(cell, minlength=slots * people).reshape(slots, people)
            if source >= 0:
                change = net_counts[source]
                net_counts[source] = -counted if change is None else np.subtract(change, counted, out=change)
            if target >= 0:
                change = net_counts[target]
                net_counts[target] = counted if change is None else np.add(change, counted, out=change)
            deltas = (
                np.bincount(amount_cell, weights=value, minlength=amounts * people).reshape(amounts, people),
                np.bincount(amount_cell, weights=value * value, minlength=amounts * people).reshape(amounts, people),
            )
            for array, delta in zip(by_slot[1:], deltas, strict=True):
                if target >= 0:
                    array[:, target] += delta
                if source >= 0:
                    array[:, source] -= delta
                    # Sums of amounts taken out again leave rounding dust (-7e-15 for "no calls"): make it the zero
                    # it is (a multiply, then + 0.0 so that -0.0 becomes 0.0; faster than a masked write).
                    block = array[:, source]
                    block *= np.abs(block) >= 1e-6
                    block += 0.0
            if source < 0:  # yesterday: who had a social visit, and any incentive changes
                visited_people = events["person_idx"][kind == VISIT].astype(np.intp)
                if (kind == INCENTIVE).any():
                    self.incentives.add(
                        Incentives.from_rows(
                            self._scan(day, "person_idx, epoch_us(ts) AS at, value", f"kind_id = {INCENTIVE}")
                        ),
                        since=local_midnight_utc(new - timedelta(days=LOOKBACK_DAYS)),
                    )
        for window, change in enumerate(net_counts):
            if change is not None:
                by_slot[0][:, window] += change
        lag = self.windows.last_visit_lag + 1
        lag[lag > LOOKBACK_DAYS] = np.inf
        lag[visited_people] = 1
        self.windows.last_visit_lag = lag
        self.incentives.downs_into(self.windows, new)
        self.as_of = new
        return self.windows


def _iso(day: date) -> str:
    return local_midnight_utc(day).isoformat()


@dataclass
class Result:
    colour: np.ndarray  # str: red, amber, green, insufficient_data
    score: np.ndarray
    contributions: np.ndarray  # [people, indicators]
    observed: np.ndarray  # [people, indicators] in the window that gave the most evidence
    expected: np.ndarray
    window: np.ndarray  # 7 or 14
    usual_rate: np.ndarray  # [people, indicators] usual per day
    static: np.ndarray  # [people] multiplier
    insufficient: np.ndarray  # bool
    routine_per_week: np.ndarray


def _nb_tail(x: np.ndarray, mu: np.ndarray, size: np.ndarray, lower: bool) -> np.ndarray:
    """P(X <= x) (lower) or P(X >= x) for a negative binomial with mean mu and the given size, through the
    regularised incomplete beta function (a ufunc, so it is fast on large arrays); small lower tails as sums."""
    from scipy import special  # (imported here: the staff pages import this module and need no scipy)

    mu = np.maximum(mu, 1e-9)
    size = np.maximum(size, 1e-6)
    p = size / (size + mu)
    if lower:  # (a hair of tolerance, so that sums equal up to rounding give the same tail)
        k = np.floor(x + 1e-9)
        out = np.empty(len(k))
        small = k <= SMALL_COUNT
        if small.any():
            out[small] = _nb_lower_sum(k[small], mu[small], size[small])
        if not small.all():
            big = ~small
            out[big] = special.betainc(size[big], k[big] + 1, p[big])
        return out
    k = np.ceil(x - 1e-9) - 1  # P(X >= x) = P(X > x - 1) = I_{1-p}(k + 1, size)
    out = np.ones(len(k))
    # 1 - P(X <= k) summed where k is small and the tail is not: at 1e-3 or more the subtraction costs at most
    # 1e-12 of relative accuracy. Smaller tails (strong evidence) and larger counts go through betainc.
    summed = np.flatnonzero((k >= 0) & (k <= SMALL_COUNT))
    if len(summed):
        out[summed] = 1.0 - _nb_lower_sum(k[summed], mu[summed], size[summed])
    exact = np.flatnonzero((k > SMALL_COUNT) | ((k >= 0) & (k <= SMALL_COUNT) & (out < 1e-3)))
    if len(exact):
        # (1 - p worked out as mu / (size + mu), which stays accurate when p is within a hair of 1: rare events)
        out[exact] = special.betainc(k[exact] + 1, size[exact], mu[exact] / (size[exact] + mu[exact]))
    return out


SMALL_COUNT = 6  # tails up to this count are summed term by term (most changes are of a few events)


def _nb_lower_sum(k: np.ndarray, mu: np.ndarray, size: np.ndarray) -> np.ndarray:
    """P(X <= k) for whole k <= SMALL_COUNT: the sum of P(X = j) for j = 0..k, each term from the one before
    (P(X = j) = P(X = j - 1) x (size + j - 1) / j x mu / (size + mu)). All terms are positive, so the sum is as
    accurate as ``betainc`` (a test checks they agree within 1e-12 relative) at a quarter of its cost."""
    q = mu / (size + mu)
    term = np.exp(-size * np.log1p(mu / size))  # P(X = 0) = p^size
    total = term.copy()
    for j in range(1, int(k.max()) + 1):
        term = term * ((size + (j - 1)) / j) * q
        total += np.where(k >= j, term, 0.0)
    return np.asarray(total)


APPROXIMATION_MARGIN = 0.75


def _mid_tail(x: np.ndarray, mu: np.ndarray, size: np.ndarray, lower: bool) -> np.ndarray:
    """The mid-p tail in the direction of concern: P(X < x) + P(X = x) / 2 for a drop (``lower``), P(X > x) +
    P(X = x) / 2 for a rise, as the mean of the tails at x and one step further in. Mid-p values of a count are
    spread evenly on (0, 1) on average whatever the count's mean, so a person with a few events a fortnight is
    judged on the same scale as one with dozens (plain tails make sparse data look calmer than it is)."""
    from scipy import special

    near = _nb_tail(x, mu, size, lower)
    k = np.floor(x + 1e-9) if lower else np.ceil(x - 1e-9)  # the whole count the tail starts from
    mu = np.maximum(mu, 1e-9)
    size = np.maximum(size, 1e-6)
    log_pmf = (
        special.gammaln(k + size)
        - special.gammaln(size)
        - special.gammaln(k + 1)
        + size * np.log(size / (size + mu))
        + k * np.log(mu / (size + mu))
    )
    return np.asarray(np.clip(near - 0.5 * np.where(k >= 0, np.exp(log_pmf), 0.0), 0.0, 1.0))


def _evidence(
    x: np.ndarray, mu: np.ndarray, size: np.ndarray, lower: bool, gate: np.ndarray, config: Config
) -> np.ndarray:
    """Evidence of a change, in standard deviations beyond ``evidence_floor``: the mid-p tail probability turned
    into a normal score (a tail of 0.16 is 1, 0.023 is 2, 0.0013 is 3), less the floor, within the cap; 0 where the
    gate is shut. Normal scores add up across indicators as evidence does (many moderate changes make a large sum),
    and they mean the same thing for rare and frequent events."""
    from scipy import special

    out = np.zeros(len(x))
    open_ = np.flatnonzero(gate)
    if len(open_):
        # Most open gates are ordinary wobbles: the normal approximation of the count (mean mu, variance mu +
        # mu^2 / size) puts them well under the floor, and they are not worked out exactly. The margin of 0.75
        # standard deviations is far wider than the approximation's error where it matters (a test checks that
        # skipping never drops a case the exact tail would count).
        gap = (mu[open_] - x[open_]) if lower else (x[open_] - mu[open_])
        with np.errstate(divide="ignore", invalid="ignore"):  # (no usual at all: any event is far beyond it)
            approx = gap / np.sqrt(mu[open_] + mu[open_] ** 2 / np.maximum(size[open_], 1e-6))
        approx = np.nan_to_num(approx, nan=np.inf)
        open_ = open_[approx > config.evidence_floor - APPROXIMATION_MARGIN]
    if len(open_):
        tail = _mid_tail(x[open_], mu[open_], size[open_], lower)
        z = -special.ndtri(np.clip(tail, 1e-300, 1.0))
        out[open_] = np.clip(z - config.evidence_floor, 0, config.evidence_cap)
    return out


def _normal_scores(x: np.ndarray, mu: np.ndarray, size: np.ndarray, lower: bool, applies: np.ndarray) -> np.ndarray:
    """The normal score of each count in the direction of concern (its mid-p tail as a standard normal quantile:
    0 is as usual, 2 is a change as unlikely as 2.3%), 0 where it does not apply."""
    from scipy import special

    out = np.zeros(len(x))
    where = np.flatnonzero(applies)
    if len(where):
        # Most people are near their usual: there the normal approximation of the count (mean mu, variance mu +
        # mu^2 / size) is within a few hundredths of the exact score, and it is used as it is. The exact mid-p tail
        # is worked out where the approximation says 1.2 or more in the direction of concern (where evidence and
        # alerts come from).
        m, k = mu[where], np.maximum(size[where], 1e-6)
        with np.errstate(divide="ignore", invalid="ignore"):
            approx = (m - x[where] if lower else x[where] - m) / np.sqrt(m + m**2 / k)
        approx = np.nan_to_num(approx, nan=0.0, posinf=40.0, neginf=-40.0)
        out[where] = approx
        exact = np.flatnonzero(approx >= NORMAL_BAND)  # (the other side is clipped at -2 and only averages out)
        if len(exact):
            pick = where[exact]
            tail = _mid_tail(x[pick], mu[pick], np.maximum(size[pick], 1e-6), lower)
            out[pick] = -special.ndtri(np.clip(tail, 1e-300, 1.0))
    return out


NORMAL_BAND = 1.2  # normal scores nearer 0 than this are taken from the normal approximation


def _gap_evidence(expected: np.ndarray, gate: np.ndarray) -> np.ndarray:
    """The normal score of going without an event for a while, where ``expected`` events were due: P(none) =
    exp(-expected) (0 where the gate is shut)."""
    from scipy import special

    out = np.zeros(len(expected))
    open_ = np.flatnonzero(gate)
    if len(open_):
        out[open_] = -special.ndtri(np.exp(-np.minimum(expected[open_], 690.0)))
    return out


def _peer_groups(people: People) -> tuple[int, np.ndarray]:
    """Peer groups (establishment and sex; new arrivals pooled with new arrivals): how many, and each person's."""
    new = people.days_in_custody < 28
    key = people.group * 2 + new.astype(np.int64)
    if len(key) and key.min() >= 0 and key.max() < 4 * len(key) + 1024:
        # Small non-negative codes (the usual case): the same numbering as np.unique, without sorting everyone.
        present = np.bincount(key) > 0
        return int(present.sum()), (np.cumsum(present) - 1)[key]
    groups, inverse = np.unique(key, return_inverse=True)
    return len(groups), inverse


def _peer_rates(groups: tuple[int, np.ndarray], n: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Pooled daily rate per peer group, per row of ``n`` ([rows, people]), as [rows, groups] (the overall rate for
    a group with under 280 person-days): a person's is ``rates[row][inverse]``, looked up only where needed."""
    count, inverse = groups
    totals = np.stack([np.bincount(inverse, weights=n[s], minlength=count) for s in range(n.shape[0])])
    day_totals = np.bincount(inverse, weights=days, minlength=count)
    overall = n.sum(axis=1) / max(days.sum(), 1.0)
    return np.asarray(np.where(day_totals >= 28 * 10, totals / np.maximum(day_totals, 1.0), overall[:, None]))


def _peer_trend(
    groups: tuple[int, np.ndarray],
    recent: np.ndarray,
    recent_days: np.ndarray,
    before: np.ndarray,
    before_days: np.ndarray,
) -> np.ndarray:
    """How much the peer group's rate changed ([rows, groups]): the pooled recent rate over the pooled rate before,
    where the rate before rests on at least 100 events and the recent one on 280 person-days (else 1, no change),
    within 0.05 to 4. A lockdown, a regime change or a
    broken feed moves a whole establishment at once: a person is then expected to move with their peers, and only
    a change beyond theirs is evidence about the person."""
    count, inverse = groups
    sums = [
        np.stack([np.bincount(inverse, weights=rows[s], minlength=count) for s in range(rows.shape[0])])
        for rows in (recent, before)
    ]
    days = [np.bincount(inverse, weights=d, minlength=count) for d in (recent_days, before_days)]
    rate_recent = sums[0] / np.maximum(days[0], 1.0)
    rate_before = sums[1] / np.maximum(days[1], 1.0)
    enough = (sums[1] >= 100) & (days[0] >= 280)  # (a recent count of 0 is a real trend: a lockdown)
    trend = np.where(enough, rate_recent / np.maximum(rate_before, 1e-12), 1.0)
    return np.asarray(np.clip(trend, 0.05, 4.0))


def _fitted_dispersion(n_by_slot: np.ndarray, d_base: np.ndarray, d_middle: np.ndarray) -> np.ndarray:
    """How much counts vary from day to day, per slot, fitted on the estate itself: the negative-binomial size per
    day (small: bursty, large: steady, 50 and over: as steady as chance alone) from how far each settled person's
    week before last strays from their baseline (method of moments over everyone with at least 8 weeks of baseline
    and a usual of one or more events a week). Most people are not changing, so this is the spread of an ordinary
    week; a few changing people only widen it (more cautious). NaN where fewer than 200 people have such data."""
    settled = (d_base >= 56) & (d_middle >= 7)
    out = np.full(n_by_slot.shape[0], np.nan)
    if settled.sum() < 200:
        return out
    base_days = d_base[settled]
    inflate = 1 + 7 / base_days  # the baseline's own uncertainty about the usual count
    for slot in range(n_by_slot.shape[0]):
        base = n_by_slot[slot, BASELINE, settled]
        mu = base / base_days * 7
        x = n_by_slot[slot, MIDDLE, settled]
        use = mu >= 1
        if use.sum() < 200:
            continue
        excess = ((x[use] - mu[use]) ** 2 - mu[use] * inflate[use]).sum()
        scale = (mu[use] ** 2 / 7 * inflate[use]).sum()
        out[slot] = 50.0 if excess <= 0 else float(np.clip(scale / excess, 0.3, 50.0))
    return out


def _heterogeneity(baseline: np.ndarray, days: np.ndarray) -> np.ndarray:
    """How alike people's usual rates are, per slot, as the shape of a gamma distribution of rates (large: alike,
    small: very different), from the people with four weeks or more of baseline: the spread of their rates less the
    part day-to-day chance explains (method of moments), within 0.3 to 50. A person's baseline is shrunk towards
    their peers by this many events' worth, so the more people differ, the more a person is judged on their own
    history."""
    settled = days >= 28
    out = np.full(baseline.shape[0], 50.0)
    if settled.sum() < 30:
        return np.full(baseline.shape[0], 2.0)
    rates = baseline[:, settled] / days[settled]
    mean = rates.mean(axis=1)
    spread = rates.var(axis=1)
    chance = mean * np.mean(1.0 / days[settled])  # the Poisson part of the spread of a rate over d days
    between = spread - chance
    known = (mean > 0) & (between > 0)
    out[known] = np.clip(mean[known] ** 2 / between[known], 0.3, 50.0)
    return out


def score(windows: Windows, people: People, config: Config) -> Result:
    """Colours, scores and the evidence behind them, for everyone at once."""
    n, t = windows.n, windows.t
    count = len(people)
    days_in = np.clip(people.days_in_custody.astype(float), 0, 10_000)
    d_recent = np.clip(days_in, 0, 7)
    d_middle = np.clip(days_in - 7, 0, 7)
    d_base = np.clip(days_in - 14, 0, LOOKBACK_DAYS - 14)
    all_days = d_recent + d_middle + d_base
    q = windows.q
    # Slot-major views ([slots, 3, people]), so each indicator reads contiguous rows: no copy for the windows
    # ``window_sums`` makes, which are stored that way.
    n_by_slot = np.ascontiguousarray(n.transpose(2, 0, 1))
    t_by_amount = np.ascontiguousarray(t.transpose(2, 0, 1))
    q_by_slot = np.ascontiguousarray(q.transpose(2, 0, 1))
    groups = _peer_groups(people)
    inverse = groups[1]
    # Peer rates per group (small tables), looked up per person only for the indicators and people scored.
    peer_n = _peer_rates(groups, n_by_slot.sum(axis=1), all_days)
    peer_t = _peer_rates(groups, t_by_amount.sum(axis=1), all_days)
    peer_q = _peer_rates(groups, q_by_slot.sum(axis=1), all_days)
    peer_unit = peer_q / np.maximum(peer_t, 1e-9)  # E[value^2] / E[value] of the peers, per amount slot and group
    # The peers' own change over the same windows (14 days against the baseline, 7 days against the 13 weeks
    # before), counts and amounts: a change the whole group shares is not evidence about one person.
    trend14_n = _peer_trend(
        groups, n_by_slot[:, RECENT] + n_by_slot[:, MIDDLE], d_recent + d_middle, n_by_slot[:, BASELINE], d_base
    )
    trend7_n = _peer_trend(
        groups, n_by_slot[:, RECENT], d_recent, n_by_slot[:, BASELINE] + n_by_slot[:, MIDDLE], d_base + d_middle
    )
    trend14_t = _peer_trend(
        groups, t_by_amount[:, RECENT] + t_by_amount[:, MIDDLE], d_recent + d_middle, t_by_amount[:, BASELINE], d_base
    )
    trend7_t = _peer_trend(
        groups, t_by_amount[:, RECENT], d_recent, t_by_amount[:, BASELINE] + t_by_amount[:, MIDDLE], d_base + d_middle
    )

    # Enough routine data to judge? Judged on the time before the recent week for people with a history, so a
    # recent drop is never mistaken for digital exclusion.
    routine_idx = list(ROUTINE_SLOTS)
    ref_days = np.where(d_base + d_middle >= 14, d_base + d_middle, all_days)
    routine = n_by_slot[routine_idx]  # [routine slots, 3, people]
    ref_counts = np.where(
        d_base + d_middle >= 14, (routine[:, BASELINE] + routine[:, MIDDLE]).sum(0), routine.sum(axis=(0, 1))
    )
    routine_per_week = np.where(ref_days > 0, ref_counts / np.maximum(ref_days, 1) * 7, 0.0)
    insufficient = (routine_per_week < config.min_routine_per_week) | (days_in < 1)
    new_arrival = days_in < config.new_arrival_days

    k = len(INDICATORS)
    # Indicator-major storage (each indicator writes one contiguous row), handed out as [people, indicators] views.
    contributions_rows = np.zeros((k, count))
    observed_rows = np.zeros((k, count))
    expected_rows = np.zeros((k, count))
    window_rows = np.full((k, count), 14)
    usual_rows = np.zeros((k, count))
    rise_total = np.zeros(count)
    shapes = _heterogeneity(n_by_slot[:, BASELINE], d_base)
    fitted = _fitted_dispersion(n_by_slot, d_base, d_middle)
    # Shared by every indicator scored for everyone: the days of each window and what a baseline is spread over.
    all_base_days, all_base_middle_days = d_base, d_base + d_middle
    all_recent_middle = d_recent + d_middle
    # Drop indicators' weights are scaled by 0.5 (new arrival) or 0 (no data for a self-service routine): exact
    # scalings, the same as scaling the weight first.
    scale = np.where(new_arrival, 0.5, 1.0)
    scale_self_service = np.where(insufficient, 0.0, scale)
    present_self_service = np.where(insufficient, 0.0, 1.0)
    withdrawal, withdrawal_weight = np.zeros(count), np.zeros(count)
    agitation, agitation_weight = np.zeros(count), np.zeros(count)
    combined_rows = np.zeros((k, count))
    for j, indicator in enumerate(INDICATORS):
        s = slot_of(indicator)
        ns = n_by_slot[s]  # [3, people], contiguous
        lower = indicator.direction == "drop"
        # (Every indicator is scored for everyone: a rise counts in the combined part wherever usual is something.)
        dr, di, base_days, base_middle_days, recent_middle = (
            d_recent,
            days_in,
            all_base_days,
            all_base_middle_days,
            all_recent_middle,
        )
        inv = inverse
        amount = indicator.measure == "amount"
        if amount:
            # An amount is a compound count: a number of events times values that vary. Counted in units of
            # E[value^2] / E[value] (the person's own, from their baseline; the peers' while they have fewer than
            # three events), a sum of values whose count is negative binomial is again close to negative binomial
            # with the same size: the person's own spread of values widens the tails, so a person whose calls vary
            # a lot in length needs a bigger drop before it counts.
            a_slot = int(AMOUNT_INDEX[s])
            ts_ = t_by_amount[a_slot]
            events = ns[BASELINE] + ns[MIDDLE]
            sum_t = ts_[BASELINE] + ts_[MIDDLE]
            unit = np.where(
                events >= 3,
                (q_by_slot[a_slot][BASELINE] + q_by_slot[a_slot][MIDDLE]) / np.maximum(sum_t, 1e-9),
                peer_unit[a_slot][inv],
            )
            unit = np.maximum(unit, 1e-6)
            rec, mid, base, prior = (
                ts_[RECENT] / unit,
                ts_[MIDDLE] / unit,
                ts_[BASELINE] / unit,
                peer_t[a_slot][inv] / unit,
            )
            trend14, trend7 = trend14_t[a_slot][inv], trend7_t[a_slot][inv]
        else:
            rec, mid, base, prior = ns[RECENT], ns[MIDDLE], ns[BASELINE], peer_n[s][inv]
            trend14, trend7 = trend14_n[s][inv], trend7_n[s][inv]
        # The person's usual rate, from their own baseline and their peers': the peers' rate counts as ``shape``
        # events' worth of history (how alike people are, see ``_heterogeneity``), so a long baseline speaks for
        # itself and a short one leans on the peers. What is still unknown about the person's rate widens the
        # expected spread (the sizes below), so a short history is never read as a sharp drop.
        shape = float(shapes[s])
        prior_days = shape / np.maximum(prior, 1e-9)
        base_mid = base + mid
        rate14 = (base + shape) / (base_days + prior_days)  # usual per day, before the last two weeks
        rate7 = (base_mid + shape) / (base_middle_days + prior_days)  # usual per day, before the last week
        mu14, x14 = rate14 * recent_middle * trend14, rec + mid
        mu7, x7 = rate7 * dr * trend7, rec
        # The sum of W days' counts, each negative binomial with size k, is negative binomial with size W x k.
        k_day = indicator.dispersion if np.isnan(fitted[s]) else float(fitted[s])
        # (The peers' trend counts as fewer or more days of ordinary activity: it scales the spread's size too.)
        size14 = 1 / (1 / np.maximum(k_day * recent_middle * trend14, 1e-9) + 1 / (shape + base))
        size7 = 1 / (1 / np.maximum(k_day * dr * trend7, 1e-9) + 1 / (shape + base_mid))
        if lower:  # a drop: fewer than usual, where usual is something
            gate14, gate7 = (x14 < mu14) & (mu14 >= 2), (x7 < mu7) & (mu7 >= 1.5)
        else:  # a rise: at least one event, and more than usual
            gate14, gate7 = (x14 >= 1) & (x14 > mu14), (x7 >= 1) & (x7 > mu7)
        # The combined part: this indicator's normal score over the last 14 days for everyone it applies to (a
        # drop: usual is at least one event; a rise: at least one recent event), added up per direction below.
        weight = config.weight(indicator)
        if lower:
            w_each = weight * (present_self_service if indicator.self_service else 1.0)
            applies = (mu14 >= 1) & (w_each > 0)
            z14 = np.clip(_normal_scores(x14, mu14, size14, lower, applies), -2, 4)
            withdrawal += w_each * z14
            withdrawal_weight += np.where(applies, w_each, 0.0) ** 2
            combined_rows[j] = w_each * np.maximum(z14, 0)
        else:
            # Only more than usual counts here (fewer complaints is no concern): a rise adds its normal score where
            # there is a recent event, and counts in the divisor where it applies to the person (they usually have
            # some, or have had one lately), so a rare event nobody has does not water down the others.
            z14 = np.clip(_normal_scores(x14, mu14, size14, lower, x14 >= 1), 0, 4)
            agitation += weight * z14
            agitation_weight += np.where((mu14 >= 1) | (x14 >= 1), weight, 0.0) ** 2
            combined_rows[j] = weight * z14
        e14 = np.where(gate14, np.clip(z14 - config.evidence_floor, 0, config.evidence_cap), 0.0)
        e7 = _evidence(x7, mu7, size7, lower, gate7, config)
        if indicator.code == "visits":
            # Days since the last social visit, against the usual rate: P(no visit in that many days).
            # Only for people who do get visits (two or more in their baseline).
            gap = np.minimum(np.minimum(windows.last_visit_lag - 1, di), LOOKBACK_DAYS)
            visited = base_mid >= 2
            gap_evidence = _gap_evidence(rate7 * gap, (gap > 7) & visited)
            e14 = np.maximum(e14, np.clip(gap_evidence - config.evidence_floor, 0, config.evidence_cap))
        use14 = e14 >= e7
        evidence = np.where(use14, e14, e7)
        if lower:
            # No personal routine yet, or no data for this routine: a low count is not evidence of a change.
            row = contributions_rows[j]
            np.multiply(evidence, weight, out=row)
            row *= scale_self_service if indicator.self_service else scale
            for rows, long, short in (
                (observed_rows, x14, x7),
                (expected_rows, mu14, mu7),
                (usual_rows, rate14, rate7),
            ):
                row = rows[j]
                np.copyto(row, short)
                np.copyto(row, long, where=use14)
                if amount:
                    row *= unit
            window_rows[j][~use14] = 7
        else:
            part = evidence * weight
            contributions_rows[j] = part
            if not indicator.self_service:
                rise_total += part
            multiplier = unit if amount else 1.0
            observed_rows[j] = np.where(use14, x14, x7) * multiplier
            expected_rows[j] = np.where(use14, mu14, mu7) * multiplier
            window_rows[j] = np.where(use14, 14, 7)
            usual_rows[j] = np.where(use14, rate14, rate7) * multiplier
    # Two ways a routine changes before a crisis, both scored: withdrawal (the drop indicators) and agitation or
    # help-seeking (the rise indicators). Each is a weighted sum of normal scores over the indicators that apply
    # to the person, divided by the root of the sum of squared weights (Stouffer's method): under no change it is
    # a standard normal score whatever the number of indicators, and several moderate changes in one direction add
    # up to a large one. Beside it, a share of the single-indicator evidence keeps a collapse of one routine (no
    # visits, segregation) weighing on its own.
    # (A new arrival's drops count at half weight, as in the evidence: there is no routine to change yet.)
    withdrawal_score = scale * withdrawal / np.sqrt(np.maximum(withdrawal_weight, 1e-9))
    agitation_score = agitation / np.sqrt(np.maximum(agitation_weight, 1e-9))
    withdrawn = withdrawal_score >= agitation_score
    combined = np.maximum(np.maximum(withdrawal_score, agitation_score), 0.0)
    # Staff-recorded events (segregation, adjudications, refusals, cell moves...) are rare and serious: their
    # evidence counts in full; the everyday routines' single-indicator evidence counts at ``single_share``.
    recorded = np.array([i.direction == "rise" and not i.self_service for i in INDICATORS])
    shares = np.where(recorded, config.recorded_share, config.single_share)[:, None]
    single = (shares * contributions_rows).sum(axis=0)
    # What each indicator added, for the reasons: its share of the combined score in the winning direction and of
    # the single-indicator evidence.
    drop_rows = np.array([i.direction == "drop" for i in INDICATORS])
    share = np.where(
        drop_rows[:, None] & withdrawn[None, :],
        scale * combined_rows / np.sqrt(np.maximum(withdrawal_weight, 1e-9)),
        np.where(
            ~drop_rows[:, None] & ~withdrawn[None, :], combined_rows / np.sqrt(np.maximum(agitation_weight, 1e-9)), 0.0
        ),
    )
    contributions_rows = share * (combined > 0) + shares * contributions_rows
    rise_total = config.recorded_share * rise_total
    contributions, observed, expected = contributions_rows.T, observed_rows.T, expected_rows.T
    window, usual = window_rows.T, usual_rows.T

    static = 1 + (
        STATIC_FACTORS["previous_self_harm"] * people.previous_self_harm
        + STATIC_FACTORS["remand"] * people.remand
        + STATIC_FACTORS["first_time"] * people.first_time
        + STATIC_FACTORS["early_days"] * (days_in < 30)
    )
    if people.triggers is not None:
        for name, bit in TRIGGER_BITS.items():
            static = static + STATIC_FACTORS[name] * ((people.triggers & bit) > 0)
    static = np.minimum(static, config.static_cap)
    dynamic = combined + single
    total = dynamic * static  # static factors scale evidence of change; alone they never flag anyone

    # Worked out as small integer levels (0 green, 1 amber, 2 red, 3 insufficient data), named at the end:
    # comparing integers is much cheaper than comparing strings in an object array.
    level = (total >= config.amber_threshold).astype(np.int8) + (total >= config.red_threshold)
    # A new arrival is never red for lack of a routine: only staff-recorded events (segregation, adjudications,
    # refusals...) can make them red.
    demote = new_arrival & (level == 2) & (rise_total * static < config.red_threshold)
    level[demote] = 1
    _apply_budget(level, total, people.establishment, config, people.days_in_custody >= 0)
    level[insufficient & (level == 0)] = 3
    colour = COLOUR_NAMES[level]
    return Result(
        colour=colour,
        score=total,
        contributions=contributions,
        observed=observed,
        expected=expected,
        window=window,
        usual_rate=usual,
        static=static,
        insufficient=insufficient,
        routine_per_week=routine_per_week,
    )


COLOUR_NAMES = np.array(["green", "amber", "red", "insufficient_data"], dtype=object)


def _apply_budget(
    level: np.ndarray, total: np.ndarray, establishment: np.ndarray, config: Config, present: np.ndarray
) -> None:
    """Per establishment, at most ``ceiling_factor`` times the budgeted share of people is red (then amber): the
    highest scores keep their colour and the rest move down one step, so the list stays one staff can act on.
    The thresholds, not this ceiling, are what keep a stable population within the budget."""
    # Count per establishment first (one bincount each): only an establishment over its ceiling (rare) is looked at
    # person by person. Red is settled everywhere before amber, which is the same as red then amber per place.
    place, places = _small_codes(establishment)
    size = np.bincount(place, weights=present, minlength=places)
    for high, budget in ((2, config.red_budget_per_100), (1, config.amber_budget_per_100)):
        allowed = np.ceil(config.ceiling_factor * budget * size / 100)
        at_level = level == high
        over = np.flatnonzero(np.bincount(place[at_level], minlength=places) > allowed)
        for code in over:
            flagged = np.flatnonzero(at_level & (place == code))
            order = flagged[np.argsort(-total[flagged], kind="stable")]
            level[order[int(allowed[code]) :]] = high - 1


def _small_codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Integer codes as small non-negative numbers (themselves when they already are), and how many there are."""
    if len(values) and values.min() >= 0 and values.max() < 4 * len(values) + 1024:
        return values.astype(np.intp, copy=False), int(values.max()) + 1
    codes, inverse = np.unique(values, return_inverse=True)
    return inverse.astype(np.intp, copy=False), len(codes)
